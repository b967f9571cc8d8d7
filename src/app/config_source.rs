//! Where the request's config comes from: a KV key named by a deployment setting (read
//! through instance memory and the platform cache, see `config_store`), or the bundled
//! default when no key is set.

use super::config_store::{self, Via};
use super::prepared::{self, LoadedConfig};
use crate::error::AppError;
use crate::Bundle;
use std::rc::Rc;
use tailor_config::Config;
use tailor_platform::Platform;

/// The setting naming the KV key that holds the config document.
pub(super) const CONFIG_KEY_SETTING: &str = "config_key";
/// The setting naming the KV store that holds it (default `tailor_kv`).
pub(super) const CONFIG_STORE_SETTING: &str = "config_kv_store";
const DEFAULT_CONFIG_STORE: &str = "tailor_kv";
/// How long an instance that outlives its request keeps a parsed config: a published change
/// shows within this (plus KV's own propagation).
const CONFIG_MEMORY_TTL_MS: f64 = 30_000.0;

/// Where the config in force was read from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ConfigSource {
    /// A KV key named by the `config_key` setting.
    Kv {
        /// The KV store (`config_kv_store`, default `tailor_kv`).
        store: String,
        /// The key holding the config document.
        key: String,
        /// The layer it was read from.
        via: Via,
    },
    /// The bundled default, used when no `config_key` is set.
    Bundled,
}

/// Loads and validates the config. A deployed config that is missing or invalid, with no
/// last good copy of it to serve, is an operator error (500 naming the field), never a
/// fallback to the bundle: serving the demo config in production would be worse than
/// failing loudly.
pub async fn load_config<P: Platform>(
    platform: &P,
    bundle: &Bundle,
) -> Result<(LoadedConfig, ConfigSource), AppError> {
    let setting_failed =
        |e: tailor_platform::PlatformError| AppError::Config(format!("settings unavailable: {e}"));
    let Some(key) = platform
        .setting(CONFIG_KEY_SETTING)
        .await
        .map_err(setting_failed)?
    else {
        let config = match prepared::config_for(bundle.config_json.as_bytes()) {
            Some(config) => LoadedConfig::Prepared(config),
            None => LoadedConfig::Parsed(match cached(platform, "config/bundled") {
                Some(config) => config,
                None => keep(
                    platform,
                    "config/bundled",
                    Config::from_json(bundle.config_json.as_bytes()),
                )?,
            }),
        };
        return Ok((config, ConfigSource::Bundled));
    };
    let store = platform
        .setting(CONFIG_STORE_SETTING)
        .await
        .map_err(setting_failed)?
        .unwrap_or_else(|| DEFAULT_CONFIG_STORE.into());
    let memo_key = format!("config/{store}/{key}");
    if let Some(config) = cached(platform, &memo_key) {
        let via = Via::Memory;
        let config = LoadedConfig::Parsed(config);
        return Ok((config, ConfigSource::Kv { store, key, via }));
    }
    let (config, via) = config_store::read(platform, &store, &key).await?;
    // The prepared config needs no memo (it is the instance's already), a last good copy
    // must not outlive the retry of KV.
    if let (LoadedConfig::Parsed(parsed), Some(memo)) = (&config, platform.memo()) {
        if via != Via::LastGood {
            memo.put(&memo_key, Rc::clone(parsed), platform.now_ms());
        }
    }
    Ok((config, ConfigSource::Kv { store, key, via }))
}

/// The config remembered under `memo_key`, if fresh.
fn cached<P: Platform>(platform: &P, memo_key: &str) -> Option<Rc<Config>> {
    platform
        .memo()?
        .get::<Config>(memo_key, platform.now_ms(), CONFIG_MEMORY_TTL_MS)
}

/// A freshly parsed config, remembered when the instance outlives the request.
fn keep<P: Platform>(
    platform: &P,
    memo_key: &str,
    parsed: Result<Config, tailor_config::ConfigError>,
) -> Result<Rc<Config>, AppError> {
    let config = Rc::new(parsed?);
    if let Some(memo) = platform.memo() {
        memo.put(memo_key, Rc::clone(&config), platform.now_ms());
    }
    Ok(config)
}

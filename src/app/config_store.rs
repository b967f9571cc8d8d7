//! A KV config through the platform cache: the cache holds it compiled (validated once, when
//! KV was read, and read without parsing JSON), KV is read when the cache has no fresh copy,
//! and when the KV copy is missing, unreadable or refused the last one that loaded serves.
//! KV may hold either form: JSON (compiled here) or compiled by `tailor check --compile`.

use super::cache_store::{self, Lifetime};
use super::prepared::{self, LoadedConfig};
use crate::error::AppError;
use std::rc::Rc;
use tailor_config::compiled::{is_compiled, named_digest, without_json};
use tailor_config::Config;
use tailor_core::cache_key::{cache_key, platform_key, KeyParts};
use tailor_core::hex::{lower_hex, parse_lower_hex};
use tailor_platform::{stored_header, CachedObject, Platform, PlatformError};

/// A config document larger than this is refused before it is read (a compiled one carries
/// its JSON as well).
pub(super) const MAX_CONFIG_BYTES: usize = 1024 * 1024;
/// How long the platform cache serves a config before KV is asked again, and how long past
/// that a stale copy serves while one request refreshes it: a publish shows within this
/// (plus KV's own propagation), or at once after purging `config`.
const CACHE_TTL_SECONDS: u32 = 30;
/// The live copy's header naming its document's digest (lowercase hex): an instance that
/// prepared that very document serves it without reading the copy's body.
const DIGEST_HEADER: &str = "x-tailor-config-digest";
/// How long the last config that loaded is kept as the fallback.
const LAST_GOOD_TTL_SECONDS: u32 = 7 * 86_400;

/// Which layer a KV config came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Via {
    /// Instance memory (hosts whose instances outlive a request).
    Memory,
    /// The platform cache's compiled copy.
    Cache,
    /// KV itself.
    Kv,
    /// The last copy that loaded, because the live one did not.
    LastGood,
}

impl Via {
    /// The name debug responses show.
    pub fn name(self) -> &'static str {
        match self {
            Self::Memory => "memory",
            Self::Cache => "cache",
            Self::Kv => "kv",
            Self::LastGood => "last-good",
        }
    }
}

/// The config under `key` in `store`, and where it came from.
pub(super) async fn read<P: Platform>(
    platform: &P,
    store: &str,
    key: &str,
) -> Result<(LoadedConfig, Via), AppError> {
    let live = KeyParts::Config { store, key };
    let live_key = platform_key(&cache_key(&live));
    let mut entry = cache_store::lookup_headers_first(platform, live_key, &|headers| {
        names_prepared(headers).is_some()
    })
    .await;
    if !entry.must_fill() {
        if let Some(hit) = entry.object.take() {
            // The copy of the document this instance prepared: its header says so, and its
            // body was left unread.
            if let Some(config) = names_prepared(&hit.headers) {
                return Ok((LoadedConfig::Prepared(config), Via::Cache));
            }
            match from_cache(&hit.body) {
                Ok(config) => return Ok((config, Via::Cache)),
                // Written by another build, say: KV is read and the copy replaced.
                Err(e) => refused(platform, store, key, "cache", &e.to_string()),
            }
        }
    }
    match from_kv(platform, store, key).await {
        Ok((config, compiled)) => {
            // The live copy without the JSON it carries: a third of the bytes to read per
            // request. The last good copy keeps it, for a build that reads another format.
            let lean = without_json(&compiled).unwrap_or_else(|_| compiled.to_vec());
            let headers = named_digest(&compiled)
                .map(|digest| vec![(DIGEST_HEADER.into(), lower_hex(&digest))])
                .unwrap_or_default();
            let object = CachedObject {
                headers,
                body: lean,
            };
            let live_lifetime = Lifetime {
                ttl_seconds: CACHE_TTL_SECONDS,
                stale_while_revalidate_seconds: CACHE_TTL_SECONDS,
            };
            entry.store(&live, &object, live_lifetime).await;
            let object = CachedObject {
                headers: Vec::new(),
                body: compiled.to_vec(),
            };
            let last_good = KeyParts::LastGoodConfig { store, key };
            let lifetime = Lifetime {
                ttl_seconds: LAST_GOOD_TTL_SECONDS,
                stale_while_revalidate_seconds: 0,
            };
            let last_good_key = platform_key(&cache_key(&last_good));
            cache_store::store(platform, &last_good_key, &last_good, &object, lifetime).await;
            Ok((config, Via::Kv))
        }
        Err(problem) => {
            refused(platform, store, key, "kv", &problem.to_string());
            // The live entry's fill is given up, so the next request asks KV again.
            drop(entry);
            match last_good(platform, store, key).await {
                Some(config) => Ok((config, Via::LastGood)),
                None => Err(problem),
            }
        }
    }
}

/// The prepared config, when a cached copy's headers name its document.
fn names_prepared(headers: &[(String, String)]) -> Option<&'static Config> {
    let digest_hex = stored_header(headers, DIGEST_HEADER)?;
    prepared::config_named(parse_lower_hex(digest_hex)?)
}

/// A compiled copy this instance can serve: the prepared config when the copy names its
/// document (no need to read the rest), else the copy read and validated.
fn from_cache(compiled: &[u8]) -> Result<LoadedConfig, tailor_config::ConfigError> {
    if let Some(config) = named_digest(compiled).and_then(prepared::config_named) {
        return Ok(LoadedConfig::Prepared(config));
    }
    Config::from_compiled(compiled).map(|(config, _)| LoadedConfig::Parsed(Rc::new(config)))
}

/// The KV copy, loaded, with this build's compiled form of it.
async fn from_kv<P: Platform>(
    platform: &P,
    store: &str,
    key: &str,
) -> Result<(LoadedConfig, Rc<[u8]>), AppError> {
    let bytes = platform
        .kv_get(store, key, MAX_CONFIG_BYTES)
        .await
        .map_err(|e| match e {
            PlatformError::TooLarge { .. } => AppError::Config(format!(
                "config key '{key}' is over the {MAX_CONFIG_BYTES}-byte limit"
            )),
            e => AppError::Config(format!("config store '{store}' unavailable: {e}")),
        })?
        .ok_or_else(|| {
            AppError::Config(format!(
                "config key '{key}' is missing from KV store '{store}'"
            ))
        })?;
    // The bundled document itself, as the demo publishes it: nothing to parse.
    if let Some(config) = prepared::config_for(&bytes) {
        if let Some(compiled) = prepared::compiled_of(config) {
            return Ok((LoadedConfig::Prepared(config), compiled));
        }
    }
    let (config, compiled) = Config::compile_document(&bytes)?;
    if is_compiled(&bytes) && compiled != bytes {
        let line = serde_json::json!({
            "level": "warn", "event": "config_recompiled", "store": store, "key": key,
            "detail": "compiled by another build: read from the JSON it carries; recompile it with this build",
        });
        platform.log(super::LOG_ENDPOINT, &line.to_string());
    }
    // A copy of the bundled document serves the prepared config, its templates compiled.
    let config = match prepared::config_named(config.digest()) {
        Some(prepared) => LoadedConfig::Prepared(prepared),
        None => LoadedConfig::Parsed(Rc::new(config)),
    };
    Ok((config, compiled.into()))
}

/// The last config of this key that loaded, if the cache still has it.
async fn last_good<P: Platform>(platform: &P, store: &str, key: &str) -> Option<LoadedConfig> {
    let parts = KeyParts::LastGoodConfig { store, key };
    let mut entry = cache_store::lookup(platform, platform_key(&cache_key(&parts))).await;
    let hit = entry.object.take()?;
    from_cache(&hit.body).ok()
}

fn refused<P: Platform>(platform: &P, store: &str, key: &str, layer: &str, detail: &str) {
    let line = serde_json::json!({
        "level": "error", "event": "config_refused", "store": store, "key": key,
        "layer": layer, "detail": detail,
    });
    platform.log(super::LOG_ENDPOINT, &line.to_string());
}

//! The arm weights a bandit writes next to the config (`experiments/weights` in the KV store
//! the config comes from), read without a redeploy: from instance memory (hosts whose
//! instances outlive a request keep it as long as the config), else one bounded KV read. A
//! missing key, an outage or a refused document leaves the config's own weights.

use super::config_source::ConfigSource;
use std::rc::Rc;
use tailor_config::{parse_weights, Allocation, Config, MAX_WEIGHTS_BYTES, WEIGHTS_KEY};
use tailor_platform::{Platform, PlatformError};

/// As long as a parsed config is kept: new weights show within this (plus KV propagation).
const MEMORY_TTL_MS: f64 = 30_000.0;

/// The allocation in force, or `None` for the config's weights.
pub(super) async fn read<P: Platform>(
    config: &Config,
    source: &ConfigSource,
    platform: &P,
) -> Option<Rc<Allocation>> {
    let store = match source {
        ConfigSource::Kv { store, .. } => store.as_str(),
        ConfigSource::Bundled => config.stores.kv.as_str(),
    };
    // Parsed against this config's experiments: a new config parses the weights again.
    let memo_key = format!("weights/{store}/{}", config.version());
    let memo = platform.memo();
    if let Some(kept) = memo
        .as_ref()
        .and_then(|m| m.get::<Option<Rc<Allocation>>>(&memo_key, platform.now_ms(), MEMORY_TTL_MS))
    {
        return kept.as_ref().clone();
    }
    let allocation = match platform.kv_get(store, WEIGHTS_KEY, MAX_WEIGHTS_BYTES).await {
        Ok(Some(bytes)) => match parse_weights(&bytes, &config.experiments) {
            Ok(weights) => {
                for warning in &weights.warnings {
                    log(platform, "warn", warning);
                }
                Some(Rc::new(weights.allocation))
            }
            Err(e) => {
                log(
                    platform,
                    "error",
                    &format!("{e}; the config's weights serve"),
                );
                None
            }
        },
        Ok(None) => None,
        Err(e @ PlatformError::TooLarge { .. }) => {
            let detail = format!("'{WEIGHTS_KEY}' refused: {e}; the config's weights serve");
            log(platform, "error", &detail);
            None
        }
        Err(e) => {
            let detail = format!("'{WEIGHTS_KEY}' unavailable: {e}; the config's weights serve");
            log(platform, "warn", &detail);
            None
        }
    };
    if let Some(memo) = memo {
        memo.put(&memo_key, Rc::new(allocation.clone()), platform.now_ms());
    }
    allocation
}

fn log<P: Platform>(platform: &P, level: &str, detail: &str) {
    let line = serde_json::json!({"level": level, "event": "experiment_weights", "detail": detail});
    platform.log(super::LOG_ENDPOINT, &line.to_string());
}

//! Writes to the platform cache: an object under its platform key, tagged with the surrogate
//! keys of what it depends on. A failed write is logged and never fails the request — the
//! response is already made, and the next request simply misses.

use tailor_core::cache_key::{surrogate_keys, KeyParts};
use tailor_platform::{CacheWrite, CachedObject, Platform};

/// How long an entry is fresh, and how long past that it may be served stale.
#[derive(Debug, Clone, Copy)]
pub struct Lifetime {
    pub ttl_seconds: u32,
    pub stale_while_revalidate_seconds: u32,
}

pub async fn store<P: Platform>(
    platform: &P,
    platform_key: &str,
    parts: &KeyParts<'_>,
    object: &CachedObject,
    lifetime: Lifetime,
) {
    let write = CacheWrite {
        ttl_seconds: lifetime.ttl_seconds,
        stale_while_revalidate_seconds: lifetime.stale_while_revalidate_seconds,
        surrogate_keys: surrogate_keys(parts),
    };
    if let Err(e) = platform.cache_insert(platform_key, object, &write).await {
        let line = serde_json::json!({
            "level": "warn", "event": "cache_insert_failed",
            "key": platform_key, "detail": e.to_string(),
        });
        platform.log(super::LOG_ENDPOINT, &line.to_string());
    }
}

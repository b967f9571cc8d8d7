//! The Workers Cache API as the platform cache: entries keyed by a synthetic URL, each stored
//! as a response whose header [`META`] carries the object's own headers and lifetimes.

use crate::body::CloudflareBody;
use tailor_platform::{CacheLookup, CacheWrite, CachedObject, PlatformError, UnreadBody};
use worker::{Cache, Headers, Response};

/// The synthetic origin of cache-key URLs: the Cache API is keyed by URL.
const CACHE_URL: &str = "https://tailor.cache.invalid/";
/// Where a stored object's own headers, stored time, TTL and stale window travel.
const META: &str = "x-tailor-cache-meta";

/// The [`META`] header's content: the object's headers, when it was stored (ms), TTL, stale window.
type Meta = (Vec<(String, String)>, f64, u32, u32);

fn cache_error(e: impl std::fmt::Display) -> PlatformError {
    PlatformError::Other(e.to_string())
}

/// The entry under `key` at `now_ms`, its body read, or with `unread_ok` left as the runtime's
/// stream for the client's response (when the stored response says its length). No request
/// collapsing in the Cache API: every stale or missing lookup refreshes.
pub(crate) async fn lookup(
    key: &str,
    now_ms: f64,
    unread_ok: bool,
) -> Result<(CacheLookup, Option<UnreadBody<CloudflareBody>>), PlatformError> {
    let miss = CacheLookup {
        must_fill: true,
        ..CacheLookup::default()
    };
    let Some(mut hit) = Cache::default()
        .get(format!("{CACHE_URL}{key}"), false)
        .await
        .map_err(cache_error)?
    else {
        return Ok((miss, None));
    };
    let meta: Option<Meta> = hit
        .headers()
        .get(META)
        .ok()
        .flatten()
        .and_then(|m| serde_json::from_str(&m).ok());
    let Some((headers, stored_ms, ttl, swr)) = meta else {
        return Ok((miss, None));
    };
    let age_s = (now_ms - stored_ms) / 1000.0;
    if age_s >= f64::from(ttl) + f64::from(swr) {
        return Ok((miss, None));
    }
    let length = hit
        .headers()
        .get("content-length")
        .ok()
        .flatten()
        .and_then(|n| n.parse::<u64>().ok());
    let (body, unread) = match length {
        Some(length) if unread_ok => {
            let body = CloudflareBody::of(&hit, None);
            (Vec::new(), Some(UnreadBody { body, length }))
        }
        _ => (hit.bytes().await.map_err(cache_error)?, None),
    };
    let stale = age_s >= f64::from(ttl);
    let lookup = CacheLookup {
        object: Some(CachedObject { headers, body }),
        stale,
        must_fill: stale,
    };
    Ok((lookup, unread))
}

/// Stores `object` under `key`, kept by the Cache API for its TTL and stale window together.
pub(crate) async fn insert(
    key: &str,
    object: &CachedObject,
    write: &CacheWrite,
    now_ms: f64,
) -> Result<(), PlatformError> {
    let meta = serde_json::json!([
        object.headers,
        now_ms,
        write.ttl_seconds,
        write.stale_while_revalidate_seconds
    ]);
    let headers = Headers::new();
    let lifetime = write.ttl_seconds + write.stale_while_revalidate_seconds;
    let stored = [
        ("cache-control", format!("public, max-age={lifetime}")),
        (META, meta.to_string()),
        ("cache-tag", write.surrogate_keys.join(",")),
    ];
    for (name, value) in stored {
        headers.set(name, &value).map_err(cache_error)?;
    }
    let response = Response::from_bytes(object.body.clone())
        .map_err(cache_error)?
        .with_headers(headers);
    Cache::default()
        .put(format!("{CACHE_URL}{key}"), response)
        .await
        .map_err(cache_error)
}

//! The Workers Cache API as the platform cache: entries keyed by a synthetic URL, each stored
//! as a response whose header [`META`] carries the object's own headers and lifetimes. Every
//! call is bounded in time: the Cache API is a service the isolate waits on, and a lookup or
//! write it does not answer is given up (a miss, an entry not stored) rather than left to hold
//! the response.

use crate::body::CloudflareBody;
use futures_util::future::{select, Either};
use std::future::Future;
use std::time::Duration;
use tailor_platform::{CacheLookup, CacheWrite, CachedObject, PlatformError, UnreadBody};
use worker::{Cache, Delay, Headers, Response};

/// How long a lookup (its body included, unless it goes to the client unread) or a write may
/// take, unless the var `cache_timeout_ms` says otherwise: far beyond what a 50 MB original
/// takes (~0.1 s in workerd), short of a client giving up.
pub(crate) const CACHE_TIMEOUT_MS: u64 = 10_000;

/// The synthetic origin of cache-key URLs: the Cache API is keyed by URL.
const CACHE_URL: &str = "https://tailor.cache.invalid/";
/// Where a stored object's own headers, stored time, TTL and stale window travel.
const META: &str = "x-tailor-cache-meta";

/// The [`META`] header's content: the object's headers, when it was stored (ms), TTL, stale window.
type Meta = (Vec<(String, String)>, f64, u32, u32);

fn cache_error(e: impl std::fmt::Display) -> PlatformError {
    PlatformError::Other(e.to_string())
}

/// `work`, or an error once `limit` has passed without it finishing (it is then dropped). A
/// limit of zero gives the call up before it starts (the Cache API switched off): the runtime
/// may answer an in-process call before a timer of zero fires, so only that is certain.
async fn within<T>(
    limit: Duration,
    what: &str,
    work: impl Future<Output = Result<T, PlatformError>>,
) -> Result<T, PlatformError> {
    let given_up = || {
        PlatformError::Other(format!(
            "the Cache API did not answer the {what} within {} ms",
            limit.as_millis()
        ))
    };
    if limit.is_zero() {
        return Err(given_up());
    }
    match select(std::pin::pin!(work), Delay::from(limit)).await {
        Either::Left((done, _)) => done,
        Either::Right(_) => Err(given_up()),
    }
}

/// [`find`] within `limit`.
pub(crate) async fn lookup(
    key: &str,
    now_ms: f64,
    unread_ok: bool,
    limit: Duration,
) -> Result<(CacheLookup, Option<UnreadBody<CloudflareBody>>), PlatformError> {
    within(limit, "lookup", find(key, now_ms, unread_ok)).await
}

/// [`put`] within `limit`.
pub(crate) async fn insert(
    key: &str,
    object: &CachedObject,
    write: &CacheWrite,
    now_ms: f64,
    limit: Duration,
) -> Result<(), PlatformError> {
    within(limit, "write", put(key, object, write, now_ms)).await
}

/// The entry under `key` at `now_ms`, its body read, or with `unread_ok` left as the runtime's
/// stream for the client's response (when the stored response says its length). No request
/// collapsing in the Cache API: every stale or missing lookup refreshes.
async fn find(
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
async fn put(
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

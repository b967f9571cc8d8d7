//! Originals for the image route: read through the platform cache, fetched from the origin on
//! a miss and kept as long as the origin's `Cache-Control` allows (at most
//! `cache.original_ttl_seconds`), tagged with the image's path so a purge of the path drops
//! the original with its variants. What the origin allowed travels with the original (kept
//! with it in the cache), so its variants are never cached longer or wider than it.

use super::cache_store::{self, Lifetime};
use super::context::RequestContext;
use super::variant_caching::OriginAllowance;
use crate::error::AppError;
use tailor_core::cache_key::{cache_key, platform_key, KeyParts};
use tailor_core::origin_ttl::OriginPolicy;
use tailor_platform::{
    read_to_end_limited, BodyError, CachedObject, OriginRequest, Platform, PlatformError,
};

/// Stored with a kept original: the origin's `Cache-Control`, and when (ms since the epoch)
/// the origin's response was new, so its age is known on the next read.
const ORIGIN_CACHE_CONTROL: &str = "origin-cache-control";
const ORIGIN_DATE_MS: &str = "origin-date-ms";

/// An original's bytes, where they came from (`cache` or `origin`) and what the origin
/// allows caches to do with it.
pub(super) struct Original {
    pub bytes: Vec<u8>,
    pub source: &'static str,
    pub origin: OriginAllowance,
}

/// The original at `path`, timed as `original` (from the cache) or `fetch` (from the origin).
pub(super) async fn read<P: Platform>(
    ctx: &RequestContext<'_>,
    platform: &P,
    path: &str,
) -> Result<Original, AppError> {
    let parts = KeyParts::Original { path };
    let key = platform_key(&cache_key(&parts));
    let max_ttl = ctx.config.cache.original_ttl_seconds;
    let kept = max_ttl > 0 && !ctx.bypass_cache;
    let start = platform.now_ms();
    // Concurrent misses of one original wait for one fetch; every path below that does not
    // store drops the entry, which releases them.
    let mut entry = if kept {
        cache_store::lookup(platform, key).await
    } else {
        cache_store::unlooked(platform, key)
    };
    let limit = ctx.config.limits.max_input_bytes;
    let usable = entry
        .object
        .take()
        .filter(|o| !entry.stale && o.body.len() <= limit);
    if let Some(object) = usable {
        ctx.time("original", platform.now_ms() - start);
        let origin = allowance(&object.headers, platform.now_ms());
        return Ok(Original {
            bytes: object.body,
            source: "cache",
            origin,
        });
    }
    let fetched = fetch(ctx, platform, path).await?;
    let origin = OriginAllowance {
        policy: OriginPolicy::parse(fetched.cache_control.as_deref()),
        age_seconds: fetched.age_seconds,
    };
    let keep = kept
        .then(|| origin.policy.keep_seconds(origin.age_seconds, max_ttl))
        .flatten();
    let Some(ttl) = keep else {
        return Ok(Original {
            bytes: fetched.bytes,
            source: "origin",
            origin,
        });
    };
    let date_ms = platform.now_ms() - f64::from(origin.age_seconds) * 1000.0;
    let mut headers = vec![(ORIGIN_DATE_MS.to_owned(), format!("{date_ms:.0}"))];
    if let Some(cache_control) = fetched.cache_control {
        headers.push((ORIGIN_CACHE_CONTROL.to_owned(), cache_control));
    }
    let object = CachedObject {
        headers,
        body: fetched.bytes,
    };
    let lifetime = Lifetime {
        ttl_seconds: ttl,
        stale_while_revalidate_seconds: 0,
    };
    entry.store(&parts, &object, lifetime).await;
    Ok(Original {
        bytes: object.body,
        source: "origin",
        origin,
    })
}

/// What the origin allowed for a kept original, from what was stored with it. An entry
/// stored without it (by an older version) counts as unrestricted and new.
fn allowance(stored: &[(String, String)], now_ms: f64) -> OriginAllowance {
    let get = |name: &str| {
        stored
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    };
    let age_ms = get(ORIGIN_DATE_MS)
        .and_then(|v| v.parse::<f64>().ok())
        .map_or(0.0, |date_ms| (now_ms - date_ms).max(0.0));
    OriginAllowance {
        policy: OriginPolicy::parse(get(ORIGIN_CACHE_CONTROL)),
        age_seconds: (age_ms / 1000.0).min(f64::from(u32::MAX)) as u32,
    }
}

/// An original as the origin sent it: its bytes, `Cache-Control` and `Age`.
struct Fetched {
    bytes: Vec<u8>,
    cache_control: Option<String>,
    age_seconds: u32,
}

/// The original from the origin, past the platform's own HTTP cache (Tailor keeps originals
/// itself, tagged).
async fn fetch<P: Platform>(
    ctx: &RequestContext<'_>,
    platform: &P,
    path: &str,
) -> Result<Fetched, AppError> {
    let start = platform.now_ms();
    let request = OriginRequest {
        path: format!("/{path}"),
        headers: vec![("accept".into(), "image/*".into())],
        pass: true,
    };
    let backend = &ctx.config.stores.origin_backend;
    let mut response = platform
        .fetch(backend, request)
        .await
        .map_err(origin_error)?;
    match response.status {
        200..=299 => {}
        404 | 410 => {
            return Err(AppError::NotFound(format!(
                "the origin has no image at '{path}'"
            )))
        }
        status => {
            return Err(AppError::OriginFailed(format!(
                "the origin answered {status} for '{path}'"
            )))
        }
    }
    let header = |name: http::HeaderName| {
        response
            .headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
    };
    let cache_control = header(http::header::CACHE_CONTROL);
    // Time an upstream cache already kept it counts against its lifetime.
    let age_seconds = header(http::header::AGE)
        .and_then(|v| v.trim().parse::<u64>().ok())
        .map_or(0, |age| u32::try_from(age).unwrap_or(u32::MAX));
    let hint = header(http::header::CONTENT_LENGTH).and_then(|v| v.parse::<usize>().ok());
    let limit = ctx.config.limits.max_input_bytes;
    let bytes = read_to_end_limited(&mut response.body, limit, hint)
        .await
        .map_err(|e| match e {
            BodyError::TooLarge { limit } => AppError::TooLarge(format!(
                "the original is larger than the {limit}-byte input limit"
            )),
            BodyError::NoMemory { bytes } => {
                AppError::TooLarge(format!("no memory is left for the {bytes}-byte original"))
            }
            BodyError::Read(e) => origin_error(e),
        })?;
    ctx.time("fetch", platform.now_ms() - start);
    Ok(Fetched {
        bytes,
        cache_control,
        age_seconds,
    })
}

pub(super) fn origin_error(error: PlatformError) -> AppError {
    match error {
        PlatformError::Timeout => {
            AppError::OriginTimeout("the origin did not answer in time".into())
        }
        other => AppError::OriginFailed(format!("the origin could not be reached: {other}")),
    }
}

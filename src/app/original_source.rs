//! Originals for the image route: read through the platform cache, fetched from the origin on
//! a miss and kept as long as the origin's `Cache-Control` allows (at most
//! `cache.original_ttl_seconds`), tagged with the image's path so a purge of the path drops
//! the original with its variants.

use super::cache_store::{self, Lifetime};
use super::context::RequestContext;
use crate::cache_key::{cache_key, platform_key, KeyParts};
use crate::error::AppError;
use crate::origin_ttl::shared_ttl;
use crate::platform::{
    read_to_end_limited, BodyError, CachedObject, OriginRequest, Platform, PlatformError,
};

/// An original's bytes and where they came from: `cache` or `origin`.
pub struct Original {
    pub bytes: Vec<u8>,
    pub source: &'static str,
}

/// The original at `path`, timed as `original` (from the cache) or `fetch` (from the origin).
pub async fn read<P: Platform>(
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
        return Ok(Original {
            bytes: object.body,
            source: "cache",
        });
    }
    let (bytes, cache_control) = fetch(ctx, platform, path).await?;
    let ttl = if kept {
        shared_ttl(cache_control.as_deref(), max_ttl)
    } else {
        None
    };
    let Some(ttl) = ttl else {
        return Ok(Original {
            bytes,
            source: "origin",
        });
    };
    let object = CachedObject {
        headers: Vec::new(),
        body: bytes,
    };
    let lifetime = Lifetime {
        ttl_seconds: ttl,
        stale_while_revalidate_seconds: 0,
    };
    entry.store(&parts, &object, lifetime).await;
    Ok(Original {
        bytes: object.body,
        source: "origin",
    })
}

/// The original's bytes and `Cache-Control` from the origin, past the platform's own HTTP
/// cache (Tailor keeps originals itself, tagged).
async fn fetch<P: Platform>(
    ctx: &RequestContext<'_>,
    platform: &P,
    path: &str,
) -> Result<(Vec<u8>, Option<String>), AppError> {
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
    let hint = header(http::header::CONTENT_LENGTH).and_then(|v| v.parse::<usize>().ok());
    let limit = ctx.config.limits.max_input_bytes;
    let bytes = read_to_end_limited(&mut response.body, limit, hint)
        .await
        .map_err(|e| match e {
            BodyError::TooLarge { limit } => AppError::TooLarge(format!(
                "the original is larger than the {limit}-byte input limit"
            )),
            BodyError::Read(e) => origin_error(e),
        })?;
    ctx.time("fetch", platform.now_ms() - start);
    Ok((bytes, cache_control))
}

pub(super) fn origin_error(error: PlatformError) -> AppError {
    match error {
        PlatformError::Timeout => {
            AppError::OriginTimeout("the origin did not answer in time".into())
        }
        other => AppError::OriginFailed(format!("the origin could not be reached: {other}")),
    }
}

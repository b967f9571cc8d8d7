//! `GET /banner` and `GET /banner.json`: the visitor's segment list, rendered for one slot.

use super::context::RequestContext;
use super::respond;
use crate::banner::Banner;
use crate::cache_key::{cache_key, platform_key, surrogate_keys, KeyParts};
use crate::error::AppError;
use crate::platform::{CacheLookup, CacheWrite, CachedObject, Platform};
use crate::recs::{self, RecList};
use http::Response;

/// The list served when a segment's list is missing or unusable, so a banner always renders.
const DEFAULT_LIST_JSON: &str = include_str!("../../demo/default-recs.json");

/// A banner ready to render, and where its list came from (`kv` or `default`).
pub struct Assembled {
    pub banner: Banner,
    pub template: String,
    pub source: &'static str,
    pub cache_key: String,
}

pub async fn html<P: Platform>(
    ctx: &RequestContext<'_>,
    platform: &P,
) -> Result<Response<Vec<u8>>, AppError> {
    let assembled = assemble(ctx, platform, slot_name(ctx)?, "html").await?;
    let start = platform.now_ms();
    let html = assembled
        .banner
        .render_html(ctx.config, &assembled.template)
        .map_err(|e| AppError::Config(e.to_string()))?;
    ctx.time("render", platform.now_ms() - start);
    Ok(personalized(
        ctx,
        html.into_bytes(),
        "text/html; charset=utf-8",
        &assembled,
    ))
}

pub async fn json<P: Platform>(
    ctx: &RequestContext<'_>,
    platform: &P,
) -> Result<Response<Vec<u8>>, AppError> {
    let assembled = assemble(ctx, platform, slot_name(ctx)?, "json").await?;
    let start = platform.now_ms();
    let body = serde_json::json!({
        "segment": assembled.banner.segment,
        "rule": ctx.decision.rule,
        "preview": ctx.preview,
        "buckets": ctx
            .assignments
            .iter()
            .map(|a| (a.experiment.clone(), a.arm_name.clone()))
            .collect::<std::collections::BTreeMap<_, _>>(),
        "slot": assembled.banner.slot,
        "items": assembled.banner.items,
    });
    let bytes = serde_json::to_vec(&body).map_err(|e| AppError::Internal(e.to_string()))?;
    ctx.time("render", platform.now_ms() - start);
    Ok(personalized(ctx, bytes, "application/json", &assembled))
}

fn personalized(
    ctx: &RequestContext<'_>,
    body: Vec<u8>,
    content_type: &str,
    a: &Assembled,
) -> Response<Vec<u8>> {
    let response = respond::personal(ctx, respond::with_body(body, content_type));
    respond::finish(ctx, response, &a.cache_key, a.source)
}

/// Picks the slot, reads the segment's list and builds the banner for it.
pub async fn assemble<P: Platform>(
    ctx: &RequestContext<'_>,
    platform: &P,
    slot_name: &str,
    format: &str,
) -> Result<Assembled, AppError> {
    let slot = ctx.config.banners.slots.get(slot_name).ok_or_else(|| {
        AppError::NotFound(format!(
            "unknown slot '{slot_name}'; configured: {}",
            slot_list(ctx)
        ))
    })?;
    let segment = ctx.decision.segment.as_str();
    let template = ctx
        .config
        .template_for(segment, &ctx.arms())
        .map(str::to_owned)
        .ok_or_else(|| AppError::Internal(format!("segment '{segment}' has no definition")))?;

    let start = platform.now_ms();
    let (list, source) = read_list(ctx, platform, segment).await?;
    let items = recs::top(&list, slot.max_items);
    let banner = Banner::new(ctx.config, segment, slot_name, slot, &items);
    ctx.time("recs", platform.now_ms() - start);
    let key = cache_key(&KeyParts::Banner {
        segment,
        template: &template,
        slot: slot_name,
        list_version: recs::LIST_VERSION,
        format,
        config: &ctx.config.version,
    });
    Ok(Assembled {
        banner,
        template,
        source,
        cache_key: key,
    })
}

fn slot_name<'c>(ctx: &'c RequestContext<'_>) -> Result<&'c str, AppError> {
    ctx.param("slot").ok_or_else(|| {
        AppError::BadRequest(format!(
            "the 'slot' parameter is required; configured: {}",
            slot_list(ctx)
        ))
    })
}

fn slot_list(ctx: &RequestContext<'_>) -> String {
    ctx.config
        .banners
        .slots
        .keys()
        .cloned()
        .collect::<Vec<_>>()
        .join(", ")
}

/// The segment's list: from the platform cache when a recent copy is there, else from KV
/// (and then cached for `cache.banner_ttl_seconds`, tagged by segment and list version so a
/// purge of either drops it); the bundled default when it is absent or unusable. A broken
/// list is logged, not shown: the visitor still gets a banner.
async fn read_list<P: Platform>(
    ctx: &RequestContext<'_>,
    platform: &P,
    segment: &str,
) -> Result<(RecList, &'static str), AppError> {
    let key = recs::kv_key(segment);
    let limit = ctx.config.limits.max_list_bytes;
    let parts = KeyParts::List {
        segment,
        list_version: recs::LIST_VERSION,
    };
    let cache_key = platform_key(&cache_key(&parts));
    if !ctx.bypass_cache {
        if let Ok(CacheLookup {
            object: Some(hit),
            must_fill: false,
            ..
        }) = platform.cache_lookup(&cache_key).await
        {
            if let Ok(list) = recs::parse_list(&hit.body, limit) {
                return Ok((list, "cache"));
            }
        }
    }
    let problem = match platform.kv_get(&ctx.config.stores.kv, &key).await {
        Ok(Some(bytes)) => match recs::parse_list(&bytes, limit) {
            Ok(list) => {
                let write = CacheWrite {
                    ttl_seconds: ctx.config.cache.banner_ttl_seconds,
                    stale_while_revalidate_seconds: ctx.config.cache.banner_ttl_seconds,
                    surrogate_keys: surrogate_keys(&parts),
                };
                let object = CachedObject {
                    headers: Vec::new(),
                    body: bytes,
                };
                // Only a usable list is cached; a failed insert just means KV next time.
                let _ = platform.cache_insert(&cache_key, &object, &write).await;
                return Ok((list, "kv"));
            }
            Err(e) => format!("list '{key}' is unusable: {e}"),
        },
        Ok(None) => format!("list '{key}' is missing"),
        Err(e) => format!("KV store unavailable: {e}"),
    };
    let line = serde_json::json!({"level": "warn", "event": "recs_fallback", "detail": problem});
    platform.log(super::LOG_ENDPOINT, &line.to_string());
    let list = recs::parse_list(DEFAULT_LIST_JSON.as_bytes(), usize::MAX)
        .map_err(|e| AppError::Internal(format!("bundled list is invalid: {e}")))?;
    Ok((list, "default"))
}

//! `GET /banner` and `GET /banner.json`: the visitor's segment list, re-ranked by their recent
//! behaviour and rendered for one slot.

use super::context::RequestContext;
use super::list_source::{self, ListRead};
use super::respond;
use crate::error::AppError;
use http::Response;
use tailor_config::Slot;
use tailor_core::banner::{escape_json_for_html, Banner};
use tailor_core::cache_key::{cache_key, KeyParts};
use tailor_core::recs;
use tailor_platform::Platform;

/// A banner ready to render, and where its list came from.
pub(super) struct Assembled {
    pub banner: Banner,
    pub template: String,
    pub source: &'static str,
    pub list_version: String,
    pub cache_key: String,
}

pub(super) async fn html<P: Platform>(
    ctx: &RequestContext<'_>,
    platform: &P,
) -> Result<Response<Vec<u8>>, AppError> {
    let assembled = assemble(ctx, platform, slot_name(ctx)?, "html").await?;
    let html = render_html(ctx, platform, &assembled)?;
    Ok(personalized(
        ctx,
        html.into_bytes(),
        "text/html; charset=utf-8",
        &assembled,
    ))
}

pub(super) async fn json<P: Platform>(
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
        "list_version": assembled.list_version,
        "items": assembled.banner.items,
    });
    // Clients may embed the payload in a page: no raw markup characters, even in titles.
    let bytes = escape_json_for_html(&body.to_string()).into_bytes();
    ctx.time("render", platform.now_ms() - start);
    Ok(personalized(ctx, bytes, "application/json", &assembled))
}

/// Renders with the banner's template, timed as `render`.
pub(super) fn render_html<P: Platform>(
    ctx: &RequestContext<'_>,
    platform: &P,
    assembled: &Assembled,
) -> Result<String, AppError> {
    let start = platform.now_ms();
    let html = assembled
        .banner
        .render_html(&ctx.config.banners.templates, &assembled.template)?;
    ctx.time("render", platform.now_ms() - start);
    Ok(html)
}

fn personalized(
    ctx: &RequestContext<'_>,
    body: Vec<u8>,
    content_type: &str,
    a: &Assembled,
) -> Response<Vec<u8>> {
    let mut response = respond::personal(ctx, respond::with_body(body, content_type));
    respond::set(
        &mut response,
        http::header::HeaderName::from_static("x-content-type-options"),
        "nosniff",
    );
    respond::finish(ctx, response, &a.cache_key, a.source)
}

/// Reads the segment's list and builds the banner for one slot.
pub(super) async fn assemble<P: Platform>(
    ctx: &RequestContext<'_>,
    platform: &P,
    slot_name: &str,
    format: &str,
) -> Result<Assembled, AppError> {
    let slot = find_slot(ctx, slot_name)?;
    let read = read_list(ctx, platform).await;
    build(ctx, platform, &read, slot_name, slot, format, &[])
}

/// The segment's list, timed as `list`.
pub(super) async fn read_list<P: Platform>(ctx: &RequestContext<'_>, platform: &P) -> ListRead {
    let start = platform.now_ms();
    let read = list_source::read(ctx, platform, &ctx.decision.segment).await;
    ctx.time("list", platform.now_ms() - start);
    read
}

/// Re-ranks `read` for this visitor and slot (leaving out `skip`, items already placed on
/// the page) and builds the banner, timed as `rerank`.
pub(super) fn build<P: Platform>(
    ctx: &RequestContext<'_>,
    platform: &P,
    read: &ListRead,
    slot_name: &str,
    slot: &Slot,
    format: &str,
    skip: &[&str],
) -> Result<Assembled, AppError> {
    let segment = ctx.decision.segment.as_str();
    let template = ctx
        .config
        .template_for(segment, &ctx.arms())
        .map(str::to_owned)
        .ok_or_else(|| AppError::Internal(format!("segment '{segment}' has no definition")))?;
    let start = platform.now_ms();
    let history = ctx
        .identity
        .cookie
        .as_ref()
        .map_or(&[][..], |c| c.history.as_slice());
    let now_s = (start / 1000.0) as i64;
    let ranked = recs::rerank(
        &read.list.items,
        history,
        now_s,
        slot.max_items,
        &ctx.config.recs.rerank,
        skip,
    );
    let banner = Banner::new(ctx.config.image_links(slot), segment, slot_name, &ranked);
    ctx.time("rerank", platform.now_ms() - start);
    let key = cache_key(&KeyParts::Banner {
        segment,
        template: &template,
        slot: slot_name,
        list_version: &read.version,
        format,
        config: &ctx.config.version,
    });
    Ok(Assembled {
        banner,
        template,
        source: read.source,
        list_version: read.version.clone(),
        cache_key: key,
    })
}

pub(super) fn find_slot<'c>(
    ctx: &'c RequestContext<'_>,
    slot_name: &str,
) -> Result<&'c Slot, AppError> {
    ctx.config.banners.slots.get(slot_name).ok_or_else(|| {
        AppError::NotFound(format!(
            "unknown slot '{slot_name}'; configured: {}",
            slot_list(ctx)
        ))
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

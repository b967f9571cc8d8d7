//! `GET /`: the demo page, showing the visitor's segment, a personalized banner and the image
//! variants of a demo photo.

use super::banner_route;
use super::context::RequestContext;
use super::respond;
use crate::error::AppError;
use http::Response;
use tailor_core::image_path::image_url;
use tailor_platform::Platform;

/// The view/click beacon script pages include as `/tailor.js`: part of the product, not the
/// demo, so it ships with the library.
const BEACON_SCRIPT: &str = include_str!("tailor.js");
/// The origin photo the page shows in every variant.
const DEMO_PHOTO: &str = "photos/harbour.jpg";
/// The slot the page shows unless `?slot=` names another.
const DEMO_SLOT: &str = "hero";

pub(super) async fn render<P: Platform>(
    ctx: &RequestContext<'_>,
    platform: &P,
) -> Result<Response<Vec<u8>>, AppError> {
    let slot = ctx.param("slot").unwrap_or(DEMO_SLOT);
    let assembled = banner_route::assemble(ctx, platform, slot, "html").await?;
    let banner_html = banner_route::render_html(ctx, platform, &assembled)?;

    let variants: Vec<_> = ctx
        .config
        .variants
        .iter()
        .map(|(name, v)| serde_json::json!({"name": name, "width": v.width, "src": image_url(name, DEMO_PHOTO)}))
        .collect();
    let env = tailor_core::banner::html_environment(
        ctx.config.limits.template_fuel,
        tailor_core::banner::Builtins::With,
    );
    let page = env
        .render_str(
            ctx.bundle.demo_page,
            minijinja::Value::from(minijinja::value::Serde(serde_json::json!({
                "version": crate::VERSION,
                "segment": ctx.decision.segment,
                "rule": ctx.decision.rule.as_deref().unwrap_or("(default)"),
                "buckets": tailor_core::segment::buckets::explain(&ctx.assignments),
                "consent": ctx.consent,
                "device": ctx.visitor.device.as_str(),
                "country": ctx.visitor.country.as_deref().map_or("unknown".into(), str::to_uppercase),
                "banner": banner_html,
                "slots": ctx.config.banners.slots.keys().collect::<Vec<_>>(),
                "variants": variants,
            }))),
        )
        .map_err(|e| AppError::Internal(format!("demo page template: {e}")))?;
    let response = respond::personal(
        ctx,
        respond::with_body(page.into_bytes(), "text/html; charset=utf-8"),
    );
    let response = respond::finish(ctx, response, &assembled.cache_key, assembled.source);
    Ok(banner_route::with_exposures(ctx, platform, response).await)
}

/// `GET /tailor.js`: the beacon script, the same for everyone, so shared caches may keep it.
/// Like every other 200 it has a strong ETag (of the script itself, so it changes with a
/// deploy that changes the script) and answers a matching `If-None-Match` with a `304`.
pub(super) fn beacon_script(if_none_match: Option<&str>) -> Response<Vec<u8>> {
    let tag = tailor_core::cache_key::etag("tailor.js", BEACON_SCRIPT.as_bytes());
    let not_modified =
        if_none_match.is_some_and(|inm| tailor_core::cache_key::etag_matches(inm, &tag));
    let body = if not_modified {
        Vec::new()
    } else {
        BEACON_SCRIPT.as_bytes().to_vec()
    };
    let mut response = respond::with_body(body, "text/javascript; charset=utf-8");
    if not_modified {
        *response.status_mut() = http::StatusCode::NOT_MODIFIED;
        response.headers_mut().remove(http::header::CONTENT_TYPE);
    }
    respond::set(
        &mut response,
        http::header::CACHE_CONTROL,
        "public, max-age=3600",
    );
    respond::set(&mut response, http::header::ETAG, &tag);
    response
}

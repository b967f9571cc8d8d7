//! Routing and orchestration: the only async code. Everything here is generic over
//! [`Platform`], so the same handler runs on every host.

mod admin;
mod banner_route;
mod cache_store;
mod config_source;
mod config_store;
mod context;
mod demo_page;
mod events_route;
mod exposure;
mod image_request;
mod image_route;
mod impression;
mod list_source;
mod live_source;
mod model_source;
mod origin_query;
mod original_source;
mod outgoing;
mod page_route;
mod prepared;
mod prepared_model;
mod preview;
mod read_through;
mod respond;
mod shared_caches;
mod slots;
mod timing;
mod variant_caching;
mod visitor;
mod weights_source;

use crate::error::AppError;
use crate::Bundle;
use context::RequestContext;
use http::{Method, Request, Response};
use tailor_platform::{BodyStream, Platform};

pub use config_source::{load_config, ConfigSource};
pub use config_store::Via as ConfigVia;
pub use image_request::{normalize as normalize_image_request, ImageInputs, ImageRequest};
pub use outgoing::{pump, Outgoing, PageBody, PageStreamError};
pub use prepared::{prepare, LoadedConfig};
// What a host's page sink returns when the client goes away.
pub use tailor_core::page::PageError;
pub use timing::ServerTiming;

/// The log endpoint Tailor writes its JSON lines to.
pub const LOG_ENDPOINT: &str = "tailor_log";

/// Handles one request. Never panics on request input: every failure becomes a JSON error.
/// A `/page/` response comes back with its body still streaming from the origin; the host
/// sends the headers, then drives [`pump`].
pub async fn serve<P: Platform>(
    request: Request<Vec<u8>>,
    platform: &P,
    bundle: &Bundle,
) -> Response<Outgoing<P::Body>> {
    let started_ms = platform.now_ms();
    let is_head = request.method() == Method::HEAD;
    let mut response = match route(&request, platform, bundle).await {
        Ok(response) => response,
        Err(error) => {
            if let AppError::Internal(detail) | AppError::Config(detail) = &error {
                let line = serde_json::json!({"level": "error", "path": request.uri().path(), "error": detail});
                platform.log(LOG_ENDPOINT, &line.to_string());
            }
            error.into_response().map(Outgoing::Full)
        }
    };
    // The whole in-handler cost (for a streamed page: up to its head), on every response.
    let timing = response
        .headers()
        .get(SERVER_TIMING)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let timing = timing::with_total(timing, platform.now_ms() - started_ms);
    if let Ok(value) = http::HeaderValue::from_str(&timing) {
        response.headers_mut().insert(SERVER_TIMING, value);
    }
    if is_head {
        return response.map(|_| Outgoing::Full(Vec::new()));
    }
    response
}

/// Not in `http`'s list of standard headers.
const SERVER_TIMING: http::HeaderName = http::HeaderName::from_static("server-timing");

/// [`serve`] with any streamed body collected: for hosts and tests that want whole bodies.
pub async fn handle<P: Platform>(
    request: Request<Vec<u8>>,
    platform: &P,
    bundle: &Bundle,
) -> Response<Vec<u8>> {
    let (parts, body) = serve(request, platform, bundle).await.into_parts();
    let bytes = match body {
        Outgoing::Full(bytes) => bytes,
        Outgoing::Unread(mut body) => {
            let mut collected = Vec::new();
            while let Ok(Some(chunk)) = body.next_chunk().await {
                collected.extend_from_slice(&chunk);
            }
            collected
        }
        Outgoing::Page(page) => {
            let mut collected = Vec::new();
            let _ = pump(*page, platform, &mut |chunk| {
                collected.extend_from_slice(chunk);
                Ok(())
            })
            .await;
            collected
        }
    };
    Response::from_parts(parts, bytes)
}

async fn route<P: Platform>(
    request: &Request<Vec<u8>>,
    platform: &P,
    bundle: &Bundle,
) -> Result<Response<Outgoing<P::Body>>, AppError> {
    let path = request.uri().path();
    let method = request.method();
    let post_only = matches!(path, "/admin/purge" | "/events");
    if post_only && *method != Method::POST {
        return Err(AppError::MethodNotAllowed(format!(
            "{method} is not allowed on {path}; use POST"
        )));
    }
    if !post_only && !matches!(*method, Method::GET | Method::HEAD) {
        return Err(AppError::MethodNotAllowed(format!(
            "{method} is not allowed on {path}; use GET"
        )));
    }
    if path == "/admin/purge" {
        return full(admin::purge(request, platform).await);
    }
    // Health answers before the config is read: it reports liveness, not configuration.
    if path == "/healthz" {
        return Ok(respond::healthz().map(Outgoing::Full));
    }
    if path == "/tailor.js" {
        let if_none_match = request
            .headers()
            .get(http::header::IF_NONE_MATCH)
            .and_then(|v| v.to_str().ok());
        return Ok(demo_page::beacon_script(if_none_match).map(Outgoing::Full));
    }
    let config_started = platform.now_ms();
    let (config, source) = load_config(platform, bundle).await?;
    let config_ms = platform.now_ms() - config_started;
    // An image is the same for every visitor: its requests read no visitor (unless a debug
    // request asks for the explanations), neither reading the arm weights nor recording arms.
    let image = path.starts_with(tailor_core::image_path::IMAGE_ROUTE);
    let ctx = if image && !context::debug_allowed(request.headers(), &config) {
        RequestContext::for_anyone(request, &config, source, bundle)
    } else {
        RequestContext::new(request, &config, source, bundle, platform, !image).await
    };
    ctx.timing.borrow_mut().add_first("config", config_ms);
    if let Some(rest) = path.strip_prefix("/page/") {
        return page_route::serve(request, &ctx, rest, platform).await;
    }
    if let Some(rest) = path.strip_prefix(tailor_core::image_path::IMAGE_ROUTE) {
        return image_route::serve(&ctx, rest, platform).await;
    }
    full(match path {
        "/" => demo_page::render(&ctx, platform).await,
        "/banner" => banner_route::html(&ctx, platform).await,
        "/banner.json" => banner_route::json(&ctx, platform).await,
        "/events" => events_route::post(request, &ctx, platform).await,
        _ => Err(AppError::NotFound(format!("no route for {path}"))),
    })
}

fn full<B>(result: Result<Response<Vec<u8>>, AppError>) -> Result<Response<Outgoing<B>>, AppError> {
    result.map(|response| response.map(Outgoing::Full))
}

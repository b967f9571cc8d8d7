//! Routing and orchestration: the only async code. Everything here is generic over
//! [`Platform`], so the same handler runs on every host.

mod admin;
mod banner_route;
mod config_source;
mod context;
mod demo_page;
mod image_request;
mod image_route;
mod respond;
mod timing;
mod visitor;

use crate::error::AppError;
use crate::platform::Platform;
use context::RequestContext;
use http::{Method, Request, Response};

pub use config_source::{load_config, ConfigSource};
pub use image_request::{normalize as normalize_image_request, ImageInputs, ImageRequest};
pub use timing::ServerTiming;

/// The log endpoint Tailor writes its JSON lines to.
pub const LOG_ENDPOINT: &str = "tailor_log";

/// Handles one request. Never panics on request input: every failure becomes a JSON error.
pub async fn handle<P: Platform>(request: Request<Vec<u8>>, platform: &P) -> Response<Vec<u8>> {
    let is_head = request.method() == Method::HEAD;
    let mut response = match route(&request, platform).await {
        Ok(response) => response,
        Err(error) => {
            if let AppError::Internal(detail) | AppError::Config(detail) = &error {
                let line = serde_json::json!({"level": "error", "path": request.uri().path(), "error": detail});
                platform.log(LOG_ENDPOINT, &line.to_string());
            }
            error.into_response()
        }
    };
    if is_head {
        response.body_mut().clear();
    }
    response
}

async fn route<P: Platform>(
    request: &Request<Vec<u8>>,
    platform: &P,
) -> Result<Response<Vec<u8>>, AppError> {
    let path = request.uri().path();
    if path == "/admin/purge" {
        return match *request.method() {
            Method::POST => admin::purge(request, platform).await,
            ref other => Err(AppError::MethodNotAllowed(format!(
                "{other} is not allowed on {path}; use POST"
            ))),
        };
    }
    if !matches!(*request.method(), Method::GET | Method::HEAD) {
        return Err(AppError::MethodNotAllowed(format!(
            "{} is not allowed on {path}; use GET",
            request.method()
        )));
    }
    // Health answers before the config is read: it reports liveness, not configuration.
    if path == "/healthz" {
        return Ok(respond::healthz());
    }
    let (config, source) = load_config(platform).await?;
    let ctx = RequestContext::new(request, &config, source, platform).await;
    match path {
        "/" => demo_page::render(&ctx, platform).await,
        "/banner" => banner_route::html(&ctx, platform).await,
        "/banner.json" => banner_route::json(&ctx, platform).await,
        _ => match path.strip_prefix("/img/") {
            Some(rest) => image_route::serve(&ctx, rest, platform).await,
            None => Err(AppError::NotFound(format!("no route for {path}"))),
        },
    }
}

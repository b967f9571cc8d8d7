//! `GET /page/{path}`: the origin's page with every `data-tailor-slot` placeholder filled with
//! the visitor's banner for that slot, streamed as it arrives. Anything that is not a 200 HTML
//! page (other types, errors, encodings we cannot read) passes through unchanged.

use super::banner_route::{self, Assembled};
use super::context::RequestContext;
use super::exposure;
use super::impression;
use super::original_source::origin_error;
use super::outgoing::{Outgoing, PageBody, PageStreamError};
use super::respond;
use super::shared_caches;
use crate::error::AppError;
use http::header::{self, HeaderMap, HeaderName, HeaderValue};
use http::{Request, Response, StatusCode};
use tailor_core::page::{PageStream, SlotFills};
use tailor_platform::{OriginRequest, Platform};

/// Request headers the origin may vary a page on.
const FORWARDED: [HeaderName; 3] = [header::ACCEPT, header::ACCEPT_LANGUAGE, header::USER_AGENT];

/// Origin response headers that describe the connection, not the page.
const HOP_BY_HOP: [&str; 7] = [
    "connection",
    "keep-alive",
    "proxy-connection",
    "transfer-encoding",
    "te",
    "trailer",
    "upgrade",
];

/// Headers that stop being true once the page is rewritten: its length, encoding and
/// validators describe the origin's bytes. (Caching headers go too: a rewritten page is
/// private, and keeps only the origin headers `shared_caches` allows.)
const STALE_AFTER_REWRITE: [&str; 6] = [
    "content-length",
    "content-encoding",
    "content-md5",
    "etag",
    "last-modified",
    "accept-ranges",
];

pub(super) async fn serve<P: Platform>(
    request: &Request<Vec<u8>>,
    ctx: &RequestContext<'_>,
    rest: &str,
    platform: &P,
) -> Result<Response<Outgoing<P::Body>>, AppError> {
    let path = tailor_image::parse_image_path(rest, ctx.config.limits.max_path_bytes)
        .map_err(|e| AppError::BadRequest(format!("page path: {e}")))?;
    let mut origin_path = format!(
        "{}/{path}",
        ctx.config.stores.pages_path.trim_end_matches('/')
    );
    if let Some(query) = super::origin_query::forwarded(request.uri().query()) {
        origin_path = format!("{origin_path}?{query}");
    }
    let started_ms = platform.now_ms();
    let origin = platform
        .fetch(
            &ctx.config.stores.origin_backend,
            OriginRequest {
                path: origin_path,
                headers: origin_headers(request.headers()),
                pass: false,
            },
        )
        .await
        .map_err(origin_error)?;
    ctx.time("origin", platform.now_ms() - started_ms);

    let encoding = origin
        .headers
        .get(header::CONTENT_ENCODING)
        .and_then(|v| v.to_str().ok());
    let is_html = origin
        .headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|t| t.trim_start().to_ascii_lowercase().starts_with("text/html"));
    let mut shown: Vec<Assembled> = Vec::new();
    let rewrite = if origin.status == 200 && is_html {
        let (fills, banners) = fills(ctx, platform).await;
        shown = banners;
        PageStream::new(fills, encoding)
            .map(|stream| stream.with_max_bytes(ctx.config.limits.max_page_bytes))
    } else {
        None
    };
    let rewritten = rewrite.is_some();
    let mut body = PageBody::new(origin.body, rewrite, path, started_ms);
    // A page that is whole within the first read-ahead goes out in one piece; one that fails
    // before anything was sent can still get a proper error instead of a cut-off 200 — and
    // then nobody saw its banners: no impression or exposure is logged for it.
    let started = match body.start().await {
        Ok(started) => started,
        Err(e) => {
            body.log_end(platform, Some(&e.to_string()));
            return Err(match e {
                PageStreamError::Origin(e) => origin_error(e),
                PageStreamError::Page(e) => {
                    AppError::OriginFailed(format!("the origin's page could not be read: {e}"))
                }
            });
        }
    };

    let mut response = Response::new(Vec::new());
    *response.status_mut() = StatusCode::from_u16(origin.status).unwrap_or(StatusCode::BAD_GATEWAY);
    // A rewritten page is personal and a debug one carries explanations: neither may reach a
    // shared cache, so of the origin's headers only those on the allowlist pass.
    let private = rewritten || ctx.debug;
    copy_headers(&origin.headers, response.headers_mut(), rewritten, private);
    if rewritten {
        for banner in &shown {
            impression::log(
                ctx,
                platform,
                &banner.banner,
                banner.policy,
                &banner.list_version,
            );
        }
        // The page's banners expose the visitor as a banner would; the cookie remembering
        // it must go with the headers, before the page streams.
        let resealed = exposure::note(ctx, platform).await;
        response = respond::personal_page(ctx, response, resealed.as_deref());
        // Fastly compresses the rewritten page at the edge for clients that accept it.
        respond::set(
            &mut response,
            HeaderName::from_static("x-compress-hint"),
            "on",
        );
    }
    let source = if rewritten {
        "page"
    } else {
        "origin-passthrough"
    };
    let response = respond::annotate(ctx, response, "page", source);
    match started {
        Some(whole) => {
            body.log_end(platform, None);
            Ok(response.map(|_| Outgoing::Full(whole)))
        }
        None => Ok(response.map(|_| Outgoing::Page(Box::new(body)))),
    }
}

/// Every configured slot rendered for this visitor, in config order, each leaving out the
/// items already placed in an earlier slot. A slot that fails to render is logged and left
/// with its fallback content. The banners come back too, for their impressions.
async fn fills<P: Platform>(ctx: &RequestContext<'_>, platform: &P) -> (SlotFills, Vec<Assembled>) {
    let read = banner_route::read_list(ctx, platform).await;
    let mut used: Vec<String> = Vec::new();
    let mut fills = Vec::new();
    let mut banners = Vec::new();
    for (name, slot) in &ctx.config.banners.slots {
        let skip: Vec<&str> = used.iter().map(String::as_str).collect();
        let rendered = banner_route::build(ctx, platform, &read, name, slot, "html", &skip)
            .and_then(|assembled| {
                let html = banner_route::render_html(ctx, platform, &assembled)?;
                Ok((assembled, html))
            });
        match rendered {
            Ok((assembled, html)) => {
                used.extend(assembled.banner.items.iter().map(|i| i.id.clone()));
                fills.push((name.clone(), html));
                banners.push(assembled);
            }
            Err(e) => {
                let line = serde_json::json!({"level": "error", "event": "slot_render", "slot": name, "detail": e.to_string()});
                platform.log(super::LOG_ENDPOINT, &line.to_string());
            }
        }
    }
    (SlotFills(fills), banners)
}

/// The client's headers the origin may use, and an `Accept-Encoding` we can honour: gzip is
/// decoded for rewriting, and only asked for when the client could take it as-is too (a
/// non-HTML response passes through still compressed).
fn origin_headers(client: &HeaderMap) -> Vec<(String, String)> {
    let mut headers: Vec<(String, String)> = FORWARDED
        .iter()
        .filter_map(|name| {
            let value = client.get(name)?.to_str().ok()?;
            Some((name.as_str().to_owned(), value.to_owned()))
        })
        .collect();
    let gzip_ok = client
        .get(header::ACCEPT_ENCODING)
        .and_then(|v| v.to_str().ok())
        .is_some_and(accepts_gzip);
    let encoding = if gzip_ok { "gzip" } else { "identity" };
    headers.push(("accept-encoding".into(), encoding.into()));
    headers
}

/// Whether an `Accept-Encoding` value admits gzip (`gzip` or `*`, not with `q=0`).
fn accepts_gzip(value: &str) -> bool {
    tailor_core::accept::q_values(value).any(|(coding, q)| {
        let coding = coding.to_ascii_lowercase();
        let refused = q.is_some_and(|q| q <= 0.0);
        (coding == "gzip" || coding == "x-gzip" || coding == "*") && !refused
    })
}

fn copy_headers(from: &HeaderMap, to: &mut HeaderMap, rewritten: bool, private: bool) {
    for (name, value) in from {
        let lower = name.as_str();
        let dropped = HOP_BY_HOP.contains(&lower)
            || (rewritten && STALE_AFTER_REWRITE.contains(&lower))
            || (private && !shared_caches::keeps_origin_header(name));
        if !dropped {
            to.append(name.clone(), HeaderValue::clone(value));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gzip_is_asked_for_only_when_the_client_takes_it() {
        assert!(accepts_gzip("gzip, deflate, br"));
        assert!(accepts_gzip("br;q=1.0, gzip;q=0.8"));
        assert!(accepts_gzip("*"));
        assert!(!accepts_gzip("gzip;q=0, br"));
        assert!(!accepts_gzip("br, zstd"));
        assert!(!accepts_gzip(""));
    }
}

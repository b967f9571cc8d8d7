//! Response builders shared by the routes: bodies with content types, debug headers, timing.

use super::config_source::ConfigSource;
use super::context::RequestContext;
use super::prepared;
use super::shared_caches::make_private;
use http::header::{HeaderName, HeaderValue, CACHE_CONTROL, CONTENT_TYPE, ETAG, SET_COOKIE};
use http::{Response, StatusCode};
use tailor_core::cache_key::{etag, etag_matches};

pub(super) fn healthz() -> Response<Vec<u8>> {
    let mut response = with_body(
        format!("ok {}\n", crate::VERSION).into_bytes(),
        "text/plain; charset=utf-8",
    );
    set(&mut response, CACHE_CONTROL, "no-store");
    response
}

pub(super) fn with_body(body: Vec<u8>, content_type: &str) -> Response<Vec<u8>> {
    let mut response = Response::new(body);
    set(&mut response, CONTENT_TYPE, content_type);
    response
}

/// Sets a header, skipping values that are not valid header text (they come from our own
/// data, so this only guards against surprises such as a newline in a config string).
pub(super) fn set(response: &mut Response<Vec<u8>>, name: HeaderName, value: &str) {
    if let Ok(value) = HeaderValue::from_str(value) {
        response.headers_mut().insert(name, value);
    }
}

/// Marks a response chosen for this visitor: stored by no cache (`private, no-store`, and no
/// header a shared cache would follow instead), and carrying the visitor cookie when one is
/// to be set.
pub(super) fn personal(
    ctx: &RequestContext<'_>,
    mut response: Response<Vec<u8>>,
) -> Response<Vec<u8>> {
    make_private(response.headers_mut());
    if let Some(cookie) = &ctx.identity.set_cookie {
        set(&mut response, SET_COOKIE, cookie);
    }
    response
}

/// A rewritten origin page: personal like a banner (its origin headers already filtered by
/// the page route's allowlist), but the origin's own cookies stay, so ours is appended rather
/// than set: `visitor_cookie` when the page re-sealed the visitor's cookie, else the one the
/// request's identity issued, if any.
pub(super) fn personal_page(
    ctx: &RequestContext<'_>,
    mut response: Response<Vec<u8>>,
    visitor_cookie: Option<&str>,
) -> Response<Vec<u8>> {
    make_private(response.headers_mut());
    if let Some(cookie) = visitor_cookie
        .or(ctx.identity.set_cookie.as_deref())
        .and_then(|c| HeaderValue::from_str(c).ok())
    {
        response.headers_mut().append(SET_COOKIE, cookie);
    }
    response
}

/// Gives a 200 an ETag (derived from its cache key and content, unless it was stored with
/// one) and answers `If-None-Match` with `304 Not Modified` when it matches.
fn conditional(
    ctx: &RequestContext<'_>,
    mut response: Response<Vec<u8>>,
    cache_key: &str,
) -> Response<Vec<u8>> {
    if response.status() != StatusCode::OK {
        return response;
    }
    let tag = match response.headers().get(ETAG).and_then(|v| v.to_str().ok()) {
        Some(tag) => tag.to_owned(),
        None => {
            let tag = etag(cache_key, response.body());
            set(&mut response, ETAG, &tag);
            tag
        }
    };
    if ctx
        .if_none_match
        .as_deref()
        .is_some_and(|inm| etag_matches(inm, &tag))
    {
        *response.status_mut() = StatusCode::NOT_MODIFIED;
        response.body_mut().clear();
        response.headers_mut().remove(CONTENT_TYPE);
    }
    response
}

/// Adds the ETag (answering `If-None-Match`), `Server-Timing`, and the `X-Tailor-*`
/// explanation headers when debug is on.
pub(super) fn finish(
    ctx: &RequestContext<'_>,
    response: Response<Vec<u8>>,
    cache_key: &str,
    source: &str,
) -> Response<Vec<u8>> {
    let response = conditional(ctx, response, cache_key);
    annotate(ctx, response, cache_key, source)
}

/// `Server-Timing`, and the `X-Tailor-*` explanation headers when debug is on (stripped
/// otherwise, including any stored with a cached object). A debug response is for the
/// operator who asked: private, so no shared cache keeps it and serves its explanations to
/// everyone.
pub(super) fn annotate(
    ctx: &RequestContext<'_>,
    mut response: Response<Vec<u8>>,
    cache_key: &str,
    source: &str,
) -> Response<Vec<u8>> {
    let timing = ctx.timing.borrow().header_value();
    set(
        &mut response,
        HeaderName::from_static("server-timing"),
        &timing,
    );
    if !ctx.debug {
        // Explanations are for operators only, including those stored with cached objects.
        let names: Vec<HeaderName> = response
            .headers()
            .keys()
            .filter(|name| name.as_str().starts_with("x-tailor-"))
            .cloned()
            .collect();
        for name in names {
            response.headers_mut().remove(name);
        }
    }
    if ctx.debug {
        make_private(response.headers_mut());
        let config_source = match &ctx.config_source {
            ConfigSource::Kv { store, key, via } => format!("kv:{store}/{key} from {}", via.name()),
            ConfigSource::Bundled => "bundled".into(),
        };
        let config_source = match prepared::is_prepared(ctx.config) {
            true => format!("{config_source} (prepared)"),
            false => config_source,
        };
        let buckets = tailor_core::segment::buckets::explain(&ctx.assignments);
        let warnings = ctx.visitor.warnings.join("; ");
        let consent = if ctx.consent { "given" } else { "absent" };
        let geo = geo_facts(&ctx.visitor);
        let debug = [
            ("x-tailor-segment", ctx.decision.segment.as_str()),
            ("x-tailor-rule", ctx.decision.explanation.as_str()),
            ("x-tailor-buckets", &buckets),
            ("x-tailor-consent", consent),
            ("x-tailor-cache-key", cache_key),
            ("x-tailor-source", source),
            ("x-tailor-device", ctx.visitor.device.as_str()),
            ("x-tailor-geo", &geo),
            ("x-tailor-config", &config_source),
        ];
        for (name, value) in debug {
            set(&mut response, HeaderName::from_static(name), value);
        }
        if !warnings.is_empty() {
            set(
                &mut response,
                HeaderName::from_static("x-tailor-warnings"),
                &warnings,
            );
        }
        if let Some(bytes) = tailor_platform::linear_memory_bytes() {
            set(
                &mut response,
                HeaderName::from_static("x-tailor-memory-peak"),
                &bytes.to_string(),
            );
        }
    }
    response
}

/// The geo facts rules can test, `-` for each the platform did not give.
fn geo_facts(visitor: &tailor_core::segment::VisitorContext) -> String {
    let or_dash = |v: Option<&str>| v.unwrap_or("-").to_owned();
    format!(
        "country={} region={} local_hour={}",
        or_dash(visitor.country.as_deref()),
        or_dash(visitor.region.as_deref()),
        visitor
            .local_hour
            .map_or_else(|| "-".into(), |h| h.to_string()),
    )
}

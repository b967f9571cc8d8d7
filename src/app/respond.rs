//! Response builders shared by the routes: bodies with content types, debug headers, timing.

use super::config_source::ConfigSource;
use super::context::RequestContext;
use http::header::{HeaderName, HeaderValue, CACHE_CONTROL, CONTENT_TYPE};
use http::Response;

pub fn healthz() -> Response<Vec<u8>> {
    let mut response = with_body(
        format!("ok {}\n", crate::VERSION).into_bytes(),
        "text/plain; charset=utf-8",
    );
    set(&mut response, CACHE_CONTROL, "no-store");
    response
}

pub fn with_body(body: Vec<u8>, content_type: &str) -> Response<Vec<u8>> {
    let mut response = Response::new(body);
    set(&mut response, CONTENT_TYPE, content_type);
    response
}

/// Sets a header, skipping values that are not valid header text (they come from our own
/// data, so this only guards against surprises such as a newline in a config string).
pub fn set(response: &mut Response<Vec<u8>>, name: HeaderName, value: &str) {
    if let Ok(value) = HeaderValue::from_str(value) {
        response.headers_mut().insert(name, value);
    }
}

/// Adds `Server-Timing`, and the `X-Tailor-*` explanation headers when debug is on.
pub fn finish(
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
    if ctx.debug {
        let config_source = match &ctx.config_source {
            ConfigSource::Kv { store, key } => format!("kv:{store}/{key}"),
            ConfigSource::Bundled => "bundled".into(),
        };
        let rule = ctx.decision.rule.as_deref().unwrap_or("(default)");
        let debug = [
            ("x-tailor-segment", ctx.decision.segment.as_str()),
            ("x-tailor-rule", rule),
            ("x-tailor-buckets", "none"),
            ("x-tailor-cache-key", cache_key),
            ("x-tailor-source", source),
            ("x-tailor-device", ctx.visitor.device.as_str()),
            ("x-tailor-config", &config_source),
        ];
        for (name, value) in debug {
            set(&mut response, HeaderName::from_static(name), value);
        }
        if let Some(bytes) = crate::platform::linear_memory_bytes() {
            set(
                &mut response,
                HeaderName::from_static("x-tailor-memory-peak"),
                &bytes.to_string(),
            );
        }
    }
    response
}

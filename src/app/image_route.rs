//! `GET /img/{variant}/{path}`: fetch, transform and cache an image variant, named or free-form.

use super::cache_store;
use super::context::RequestContext;
use super::image_request;
use super::original_source::{self, Original};
use super::outgoing::Outgoing;
use super::respond;
use super::variant_caching::{self, VariantCaching};
use crate::error::AppError;
use http::header::{CONTENT_LENGTH, CONTENT_TYPE, ETAG};
use http::{HeaderName, HeaderValue, Response, StatusCode};
use tailor_core::cache_key::{
    cache_key, etag, etag_matches, platform_key, surrogate_keys, KeyParts,
};
use tailor_image::{self as image, Transformed};
use tailor_platform::{read_to_end_limited, stored_header, CachedObject, Platform, UnreadBody};

pub(super) async fn serve<P: Platform>(
    ctx: &RequestContext<'_>,
    rest: &str,
    platform: &P,
) -> Result<Response<Outgoing<P::Body>>, AppError> {
    let inputs = ctx.image_inputs();
    let request = image_request::parse(&inputs, rest, platform).await?;
    let (variant_name, path) = (request.variant, request.path);
    let parts = KeyParts::Image {
        variant: variant_name,
        format: request.format.key_token(request.job.client),
        dpr: request.dpr,
        settings: &request.settings,
        path,
    };
    let key = cache_key(&parts);

    let start = platform.now_ms();
    let mut entry = if ctx.bypass_cache {
        cache_store::unlooked(platform, platform_key(&key))
    } else {
        // A revalidation the stored ETag answers needs no bytes: a `304` from the headers.
        let revalidated = |headers: &[(String, String)]| {
            let stored = stored_header(headers, ETAG.as_str());
            let inm = ctx.if_none_match.as_deref();
            stored
                .zip(inm)
                .is_some_and(|(tag, inm)| etag_matches(inm, tag))
        };
        cache_store::lookup_for_client(platform, platform_key(&key), &revalidated).await
    };
    let refreshing = entry.stale && entry.must_fill();
    if let (Some(mut hit), false) = (entry.object.take(), refreshing) {
        let mut unread = entry.unread.take();
        // Every variant is stored with its ETag; one without (an older deployment's) needs
        // its bytes to make one.
        if let (None, Some(body)) = (stored_header(&hit.headers, ETAG.as_str()), &mut unread) {
            let length = usize::try_from(body.length).ok();
            hit.body = read_to_end_limited(&mut body.body, usize::MAX, length)
                .await
                .map_err(|e| AppError::Internal(format!("reading a cached variant: {e}")))?;
            unread = None;
        }
        ctx.time("cache", platform.now_ms() - start);
        let source = if entry.stale { "stale" } else { "cache" };
        let response = respond::finish(ctx, from_cache(hit), &key, source);
        return Ok(with_unread_body(response, unread));
    }
    // A miss, or a stale entry this request was chosen to refresh: the variant is made now
    // (the requests arriving meanwhile get the stale copy or wait for this one). Every `?`
    // below drops the entry, which gives the fill up so those requests stop waiting.

    let Original {
        bytes,
        source: original_from,
        origin,
    } = original_source::read(ctx, platform, path).await?;
    let input_bytes = bytes.len();
    let now = || platform.now_ms();
    let siblings = image_request::smaller_siblings(&inputs, &request);
    let jobs: Vec<_> = std::iter::once(request.job)
        .chain(siblings.iter().map(|(_, _, job)| *job))
        .collect();
    // The transform is the one step that can come near the instance's memory limit.
    platform.write_held_logs();
    let mut outputs = image::transform_many_owned(bytes, &jobs, &now)?.into_iter();
    let out = outputs
        .next()
        .ok_or_else(|| AppError::Internal("no transform output".into()))?;
    ctx.time("decode", out.timings.decode_ms);
    ctx.time("resize", out.timings.resize_ms);
    ctx.time("encode", out.timings.encode_ms);
    let made = Made {
        input_bytes,
        vary_accept: request.format.varies_by_accept(),
        caching: variant_caching::decide(&ctx.config.cache, &origin),
    };
    log_transform(
        platform,
        path,
        variant_name,
        (input_bytes, original_from),
        &out,
    );
    let object = cached_object(&made, out, &parts, &key);
    // An original the origin lets nobody keep makes a variant the edge does not keep
    // either: dropping the entry gives its fill up.
    if let Some(lifetime) = made.caching.edge() {
        entry.store(&parts, &object, lifetime).await;
        // The siblings made from the same decode go straight into the cache.
        for ((name, variant, job), sibling) in siblings.iter().zip(outputs) {
            let settings = variant.key_settings();
            let sibling_parts = KeyParts::Image {
                variant: name,
                format: request.format.key_token(job.client),
                dpr: request.dpr,
                settings: &settings,
                path,
            };
            let sibling_key = cache_key(&sibling_parts);
            let sibling = cached_object(&made, sibling, &sibling_parts, &sibling_key);
            let sibling_key = platform_key(&sibling_key);
            cache_store::store(platform, &sibling_key, &sibling_parts, &sibling, lifetime).await;
        }
    }
    let source = if refreshing { "refresh" } else { "origin" };
    let response = respond::finish(ctx, from_cache(object), &key, source);
    Ok(response.map(Outgoing::Full))
}

/// A cache hit's response with its body: the stored body the host handed over unread, which
/// it sends as it is, for a `200`; what the response holds otherwise (a `304` has none).
fn with_unread_body<B>(
    mut response: Response<Vec<u8>>,
    unread: Option<UnreadBody<B>>,
) -> Response<Outgoing<B>> {
    match unread {
        Some(unread) if response.status() == StatusCode::OK => {
            response
                .headers_mut()
                .insert(CONTENT_LENGTH, HeaderValue::from(unread.length));
            response.map(|_| Outgoing::Unread(unread.body))
        }
        _ => response.map(Outgoing::Full),
    }
}

/// What every output of one transform shares: the input's size, whether the format was
/// negotiated from `Accept`, and how caches may keep it.
struct Made {
    input_bytes: usize,
    vary_accept: bool,
    caching: VariantCaching,
}

fn cached_object(made: &Made, out: Transformed, parts: &KeyParts<'_>, key: &str) -> CachedObject {
    let mut headers = stored_headers(made, &out, parts);
    headers.push((ETAG.to_string(), etag(key, &out.bytes)));
    CachedObject {
        headers,
        body: out.bytes,
    }
}

/// Headers that belong to the variant itself, stored with it so a cache hit is identical.
fn stored_headers(made: &Made, out: &Transformed, parts: &KeyParts<'_>) -> Vec<(String, String)> {
    let info = format!(
        "in={}x{} {} {}B; out={}x{} {} {}B; decode={}; orientation={}; icc={}",
        out.input_width,
        out.input_height,
        out.input_format,
        made.input_bytes,
        out.width,
        out.height,
        out.format.token(),
        out.bytes.len(),
        out.decode_path,
        out.orientation,
        if out.icc_converted { "to-srgb" } else { "none" }
    );
    let mut headers = vec![
        (CONTENT_TYPE.to_string(), out.format.content_type().into()),
        ("x-tailor-image".into(), info),
    ];
    // Browsers keep it for a day (they cannot be purged); shared caches (Fastly's edge in
    // front, or any CDN) follow Surrogate-Control: the long edge TTL, served stale while it
    // is refreshed — each no longer than the origin allows for the original.
    headers.extend(made.caching.headers());
    if made.caching.tagged() {
        let tags = surrogate_keys(parts);
        headers.push(("surrogate-key".into(), tags.join(" ")));
        headers.push(("cache-tag".into(), tags.join(",")));
    }
    if made.vary_accept {
        headers.push((http::header::VARY.to_string(), "Accept".into()));
    }
    headers
}

fn from_cache(object: CachedObject) -> Response<Vec<u8>> {
    let mut response = Response::new(object.body);
    for (name, value) in &object.headers {
        if let Ok(name) = HeaderName::try_from(name.as_str()) {
            respond::set(&mut response, name, value);
        }
    }
    response
}

fn log_transform<P: Platform>(
    platform: &P,
    path: &str,
    variant: &str,
    (input_bytes, original_from): (usize, &str),
    out: &Transformed,
) {
    let ratio = if input_bytes == 0 {
        0.0
    } else {
        out.bytes.len() as f64 / input_bytes as f64
    };
    let line = serde_json::json!({
        "event": "transform", "path": path, "variant": variant,
        "in": {"bytes": input_bytes, "width": out.input_width, "height": out.input_height, "format": out.input_format, "from": original_from},
        "out": {"bytes": out.bytes.len(), "width": out.width, "height": out.height, "format": out.format.token()},
        "ratio": ratio,
        "ms": {"decode": out.timings.decode_ms, "resize": out.timings.resize_ms, "encode": out.timings.encode_ms},
    });
    platform.log(super::LOG_ENDPOINT, &line.to_string());
}

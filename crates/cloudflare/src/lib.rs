//! Tailor on Cloudflare Workers: the `#[event(fetch)]` entry converts the request, awaits the
//! shared handler over the Worker host (`host`), and converts the answer back — a streamed page
//! as a `Stream` of its pieces.

#![warn(missing_docs)]

mod body;
mod byob;
mod cache;
mod host;
mod libc_shim;
mod time_zone;

use body::CloudflareBody;
use host::CloudflareHost;
use tailor::app::{serve, Outgoing, PageBody};
use tailor::Bundle;
use tailor_platform::Geo;

/// The demo deployment's compiled-in files.
const BUNDLE: Bundle = Bundle {
    config_json: tailor_demo::CONFIG_JSON,
    default_list_json: tailor_demo::DEFAULT_LIST_JSON,
    demo_page: tailor_demo::PAGE_TEMPLATE,
    // An isolate remembers the model it read (instance memory): nothing to prepare, and
    // 34 KB less to ship.
    model: None,
};
use worker::{event, Context, Env, Headers, Method, Response};

/// Client request bodies larger than this are cut off (only beacons have bodies).
const MAX_CLIENT_BODY: usize = 64 * 1024;

async fn to_http(mut request: worker::Request) -> Result<http::Request<Vec<u8>>, worker::Error> {
    // Normalized as `Request::url` would (the same parser, run only when needed).
    let path_and_query = tailor::request_target::path_and_query(&request.inner().url())
        .ok_or_else(|| worker::Error::RustError("the request's URL does not parse".into()))?;
    let method = request.method();
    let body = match method {
        Method::Post => {
            let mut bytes = request.bytes().await.unwrap_or_default();
            bytes.truncate(MAX_CLIENT_BODY);
            bytes
        }
        _ => Vec::new(),
    };
    let mut builder = http::Request::builder()
        .method(method.as_ref())
        .uri(path_and_query);
    for (name, value) in request.headers().entries() {
        builder = builder.header(name, value);
    }
    Ok(builder.body(body).unwrap_or_else(|_| {
        // An unparsable URI cannot route anywhere; the handler answers it with a 404.
        let mut fallback = http::Request::new(Vec::new());
        *fallback.uri_mut() = http::Uri::from_static("/_invalid");
        fallback
    }))
}

fn response_headers(headers: &http::HeaderMap) -> Result<Headers, worker::Error> {
    let out = Headers::new();
    for (name, value) in headers {
        if let Ok(value) = value.to_str() {
            out.append(name.as_str(), value)?;
        }
    }
    Ok(out)
}

/// A page streamed as the origin delivers it; the host moves into the stream, which logs the
/// page when it ends.
fn page_stream(
    page: PageBody<CloudflareBody>,
    host: CloudflareHost,
) -> impl futures_util::Stream<Item = Result<Vec<u8>, worker::Error>> {
    futures_util::stream::unfold(Some((page, host)), |state| async move {
        let (mut page, host) = state?;
        match page.next_piece().await {
            Ok(Some(piece)) => Some((Ok(piece), Some((page, host)))),
            Ok(None) => {
                page.log_end(&host, None);
                None
            }
            Err(e) => {
                let error = e.to_string();
                page.log_end(&host, Some(&error));
                Some((Err(worker::Error::RustError(error)), None))
            }
        }
    })
}

#[event(fetch)]
async fn fetch(request: worker::Request, env: Env, _ctx: Context) -> worker::Result<Response> {
    let zone = time_zone::of_request(&request);
    let geo = request.cf().map(|cf| Geo {
        country: cf.country(),
        region: cf.region_code(),
        city: cf.city(),
        utc_offset_minutes: zone
            .as_deref()
            .and_then(|zone| time_zone::utc_offset_minutes(zone, worker::js_sys::Date::now())),
    });
    let host = CloudflareHost::new(env, geo);
    let request = to_http(request).await?;
    let (parts, body) = serve(request, &host, &BUNDLE).await.into_parts();
    let headers = response_headers(&parts.headers)?;
    let response = match body {
        Outgoing::Full(bytes) if bytes.is_empty() => Response::empty()?,
        Outgoing::Full(bytes) => Response::from_bytes(bytes)?,
        Outgoing::Unread(body) => body.into_response()?,
        Outgoing::Page(page) => Response::from_stream(page_stream(*page, host))?,
    };
    Ok(response
        .with_status(parts.status.as_u16())
        .with_headers(headers))
}

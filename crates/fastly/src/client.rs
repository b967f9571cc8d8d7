//! The client's request and response, converted between the handler's `http` types and the
//! `fastly` crate's handle API. Not through the crate's `Request` and `Response`: taking the
//! client request and sending a response that way also sets flags in the crate's statics (the
//! request taken, a response sent), and each such value builds a hash map whose random keys are
//! a per-thread counter every new map bumps. In a pre-initialized instance those statics are on
//! pages of the snapshot, so each request copied two of them (see `fresh_heap.rs`). Tailor
//! takes the request once and answers once (`main.rs`), so it needs neither guard: the same
//! host calls, in the same order.
#![allow(unsafe_code)]

use fastly::error::BufferSizeError;
use fastly::handle::{BodyHandle, RequestHandle, ResponseHandle};
use fastly::http::FramingHeadersMode;
use std::io::{Read, Write};
use std::net::IpAddr;

/// Client request bodies larger than this are cut off (only beacons have bodies).
const MAX_CLIENT_BODY: u64 = 64 * 1024;
/// The first buffer for each part of the request; a part that does not fit is read again with
/// a buffer of the size the host says it needs. Smaller than the `fastly` crate's 4 KB for
/// URLs and header values: those buffers were the request's first allocations in memory new
/// to the instance, and each page a request first touches is a page fault (a cached image made
/// 25 per request in Viceroy with 4 KB, 22 with 1 KB; nearly every URL and value fits in 1 KB,
/// a long cookie is read twice).
const METHOD_BUFFER: usize = 8;
const URL_BUFFER: usize = 1024;
const NAME_BUFFER: usize = 128;
const VALUE_BUFFER: usize = 1024;
/// How long a cached body may take to have its first piece ready before its response goes
/// out regardless (`await_first_piece`).
const FIRST_PIECE_WAIT_MS: u32 = 1_000;
/// No part of a request is read with a larger buffer (Fastly's own limit on a request's
/// headers is well below it).
const MAX_PART_BYTES: usize = 1024 * 1024;

/// The client request as the handler takes it, and the host's handle of it (for what only
/// some requests need, such as the client's address); `None` if the host has no request to
/// give (it always has one while a program runs).
// The raw handle calls are deprecated for targets other than `wasm32-wasip1` (whose host calls
// these are): a host build of this crate (clippy, tests) compiles them but never runs them.
#[allow(deprecated)]
pub(crate) fn request() -> Option<(http::Request<Vec<u8>>, RequestHandle)> {
    let (mut request, mut body) = (RequestHandle::INVALID, BodyHandle::INVALID);
    // SAFETY: the host writes two handles it hands over to this program; they are owned by
    // the two values from here on, and closed when those drop.
    let status = unsafe {
        fastly_sys::fastly_http_req::body_downstream_get(request.as_u32_mut(), body.as_u32_mut())
    };
    if !status.is_ok() || !request.is_valid() || !body.is_valid() {
        return None;
    }
    let method = read_grown(METHOD_BUFFER, |size| request.get_method(size));
    // Normalized as the `fastly` crate's `Request` would (its `url` crate parse), dot
    // segments resolved and the path percent-encoded before anything routes on it, but
    // parsed only when it is not normal already.
    let path_and_query = url_of(&request)
        .as_deref()
        .and_then(tailor::request_target::path_and_query);
    // Only a POST (a beacon, a purge) is answered from its body: another request's is left
    // unread, one host call fewer.
    let mut bytes = Vec::new();
    if method.as_ref() == Some(&http::Method::POST) {
        let _ = body.take(MAX_CLIENT_BODY).read_to_end(&mut bytes);
    }
    let mut builder = http::Request::builder();
    if let (Some(method), Some(path_and_query)) = (method, path_and_query) {
        builder = builder.method(method).uri(path_and_query);
    } else {
        builder = builder.uri("/_invalid");
    }
    let names = read_grown(NAME_BUFFER, |size| {
        request
            .get_header_names(size)
            .collect::<Result<Vec<_>, _>>()
    });
    for name in names.unwrap_or_default() {
        let values = read_grown(VALUE_BUFFER, |size| {
            request
                .get_header_values(&name, size)
                .collect::<Result<Vec<_>, _>>()
        });
        for value in values.unwrap_or_default() {
            builder = builder.header(&name, value);
        }
    }
    let converted = builder.body(bytes).unwrap_or_else(|_| {
        // An unparsable URI cannot route anywhere; the handler answers it with a 404.
        let mut fallback = http::Request::new(Vec::new());
        *fallback.uri_mut() = http::Uri::from_static("/_invalid");
        fallback
    });
    Some((converted, request))
}

/// The client's address, asked of the host (only a request that looks up its geo needs it).
#[allow(deprecated)]
pub(crate) fn client_ip(request: &RequestHandle) -> Option<IpAddr> {
    request.client_ip_addr()
}

/// The request's URL as the host hands it over (the `fastly` crate's `get_url` would parse it,
/// and stop the program on one it cannot parse); `None` if it is not UTF-8 or over
/// [`MAX_PART_BYTES`].
#[allow(deprecated)]
fn url_of(request: &RequestHandle) -> Option<String> {
    // SAFETY: the host writes at most `size` bytes into the buffer and says how many (or,
    // when they do not fit, how many it needs).
    let bytes = unsafe {
        crate::host_bytes::read(URL_BUFFER, MAX_PART_BYTES, |buffer, size, written| {
            fastly_sys::fastly_http_req::uri_get(request.as_u32(), buffer, size, written).is_ok()
        })
    }?;
    String::from_utf8(bytes).ok()
}

/// `read` with a buffer of `size` bytes, again with the size the host asks for while it asks
/// for more (up to [`MAX_PART_BYTES`]); `None` if the part cannot be read.
fn read_grown<T>(mut size: usize, read: impl Fn(usize) -> Result<T, BufferSizeError>) -> Option<T> {
    loop {
        match read(size) {
            Ok(part) => return Some(part),
            Err(e) if e.needed_buf_size > size && e.needed_buf_size <= MAX_PART_BYTES => {
                size = e.needed_buf_size;
            }
            Err(_) => return None,
        }
    }
}

/// Sends `response` whole.
pub(crate) fn send(response: http::Response<Vec<u8>>) {
    let (parts, bytes) = response.into_parts();
    let mut body = BodyHandle::new();
    // The host takes the whole body into its own buffer; a failed write leaves it short, as
    // the `fastly` crate's `Response` would.
    let _ = body.write_all(&bytes);
    head(&parts).send_to_client(body);
}

/// Sends `parts` with `body` as the host holds it (a cached body, never read into the
/// instance): the host streams it to the client, framed by the `Content-Length` the handler
/// set from the stored length (without it, Viceroy sends such a body chunked).
pub(crate) fn send_unread(parts: &http::response::Parts, body: fastly::Body) {
    let body = body.into_handle();
    await_first_piece(&body);
    let mut head = head(parts);
    head.set_framing_headers_mode(FramingHeadersMode::ManuallyFromHeaders);
    head.send_to_client(body);
}

/// Waits until `body` has its first piece ready, or for [`FIRST_PIECE_WAIT_MS`]. Viceroy hands
/// a cached body over through a task of its own that has not run yet when the response is
/// sent: the headers then leave alone and the body in a second, small write, which on a
/// kept-alive connection waits for the client's delayed acknowledgement (a 12 KB cached
/// preview took 1–43 ms a request that way, 16 on average). With the piece ready, both leave
/// in one write.
#[allow(deprecated)]
fn await_first_piece(body: &BodyHandle) {
    // SAFETY: the handle is only read, and stays `body`'s.
    let handle = unsafe { body.as_u32() };
    let mut done = 0u32;
    // SAFETY: a pointer to one live handle with a length of one, and to a live `u32` for the
    // index of the ready one. A timeout or an error leaves the body as it is, sent anyway.
    let _ =
        unsafe { fastly_sys::fastly_async_io::select(&handle, 1, FIRST_PIECE_WAIT_MS, &mut done) };
}

/// Sends `parts` and returns the body, open for the pieces that follow.
pub(crate) fn stream(parts: &http::response::Parts) -> fastly::http::body::StreamingBody {
    head(parts).stream_to_client(BodyHandle::new()).into()
}

fn head(parts: &http::response::Parts) -> ResponseHandle {
    let mut head = ResponseHandle::new();
    head.set_status(parts.status);
    for (name, value) in &parts.headers {
        head.append_header(name, value);
    }
    head
}

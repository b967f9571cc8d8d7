//! Origin and KV bodies read into the handler: chunk by chunk, each chunk within the backend's
//! between-bytes timeout when there is one, or (a body of declared length) whole.

use futures_util::future::{select, Either};
use futures_util::StreamExt;
use std::time::Duration;
use tailor_platform::{BodyStream, PlatformError};
use worker::js_sys::{ArrayBuffer, Uint8Array};
use worker::wasm_bindgen::JsCast;
use worker::wasm_bindgen_futures::JsFuture;
use worker::web_sys::ReadableStream;
use worker::{ByteStream, Delay, Response, ResponseBody};

const MIB: usize = 1024 * 1024;

/// An origin body read chunk by chunk, each chunk within the between-bytes timeout (when
/// there is one: KV values have none).
#[derive(Debug)]
pub(crate) struct CloudflareBody {
    /// The body before anything was read from it: read whole by `arrayBuffer()`, or turned
    /// into `stream` by the first chunk.
    pub(crate) raw: Option<ReadableStream>,
    pub(crate) stream: Option<ByteStream>,
    pub(crate) between_bytes: Option<Duration>,
}

impl CloudflareBody {
    /// A fetched response's body.
    pub(crate) fn of(response: &Response, between_bytes: Option<Duration>) -> Self {
        let raw = match response.body() {
            ResponseBody::Stream(stream) => Some(stream.clone()),
            _ => None,
        };
        Self {
            raw,
            stream: None,
            between_bytes,
        }
    }
}

impl BodyStream for CloudflareBody {
    /// Read chunk by chunk, a 16 MB original crossed from JS into wasm in hundreds of small
    /// copies and awaits (~0.5 s in workerd against ~70 ms in Viceroy); `arrayBuffer()`
    /// gathers it in the runtime and it crosses in one copy.
    async fn whole(&mut self, declared: usize) -> Result<Option<Vec<u8>>, PlatformError> {
        let Some(raw) = self.raw.take() else {
            return Ok(None);
        };
        let js = |e: worker::wasm_bindgen::JsValue| PlatformError::Other(format!("{e:?}"));
        let response =
            worker::web_sys::Response::new_with_opt_readable_stream(Some(&raw)).map_err(js)?;
        let read = JsFuture::from(response.array_buffer().map_err(js)?);
        let buffer = match self.between_bytes {
            // One between-bytes timeout per MiB declared (and one more): a trickle slower than
            // that is cut off, as a stall between chunks would be.
            Some(timeout) => {
                let allowed =
                    timeout.saturating_mul(1 + u32::try_from(declared / MIB).unwrap_or(u32::MAX));
                match select(read, Delay::from(allowed)).await {
                    Either::Left((buffer, _)) => buffer,
                    Either::Right(_) => return Err(PlatformError::Timeout),
                }
            }
            None => read.await,
        }
        .map_err(js)?;
        let array = Uint8Array::new(&buffer.unchecked_into::<ArrayBuffer>());
        let len = array.length() as usize;
        let mut out = Vec::new();
        out.try_reserve_exact(len)
            .map_err(|_| PlatformError::Other(format!("no memory for a {len}-byte body")))?;
        out.resize(len, 0);
        array.copy_to(&mut out);
        Ok(Some(out))
    }

    async fn next_chunk(&mut self) -> Result<Option<Vec<u8>>, PlatformError> {
        if let Some(raw) = self.raw.take() {
            let mut response = Response::from_body(ResponseBody::Stream(raw))
                .map_err(|e| PlatformError::Other(e.to_string()))?;
            self.stream = response.stream().ok();
        }
        let Some(stream) = self.stream.as_mut() else {
            return Ok(None);
        };
        let next = match self.between_bytes {
            // A chunk already there is taken without arming a timer.
            Some(timeout) => match select(stream.next(), Delay::from(timeout)).await {
                Either::Left((next, _)) => next,
                Either::Right(_) => return Err(PlatformError::Timeout),
            },
            None => stream.next().await,
        };
        match next {
            Some(chunk) => chunk
                .map(Some)
                .map_err(|e| PlatformError::Other(e.to_string())),
            None => Ok(None),
        }
    }
}

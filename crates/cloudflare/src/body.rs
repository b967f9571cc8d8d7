//! Origin and KV bodies read into the handler: chunk by chunk, each chunk within the backend's
//! between-bytes timeout when there is one, or (a body of declared length) whole.

use crate::byob;
use futures_util::future::{select, Either};
use futures_util::StreamExt;
use std::time::Duration;
use tailor_platform::{BodyStream, PlatformError};
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

    /// A response with this body as it is: the runtime's own stream when nothing was read
    /// from it (never through the wasm), or what is left of it.
    pub(crate) fn into_response(self) -> worker::Result<Response> {
        match (self.raw, self.stream) {
            (Some(raw), _) => Response::from_body(ResponseBody::Stream(raw)),
            (None, Some(stream)) => Response::from_stream(stream),
            (None, None) => Response::empty(),
        }
    }
}

impl BodyStream for CloudflareBody {
    /// Into one buffer of the declared length, 1 MiB at a time through a BYOB reader's
    /// `readAtLeast` (workerd's). The runtime's default reader hands a fetched body over in
    /// 4 KB chunks (a 16 MB original: ~4,000 copies and awaits, ~0.5 s in workerd), and
    /// `arrayBuffer()` gathers the whole body in the isolate before it is copied into wasm, so
    /// it is there twice; here JS holds 1 MiB at a time, and the read takes as long.
    async fn whole(&mut self, declared: usize) -> Result<Option<Vec<u8>>, PlatformError> {
        let Some(raw) = self.raw.take() else {
            return Ok(None);
        };
        let Some(reader) = byob::reader(&raw) else {
            // Not a byte stream: read chunk by chunk instead.
            self.raw = Some(raw);
            return Ok(None);
        };
        let read = byob::read_into(reader, declared);
        match self.between_bytes {
            // One between-bytes timeout per MiB declared (and one more): a trickle slower than
            // that is cut off, as a stall between chunks would be.
            Some(timeout) => {
                let allowed =
                    timeout.saturating_mul(1 + u32::try_from(declared / MIB).unwrap_or(u32::MAX));
                match select(std::pin::pin!(read), Delay::from(allowed)).await {
                    Either::Left((body, _)) => body.map(Some),
                    Either::Right(_) => Err(PlatformError::Timeout),
                }
            }
            None => read.await.map(Some),
        }
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

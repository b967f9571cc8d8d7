//! Origin and KV bodies read into the handler chunk by chunk, each chunk within the backend's
//! between-bytes timeout when there is one.

use futures_util::future::{select, Either};
use futures_util::StreamExt;
use std::time::Duration;
use tailor_platform::{BodyStream, PlatformError};
use worker::{ByteStream, Delay};

/// An origin body read chunk by chunk, each chunk within the between-bytes timeout (when
/// there is one: KV values have none).
#[derive(Debug)]
pub(crate) struct CloudflareBody {
    pub(crate) stream: Option<ByteStream>,
    pub(crate) between_bytes: Option<Duration>,
}

impl BodyStream for CloudflareBody {
    async fn next_chunk(&mut self) -> Result<Option<Vec<u8>>, PlatformError> {
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

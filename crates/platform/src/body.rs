//! Reading origin bodies chunk by chunk, with a byte limit enforced before anything is kept.

use super::PlatformError;

/// A response body that yields chunks until it is exhausted.
#[allow(async_fn_in_trait)] // hosts are single-threaded; see the platform module docs
pub trait BodyStream {
    /// The next chunk, or `None` at the end.
    async fn next_chunk(&mut self) -> Result<Option<Vec<u8>>, PlatformError>;
    /// Asks for chunks of at most about `bytes` from now on, on hosts where the reader picks
    /// the read size (where the runtime hands over chunks of its own, this does nothing). A
    /// streamed page wants small pieces however fast its origin sends: each chunk is held
    /// until it is rewritten.
    fn limit_chunk_bytes(&mut self, _bytes: usize) {}
}

/// A body delivered in predetermined chunks: for hosts that hold bodies in memory, and tests.
#[derive(Debug, Default)]
pub struct ChunkedBody {
    chunks: std::collections::VecDeque<Vec<u8>>,
}

impl ChunkedBody {
    /// A body that yields `chunks` in order.
    pub fn new(chunks: Vec<Vec<u8>>) -> Self {
        Self {
            chunks: chunks.into(),
        }
    }
}

impl BodyStream for ChunkedBody {
    async fn next_chunk(&mut self) -> Result<Option<Vec<u8>>, PlatformError> {
        Ok(self.chunks.pop_front())
    }
}

/// Why a body could not be read whole.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BodyError {
    /// The body passed the limit.
    #[error("body is larger than {limit} bytes")]
    TooLarge {
        /// The limit in bytes.
        limit: usize,
    },
    /// The host failed to deliver a chunk.
    #[error("reading the body failed: {0}")]
    Read(#[from] PlatformError),
}

/// Reads the whole body, failing as soon as it passes `limit` bytes. `length_hint` (from
/// `Content-Length`) lets the buffer be allocated once instead of grown and copied.
pub async fn read_to_end_limited<B: BodyStream>(
    body: &mut B,
    limit: usize,
    length_hint: Option<usize>,
) -> Result<Vec<u8>, BodyError> {
    if length_hint.is_some_and(|n| n > limit) {
        return Err(BodyError::TooLarge { limit });
    }
    let mut out = Vec::with_capacity(length_hint.unwrap_or(0));
    while let Some(chunk) = body.next_chunk().await? {
        if out.len() + chunk.len() > limit {
            return Err(BodyError::TooLarge { limit });
        }
        if out.is_empty() && out.capacity() < chunk.len() {
            // The whole body arrived as one chunk: keep it instead of copying it.
            out = chunk;
        } else {
            out.extend_from_slice(&chunk);
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::block_on;

    #[test]
    fn reads_all_chunks() {
        let mut body = ChunkedBody::new(vec![b"ab".to_vec(), b"cd".to_vec()]);
        let bytes = block_on(read_to_end_limited(&mut body, 10, None))
            .unwrap()
            .unwrap();
        assert_eq!(bytes, b"abcd");
    }

    #[test]
    fn stops_at_the_limit() {
        let mut body = ChunkedBody::new(vec![vec![0; 6], vec![0; 6]]);
        let result = block_on(read_to_end_limited(&mut body, 10, None)).unwrap();
        assert_eq!(result, Err(BodyError::TooLarge { limit: 10 }));
    }

    #[test]
    fn a_declared_length_over_the_limit_is_refused_before_reading() {
        let mut body = ChunkedBody::new(vec![vec![0; 1]]);
        let result = block_on(read_to_end_limited(&mut body, 10, Some(11))).unwrap();
        assert_eq!(result, Err(BodyError::TooLarge { limit: 10 }));
    }
}

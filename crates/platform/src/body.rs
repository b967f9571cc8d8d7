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
    /// The whole body in one piece, on hosts that hand a body over faster whole than chunk by
    /// chunk (`None`: read the chunks). Asked only before any chunk was read, with the
    /// declared length, which the caller has checked against its limit.
    async fn whole(&mut self, _declared: usize) -> Result<Option<Vec<u8>>, PlatformError> {
        Ok(None)
    }
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
    /// The heap had no room for the body (within the limit, but not within what is left).
    #[error("no memory for a {bytes}-byte body")]
    NoMemory {
        /// The bytes that could not be allocated.
        bytes: usize,
    },
    /// The host failed to deliver a chunk.
    #[error("reading the body failed: {0}")]
    Read(#[from] PlatformError),
}

/// Reads the whole body, failing as soon as it passes `limit` bytes. With `length_hint` (from
/// `Content-Length`) the buffer is allocated once; without it the chunks are kept and joined
/// once at the end: a buffer grown by doubling would hold up to three times the body while
/// it is copied, and wasm's heap never gives that back. Allocation failure is an error.
pub async fn read_to_end_limited<B: BodyStream>(
    body: &mut B,
    limit: usize,
    length_hint: Option<usize>,
) -> Result<Vec<u8>, BodyError> {
    if length_hint.is_some_and(|n| n > limit) {
        return Err(BodyError::TooLarge { limit });
    }
    if let Some(declared) = length_hint {
        if let Some(whole) = body.whole(declared).await? {
            return match whole.len() > limit {
                true => Err(BodyError::TooLarge { limit }),
                false => Ok(whole),
            };
        }
    }
    let mut chunks: Vec<Vec<u8>> = Vec::new();
    let mut out = reserved(length_hint.unwrap_or(0))?;
    let mut total = 0usize;
    while let Some(mut chunk) = body.next_chunk().await? {
        total = total.saturating_add(chunk.len());
        if total > limit {
            return Err(BodyError::TooLarge { limit });
        }
        if total <= out.capacity() {
            // Within the declared length: straight into the one buffer.
            out.extend_from_slice(&chunk);
        } else {
            // A reader's chunk may be mostly spare capacity; keep only its bytes.
            if chunk.capacity() > chunk.len().saturating_mul(2) {
                chunk.shrink_to_fit();
            }
            chunks.push(chunk);
        }
    }
    if chunks.is_empty() {
        return Ok(out);
    }
    if out.is_empty() && chunks.len() == 1 {
        return Ok(chunks.pop().unwrap_or_default());
    }
    out.try_reserve_exact(total - out.len())
        .map_err(|_| BodyError::NoMemory { bytes: total })?;
    for chunk in chunks {
        out.extend_from_slice(&chunk);
    }
    Ok(out)
}

fn reserved(bytes: usize) -> Result<Vec<u8>, BodyError> {
    let mut out = Vec::new();
    out.try_reserve_exact(bytes)
        .map_err(|_| BodyError::NoMemory { bytes })?;
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
    fn bodies_without_a_length_are_joined_once_and_lying_lengths_still_read() {
        let chunks = || ChunkedBody::new(vec![b"ab".to_vec(), b"cd".to_vec(), b"e".to_vec()]);
        for hint in [None, Some(0), Some(2), Some(5), Some(9)] {
            let bytes = block_on(read_to_end_limited(&mut chunks(), 10, hint))
                .unwrap()
                .unwrap();
            assert_eq!(bytes, b"abcde", "hint {hint:?}");
        }
        let mut one = ChunkedBody::new(vec![b"whole".to_vec()]);
        let bytes = block_on(read_to_end_limited(&mut one, 10, None)).unwrap();
        assert_eq!(bytes.unwrap(), b"whole");
    }

    /// A host that hands bodies over whole.
    struct Whole(Vec<u8>);

    impl BodyStream for Whole {
        async fn next_chunk(&mut self) -> Result<Option<Vec<u8>>, PlatformError> {
            panic!("a body of declared length was read in chunks");
        }
        async fn whole(&mut self, _declared: usize) -> Result<Option<Vec<u8>>, PlatformError> {
            Ok(Some(std::mem::take(&mut self.0)))
        }
    }

    #[test]
    fn hosts_that_read_whole_get_the_declared_length_and_the_limit_still_holds() {
        let read = |body: Vec<u8>, hint| block_on(read_to_end_limited(&mut Whole(body), 4, hint));
        assert_eq!(read(b"abcd".to_vec(), Some(4)).unwrap().unwrap(), b"abcd");
        // Longer than declared and over the limit: refused all the same.
        let over = read(b"abcdef".to_vec(), Some(4)).unwrap();
        assert_eq!(over, Err(BodyError::TooLarge { limit: 4 }));
    }

    #[test]
    fn a_declared_length_over_the_limit_is_refused_before_reading() {
        let mut body = ChunkedBody::new(vec![vec![0; 1]]);
        let result = block_on(read_to_end_limited(&mut body, 10, Some(11))).unwrap();
        assert_eq!(result, Err(BodyError::TooLarge { limit: 10 }));
    }
}

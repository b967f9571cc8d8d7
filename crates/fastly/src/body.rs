//! Reading Fastly bodies into the handler: whole (cached objects, KV values) in as few host
//! calls as their length allows, or chunk by chunk (origin responses).

use std::io::Read;
use tailor_platform::{BodyStream, PlatformError};

/// Large reads: each one is a host call, and a 16 MB original should not take hundreds.
pub(crate) const CHUNK: usize = 1024 * 1024;
/// The first read of a body of unknown length.
const START_READ: usize = 64 * 1024;
/// The read that asks whether a body of unknown length has more after a read.
const PROBE_READ: usize = 1024;

/// Reads a whole body in as few host calls as its length allows, refusing it past
/// `max_bytes` before allocating for it. `length` is the caller's exact knowledge of it (a
/// cached object's stored length, which the insert declared and the host enforced: Viceroy's
/// cache bodies do not report one), used when the body does not report its own; the read ends
/// there. The fastly crate's `into_bytes` reads through an 8 KB buffer: in Viceroy a 52 KB
/// cached model took 200–350 µs that way and 60–100 µs read at once. Allocation failure is an
/// error, not a trap.
pub(crate) fn read_whole(
    mut body: fastly::Body,
    max_bytes: usize,
    length: Option<u64>,
) -> Result<Vec<u8>, PlatformError> {
    let too_large = PlatformError::TooLarge { limit: max_bytes };
    // A length the caller knows saves asking the host.
    let known = length
        .or_else(|| body.known_length())
        .and_then(|n| usize::try_from(n).ok());
    if known.is_some_and(|n| n > max_bytes) {
        return Err(too_large);
    }
    let mut handle = body.into_handle();
    let mut out: Vec<u8> = Vec::new();
    // The known length in one read. Without a length, reads grow with what has arrived: a
    // buffer is zeroed before each read, so a 1 MB read for a few bytes costs more than them.
    let mut want = known.unwrap_or(START_READ).max(1);
    loop {
        let start = out.len();
        // One byte past the limit is enough to tell that a body is too large.
        let room = want
            .min(max_bytes.saturating_add(1).saturating_sub(start))
            .max(1);
        out.try_reserve_exact(room)
            .map_err(|_| PlatformError::Other(format!("no memory for a {room}-byte read")))?;
        out.resize(start.saturating_add(room), 0);
        let read = match out.get_mut(start..) {
            Some(spare) => handle.read(spare),
            None => Ok(0),
        }
        .map_err(read_error)?;
        out.truncate(start.saturating_add(read));
        if read == 0 {
            return Ok(out);
        }
        if out.len() > max_bytes {
            return Err(too_large);
        }
        // The known length is exact (cached objects, KV values, declared origin bodies): no
        // read is needed to find the end (each host call costs microseconds on the banner
        // path), and a partial read is followed by reads of the rest, inside the buffer.
        match known {
            Some(length) if length == out.len() => return Ok(out),
            Some(length) if length > out.len() => {
                // At most a chunk: each read's room is zeroed first.
                want = (length - out.len()).min(CHUNK);
                continue;
            }
            _ => {}
        }
        // Whether more follows, asked with a small buffer on the stack: growing the vector
        // for a read that only finds the end would zero (and in a fresh instance fault in)
        // pages nothing uses.
        let mut probe = [0u8; PROBE_READ];
        let more = handle.read(&mut probe).map_err(read_error)?;
        let Some(more) = probe.get(..more).filter(|m| !m.is_empty()) else {
            return Ok(out);
        };
        let grown = out.len().saturating_add(more.len());
        if grown > max_bytes {
            return Err(too_large);
        }
        want = grown.clamp(START_READ, CHUNK);
        if out.capacity().saturating_sub(out.len()) < more.len() {
            // The probe's bytes and the next read's room (within the limit) in one exact
            // reservation: growing by doubling would hold up to twice the body in a heap that
            // never shrinks. Within the buffer already reserved nothing is allocated.
            let room = want.min(max_bytes.saturating_add(1).saturating_sub(grown));
            let next = more.len().saturating_add(room);
            out.try_reserve_exact(next)
                .map_err(|_| PlatformError::Other(format!("no memory for a {next}-byte read")))?;
        }
        out.extend_from_slice(more);
    }
}

/// An origin body read in chunks of up to `chunk` bytes ([`CHUNK`] unless the reader asks
/// for less).
#[derive(Debug)]
pub(crate) struct FastlyBody {
    body: fastly::Body,
    chunk: usize,
}

impl FastlyBody {
    /// An origin response's body, read [`CHUNK`] at a time until the reader asks for less.
    pub(crate) fn new(body: fastly::Body) -> Self {
        Self { body, chunk: CHUNK }
    }

    /// The body itself, for a response that sends it on as it is.
    pub(crate) fn into_inner(self) -> fastly::Body {
        self.body
    }
}

impl BodyStream for FastlyBody {
    async fn next_chunk(&mut self) -> Result<Option<Vec<u8>>, PlatformError> {
        let mut buf = vec![0; self.chunk];
        let n = self.body.read(&mut buf).map_err(read_error)?;
        buf.truncate(n);
        Ok((n > 0).then_some(buf))
    }

    fn limit_chunk_bytes(&mut self, bytes: usize) {
        self.chunk = bytes.clamp(1, CHUNK);
    }

    /// In one buffer of the declared length, read in as few host calls as it allows, instead
    /// of 1 MB chunks each zeroed, read and copied again.
    async fn whole(&mut self, declared: usize) -> Result<Option<Vec<u8>>, PlatformError> {
        let body = std::mem::replace(&mut self.body, fastly::Body::new());
        // The declared length is the exact length HTTP framing delivers (more is refused as
        // too large, less ends the read early): one buffer of it, never grown.
        let length = u64::try_from(declared).ok();
        read_whole(body, declared, length).map(Some)
    }
}

fn read_error(error: std::io::Error) -> PlatformError {
    match error.kind() {
        // The backend's between-bytes timeout.
        std::io::ErrorKind::TimedOut => PlatformError::Timeout,
        _ => PlatformError::Other(error.to_string()),
    }
}

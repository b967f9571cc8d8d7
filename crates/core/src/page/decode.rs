//! Undoing an origin's `Content-Encoding` as a pull stream, so a compressed page can still be
//! rewritten. Origin chunks are pushed in and kept until the decoder has read them; decoded
//! bytes are pulled out at most [`PIECE`] at a time. However much one chunk inflates to (a
//! gzip bomb expands ~1000×), only one piece of it exists decoded at once, and no further
//! origin chunk is asked for until the previous one is used up.

use flate2::bufread::{MultiGzDecoder, ZlibDecoder};
use std::io::{self, BufRead, Read};

/// The most decoded bytes handed out per pull: bounds what a page holds decoded at once.
pub const PIECE: usize = 32 * 1024;

/// What one pull produced.
#[derive(Debug, PartialEq, Eq)]
pub enum Pulled<'a> {
    /// Up to [`PIECE`] decoded bytes.
    Data(&'a [u8]),
    /// Everything pushed so far is decoded: push the next origin chunk (or end the input).
    NeedInput,
    /// The encoded stream is complete; later input is ignored.
    End,
}

/// Why decoding stopped.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DecodeError {
    /// The body does not inflate; the decoder's message.
    #[error("the page's compressed body is corrupt: {0}")]
    Corrupt(String),
}

/// Origin bytes pushed but not yet read by the decoder. As a [`BufRead`] it reports
/// "would block" while empty and more input may follow, and the end once the origin ended.
#[derive(Debug, Default)]
struct Pending {
    bytes: Vec<u8>,
    read: usize,
    ended: bool,
}

impl Pending {
    fn is_drained(&self) -> bool {
        self.read >= self.bytes.len()
    }

    fn push(&mut self, chunk: Vec<u8>) {
        if self.is_drained() {
            // The usual case (chunks are only pushed once used up): no copy.
            self.bytes = chunk;
            self.read = 0;
        } else {
            self.bytes.drain(..self.read);
            self.read = 0;
            self.bytes.extend_from_slice(&chunk);
        }
    }

    /// Up to `max` unread bytes, as read.
    fn take(&mut self, max: usize) -> &[u8] {
        let start = self.read.min(self.bytes.len());
        let end = start.saturating_add(max).min(self.bytes.len());
        self.read = end;
        self.bytes.get(start..end).unwrap_or_default()
    }
}

impl Read for Pending {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        let available = self.fill_buf()?;
        let n = available.len().min(out.len());
        if let (Some(to), Some(from)) = (out.get_mut(..n), available.get(..n)) {
            to.copy_from_slice(from);
        }
        self.consume(n);
        Ok(n)
    }
}

impl BufRead for Pending {
    fn fill_buf(&mut self) -> io::Result<&[u8]> {
        if self.is_drained() && !self.ended {
            return Err(io::ErrorKind::WouldBlock.into());
        }
        Ok(self.bytes.get(self.read..).unwrap_or_default())
    }

    fn consume(&mut self, amount: usize) {
        self.read = self.read.saturating_add(amount).min(self.bytes.len());
    }
}

/// The encodings the rewriter can read through.
#[derive(Debug)]
enum Codec {
    Identity(Pending),
    /// Every member of a gzip file (RFC 1952 allows several, concatenated).
    Gzip(Box<MultiGzDecoder<Pending>>),
    /// HTTP's `deflate` is the zlib format.
    Deflate(Box<ZlibDecoder<Pending>>),
}

/// A content decoder: push origin chunks, pull decoded pieces.
#[derive(Debug)]
pub struct Decoder {
    codec: Codec,
    /// Where compressed input is inflated to, one piece at a time.
    piece: Vec<u8>,
    ended: bool,
}

impl Decoder {
    /// The decoder for a `Content-Encoding` value, `None` when it cannot be undone here
    /// (`br`, `zstd`, stacked encodings): such pages pass through untouched.
    pub fn for_encoding(content_encoding: Option<&str>) -> Option<Self> {
        let codec = match content_encoding
            .map(|e| e.trim().to_ascii_lowercase())
            .as_deref()
        {
            None | Some("" | "identity") => Codec::Identity(Pending::default()),
            Some("gzip" | "x-gzip") => {
                Codec::Gzip(Box::new(MultiGzDecoder::new(Pending::default())))
            }
            Some("deflate") => Codec::Deflate(Box::new(ZlibDecoder::new(Pending::default()))),
            Some(_) => return None,
        };
        Some(Self {
            codec,
            piece: Vec::new(),
            ended: false,
        })
    }

    fn pending(&mut self) -> &mut Pending {
        match &mut self.codec {
            Codec::Identity(pending) => pending,
            Codec::Gzip(decoder) => decoder.get_mut(),
            Codec::Deflate(decoder) => decoder.get_mut(),
        }
    }

    /// Hands over the next origin chunk. Call it when [`Decoder::pull`] says `NeedInput`, so
    /// at most one chunk is held.
    pub fn push(&mut self, chunk: Vec<u8>) {
        if !self.ended {
            self.pending().push(chunk);
        }
    }

    /// The origin body has ended.
    pub fn end_input(&mut self) {
        self.pending().ended = true;
    }

    /// The next decoded piece, or what the decoder needs to make one.
    pub fn pull(&mut self) -> Result<Pulled<'_>, DecodeError> {
        if self.ended {
            return Ok(Pulled::End);
        }
        let read = match &mut self.codec {
            Codec::Identity(pending) => {
                let at_end = pending.ended;
                let data = pending.take(PIECE);
                return Ok(match (data.is_empty(), at_end) {
                    (false, _) => Pulled::Data(data),
                    (true, false) => Pulled::NeedInput,
                    (true, true) => {
                        self.ended = true;
                        Pulled::End
                    }
                });
            }
            Codec::Gzip(decoder) => inflate(decoder.as_mut(), &mut self.piece),
            Codec::Deflate(decoder) => inflate(decoder.as_mut(), &mut self.piece),
        };
        match read {
            Ok(0) => {
                self.ended = true;
                Ok(Pulled::End)
            }
            Ok(n) => Ok(Pulled::Data(self.piece.get(..n).unwrap_or_default())),
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => Ok(Pulled::NeedInput),
            Err(e) => {
                self.ended = true;
                Err(DecodeError::Corrupt(e.to_string()))
            }
        }
    }
}

/// Inflates at most one piece into `piece` (allocated on first use, then reused).
fn inflate(decoder: &mut impl Read, piece: &mut Vec<u8>) -> io::Result<usize> {
    piece.resize(PIECE, 0);
    decoder.read(piece)
}

//! Undoing an origin's `Content-Encoding` chunk by chunk, so a compressed page can still be
//! rewritten. Input is fed in small pieces: deflate expands at most ~1032×, so one piece
//! can never inflate into more than about a megabyte (a gzip bomb stays a stream, not a heap).

use flate2::write::{GzDecoder, ZlibDecoder};
use std::io::Write;

/// Compressed bytes fed per step; see the module docs for why it is small.
const PIECE: usize = 1024;

/// The encodings the rewriter can read through.
#[derive(Debug)]
pub enum Decoder {
    Identity,
    Gzip(GzDecoder<Vec<u8>>),
    /// HTTP's `deflate` is the zlib format.
    Deflate(ZlibDecoder<Vec<u8>>),
}

impl Decoder {
    /// The decoder for a `Content-Encoding` value, `None` when it cannot be undone here
    /// (`br`, `zstd`, stacked encodings): such pages pass through untouched.
    pub fn for_encoding(content_encoding: Option<&str>) -> Option<Self> {
        match content_encoding
            .map(|e| e.trim().to_ascii_lowercase())
            .as_deref()
        {
            None | Some("" | "identity") => Some(Self::Identity),
            Some("gzip" | "x-gzip") => Some(Self::Gzip(GzDecoder::new(Vec::new()))),
            Some("deflate") => Some(Self::Deflate(ZlibDecoder::new(Vec::new()))),
            Some(_) => None,
        }
    }

    /// Decodes `input`, handing each decoded piece to `out`.
    pub fn feed(
        &mut self,
        input: &[u8],
        out: &mut dyn FnMut(&[u8]) -> Result<(), String>,
    ) -> Result<(), String> {
        match self {
            Self::Identity => out(input),
            Self::Gzip(decoder) => pieces(decoder, input, out),
            Self::Deflate(decoder) => pieces(decoder, input, out),
        }
    }

    /// Flushes what the decoder still holds at the end of the input.
    pub fn finish(
        &mut self,
        out: &mut dyn FnMut(&[u8]) -> Result<(), String>,
    ) -> Result<(), String> {
        match self {
            Self::Identity => Ok(()),
            Self::Gzip(decoder) => {
                decoder.try_finish().map_err(|e| e.to_string())?;
                drain(decoder.get_mut(), out)
            }
            Self::Deflate(decoder) => {
                decoder.try_finish().map_err(|e| e.to_string())?;
                drain(decoder.get_mut(), out)
            }
        }
    }
}

/// Both flate2 write decoders: written compressed bytes, decoded into their inner `Vec`.
trait Inflate: Write {
    fn decoded(&mut self) -> &mut Vec<u8>;
}

impl Inflate for GzDecoder<Vec<u8>> {
    fn decoded(&mut self) -> &mut Vec<u8> {
        self.get_mut()
    }
}

impl Inflate for ZlibDecoder<Vec<u8>> {
    fn decoded(&mut self) -> &mut Vec<u8> {
        self.get_mut()
    }
}

fn pieces(
    decoder: &mut impl Inflate,
    input: &[u8],
    out: &mut dyn FnMut(&[u8]) -> Result<(), String>,
) -> Result<(), String> {
    for piece in input.chunks(PIECE) {
        decoder
            .write_all(piece)
            .map_err(|e| format!("the page's compressed body is corrupt: {e}"))?;
        drain(decoder.decoded(), out)?;
    }
    Ok(())
}

fn drain(
    buffer: &mut Vec<u8>,
    out: &mut dyn FnMut(&[u8]) -> Result<(), String>,
) -> Result<(), String> {
    if !buffer.is_empty() {
        out(buffer)?;
        buffer.clear();
    }
    Ok(())
}

//! libwebp behind a safe API. Output: the lossy encoder fed YUV(A) straight from RGB(A) rows
//! ([`encode`]). Input: libwebp's own decoder, scaled while it decodes: libwebp's rescaler
//! averages each output row as the decoder produces source rows, so a lossy WebP costs memory
//! for a few rows and the reduced picture, not the whole picture. The header is read by the same
//! libwebp call the decode makes, so the size budgeted for is the size decoded.

mod encode;
mod ffi;

pub use encode::encode;

use std::fmt;

/// How the bitstream is coded; it decides what libwebp holds while decoding.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Coding {
    /// VP8: decoded in rows of macroblocks.
    Lossy,
    /// VP8L: backward references may reach any earlier pixel, so the whole picture is held.
    Lossless,
}

/// What libwebp reads from the header before decoding anything.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Features {
    pub width: u32,
    pub height: u32,
    pub has_alpha: bool,
    /// Animated files are not decoded here (libwebp's still-image decoder refuses them).
    pub animated: bool,
    pub coding: Option<Coding>,
}

/// Why a WebP was not decoded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WebpError {
    /// Not a WebP libwebp can read, or damaged: the message says which.
    Undecodable(String),
    /// A buffer the decode needs could not be allocated.
    OutOfMemory,
}

impl fmt::Display for WebpError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            WebpError::Undecodable(why) => write!(f, "{why}"),
            WebpError::OutOfMemory => write!(f, "out of memory while decoding the WebP"),
        }
    }
}

impl std::error::Error for WebpError {}

/// Reads the header as `decode_scaled` will.
pub fn features(data: &[u8]) -> Result<Features, WebpError> {
    ffi::features(data)
}

/// An upper bound of the heap libwebp allocates to decode `features` to `scaled` (libwebp 1.3's
/// own allocations, from `frame_dec.c`, `alpha_dec.c`, `vp8l_dec.c` and `io_dec.c`), not
/// counting the output buffer, nor the Huffman tables of a VP8L stream, whose number the
/// header does not tell (the Worker caps what C may hold in total for that). `None` when it
/// overflows 64 bits.
pub fn heap_bytes(features: &Features, scaled: (u32, u32)) -> Option<u64> {
    let width = u64::from(features.width);
    let pixels = width.checked_mul(u64::from(features.height))?;
    // Per column of the source: the macroblock caches and filter rows (about 100 bytes) and
    // the rescaler's accumulators for four planes at the output width (at most the source's).
    let rows = width.checked_mul(200)?;
    let out_rows = u64::from(scaled.0).checked_mul(64)?;
    let whole = match features.coding {
        // The alpha plane twice (in the frame buffer and the alpha decoder's own), when it is
        // VP8L-coded its decoder's 32-bit picture, and its transforms' data: under 7 bytes.
        Some(Coding::Lossy) if features.has_alpha => pixels.checked_mul(7)?,
        Some(Coding::Lossy) => 0,
        // The ARGB picture and the transforms' sub-sampled data (at most a quarter of it).
        Some(Coding::Lossless) | None => pixels.checked_mul(5)?,
    };
    whole
        .checked_add(rows)?
        .checked_add(out_rows)?
        .checked_add(1 << 20)
}

/// Decodes `data` to `scaled` (at most its own size) as 8-bit RGB (`channels` 3) or
/// straight-alpha RGBA (4), into a buffer allocated fallibly here.
pub fn decode_scaled(
    data: &[u8],
    features: &Features,
    scaled: (u32, u32),
    channels: u8,
) -> Result<Vec<u8>, WebpError> {
    let (width, height) = scaled;
    if width == 0 || height == 0 || width > features.width || height > features.height {
        return Err(WebpError::Undecodable(format!(
            "cannot scale a {}x{} WebP to {width}x{height}",
            features.width, features.height
        )));
    }
    if features.animated {
        return Err(WebpError::Undecodable(
            "animated WebP is not decoded by the still-image decoder".into(),
        ));
    }
    let stride = u64::from(width) * u64::from(channels);
    let len = stride
        .checked_mul(u64::from(height))
        .and_then(|len| usize::try_from(len).ok())
        .ok_or(WebpError::OutOfMemory)?;
    let mut out = Vec::new();
    out.try_reserve_exact(len)
        .map_err(|_| WebpError::OutOfMemory)?;
    out.resize(len, 0);
    ffi::decode_into(
        data,
        (features.width, features.height),
        scaled,
        channels,
        &mut out,
    )?;
    Ok(out)
}

/// The encoder settings Tailor varies; the rest are libwebp's defaults (cwebp's), with alpha
/// compressed losslessly.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Settings {
    /// 0 to 100.
    pub quality: f32,
    /// 0 (fast) to 6 (small); cwebp's default is 4.
    pub method: i32,
}

/// Why a WebP was not encoded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EncodeError {
    /// libwebp could not allocate what the picture needs.
    OutOfMemory,
    /// The pixels, their size or the settings are not what libwebp takes.
    Invalid(String),
}

impl fmt::Display for EncodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            EncodeError::OutOfMemory => write!(f, "out of memory while encoding the WebP"),
            EncodeError::Invalid(why) => write!(f, "{why}"),
        }
    }
}

impl std::error::Error for EncodeError {}

#[cfg(test)]
mod tests;

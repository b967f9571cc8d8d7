//! Lossy WebP output through libwebp, the same encoder as `cwebp` at the same settings, fed
//! YUV(A) straight from RGB(A) rows: 4 bytes a pixel less than encoding from a 32-bit ARGB
//! copy of the picture, with the same bytes.

use std::fmt;

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

/// `height` rows of `width` RGB (`channels` 3) or RGBA (4, straight alpha) pixels as a lossy
/// WebP.
pub fn encode(
    pixels: &[u8],
    channels: u8,
    width: u32,
    height: u32,
    settings: &Settings,
) -> Result<Vec<u8>, EncodeError> {
    super::ffi::encode(pixels, channels, (width, height), settings)
}

#[cfg(test)]
mod tests;

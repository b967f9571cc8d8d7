//! Lossy WebP output through libwebp, the same encoder as `cwebp` at the same settings, fed
//! YUV(A) straight from RGB(A) rows: 4 bytes a pixel less than encoding from a 32-bit ARGB
//! copy of the picture, with the same bytes.

use super::{EncodeError, Settings};

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

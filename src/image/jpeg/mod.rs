//! JPEG decoding with shrink-on-load: the smallest DCT scale (1/8, 1/4, 1/2, 1) that still
//! covers the target size is chosen from the header, so a large photo is never decoded whole
//! when a small variant is wanted.

mod color;
mod dc_only;
mod huffman;
pub mod markers;
mod scaled;
mod upsample;

use super::transform::ImageError;
pub use markers::JpegFrame;

/// Decoded RGB pixels and the scale they were decoded at.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DecodedJpeg {
    pub rgb: Vec<u8>,
    pub width: u32,
    pub height: u32,
    /// 1, 2, 4 or 8: the image was decoded at 1/denominator of its size.
    pub denominator: u32,
    /// Which decoder ran: `dc-only` or `scaled-idct`.
    pub path: &'static str,
}

/// The largest shrink-on-load denominator whose output still covers `target` (no upscaling
/// after the decode).
pub fn choose_denominator(width: u32, height: u32, target: (u32, u32)) -> u32 {
    [8, 4, 2]
        .into_iter()
        .find(|&d| width.div_ceil(d) >= target.0 && height.div_ceil(d) >= target.1)
        .unwrap_or(1)
}

/// Heap a decode at `denominator` needs beyond the input, in bytes, for the budget check.
pub fn decode_memory(frame: &JpegFrame, denominator: u32) -> u64 {
    let (w, h) = (u64::from(frame.width), u64::from(frame.height));
    let out = w.div_ceil(u64::from(denominator)) * h.div_ceil(u64::from(denominator)) * 3;
    match (denominator, frame.progressive) {
        // DC planes, their upsampled copies and the RGB output.
        (8, _) => out * 3,
        // jpeg-decoder keeps every coefficient of a progressive image, plus planes and output.
        (_, true) => frame.coefficient_bytes() + out * 2,
        (_, false) => out * 2,
    }
}

/// Decodes at the chosen scale.
pub fn decode(
    input: &[u8],
    frame: &JpegFrame,
    denominator: u32,
    buffer_limit: usize,
) -> Result<DecodedJpeg, ImageError> {
    if denominator == 8 {
        match dc_only::decode(input) {
            Ok(image) => {
                return Ok(DecodedJpeg {
                    rgb: image.rgb,
                    width: image.width,
                    height: image.height,
                    denominator,
                    path: "dc-only",
                });
            }
            Err(dc_only::DcError::Unsupported(_)) => {} // CMYK, 12-bit, ...: the general decoder decides
            Err(e) => {
                return Err(ImageError::Undecodable(format!(
                    "the JPEG could not be decoded: {e}"
                )))
            }
        }
    }
    scaled::decode(input, frame, denominator, buffer_limit)
}

#[cfg(test)]
mod tests;

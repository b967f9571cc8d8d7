//! JPEG decoding with shrink-on-load: the smallest DCT scale (1/8, 1/4, 1/2, 1) that still
//! covers the target size is chosen from the header, so a large photo is never decoded whole
//! when a small variant is wanted.

mod bits;
mod color;
mod decoder;
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
    /// Which decoder ran: `dc-only` / `reduced-idct` (Tailor's) or `jpeg-decoder`.
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
    let d = u64::from(denominator.max(1));
    let (w, h) = (u64::from(frame.width), u64::from(frame.height));
    let out = w.div_ceil(d) * h.div_ceil(d);
    if denominator == 1 {
        // jpeg-decoder: every coefficient of a progressive image, plus planes and output.
        let coefficients = if frame.progressive {
            frame.coefficient_bytes()
        } else {
            0
        };
        return coefficients + out * 3 * 2;
    }
    // Tailor's decoder: n x n samples per block (and, progressive, n x n coefficients plus a
    // 64-bit history), upsampled planes, RGB output.
    let n = 8 / d;
    let blocks = frame.coefficient_bytes() / 128;
    let history = if n > 1 { 8 } else { 0 };
    let per_block = n * n
        + if frame.progressive {
            n * n * 2 + history
        } else {
            0
        };
    blocks * per_block + out * frame.sampling.len() as u64 + out * 3
}

/// Decodes at the chosen scale.
pub fn decode(
    input: &[u8],
    frame: &JpegFrame,
    denominator: u32,
    buffer_limit: usize,
) -> Result<DecodedJpeg, ImageError> {
    // Measured: Tailor's decoder wins at 1/8 (DC only), at 1/4 (chroma decoded onto the luma
    // grid, no upsampling: 4 MP in 12 ms natively against jpeg-decoder's 15) and on progressive
    // files (coefficients kept only where needed); jpeg-decoder is faster on baseline files at
    // 1/2 (its integer IDCT against float upsampling here), and it handles 1/1, CMYK and 12-bit.
    if denominator >= 4 || (denominator > 1 && frame.progressive) {
        match decoder::decode(input, denominator) {
            Ok(image) => {
                return Ok(DecodedJpeg {
                    rgb: image.rgb,
                    width: image.width,
                    height: image.height,
                    denominator,
                    path: if denominator == 8 {
                        "dc-only"
                    } else {
                        "reduced-idct"
                    },
                });
            }
            Err(decoder::DecodeError::Unsupported(_)) => {} // CMYK, 12-bit, ...: the general decoder decides
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

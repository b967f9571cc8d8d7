//! JPEG decoding with shrink-on-load: the smallest DCT scale (1/8, 1/4, 1/2, 1) that still
//! covers the target size is chosen from the header, so a large photo is never decoded whole
//! when a small variant is wanted.

mod bits;
mod color;
mod decoder;
mod huffman;
pub mod markers;
pub(crate) mod one_pass;
pub(crate) mod quality;
pub(crate) mod requantize;
mod scaled;
mod scan_size;
pub mod structure;
mod upsample;
mod zigzag;

use super::budget::DecodeLimits;
use super::error::ImageError;
use super::original::Original;
pub use structure::{JpegFrame, JpegStructure, StructureError};

/// Decoded RGB pixels and the scale they were decoded at.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DecodedJpeg {
    /// Pixels, 3 bytes (R, G, B) each, row by row.
    pub rgb: Vec<u8>,
    /// Decoded width in pixels (after the shrink).
    pub width: u32,
    /// Decoded height in pixels (after the shrink).
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

/// The scale to decode `frame` at for `target` within `max_bytes` of decode memory: the
/// largest denominator that still covers the target ([`choose_denominator`]) when its decode
/// fits, else the next smaller scale when that one fits (the resize then enlarges it the rest
/// of the way, by less than 2×: a 50 MB progressive photo of 40 MP is decoded at 1/4, 2000 px
/// wide, for a 2048 px `full`, rather than refused); else a `413` naming the memory.
pub fn choose_scale(
    frame: &JpegFrame,
    target: (u32, u32),
    max_bytes: u64,
) -> Result<u32, ImageError> {
    let (width, height) = (u32::from(frame.width), u32::from(frame.height));
    let sharpest = choose_denominator(width, height, target);
    let needed = decode_memory(frame, sharpest);
    if needed <= max_bytes {
        return Ok(sharpest);
    }
    let smaller = sharpest * 2;
    if smaller <= 8 && decode_memory(frame, smaller) <= max_bytes {
        return Ok(smaller);
    }
    Err(ImageError::TooLarge(format!(
        "decoding this {width}x{height} image needs about {} MB beside the original, over the \
         {} MB the decode budget leaves",
        needed >> 20,
        max_bytes >> 20
    )))
}

/// Whether Tailor's decoder takes this file at this scale. Measured: it wins at 1/8 (DC only),
/// at 1/4 (chroma decoded onto the luma grid, no upsampling: 4 MP in 12 ms natively against
/// jpeg-decoder's 15) and on progressive files (coefficients kept only where needed);
/// jpeg-decoder is faster on baseline files at 1/2 (its integer IDCT against float upsampling
/// here), and it handles 1/1, CMYK and 12-bit.
fn tailor_decodes(frame: &JpegFrame, denominator: u32) -> bool {
    tailor_handles(frame) && (denominator >= 4 || (denominator > 1 && frame.progressive))
}

/// Heap a decode at `denominator` needs beyond the input, in bytes, for the budget check: the
/// exact figure Tailor's decoder checks itself against, or jpeg-decoder's upper bound.
/// `u64::MAX` when it does not fit in 64 bits.
pub fn decode_memory(frame: &JpegFrame, denominator: u32) -> u64 {
    let needed = if tailor_decodes(frame, denominator) {
        decoder::planned_bytes(frame, denominator)
    } else {
        scaled::planned_bytes(frame, denominator)
    };
    needed.unwrap_or(u64::MAX)
}

/// Decodes at the chosen scale; each decoder refuses on its own to go beyond `limits`.
pub fn decode(
    input: &[u8],
    frame: &JpegFrame,
    denominator: u32,
    limits: DecodeLimits,
) -> Result<DecodedJpeg, ImageError> {
    decode_original(&mut Original::held(input), frame, denominator, limits)
}

/// [`decode`], letting `original` go once Tailor's decoder has read its scans, before the
/// coefficients become pixels: at 1/2 a progressive photo's peak is then its coefficients
/// and output, not those plus the file.
pub(crate) fn decode_original(
    original: &mut Original<'_>,
    frame: &JpegFrame,
    denominator: u32,
    limits: DecodeLimits,
) -> Result<DecodedJpeg, ImageError> {
    if tailor_decodes(frame, denominator) {
        let mut released = false;
        let decoded = decoder::read(original.bytes(), denominator, limits).and_then(|read| {
            released = original.release();
            read.finish()
        });
        match decoded {
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
            // The general decoder decides, unless the input is already gone.
            Err(decoder::DecodeError::Unsupported(_)) if !released => {}
            Err(e) => return Err(decode_error(e)),
        }
    }
    scaled::decode(original.bytes(), frame, denominator, limits)
}

/// A frame's planes decoded at a reduced scale by Tailor's decoder, whose RGB rows are
/// rendered on request: the whole picture is never held.
pub(crate) struct JpegRows(decoder::PlaneRows);

impl JpegRows {
    /// Width and height of the decoded picture.
    pub(crate) fn size(&self) -> (u32, u32) {
        let (width, height) = self.0.size();
        let side = |v: usize| u32::try_from(v).unwrap_or(u32::MAX);
        (side(width), side(height))
    }

    /// RGB rows `first..last`, clamped to the picture.
    pub(crate) fn render(&mut self, first: u32, last: u32) -> &mut [u8] {
        self.0.render(first as usize, last as usize)
    }
}

/// Whether Tailor's decoder takes `frame` at a reduced scale: 8-bit gray or three
/// components, Huffman coded.
pub(crate) fn tailor_handles(frame: &JpegFrame) -> bool {
    frame.precision == 8
        && matches!(frame.marker, 0xC0..=0xC2)
        && matches!(frame.sampling.len(), 1 | 3)
}

/// Reads `original`'s scans at 1/`denominator` (2, 4 or 8) into planes within `limits` (the
/// planes alone weighed: no whole picture is made), then lets `original` go. `None` when the
/// file has a feature Tailor's decoder leaves to jpeg-decoder (the whole decode then runs).
pub(crate) fn read_rows(
    original: &mut Original<'_>,
    denominator: u32,
    limits: DecodeLimits,
) -> Result<Option<JpegRows>, ImageError> {
    let read = match decoder::read_for_bands(original.bytes(), denominator, limits) {
        Ok(read) => read,
        Err(decoder::DecodeError::Unsupported(_)) => return Ok(None),
        Err(e) => return Err(decode_error(e)),
    };
    original.release();
    read.into_rows()
        .map(|rows| Some(JpegRows(rows)))
        .map_err(decode_error)
}

/// A refusal of Tailor's decoder as the transform reports it.
fn decode_error(e: decoder::DecodeError) -> ImageError {
    match e {
        decoder::DecodeError::TooLarge(e) => ImageError::TooLarge(e),
        e => ImageError::Undecodable(format!("the JPEG could not be decoded: {e}")),
    }
}

#[cfg(test)]
mod hostile_tests;
#[cfg(test)]
mod refinement_tests;
#[cfg(test)]
mod tests;

//! JPEG output with jpeg-encoder, fed each row as YCbCr when it asks for it: RGBA is composited
//! onto the background pixel by pixel as each row is read, so no flattened copy is made, and the
//! planes are written straight from the row where jpeg-encoder's own RGB rows push byte by byte
//! (those took more instructions than its DCT: natively, a 1920x1280 photo's decode and encode
//! went from 537 to 480 million), chroma only for the quarter of the samples 4:2:0 reads.

use super::error::ImageError;
use jpeg_encoder::{rgb_to_ycbcr, ImageBuffer, JpegColorType};

/// JPEG at 4:2:0 with the standard Huffman tables. jpeg-encoder is twice as fast as the
/// `image` crate's encoder. Its optimized tables would save ~15%, but zune-jpeg (the `image`
/// crate's decoder) misreads them on flat images, so they stay off until that is resolved.
/// `pixels` are `height` rows of `width` RGB (`channels` 3) or RGBA (4) pixels; JPEG has no
/// alpha, so RGBA is composited onto `background` (rather than dropping the channel, which
/// would show whatever colour transparent areas happen to store).
pub(crate) fn encode_jpeg(
    pixels: &[u8],
    channels: u8,
    (width, height): (u32, u32),
    quality: u8,
    background: [u8; 3],
) -> Result<Vec<u8>, ImageError> {
    let (Ok(w), Ok(h)) = (u16::try_from(width), u16::try_from(height)) else {
        return Err(ImageError::TooLarge(format!(
            "{width}x{height} is beyond JPEG's 65535-pixel limit"
        )));
    };
    let rows = Rows {
        pixels,
        channels: usize::from(channels),
        width: w,
        height: h,
        background,
    };
    let mut out = Vec::with_capacity(pixels.len() / 8);
    let mut encoder = jpeg_encoder::Encoder::new(&mut out, quality);
    // `chroma_is_read` knows which chroma samples this sampling reads.
    encoder.set_sampling_factor(jpeg_encoder::SamplingFactor::R_4_2_0);
    encoder
        .encode_image(rows)
        .map_err(|e| ImageError::Internal(format!("JPEG encoding failed: {e}")))?;
    Ok(out)
}

/// The picture as jpeg-encoder reads it: one row of Y, Cb and Cr at a time.
struct Rows<'a> {
    pixels: &'a [u8],
    channels: usize,
    width: u16,
    height: u16,
    background: [u8; 3],
}

impl ImageBuffer for Rows<'_> {
    fn get_jpeg_color_type(&self) -> JpegColorType {
        JpegColorType::Ycbcr
    }

    fn width(&self) -> u16 {
        self.width
    }

    fn height(&self) -> u16 {
        self.height
    }

    fn fill_buffers(&self, y: u16, buffers: &mut [Vec<u8>; 4]) {
        let width = usize::from(self.width);
        let row_len = width * self.channels;
        // The caller checked the buffer against the size; a short one gives black rows
        // rather than a panic, with the planes still as long as the encoder expects.
        let row = self
            .pixels
            .get(usize::from(y) * row_len..)
            .and_then(|rest| rest.get(..row_len));
        let [luma, blue, red, _] = buffers;
        let chroma_row = chroma_is_read(luma.len(), width);
        // The three planes grow by a row each, with jpeg-encoder's own conversion, so the
        // bytes are its bytes: luma for every pixel, chroma where it is read.
        let (y_row, cb_row, cr_row) = (grow(luma, width), grow(blue, width), grow(red, width));
        let Some(row) = row else {
            let (y, cb, cr) = rgb_to_ycbcr(0, 0, 0);
            y_row.fill(y);
            cb_row.fill(cb);
            cr_row.fill(cr);
            return;
        };
        let background = self.background;
        let rgb_of = |pixel: &[u8]| match *pixel {
            [r, g, b] => (r, g, b),
            [r, g, b, a] => composite([r, g, b], a, background),
            _ => (0, 0, 0),
        };
        if self.channels == 3 {
            for (luma, pixel) in y_row.iter_mut().zip(row.chunks_exact(3)) {
                if let [r, g, b] = *pixel {
                    *luma = luma_of(r, g, b);
                }
            }
        } else {
            for (luma, pixel) in y_row.iter_mut().zip(row.chunks_exact(self.channels)) {
                let (r, g, b) = rgb_of(pixel);
                *luma = luma_of(r, g, b);
            }
        }
        if !chroma_row {
            return;
        }
        let last = width.saturating_sub(1);
        let odd_last = (!last.is_multiple_of(2)).then_some(last);
        for x in (0..width).step_by(2).chain(odd_last) {
            let at = x * self.channels;
            let (Some(pixel), Some(cb), Some(cr)) = (
                row.get(at..at + self.channels),
                cb_row.get_mut(x),
                cr_row.get_mut(x),
            ) else {
                continue;
            };
            let (r, g, b) = rgb_of(pixel);
            (_, *cb, *cr) = rgb_to_ycbcr(r, g, b);
        }
    }
}

/// Whether jpeg-encoder reads the chroma of the plane row that starts at `filled` samples
/// into its buffers, for a picture `width` wide. At 4:2:0 it takes each chroma block from
/// every second sample of every second row of the full-resolution planes (from even rows and
/// columns; it pads a row from its last sample, and a picture from its last row), and its
/// buffers are `width` rounded up to 16 samples a row. The other three quarters of the chroma
/// are never read, so only luma is computed there: the bytes are the same (held to
/// jpeg-encoder's own RGB path by the tests), in about half the conversion work.
fn chroma_is_read(filled: usize, width: usize) -> bool {
    let padded = width.div_ceil(16).max(1) * 16;
    (filled / padded).is_multiple_of(2)
}

/// jpeg-encoder's luma of one pixel ([`rgb_to_ycbcr`]'s first value), alone.
fn luma_of(r: u8, g: u8, b: u8) -> u8 {
    let (r, g, b) = (i32::from(r), i32::from(g), i32::from(b));
    ((19595 * r + 38470 * g + 7471 * b + 0x7FFF) >> 16) as u8
}

/// `plane` longer by `len` bytes, which are returned to be written.
fn grow(plane: &mut Vec<u8>, len: usize) -> &mut [u8] {
    let start = plane.len();
    plane.resize(start + len, 0);
    plane.get_mut(start..).unwrap_or_default()
}

/// One RGBA pixel composited onto `background`: straight alpha, rounded to nearest.
fn composite(rgb: [u8; 3], alpha: u8, background: [u8; 3]) -> (u8, u8, u8) {
    let a = u16::from(alpha);
    let mut out = [0u8; 3];
    for ((slot, c), bg) in out.iter_mut().zip(rgb).zip(background) {
        *slot = ((u16::from(c) * a + u16::from(bg) * (255 - a) + 127) / 255) as u8;
    }
    let [r, g, b] = out;
    (r, g, b)
}

#[cfg(test)]
mod tests;

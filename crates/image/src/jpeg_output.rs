//! JPEG output with jpeg-encoder, fed each row as YCbCr when it asks for it: RGBA is composited
//! onto the background pixel by pixel as each row is read, so no flattened copy is made, and the three
//! planes are written in one pass over the row where jpeg-encoder's own RGB rows push byte by
//! byte (those took more instructions than its DCT: natively, a 1920x1280 photo's decode and
//! encode went from 537 to 480 million).

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
        // The three planes grow by a row each and are written in one pass over the pixels,
        // with jpeg-encoder's own conversion, so the bytes are its bytes.
        let (y_row, cb_row, cr_row) = (grow(luma, width), grow(blue, width), grow(red, width));
        let planes = y_row
            .iter_mut()
            .zip(cb_row.iter_mut())
            .zip(cr_row.iter_mut());
        let Some(row) = row else {
            let black = rgb_to_ycbcr(0, 0, 0);
            planes.for_each(|((y, cb), cr)| (*y, *cb, *cr) = black);
            return;
        };
        for (((y, cb), cr), pixel) in planes.zip(row.chunks_exact(self.channels)) {
            let (r, g, b) = match *pixel {
                [r, g, b] => (r, g, b),
                [r, g, b, a] => composite([r, g, b], a, self.background),
                _ => continue,
            };
            (*y, *cb, *cr) = rgb_to_ycbcr(r, g, b);
        }
    }
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

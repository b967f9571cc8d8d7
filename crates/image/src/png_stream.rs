//! PNG decoded row by row into an integer box shrink, so a large PNG costs memory for one row
//! and the reduced picture, not for the whole picture (a 5120 x 2880 RGBA wallpaper decoded
//! whole is 59 MB before the resizer's own buffers).

use super::adam7_shrink::{self, Adam7Shrink, MAX_FACTOR};
use super::box_shrink::{self, BoxShrink, RowLayout, Shrunk};
use super::budget::DecodeLimits;
use super::error::ImageError;
use png::{BitDepth, ColorType, DecodingError, InterlaceInfo, Transformations};
use std::io::Cursor;

/// Heap the streamed decode of a `width` x `height` PNG at `factor` holds beyond the input:
/// the shrink's buffers, the decoder's two 16-bit RGBA rows and its inflate window.
pub(crate) fn planned_bytes(width: u32, height: u32, factor: u32) -> u64 {
    let rows = u64::from(width).saturating_mul(2 * 8);
    box_shrink::planned_bytes(width, height, factor, 4)
        .unwrap_or(u64::MAX)
        .saturating_add(rows)
        .saturating_add(1 << 20)
}

/// A PNG reduced by `factor` while it is decoded, as 8-bit RGB or RGBA with its size, and the
/// decode path's name. An interlaced PNG's seven passes go into [`Adam7Shrink`] (at most
/// [`MAX_FACTOR`]); `Ok(None)` for an interlaced PNG that is not reduced (decoded whole).
pub(crate) fn decode(
    input: &[u8],
    expected: (u32, u32),
    factor: u32,
    limits: DecodeLimits,
) -> Result<Option<(Shrunk, &'static str)>, ImageError> {
    let mut decoder = png::Decoder::new_with_limits(
        Cursor::new(input),
        png::Limits {
            bytes: usize::try_from(limits.max_bytes).unwrap_or(usize::MAX),
        },
    );
    // Palettes and tRNS expanded, 16-bit samples cut to 8: every row is 8-bit gray or colour.
    decoder.set_transformations(Transformations::normalize_to_color8());
    let mut reader = decoder.read_info().map_err(classify)?;
    let info = reader.info();
    let interlaced = info.interlaced;
    if interlaced && factor < 2 {
        return Ok(None);
    }
    let (width, height) = (info.width, info.height);
    if (width, height) != expected {
        return Err(ImageError::Undecodable(
            "the PNG's header declares another size than the probe read".into(),
        ));
    }
    let factor = if interlaced {
        factor.min(MAX_FACTOR)
    } else {
        factor
    };
    let planned = if interlaced {
        adam7_shrink::planned_bytes(width, height, factor)
            .map(|b| b.saturating_add(u64::from(width).saturating_mul(2 * 8) + (1 << 20)))
    } else {
        Some(planned_bytes(width, height, factor))
    };
    limits.admit(u64::from(width), u64::from(height), planned)?;
    let layout = match reader.output_color_type() {
        (ColorType::Grayscale, BitDepth::Eight) => RowLayout::Gray,
        (ColorType::GrayscaleAlpha, BitDepth::Eight) => RowLayout::GrayAlpha,
        (ColorType::Rgb, BitDepth::Eight) => RowLayout::Rgb,
        (ColorType::Rgba, BitDepth::Eight) => RowLayout::Rgba,
        (colour, depth) => {
            return Err(ImageError::Unsupported(format!(
                "PNG rows of {colour:?} at {depth:?} after expansion"
            )))
        }
    };
    if interlaced {
        let mut shrink = Adam7Shrink::new(width, height, factor, layout, limits.max_bytes)?;
        while let Some(row) = reader.next_interlaced_row().map_err(classify)? {
            let InterlaceInfo::Adam7(info) = row.interlace() else {
                return Err(ImageError::Undecodable(
                    "an interlaced PNG delivered a row without its pass".into(),
                ));
            };
            shrink.push_row(row.data(), info)?;
        }
        return shrink.finish().map(|s| Some((s, "png-adam7-shrunk")));
    }
    let mut shrink = BoxShrink::new(width, height, factor, layout, limits.max_bytes)?;
    while let Some(row) = reader.next_row().map_err(classify)? {
        shrink.push_row(row.data())?;
    }
    let path = if factor == 1 {
        "png-rows"
    } else {
        "png-rows-shrunk"
    };
    shrink.finish().map(|s| Some((s, path)))
}

fn classify(error: DecodingError) -> ImageError {
    match error {
        DecodingError::LimitsExceeded => {
            ImageError::TooLarge("decoding this PNG would exceed the memory limit".into())
        }
        DecodingError::IoError(e) => {
            ImageError::Undecodable(format!("the image is truncated or unreadable: {e}"))
        }
        DecodingError::Format(e) => {
            ImageError::Undecodable(format!("the image could not be decoded: {e}"))
        }
        DecodingError::Parameter(e) => ImageError::Internal(format!("PNG decoder misused: {e}")),
    }
}

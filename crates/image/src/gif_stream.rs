//! A GIF's first frame decoded row by row into the integer box shrink, so a large GIF costs
//! memory for two rows and the reduced picture, not for the whole canvas (decoded whole, a
//! GIF costs 4 bytes a pixel before the resizer's copies: one over ~16 MP was refused). An
//! interlaced frame's rows arrive in four passes; reduced, they go into a [`GridShrink`].

use super::box_shrink::{self, try_zeroed, BoxShrink, RowLayout, Shrunk};
use super::budget::DecodeLimits;
use super::error::ImageError;
use super::grid_shrink::GridShrink;
use gif::{ColorOutput, DecodeOptions, DecodingError, MemoryLimit};
use std::num::NonZeroU64;

/// Heap the streamed decode of a `width` x `height` GIF at `factor` holds beyond the input:
/// the shrink's buffers, one canvas row and one frame row in RGBA (a frame row is at most
/// 65,535 pixels, GIF's limit), and the LZW decoder's tables with room to spare. An interlaced
/// frame's [`GridShrink`] is checked against the budget where it is allocated.
pub(crate) fn planned_bytes(width: u32, height: u32, factor: u32) -> u64 {
    box_shrink::planned_bytes(width, height, factor, 4)
        .unwrap_or(u64::MAX)
        .saturating_add(u64::from(width).saturating_mul(4))
        .saturating_add(u64::from(u16::MAX) * 4)
        .saturating_add(1 << 20)
}

/// The first frame of a GIF whose logical screen is `expected`, placed on its transparent
/// canvas and reduced by `factor` as it is decoded, in RGBA; the decode path's name.
/// `Ok(None)` for an interlaced first frame at full size, or whose reduced picture's sums do
/// not fit the budget: left to the whole decode, whose own estimate decides.
pub(crate) fn decode(
    input: &[u8],
    expected: (u32, u32),
    factor: u32,
    limits: DecodeLimits,
) -> Result<Option<(Shrunk, &'static str)>, ImageError> {
    let mut options = DecodeOptions::new();
    options.set_color_output(ColorOutput::RGBA);
    // No frame buffer is made here (rows go into `frame_row`). The crate's own buffers (XMP and
    // ICC blocks, read before the header is checked) each get half of what the shrink leaves
    // of the budget: half, as a growing buffer's capacity can run ahead of its length.
    let planned = planned_bytes(expected.0, expected.1, factor);
    let metadata = NonZeroU64::new(limits.max_bytes.saturating_sub(planned) / 2);
    options.set_memory_limit(MemoryLimit::Bytes(metadata.unwrap_or(NonZeroU64::MIN)));
    let mut decoder = options.read_info(input).map_err(classify)?;
    let (width, height) = (u32::from(decoder.width()), u32::from(decoder.height()));
    if (width, height) != expected {
        return Err(ImageError::Undecodable(
            "the GIF's header declares another size than the probe read".into(),
        ));
    }
    limits.admit(u64::from(width), u64::from(height), Some(planned))?;
    let Some(frame) = decoder.next_frame_info().map_err(classify)? else {
        return Err(ImageError::Undecodable("the GIF has no frame".into()));
    };
    if frame.interlaced && factor < 2 {
        return Ok(None);
    }
    let (left, top) = (usize::from(frame.left), u32::from(frame.top));
    let (frame_width, frame_height) = (usize::from(frame.width), u32::from(frame.height));
    // The columns of the canvas the frame covers, and where they start in a frame row.
    let covered = left.min(width as usize)..left.saturating_add(frame_width).min(width as usize);
    // Every row of the frame that lies on the screen is decoded whole, however far the frame
    // reaches past its edge: those pixels are work, held to the pixel limit like the screen's.
    // An interlaced frame's rows below the screen are decoded too: they come between others.
    let decoded_rows = match frame.interlaced {
        true => frame_height,
        false => frame_height.min(height.saturating_sub(top)),
    };
    if !covered.is_empty() {
        limits.admit(frame_width as u64, u64::from(decoded_rows), Some(0))?;
    }
    if frame.interlaced {
        let row_bytes = (frame_width as u64).saturating_mul(4);
        let what = format!("interlaced {width}x{height} GIF");
        let budget = limits.max_bytes.saturating_sub(row_bytes);
        let Ok(grid) = GridShrink::new((width, height), factor, 4, budget, &what) else {
            return Ok(None);
        };
        let place = Placement { top, covered };
        return interlaced(&mut decoder, grid, place, frame_width, frame_height)
            .map(|shrunk| Some((shrunk, "gif-interlaced-shrunk")));
    }
    let mut shrink = BoxShrink::new(width, height, factor, RowLayout::Rgba, limits.max_bytes)?;
    let mut canvas_row = try_zeroed::<u8>((width as usize).saturating_mul(4))?;
    let mut frame_row = try_zeroed::<u8>(frame_width.saturating_mul(4))?;
    for y in 0..height {
        canvas_row.fill(0);
        let in_frame = y >= top && y - top < frame_height;
        if in_frame && !covered.is_empty() {
            // The crate leaves a pixel whose index is past the palette unwritten; a whole
            // decode has it transparent, so the row starts transparent too.
            frame_row.fill(0);
            if !decoder.fill_buffer(&mut frame_row).map_err(classify)? {
                return Err(ImageError::Undecodable(
                    "the GIF's first frame ends before its last row".into(),
                ));
            }
            let from = frame_row.get(..covered.len() * 4);
            let to = canvas_row.get_mut(covered.start * 4..covered.end * 4);
            if let (Some(from), Some(to)) = (from, to) {
                to.copy_from_slice(from);
            }
        }
        shrink.push_row(&canvas_row)?;
    }
    let path = if factor <= 1 {
        "gif-rows"
    } else {
        "gif-rows-shrunk"
    };
    shrink.finish().map(|s| Some((s, path)))
}

/// Where a frame lies on the screen: its first row, and the screen's columns it covers (from
/// the frame's first pixel).
struct Placement {
    top: u32,
    covered: std::ops::Range<usize>,
}

/// The rows of an interlaced frame, in the order they are stored: every 8th from 0, every 8th
/// from 4, every 4th from 2, every 2nd from 1 (GIF89a, appendix E).
fn interlaced_rows(height: u32) -> impl Iterator<Item = u32> {
    [(0, 8), (4, 8), (2, 4), (1, 2)]
        .into_iter()
        .flat_map(move |(first, step)| (first..height).step_by(step))
}

/// An interlaced first frame's rows summed into `grid` as they arrive.
fn interlaced(
    decoder: &mut gif::Decoder<&[u8]>,
    mut grid: GridShrink,
    place: Placement,
    frame_width: usize,
    frame_height: u32,
) -> Result<Shrunk, ImageError> {
    // A frame that covers no column shows nothing: no row need be decoded.
    if place.covered.is_empty() {
        return grid.finish();
    }
    let mut frame_row = try_zeroed::<u8>(frame_width.saturating_mul(4))?;
    for row in interlaced_rows(frame_height) {
        // Transparent where an index is past the palette, as in a whole decode (see below).
        frame_row.fill(0);
        if !decoder.fill_buffer(&mut frame_row).map_err(classify)? {
            return Err(ImageError::Undecodable(
                "the GIF's first frame ends before its last row".into(),
            ));
        }
        let y = place.top.saturating_add(row);
        let on_screen = frame_row.get(..place.covered.len() * 4);
        if let (true, Some(pixels)) = (y < grid.height(), on_screen) {
            grid.add_row(y, (place.covered.start as u32, 1), pixels)?;
        }
    }
    grid.finish()
}

fn classify(error: DecodingError) -> ImageError {
    match error {
        DecodingError::OutOfMemory | DecodingError::MemoryLimit => {
            ImageError::TooLarge("decoding this GIF would exceed the memory limit".into())
        }
        DecodingError::Io(e) => {
            ImageError::Undecodable(format!("the image is truncated or unreadable: {e}"))
        }
        e => ImageError::Undecodable(format!("the image could not be decoded: {e}")),
    }
}

#[cfg(test)]
mod tests;

//! Padding: the resized picture placed on the plan's canvas, filled with the background.

use super::budget::pixel_buffer_len;
use super::error::ImageError;
use super::geometry::Plan;

/// Places the resized image on the plan's canvas, filled with the background (opaque); `None`
/// when the canvas is the image itself.
pub(crate) fn pad(
    pixels: &[u8],
    channels: u8,
    plan: &Plan,
    background: [u8; 3],
) -> Result<Option<Vec<u8>>, ImageError> {
    let (cw, ch) = plan.canvas;
    let (_, _, iw, ih) = plan.crop;
    if (cw, ch) == (iw, ih) {
        return Ok(None);
    }
    let c = usize::from(channels);
    let fill: Vec<u8> = background
        .iter()
        .copied()
        .chain(std::iter::once(255))
        .take(c)
        .collect();
    let mut canvas: Vec<u8> = fill
        .iter()
        .copied()
        .cycle()
        .take(pixel_buffer_len(cw, ch, channels)?)
        .collect();
    // Within the canvas just sized, so these products fit.
    let (ox, oy, cw) = (plan.offset.0 as usize, plan.offset.1 as usize, cw as usize);
    let row_len = pixel_buffer_len(iw, 1, channels)?;
    for (row, line) in pixels.chunks_exact(row_len.max(1)).enumerate() {
        let start = ((oy + row) * cw + ox) * c;
        if let Some(target) = canvas.get_mut(start..start + line.len()) {
            target.copy_from_slice(line);
        }
    }
    Ok(Some(canvas))
}

//! The integer box shrink for rows that arrive out of order (Adam7 PNG passes, interlaced GIF
//! frames): every reduced pixel keeps its running sums until the last row is in. Memory is 16
//! bytes a reduced pixel (at a factor of 2 or more, at most 4 per source pixel: less than the
//! picture decoded whole), never the picture. The sums and the rounding are
//! [`BoxShrink`](super::box_shrink::BoxShrink)'s, so an interlaced picture shrinks to the same
//! bytes as the same picture stored in row order.

use super::box_shrink::{push_mean, try_reserved, try_zeroed, Shrunk};
use super::error::ImageError;

/// The largest factor whose 32-bit sums cannot overflow: a block of 256² pixels of colour x
/// alpha (255 x 255 each) is just under 2^32.
pub(crate) const MAX_FACTOR: u32 = 256;

/// Heap of the sums and the output of a shrink of `width` x `height` by `factor`.
pub(crate) fn planned_bytes(width: u32, height: u32, factor: u32) -> Option<u64> {
    let f = factor.max(1);
    let out = u64::from(width.div_ceil(f)).checked_mul(u64::from(height.div_ceil(f)))?;
    out.checked_mul(16 + 4)
}

/// Sums of RGB or RGBA pixels per reduced pixel, added in any order.
#[derive(Debug)]
pub(crate) struct GridShrink {
    factor: u32,
    channels: u8,
    width: u32,
    height: u32,
    out_width: u32,
    /// Per reduced pixel: colour x alpha and alpha (RGB: the plain colour sums).
    sums: Vec<[u32; 4]>,
}

impl GridShrink {
    /// A shrink by `factor` (2..=[`MAX_FACTOR`]) of pixels of `channels` (3 or 4), allocating
    /// at most `max_bytes`, checked here; `what` names the picture in the refusal.
    pub(crate) fn new(
        (width, height): (u32, u32),
        factor: u32,
        channels: u8,
        max_bytes: u64,
        what: &str,
    ) -> Result<Self, ImageError> {
        let within = planned_bytes(width, height, factor).filter(|&b| b <= max_bytes);
        if !(2..=MAX_FACTOR).contains(&factor) || within.is_none() {
            return Err(ImageError::TooLarge(format!(
                "shrinking this {what} by {factor} needs more than the {} MB left in the \
                 decode budget",
                max_bytes >> 20
            )));
        }
        let out_width = width.div_ceil(factor);
        let cells = usize::try_from(u64::from(out_width) * u64::from(height.div_ceil(factor)))
            .map_err(|_| ImageError::TooLarge("the reduced picture does not fit".into()))?;
        Ok(Self {
            factor,
            channels,
            width,
            height,
            out_width,
            sums: try_zeroed(cells)?,
        })
    }

    /// The height of the picture before the shrink.
    pub(crate) fn height(&self) -> u32 {
        self.height
    }

    /// Adds the pixels of row `y` found at columns `x0`, `x0 + dx`, `x0 + 2 dx`, …
    pub(crate) fn add_row(
        &mut self,
        y: u32,
        (x0, dx): (u32, u32),
        pixels: &[u8],
    ) -> Result<(), ImageError> {
        // The whole row is checked before any of it is added.
        let count = (pixels.len() / usize::from(self.channels)) as u64;
        let last_x = u64::from(x0) + count.saturating_sub(1) * u64::from(dx);
        if y >= self.height || (count > 0 && last_x >= u64::from(self.width)) {
            return Err(outside());
        }
        let first_cell = (y / self.factor) as usize * self.out_width as usize;
        for (i, pixel) in pixels.chunks_exact(usize::from(self.channels)).enumerate() {
            let x = u64::from(x0) + i as u64 * u64::from(dx);
            let Some(cell) = self
                .sums
                .get_mut(first_cell + (x / u64::from(self.factor)) as usize)
            else {
                return Err(outside());
            };
            add(pixel, cell);
        }
        Ok(())
    }

    /// The reduced picture: each cell's mean over the pixels of its block (pixels never added
    /// count as transparent, or black in RGB).
    pub(crate) fn finish(self) -> Result<Shrunk, ImageError> {
        let alpha = self.channels == 4;
        let mut pixels = try_reserved(self.sums.len() * usize::from(self.channels))?;
        let factor = u64::from(self.factor);
        let side = |index: u32, size: u32| {
            u64::from(size).min(factor * u64::from(index + 1)) - factor * u64::from(index)
        };
        for (i, cell) in self.sums.iter().enumerate() {
            let (bx, by) = (i as u32 % self.out_width, i as u32 / self.out_width);
            let count = side(bx, self.width) * side(by, self.height);
            push_mean(&mut pixels, cell.map(u64::from), count, alpha);
        }
        Ok(Shrunk {
            pixels,
            channels: self.channels,
            width: self.out_width,
            height: self.height.div_ceil(self.factor),
        })
    }
}

/// Adds one RGB or RGBA pixel to its cell, as [`BoxShrink`](super::box_shrink::BoxShrink) does.
fn add(pixel: &[u8], cell: &mut [u32; 4]) {
    // Saturating only for a caller that adds a pixel twice: once each, up to MAX_FACTOR², the
    // sums stay below 2^32.
    let mut sum = |channel: usize, value: u32| {
        if let Some(total) = cell.get_mut(channel) {
            *total = total.saturating_add(value);
        }
    };
    if let &[r, g, b, a] = pixel {
        let alpha = u32::from(a);
        sum(0, u32::from(r) * alpha);
        sum(1, u32::from(g) * alpha);
        sum(2, u32::from(b) * alpha);
        sum(3, alpha);
    } else if let &[r, g, b] = pixel {
        sum(0, u32::from(r));
        sum(1, u32::from(g));
        sum(2, u32::from(b));
    }
}

fn outside() -> ImageError {
    ImageError::Undecodable("the decoder delivered a row outside the image".into())
}

#[cfg(test)]
mod tests {
    use super::GridShrink;

    #[test]
    fn rows_outside_the_picture_are_refused_and_missing_pixels_count_as_transparent() {
        let mut grid = GridShrink::new((5, 3), 2, 4, 1 << 20, "test").unwrap();
        assert!(grid.add_row(3, (0, 1), &[9; 4]).is_err());
        assert!(grid.add_row(0, (4, 1), &[9; 8]).is_err());
        assert!(grid.add_row(0, (1, 4), &[9; 8]).is_err());
        grid.add_row(0, (0, 1), &[200, 100, 50, 255]).unwrap();
        let shrunk = grid.finish().unwrap();
        assert_eq!((shrunk.width, shrunk.height, shrunk.channels), (3, 2, 4));
        // One opaque pixel of four: its colour, a quarter of its alpha.
        assert_eq!(shrunk.pixels.get(..4), Some(&[200, 100, 50, 64][..]));
        assert!(GridShrink::new((5, 3), 1, 4, 1 << 20, "test").is_err());
        assert!(GridShrink::new((5000, 3000), 2, 4, 1 << 20, "test").is_err());
    }
}

//! The integer box shrink for Adam7-interlaced PNGs: the seven passes each deliver a sparse
//! grid of the picture, so every reduced pixel keeps its running sums until the last pass.
//! Memory is 16 bytes a reduced pixel (at a factor of 2 or more, at most 4 per source pixel:
//! less than the picture decoded whole) and one widened row, never the picture. The sums and
//! the rounding are [`BoxShrink`](super::box_shrink::BoxShrink)'s, so an interlaced PNG shrinks
//! to the same bytes as the same picture stored progressively.

use super::box_shrink::{push_mean, try_reserved, try_zeroed, widen, RowLayout, Shrunk};
use super::transform::ImageError;
use png::Adam7Info;

/// Column offset, column step, row offset and row step of the seven passes (PNG spec, 8.2).
const PASSES: [(u32, u32, u32, u32); 7] = [
    (0, 8, 0, 8),
    (4, 8, 0, 8),
    (0, 4, 4, 8),
    (2, 4, 0, 4),
    (0, 2, 2, 4),
    (1, 2, 0, 2),
    (0, 1, 1, 2),
];

/// The largest factor whose 32-bit sums cannot overflow: a block of 256² pixels of colour x
/// alpha (255 x 255 each) is just under 2^32.
pub(crate) const MAX_FACTOR: u32 = 256;

/// Heap of a shrink of `width` x `height` by `factor`: the sums, the output and a widened row.
pub(crate) fn planned_bytes(width: u32, height: u32, factor: u32) -> Option<u64> {
    let f = factor.max(1);
    let out = u64::from(width.div_ceil(f)).checked_mul(u64::from(height.div_ceil(f)))?;
    out.checked_mul(16 + 4)?
        .checked_add(u64::from(width).checked_mul(4)?)
}

/// Interlaced rows in, in the decoder's order; a picture `factor` times smaller out.
#[derive(Debug)]
pub(crate) struct Adam7Shrink {
    factor: u32,
    layout: RowLayout,
    width: u32,
    height: u32,
    out_width: u32,
    /// Per reduced pixel: colour x alpha and alpha (RGB rows: the plain colour sums).
    sums: Vec<[u32; 4]>,
    widened: Vec<u8>,
    /// The pass (0-based) and line the next row must be, kept as the decoder keeps them.
    pass: usize,
    line: u32,
}

impl Adam7Shrink {
    /// A shrink by `factor` (2..=[`MAX_FACTOR`]), allocating at most `max_bytes`, checked here.
    pub(crate) fn new(
        width: u32,
        height: u32,
        factor: u32,
        layout: RowLayout,
        max_bytes: u64,
    ) -> Result<Self, ImageError> {
        let within = planned_bytes(width, height, factor).filter(|&b| b <= max_bytes);
        if !(2..=MAX_FACTOR).contains(&factor) || within.is_none() {
            return Err(ImageError::TooLarge(format!(
                "shrinking this interlaced {width}x{height} PNG by {factor} needs more than the \
                 {} MB left in the decode budget",
                max_bytes >> 20
            )));
        }
        let (out_width, out_height) = (width.div_ceil(factor), height.div_ceil(factor));
        let cells = usize::try_from(u64::from(out_width) * u64::from(out_height))
            .map_err(|_| ImageError::TooLarge("the reduced picture does not fit".into()))?;
        let mut shrink = Self {
            factor,
            layout,
            width,
            height,
            out_width,
            sums: try_zeroed(cells)?,
            widened: try_zeroed((width as usize).saturating_mul(4))?,
            pass: 0,
            line: 0,
        };
        shrink.skip_empty_passes();
        Ok(shrink)
    }

    fn pass_size(&self, pass: usize) -> (u32, u32) {
        let Some(&(x0, dx, y0, dy)) = PASSES.get(pass) else {
            return (0, 0);
        };
        (
            self.width.saturating_sub(x0).div_ceil(dx),
            self.height.saturating_sub(y0).div_ceil(dy),
        )
    }

    /// Passes with no pixels (in pictures narrower or shorter than 8) deliver no rows.
    fn skip_empty_passes(&mut self) {
        while self.pass < PASSES.len() {
            let (samples, lines) = self.pass_size(self.pass);
            if samples > 0 && self.line < lines {
                return;
            }
            self.pass += 1;
            self.line = 0;
        }
    }

    /// Adds the next interlaced row; `info` is the decoder's account of it, which must be the
    /// row expected next.
    pub(crate) fn push_row(&mut self, row: &[u8], info: &Adam7Info) -> Result<(), ImageError> {
        let Some(&(x0, dx, y0, dy)) = PASSES.get(self.pass) else {
            return Err(mismatch());
        };
        let pass_number = u8::try_from(self.pass + 1).map_err(|_| mismatch())?;
        if *info != Adam7Info::new(pass_number, self.line, self.width) {
            return Err(mismatch());
        }
        let (samples, _) = self.pass_size(self.pass);
        let channels = usize::from(self.layout.output_channels());
        if row.len() < samples as usize * self.layout.bytes_per_pixel() {
            return Err(mismatch());
        }
        let row = match self.layout {
            RowLayout::Gray | RowLayout::GrayAlpha => {
                widen(row, self.layout, &mut self.widened);
                self.widened
                    .get(..samples as usize * channels)
                    .unwrap_or_default()
            }
            RowLayout::Rgb | RowLayout::Rgba => row,
        };
        let y = y0 + self.line * dy;
        let first_cell = (y / self.factor) as usize * self.out_width as usize;
        for (i, pixel) in row
            .chunks_exact(channels)
            .take(samples as usize)
            .enumerate()
        {
            let x = x0 + i as u32 * dx;
            let Some(cell) = self.sums.get_mut(first_cell + (x / self.factor) as usize) else {
                return Err(mismatch());
            };
            add(pixel, cell);
        }
        self.line += 1;
        self.skip_empty_passes();
        Ok(())
    }

    /// The reduced picture, once the seventh pass is complete.
    pub(crate) fn finish(self) -> Result<Shrunk, ImageError> {
        if self.pass < PASSES.len() {
            return Err(ImageError::Undecodable(format!(
                "the interlaced image ended in pass {} of 7",
                self.pass + 1
            )));
        }
        let alpha = self.layout.output_channels() == 4;
        let out_height = self.height.div_ceil(self.factor);
        let mut pixels = try_reserved(self.sums.len() * if alpha { 4 } else { 3 })?;
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
            channels: self.layout.output_channels(),
            width: self.out_width,
            height: out_height,
        })
    }
}

/// Adds one RGB or RGBA pixel to its cell, as [`BoxShrink`](super::box_shrink::BoxShrink) does.
fn add(pixel: &[u8], cell: &mut [u32; 4]) {
    if let &[r, g, b, a] = pixel {
        let alpha = u32::from(a);
        cell[0] += u32::from(r) * alpha;
        cell[1] += u32::from(g) * alpha;
        cell[2] += u32::from(b) * alpha;
        cell[3] += alpha;
    } else if let &[r, g, b] = pixel {
        cell[0] += u32::from(r);
        cell[1] += u32::from(g);
        cell[2] += u32::from(b);
    }
}

fn mismatch() -> ImageError {
    ImageError::Undecodable(
        "the decoder delivered an interlaced row that does not match the image".into(),
    )
}

#[cfg(test)]
mod tests {
    use super::super::budget::DecodeLimits;
    use super::super::png_stream;
    use tailor_testing::synthetic;

    const LIMITS: DecodeLimits = DecodeLimits {
        max_pixels: 1 << 30,
        max_bytes: 1 << 30,
    };

    /// The same picture, interlaced and not, shrinks to the same bytes at every factor, in
    /// sizes whose last blocks are partial and whose early passes are empty.
    #[test]
    fn interlaced_shrinks_to_the_bytes_of_the_progressive_picture() {
        for (width, height) in [(64, 48), (37, 23), (5, 3), (1, 9)] {
            let rgba = synthetic::with_alpha(width, height);
            let rgb = synthetic::photo(width, height, 4);
            let cases = [
                (synthetic::png(&rgba), synthetic::png_interlaced(&rgba)),
                (synthetic::png(&rgb), synthetic::png_interlaced(&rgb)),
            ];
            for (plain, interlaced) in cases {
                for factor in [2, 3, 8, 300] {
                    let size = (width, height);
                    let a = png_stream::decode(&plain, size, factor.min(256), LIMITS);
                    let b = png_stream::decode(&interlaced, size, factor, LIMITS);
                    let (Ok(Some((a, _))), Ok(Some((b, path)))) = (a, b) else {
                        unreachable!("{width}x{height} at {factor} did not decode");
                    };
                    assert_eq!(path, "png-adam7-shrunk");
                    assert_eq!(
                        (a.width, a.height, a.channels),
                        (b.width, b.height, b.channels)
                    );
                    assert!(a.pixels == b.pixels, "{width}x{height} at {factor}");
                }
            }
        }
    }

    #[test]
    fn interlaced_at_full_size_is_left_to_the_whole_decode() {
        let png = synthetic::png_interlaced(&synthetic::photo(16, 16, 1));
        assert!(matches!(
            png_stream::decode(&png, (16, 16), 1, LIMITS),
            Ok(None)
        ));
    }

    #[test]
    fn a_truncated_interlaced_png_is_undecodable_and_the_budget_holds() {
        let png = synthetic::png_interlaced(&synthetic::photo(64, 64, 2));
        for cut in [60, png.len() / 2, png.len() - 20] {
            let result =
                png_stream::decode(png.get(..cut).unwrap_or_default(), (64, 64), 4, LIMITS);
            assert!(result.is_err(), "cut at {cut}");
        }
        let tight = DecodeLimits {
            max_pixels: 1 << 30,
            max_bytes: 1000,
        };
        assert!(png_stream::decode(&png, (64, 64), 4, tight).is_err());
    }
}

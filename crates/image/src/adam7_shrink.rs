//! The integer box shrink for Adam7-interlaced PNGs: the seven passes each deliver a sparse
//! grid of the picture, which [`GridShrink`] sums until the last pass. Memory is its sums and
//! one widened row, never the picture, and an interlaced PNG shrinks to the same bytes as the
//! same picture stored progressively.

use super::box_shrink::{try_zeroed, widen, RowLayout, Shrunk};
use super::error::ImageError;
use super::grid_shrink::{self, GridShrink};
use png::Adam7Info;

pub(crate) use grid_shrink::MAX_FACTOR;

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

/// Heap of a shrink of `width` x `height` by `factor`: the sums, the output and a widened row.
pub(crate) fn planned_bytes(width: u32, height: u32, factor: u32) -> Option<u64> {
    grid_shrink::planned_bytes(width, height, factor)?.checked_add(u64::from(width).checked_mul(4)?)
}

/// Interlaced rows in, in the decoder's order; a picture `factor` times smaller out.
#[derive(Debug)]
pub(crate) struct Adam7Shrink {
    grid: GridShrink,
    layout: RowLayout,
    width: u32,
    height: u32,
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
        let row = u64::from(width) * 4;
        let grid = GridShrink::new(
            (width, height),
            factor,
            layout.output_channels(),
            max_bytes.saturating_sub(row),
            &format!("interlaced {width}x{height} PNG"),
        )?;
        let mut shrink = Self {
            grid,
            layout,
            width,
            height,
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
                self.widened.as_slice()
            }
            RowLayout::Rgb | RowLayout::Rgba => row,
        };
        let pixels = row
            .get(..samples as usize * channels)
            .ok_or_else(mismatch)?;
        self.grid
            .add_row(y0 + self.line * dy, (x0, dx), pixels)
            .map_err(|_| mismatch())?;
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
        self.grid.finish()
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

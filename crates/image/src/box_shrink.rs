//! Integer box shrink of rows as a decoder delivers them: each output pixel is the mean of a
//! `factor` x `factor` block (alpha-weighted, so transparent pixels lend no colour), which is
//! libvips' shrink step done while decoding. A decoder that yields rows then never holds more
//! than one row and the reduced picture.

use super::error::ImageError;

/// How the 8-bit rows handed to [`BoxShrink::push_row`] are laid out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum RowLayout {
    Gray,
    GrayAlpha,
    Rgb,
    Rgba,
}

impl RowLayout {
    pub(crate) fn bytes_per_pixel(self) -> usize {
        match self {
            Self::Gray => 1,
            Self::GrayAlpha => 2,
            Self::Rgb => 3,
            Self::Rgba => 4,
        }
    }

    /// The output's channels: RGBA when the rows carry alpha, RGB otherwise.
    pub(crate) fn output_channels(self) -> u8 {
        match self {
            Self::GrayAlpha | Self::Rgba => 4,
            Self::Gray | Self::Rgb => 3,
        }
    }
}

/// Heap a shrink of a `width` x `height` picture by `factor` holds: the reduced picture, the
/// block sums and one widened row. `None` when it does not fit in 64 bits.
pub(crate) fn planned_bytes(width: u32, height: u32, factor: u32, channels: u8) -> Option<u64> {
    let (out_w, out_h) = (
        u64::from(width.div_ceil(factor.max(1))),
        u64::from(height.div_ceil(factor.max(1))),
    );
    let reduced = out_w.checked_mul(out_h)?.checked_mul(u64::from(channels))?;
    let sums = out_w.checked_mul(4 * 8)?;
    let widened = u64::from(width).checked_mul(4)?;
    reduced.checked_add(sums)?.checked_add(widened)
}

/// A reduced picture: 8-bit RGB or RGBA (straight alpha).
#[derive(Debug)]
pub(crate) struct Shrunk {
    pub pixels: Vec<u8>,
    /// 3 or 4.
    pub channels: u8,
    pub width: u32,
    pub height: u32,
}

/// Rows in, a picture `factor` times smaller on each side out (the last block of a row or
/// column averages only the pixels it has).
#[derive(Debug)]
pub(crate) struct BoxShrink {
    factor: u32,
    layout: RowLayout,
    width: u32,
    height: u32,
    out_width: u32,
    /// Per output pixel of the block row being summed: colour weighted by alpha, and alpha
    /// (RGB rows: the plain colour sums).
    sums: Vec<u64>,
    /// A Gray/GrayAlpha row widened to RGB(A).
    widened: Vec<u8>,
    rows_seen: u32,
    rows_in_block: u32,
    pixels: Vec<u8>,
}

impl BoxShrink {
    /// A shrink of a `width` x `height` picture by `factor`, allocating at most `max_bytes`
    /// (checked here, where the memory is taken).
    pub(crate) fn new(
        width: u32,
        height: u32,
        factor: u32,
        layout: RowLayout,
        max_bytes: u64,
    ) -> Result<Self, ImageError> {
        let factor = factor.max(1);
        let channels = layout.output_channels();
        // Block sums are 64-bit: at most 2^40 pixels of 2^16 (colour x alpha) each.
        let countable = u64::from(width) * u64::from(height) <= 1 << 40;
        let planned =
            planned_bytes(width, height, factor, channels).filter(|&b| b <= max_bytes && countable);
        let Some(out_len) = planned.and_then(|_| {
            let out = u64::from(width.div_ceil(factor)) * u64::from(height.div_ceil(factor));
            usize::try_from(out * u64::from(channels)).ok()
        }) else {
            return Err(ImageError::TooLarge(format!(
                "decoding this {width}x{height} image at 1/{factor} needs more than the {} MB \
                 left in the decode budget",
                max_bytes >> 20
            )));
        };
        let out_width = width.div_ceil(factor);
        Ok(Self {
            factor,
            layout,
            width,
            height,
            out_width,
            sums: try_zeroed((out_width as usize).saturating_mul(4))?,
            widened: match layout {
                RowLayout::Gray | RowLayout::GrayAlpha => {
                    try_zeroed((width as usize).saturating_mul(4))?
                }
                RowLayout::Rgb | RowLayout::Rgba => Vec::new(),
            },
            rows_seen: 0,
            rows_in_block: 0,
            pixels: try_reserved(out_len)?,
        })
    }

    /// Adds the next source row (`width` pixels in the layout given to [`BoxShrink::new`]).
    pub(crate) fn push_row(&mut self, row: &[u8]) -> Result<(), ImageError> {
        let width = self.width as usize;
        if row.len() < width * self.layout.bytes_per_pixel() || self.rows_seen >= self.height {
            return Err(ImageError::Undecodable(
                "the decoder delivered a row that does not match the image size".into(),
            ));
        }
        let used = width * usize::from(self.layout.output_channels());
        let row = match self.layout {
            RowLayout::Gray | RowLayout::GrayAlpha => {
                widen(row, self.layout, &mut self.widened);
                self.widened.get(..used).unwrap_or_default()
            }
            RowLayout::Rgb | RowLayout::Rgba => row.get(..used).unwrap_or_default(),
        };
        self.rows_seen += 1;
        if self.factor == 1 {
            // Nothing to average: the row is the output row.
            self.pixels.extend_from_slice(row);
            return Ok(());
        }
        let factor = self.factor as usize;
        let sums = self.sums.as_chunks_mut::<4>().0.iter_mut();
        if self.layout.output_channels() == 4 {
            for (block, cell) in row.chunks(4 * factor).zip(sums) {
                add_weighted(block, cell);
            }
        } else {
            for (block, cell) in row.chunks(3 * factor).zip(sums) {
                add_plain(block, cell);
            }
        }
        self.rows_in_block += 1;
        if self.rows_in_block == self.factor || self.rows_seen == self.height {
            self.emit_block_row();
        }
        Ok(())
    }

    /// The reduced picture, once every row has been pushed.
    pub(crate) fn finish(self) -> Result<Shrunk, ImageError> {
        if self.rows_seen != self.height {
            return Err(ImageError::Undecodable(format!(
                "the image ended after {} of its {} rows",
                self.rows_seen, self.height
            )));
        }
        Ok(Shrunk {
            pixels: self.pixels,
            channels: self.layout.output_channels(),
            width: self.out_width,
            height: self.height.div_ceil(self.factor),
        })
    }

    fn emit_block_row(&mut self) {
        let factor = u64::from(self.factor);
        let rows = u64::from(self.rows_in_block);
        let last_width = u64::from(self.width) - factor * u64::from(self.out_width - 1);
        let alpha = self.layout.output_channels() == 4;
        for (x, cell) in self.sums.as_chunks_mut::<4>().0.iter_mut().enumerate() {
            let block_width = if x + 1 == self.out_width as usize {
                last_width
            } else {
                factor
            };
            push_mean(&mut self.pixels, *cell, block_width * rows, alpha);
            cell.fill(0);
        }
        self.rows_in_block = 0;
    }
}

/// Appends the mean pixel of a block of `count` pixels from its sums: colour weighted by alpha
/// and alpha (`alpha`), or plain colour. Both shrinks end here, so they round alike.
pub(crate) fn push_mean(pixels: &mut Vec<u8>, cell: [u64; 4], count: u64, alpha: bool) {
    let [r, g, b, a] = cell;
    let count = count.max(1);
    if alpha {
        let colour = |sum: u64| if a == 0 { 0 } else { rounded(sum, a) };
        pixels.extend_from_slice(&[colour(r), colour(g), colour(b), rounded(a, count)]);
    } else {
        pixels.extend_from_slice(&[rounded(r, count), rounded(g, count), rounded(b, count)]);
    }
}

/// `sum / count` rounded to the nearest byte value.
fn rounded(sum: u64, count: u64) -> u8 {
    u8::try_from((sum + count / 2) / count.max(1)).unwrap_or(u8::MAX)
}

/// Adds RGBA pixels to a cell as colour x alpha and alpha.
fn add_weighted(block: &[u8], cell: &mut [u64; 4]) {
    let (mut r, mut g, mut b, mut a) = (0u64, 0u64, 0u64, 0u64);
    for p in block.as_chunks::<4>().0 {
        let alpha = u64::from(p[3]);
        r += u64::from(p[0]) * alpha;
        g += u64::from(p[1]) * alpha;
        b += u64::from(p[2]) * alpha;
        a += alpha;
    }
    cell[0] += r;
    cell[1] += g;
    cell[2] += b;
    cell[3] += a;
}

/// Adds RGB pixels to a cell.
fn add_plain(block: &[u8], cell: &mut [u64; 4]) {
    let (mut r, mut g, mut b) = (0u64, 0u64, 0u64);
    for p in block.as_chunks::<3>().0 {
        r += u64::from(p[0]);
        g += u64::from(p[1]);
        b += u64::from(p[2]);
    }
    cell[0] += r;
    cell[1] += g;
    cell[2] += b;
}

/// Gray to RGB, or GrayAlpha to RGBA, into the front of `out` (4 bytes per pixel long).
pub(crate) fn widen(row: &[u8], layout: RowLayout, out: &mut [u8]) {
    if layout == RowLayout::Gray {
        for (&v, o) in row.iter().zip(out.chunks_exact_mut(3)) {
            o.copy_from_slice(&[v, v, v]);
        }
    } else {
        for (p, o) in row.as_chunks::<2>().0.iter().zip(out.chunks_exact_mut(4)) {
            o.copy_from_slice(&[p[0], p[0], p[0], p[1]]);
        }
    }
}

pub(crate) fn try_zeroed<T: Copy + Default>(len: usize) -> Result<Vec<T>, ImageError> {
    let mut v = Vec::new();
    v.try_reserve_exact(len)
        .map_err(|_| no_memory(len.saturating_mul(std::mem::size_of::<T>())))?;
    v.resize(len, T::default());
    Ok(v)
}

pub(crate) fn try_reserved(len: usize) -> Result<Vec<u8>, ImageError> {
    let mut v = Vec::new();
    v.try_reserve_exact(len).map_err(|_| no_memory(len))?;
    Ok(v)
}

fn no_memory(bytes: usize) -> ImageError {
    ImageError::TooLarge(format!("no memory for a {bytes}-byte decode buffer"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shrink(
        rows: &[&[u8]],
        width: u32,
        factor: u32,
        layout: RowLayout,
    ) -> (Vec<u8>, u8, (u32, u32)) {
        let height = u32::try_from(rows.len()).unwrap();
        let mut shrink = BoxShrink::new(width, height, factor, layout, 1 << 20).unwrap();
        for row in rows {
            shrink.push_row(row).unwrap();
        }
        let out = shrink.finish().unwrap();
        (out.pixels, out.channels, (out.width, out.height))
    }

    #[test]
    fn blocks_average_and_partial_edge_blocks_average_what_they_have() {
        // 3x3 RGB, factor 2: a 2x2 output whose right column and bottom row are partial blocks.
        let row = [10, 20, 30, 30, 40, 50, 200, 200, 200];
        let last = [0, 0, 0, 0, 0, 0, 100, 100, 100];
        let (pixels, channels, size) = shrink(&[&row, &row, &last], 3, 2, RowLayout::Rgb);
        assert_eq!((channels, size), (3, (2, 2)));
        assert_eq!(pixels, [20, 30, 40, 200, 200, 200, 0, 0, 0, 100, 100, 100]);
    }

    #[test]
    fn transparent_pixels_lend_no_colour() {
        // An opaque blue pixel beside a fully transparent red one: the mean is half-transparent
        // blue, not purple.
        let row = [255, 0, 0, 0, 0, 0, 255, 255];
        let (pixels, channels, size) = shrink(&[&row], 2, 2, RowLayout::Rgba);
        assert_eq!((channels, size), (4, (1, 1)));
        assert_eq!(pixels, [0, 0, 255, 128]);
        // All transparent: colour 0, alpha 0.
        let (pixels, ..) = shrink(&[&[9, 9, 9, 0, 9, 9, 9, 0]], 2, 2, RowLayout::Rgba);
        assert_eq!(pixels, [0, 0, 0, 0]);
    }

    #[test]
    fn gray_rows_widen_to_colour() {
        let (pixels, channels, _) = shrink(&[&[10, 30]], 2, 2, RowLayout::Gray);
        assert_eq!((pixels, channels), (vec![20, 20, 20], 3));
        let (pixels, channels, _) = shrink(&[&[10, 255, 30, 255]], 2, 1, RowLayout::GrayAlpha);
        assert_eq!(
            (pixels, channels),
            (vec![10, 10, 10, 255, 30, 30, 30, 255], 4)
        );
    }

    #[test]
    fn rows_that_do_not_match_the_size_are_errors_not_panics() {
        let mut short = BoxShrink::new(4, 2, 2, RowLayout::Rgb, 1 << 20).unwrap();
        assert!(short.push_row(&[0; 11]).is_err());
        let mut extra = BoxShrink::new(1, 1, 1, RowLayout::Gray, 1 << 20).unwrap();
        extra.push_row(&[1]).unwrap();
        assert!(extra.push_row(&[1]).is_err());
        let missing = BoxShrink::new(1, 2, 1, RowLayout::Gray, 1 << 20).unwrap();
        assert!(missing.finish().is_err());
    }

    #[test]
    fn the_budget_is_checked_where_the_buffers_are_taken() {
        let refused = BoxShrink::new(50_000, 50_000, 1, RowLayout::Rgba, 100 << 20);
        assert!(matches!(refused, Err(ImageError::TooLarge(_))));
        assert!(BoxShrink::new(50_000, 50_000, 16, RowLayout::Rgba, 100 << 20).is_ok());
        assert!(BoxShrink::new(u32::MAX, u32::MAX, 1, RowLayout::Rgba, u64::MAX).is_err());
    }
}

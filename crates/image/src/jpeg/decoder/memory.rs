//! The heap Tailor's decoder allocates for a frame, computed once from the frame header: the
//! budget check before a decode and the decoder's own refusal use this same figure, so the
//! decoder never allocates more than the budget it is given, whatever the probe said.

/// Output samples per block side of a component subsampled by `factor`, when luma blocks
/// give `n`: subsampled chroma is decoded `factor` times larger, onto the luma grid, up to 4
/// samples (measured: a full 8-point IDCT per chroma block costs more than upsampling, and a
/// progressive file would have to keep all 64 coefficients). At 1/8 (`n == 1`) every block
/// stays its DC term, so a progressive file's AC scans can be skipped.
fn block_side(n: usize, factor: usize) -> usize {
    if n > 1 && n * factor <= 4 {
        n * factor
    } else {
        n
    }
}

/// Output samples per block (width, height) of a component subsampled by `factors`. With
/// `halve_chroma` ([`FrameLayout::halves_chroma`]), chroma that would come out at the luma grid's
/// full resolution along an axis is kept at half that instead (2 samples where luma has 4), then
/// upsampled: at 1/2 a progressive file's kept coefficients are the largest buffers of the
/// decode (4x4 and a 64-bit history for every 8x8 block of each plane).
pub(super) fn component_block(
    n: usize,
    (fx, fy): (usize, usize),
    halve_chroma: bool,
) -> (usize, usize) {
    let side = |factor: usize| {
        if halve_chroma && n == 4 && factor == 1 {
            2
        } else {
            block_side(n, factor)
        }
    };
    (side(fx), side(fy))
}

/// [`component_block`] for the frame's component `index`: with `halve_chroma`, every
/// component after the first (luma) is chroma.
pub(super) fn component_block_at(
    n: usize,
    index: usize,
    factors: (usize, usize),
    halve_chroma: bool,
) -> (usize, usize) {
    component_block(n, factors, halve_chroma && index > 0)
}

/// Fixed allocations whatever the frame: Huffman tables with their fast lookups (up to eight),
/// quantization tables, per-scan bookkeeping.
const TABLES_BYTES: u64 = 8 * (2048 * 2 + 2048 * 4 + 256) + 64 * 1024;

/// While a progressive file's scans are read, the file and the kept coefficients are live
/// together. Above this the frame's chroma is kept at half the luma grid's resolution
/// ([`component_block`]), so that stage does not set the transform's peak (decoding,
/// resizing and encoding a `full` variant of a 17.9 MP photo needs about 40 MB after it).
pub(super) const SCANS_TARGET_BYTES: u64 = 40 << 20;

/// A frame's geometry as the decoder plans its buffers.
pub(super) struct FrameLayout<'a> {
    pub width: usize,
    pub height: usize,
    /// (horizontal, vertical) sampling factors, luma first.
    pub sampling: &'a [(usize, usize)],
    pub progressive: bool,
    /// Luma output samples per block side: 1, 2 or 4.
    pub n: usize,
}

impl FrameLayout<'_> {
    /// Per component: its blocks (MCU-padded) and output samples per block, every component
    /// after the first kept as [`component_block`] says when `halve_chroma`. `None` when a
    /// product does not fit in 64 bits (it is then over any budget).
    fn components(&self, halve_chroma: bool) -> Option<Vec<(u64, u64)>> {
        let h_max = self.sampling.iter().map(|s| s.0).max()?.max(1);
        let v_max = self.sampling.iter().map(|s| s.1).max()?.max(1);
        let mcus_wide = self.width.div_ceil(8 * h_max) as u64;
        let mcus_high = self.height.div_ceil(8 * v_max) as u64;
        let mut components = Vec::with_capacity(self.sampling.len());
        for (index, &(h, v)) in self.sampling.iter().enumerate() {
            let (h, v) = (h.max(1), v.max(1));
            let blocks = mcus_wide
                .checked_mul(h as u64)?
                .checked_mul(mcus_high)?
                .checked_mul(v as u64)?;
            let factors = (h_max / h, v_max / v);
            let (w_out, h_out) = component_block_at(self.n, index, factors, halve_chroma);
            components.push((blocks, (w_out * h_out) as u64));
        }
        Some(components)
    }

    /// A component's buffers: progressive, 16-bit kept coefficients (`with_samples`: and the
    /// samples rendered from them) and, above 1/8, a 64-bit nonzero history per block;
    /// baseline, the samples alone.
    fn buffers(&self, (blocks, per_block): (u64, u64), with_samples: bool) -> Option<u64> {
        let samples = blocks.checked_mul(per_block)?;
        if !self.progressive {
            return Some(if with_samples { samples } else { 0 });
        }
        let history = if self.n > 1 {
            blocks.checked_mul(8)?
        } else {
            0
        };
        let bytes_per_sample = if with_samples { 3 } else { 2 };
        samples.checked_mul(bytes_per_sample)?.checked_add(history)
    }

    /// Whether a YCbCr progressive frame keeps its chroma at half the luma grid's resolution:
    /// at 1/2, when `file_bytes` and the full-resolution coefficients would exceed `target`.
    pub(super) fn halves_chroma(&self, file_bytes: u64, target: u64) -> bool {
        if !self.progressive || self.n != 4 || self.sampling.len() != 3 {
            return false;
        }
        let scans = self.components(false).and_then(|components| {
            components
                .into_iter()
                .try_fold(0u64, |sum, c| sum.checked_add(self.buffers(c, false)?))
        });
        scans.is_none_or(|bytes| file_bytes.saturating_add(bytes) > target)
    }

    /// What a decode rendered in bands holds ([`super::Output::Bands`]): the tables and the
    /// components' own buffers, with no plane upsampled whole and no whole RGB output (the
    /// bands' buffers are the resize's, bounded by it).
    pub(super) fn planned_plane_bytes(&self, halve_chroma: bool) -> Option<u64> {
        self.components(halve_chroma)?
            .into_iter()
            .try_fold(TABLES_BYTES, |sum, c| {
                sum.checked_add(self.buffers(c, true)?)
            })
    }

    /// Every byte the decoder allocates: per-component block buffers, the planes upsampled to
    /// the output, the row tables and the RGB output.
    pub(super) fn planned_bytes(&self, halve_chroma: bool) -> Option<u64> {
        let scale = 8 / (self.n as u64).max(1);
        let out = (self.width as u64).div_ceil(scale) * (self.height as u64).div_ceil(scale);
        let mut total = TABLES_BYTES;
        for component in self.components(halve_chroma)? {
            // A plane upsampled onto the output grid, where the component is still subsampled.
            let buffers = self.buffers(component, true)?;
            total = total.checked_add(buffers)?.checked_add(out)?;
        }
        // Row tables (three of pointer pairs) and the interleaved RGB output.
        let rows = (self.height as u64).div_ceil(scale) * 48;
        total.checked_add(rows)?.checked_add(out.checked_mul(3)?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The corpus's elephants photo (5640x3172, chroma halved horizontally) or, with `(1, 1)`
    /// luma, the same frame without chroma subsampling.
    fn photo_18mp(sampling: &[(usize, usize)]) -> FrameLayout<'_> {
        FrameLayout {
            width: 5640,
            height: 3172,
            sampling,
            progressive: true,
            n: 4,
        }
    }

    #[test]
    fn a_17_9_megapixel_progressive_photo_fits_at_half_scale_in_64_mb() {
        let bytes = photo_18mp(&[(2, 1), (1, 1), (1, 1)])
            .planned_bytes(false)
            .unwrap();
        assert!(bytes < 64 << 20, "{bytes}");
        assert!(bytes > 40 << 20, "{bytes}");
    }

    #[test]
    fn chroma_at_the_luma_grid_resolution_is_kept_at_half_of_it() {
        // 4:4:4 and 4:2:2 chroma at 1/2: 2 samples where luma has 4, along unsubsampled axes.
        assert_eq!(component_block(4, (1, 1), true), (2, 2));
        assert_eq!(component_block(4, (2, 1), true), (4, 2));
        // 4:2:0 chroma is at half resolution already; luma and other scales are unchanged.
        assert_eq!(component_block(4, (2, 2), true), (4, 4));
        assert_eq!(component_block(4, (1, 1), false), (4, 4));
        assert_eq!(component_block(2, (1, 1), true), (2, 2));
        assert_eq!(component_block(2, (2, 2), true), (4, 4));
        // Not subsampled: two chroma planes of 4 coefficients (and their samples) a block
        // instead of 16, 20 MB less at 1/2.
        let frame = photo_18mp(&[(1, 1); 3]);
        let planned = |halve| frame.planned_bytes(halve).unwrap();
        assert!(planned(false) - planned(true) > 20_000_000);
    }

    #[test]
    fn chroma_is_halved_only_when_the_file_and_its_coefficients_exceed_the_target() {
        let subsampled = [(2, 1), (1, 1), (1, 1)];
        let full_chroma = [(1, 1); 3];
        // 22.4 MB of coefficients and history for the elephants' layout, 33.6 MB without
        // chroma subsampling: their own 16.4 MB file keeps full chroma, an 18 MB file of the
        // second layout does not.
        assert!(!photo_18mp(&subsampled).halves_chroma(16_400_000, SCANS_TARGET_BYTES));
        assert!(photo_18mp(&full_chroma).halves_chroma(18_000_000, SCANS_TARGET_BYTES));
        assert!(!photo_18mp(&full_chroma).halves_chroma(8_000_000, SCANS_TARGET_BYTES));
        // Baseline frames keep no coefficients; other scales and gray frames are left alone.
        let baseline = FrameLayout {
            progressive: false,
            ..photo_18mp(&full_chroma)
        };
        assert!(!baseline.halves_chroma(u64::MAX, 0));
        let quarter = FrameLayout {
            n: 2,
            ..photo_18mp(&full_chroma)
        };
        assert!(!quarter.halves_chroma(u64::MAX, 0));
        assert!(!photo_18mp(&[(1, 1)]).halves_chroma(u64::MAX, 0));
    }

    #[test]
    fn the_largest_frame_header_does_not_overflow() {
        let frame = FrameLayout {
            width: 65535,
            height: 65535,
            sampling: &[(4, 4), (1, 1), (1, 1)],
            progressive: true,
            n: 4,
        };
        let bytes = frame.planned_bytes(false).unwrap();
        assert!(bytes > 1 << 31, "{bytes}");
        assert!(frame.halves_chroma(0, SCANS_TARGET_BYTES));
    }
}

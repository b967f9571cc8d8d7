//! The heap Tailor's decoder allocates for a frame, computed once from the frame header: the
//! budget check before a decode and the decoder's own refusal use this same figure, so the
//! decoder never allocates more than the budget it is given, whatever the probe said.

/// Output samples per block side of a component subsampled by `factor`, when luma blocks
/// give `n`: subsampled chroma is decoded `factor` times larger, onto the luma grid, up to 4
/// samples (measured: a full 8-point IDCT per chroma block costs more than upsampling, and a
/// progressive file would have to keep all 64 coefficients). At 1/8 (`n == 1`) every block
/// stays its DC term, so a progressive file's AC scans can be skipped.
pub(super) fn block_side(n: usize, factor: usize) -> usize {
    if n > 1 && n * factor <= 4 {
        n * factor
    } else {
        n
    }
}

/// Fixed allocations whatever the frame: Huffman tables with their fast lookups (up to eight),
/// quantization tables, per-scan bookkeeping.
const TABLES_BYTES: u64 = 8 * (2048 * 2 + 2048 * 4 + 256) + 64 * 1024;

/// Every byte the decoder allocates for a `width` x `height` frame with these sampling factors
/// at luma block size `n` (1, 2 or 4): per-component block buffers (MCU-padded), progressive
/// coefficients and nonzero history, the planes upsampled to the output, the row tables and
/// the RGB output. `None` when the product does not fit in 64 bits (it is then over any budget).
pub(super) fn planned_bytes(
    width: usize,
    height: usize,
    sampling: &[(usize, usize)],
    progressive: bool,
    n: usize,
) -> Option<u64> {
    let n64 = n as u64;
    let h_max = sampling.iter().map(|s| s.0).max()?.max(1);
    let v_max = sampling.iter().map(|s| s.1).max()?.max(1);
    let mcus_wide = width.div_ceil(8 * h_max) as u64;
    let mcus_high = height.div_ceil(8 * v_max) as u64;
    let scale = 8 / n64.max(1);
    let out = (width as u64).div_ceil(scale) * (height as u64).div_ceil(scale);
    let mut total = TABLES_BYTES;
    for &(h, v) in sampling {
        let (h, v) = (h.max(1), v.max(1));
        let blocks = mcus_wide
            .checked_mul(h as u64)?
            .checked_mul(mcus_high)?
            .checked_mul(v as u64)?;
        let per_block = (block_side(n, h_max / h) * block_side(n, v_max / v)) as u64;
        let samples = blocks.checked_mul(per_block)?;
        // Progressive: 16-bit kept coefficients, then the samples rendered from them, and (above
        // 1/8) a 64-bit nonzero history per block. Baseline: the samples alone.
        let buffers = if progressive {
            let history = if n > 1 { blocks.checked_mul(8)? } else { 0 };
            samples.checked_mul(3)?.checked_add(history)?
        } else {
            samples
        };
        // A plane upsampled onto the output grid, where the component is still subsampled.
        total = total.checked_add(buffers)?.checked_add(out)?;
    }
    // Row tables (three of pointer pairs) and the interleaved RGB output.
    let rows = (height as u64).div_ceil(scale) * 48;
    total.checked_add(rows)?.checked_add(out.checked_mul(3)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_17_9_megapixel_progressive_photo_fits_at_half_scale_in_64_mb() {
        let bytes = planned_bytes(5640, 3172, &[(2, 1), (1, 1), (1, 1)], true, 4).unwrap();
        assert!(bytes < 64 << 20, "{bytes}");
        assert!(bytes > 40 << 20, "{bytes}");
    }

    #[test]
    fn the_largest_frame_header_does_not_overflow() {
        let bytes = planned_bytes(65535, 65535, &[(4, 4), (1, 1), (1, 1)], true, 4).unwrap();
        assert!(bytes > 1 << 31, "{bytes}");
    }
}

//! 4:2:2 chroma halved vertically into 4:2:0 without leaving the DCT domain: two vertically
//! adjacent blocks become one whose samples are the averages of the pairs of rows they cover,
//! as a pixel encoder averages them, through one 8x16 matrix per column of frequencies.

use super::Block;
use crate::jpeg::zigzag::{NATURAL_TO_ZIGZAG, ZIGZAG};

/// The linear map from the vertical frequencies of two stacked blocks (8 of the top one, then
/// 8 of the bottom one) to the vertical frequencies of the halved block: the inverse DCT of
/// each, the mean of each pair of rows, the forward DCT of the result, all in one. The
/// horizontal frequencies pass through, as the transform is separable.
pub(super) struct VerticalHalving {
    matrix: [[f32; 16]; 8],
    /// Per column of frequencies: the zigzag indices of its 8 entries, as bits.
    column_masks: [u64; 8],
}

impl VerticalHalving {
    pub(super) fn new() -> Self {
        // T.81's 1-D DCT pair: F(u) = c(u)/2 Σ f(x) cos((2x+1)uπ/16), and back, c(0) = 1/√2.
        let c = |u: usize| {
            if u == 0 {
                std::f64::consts::FRAC_1_SQRT_2
            } else {
                1.0
            }
        };
        let basis = |x: usize, u: usize| {
            (((2 * x + 1) * u) as f64 * std::f64::consts::PI / 16.0).cos() * c(u) / 2.0
        };
        let mut matrix = [[0f32; 16]; 8];
        for (out_frequency, row) in matrix.iter_mut().enumerate() {
            for (source, slot) in row.iter_mut().enumerate() {
                let (half, frequency) = (source / 8, source % 8);
                // Output samples 4·half..4·half+4 are the means of this block's row pairs.
                let sum: f64 = (0..4)
                    .map(|j| {
                        let sample = 4 * half + j;
                        let mean = (basis(2 * j, frequency) + basis(2 * j + 1, frequency)) / 2.0;
                        basis(sample, out_frequency) * mean
                    })
                    .sum();
                *slot = sum as f32;
            }
        }
        let mut column_masks = [0u64; 8];
        for (natural, &zigzag) in NATURAL_TO_ZIGZAG.iter().enumerate() {
            if let Some(mask) = column_masks.get_mut(natural % 8) {
                *mask |= 1 << zigzag;
            }
        }
        Self {
            matrix,
            column_masks,
        }
    }

    /// The halved block of `top` over `bottom` (levels of the original's quantizers `quant`),
    /// dequantized, in zigzag order, and which of its entries may be nonzero (bit k for
    /// index k): those of the columns the nonzero levels are in.
    pub(super) fn halve(&self, top: &Block, bottom: &Block, quant: &[u16; 64]) -> ([f32; 64], u64) {
        let (mut out, mut touched) = ([0f32; 64], 0u64);
        for (source_half, half) in [top, bottom].into_iter().enumerate() {
            // Only the nonzero levels (and the DC) are spread over the output's rows.
            let mut rest = half.nonzero | 1;
            while rest != 0 {
                let at = rest.trailing_zeros() as usize;
                rest &= rest - 1;
                let (Some(&level), Some(&step), Some(&natural)) =
                    (half.levels.get(at), quant.get(at), ZIGZAG.get(at))
                else {
                    continue;
                };
                let value = level as f32 * f32::from(step);
                let (row, column) = (natural / 8, natural % 8);
                for (out_row, weights) in self.matrix.iter().enumerate() {
                    let weight = weights.get(source_half * 8 + row).copied().unwrap_or(0.0);
                    let zigzag = NATURAL_TO_ZIGZAG.get(out_row * 8 + column).copied();
                    if let Some(slot) = zigzag.and_then(|z| out.get_mut(z)) {
                        *slot += weight * value;
                    }
                }
                touched |= self.column_masks.get(column).copied().unwrap_or(0);
            }
        }
        (out, touched)
    }
}

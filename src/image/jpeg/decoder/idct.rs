//! The scaled inverse DCT: the top-left `n x n` coefficients of an 8x8 block through an n-point
//! IDCT give the block at 1/(8/n) scale directly (libjpeg's reduced IDCT), so a 1/4-scale decode
//! does a sixteenth of the transform work and keeps a quarter of the coefficients.

/// Precomputed basis for one output size.
#[derive(Debug, Clone)]
pub struct ScaledIdct {
    n: usize,
    /// `basis[x * n + u] = C(u)/2 * cos((2x+1)uπ / 2n)`, with JPEG's 8-point normalisation so
    /// a flat block keeps its level at every scale.
    basis: Vec<f32>,
}

impl ScaledIdct {
    pub fn new(n: usize) -> Self {
        let mut basis = Vec::with_capacity(n * n);
        for x in 0..n {
            for u in 0..n {
                let c = if u == 0 {
                    std::f32::consts::FRAC_1_SQRT_2
                } else {
                    1.0
                };
                let angle = ((2 * x + 1) * u) as f32 * std::f32::consts::PI / (2 * n) as f32;
                basis.push(0.5 * c * angle.cos());
            }
        }
        Self { n, basis }
    }

    pub fn size(&self) -> usize {
        self.n
    }

    /// Transforms dequantized coefficients (`n x n`, row-major by vertical frequency) into
    /// samples written at `out[offset + y * stride + x]`. Writes outside `out` are dropped.
    pub fn block(&self, coefs: &[f32], out: &mut [u8], offset: usize, stride: usize) {
        let n = self.n;
        let mut rows = [0f32; 64];
        // Horizontal pass: each frequency row v → n samples.
        for (v, row) in coefs.chunks_exact(n).take(n).enumerate() {
            for (x, basis) in self.basis.chunks_exact(n).enumerate() {
                let sum: f32 = row.iter().zip(basis).map(|(c, b)| c * b).sum();
                if let Some(slot) = rows.get_mut(v * n + x) {
                    *slot = sum;
                }
            }
        }
        // Vertical pass.
        for (y, basis) in self.basis.chunks_exact(n).enumerate() {
            let Some(line) = out.get_mut(offset + y * stride..offset + y * stride + n) else {
                continue;
            };
            for (x, sample) in line.iter_mut().enumerate() {
                let sum: f32 = (0..n)
                    .map(|v| {
                        rows.get(v * n + x).copied().unwrap_or(0.0)
                            * basis.get(v).copied().unwrap_or(0.0)
                    })
                    .sum();
                *sample = (sum + 128.5).clamp(0.0, 255.0) as u8;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flat_blocks_keep_their_level_at_every_scale() {
        for n in [1, 2, 4, 8] {
            let idct = ScaledIdct::new(n);
            let mut coefs = vec![0.0; n * n];
            coefs[0] = 8.0 * 40.0; // DC of a block 40 levels above mid-grey
            let mut out = vec![0u8; n * n];
            idct.block(&coefs, &mut out, 0, n);
            assert!(out.iter().all(|&s| s == 168), "n={n}: {out:?}");
        }
    }

    #[test]
    fn a_horizontal_cosine_varies_along_x_only() {
        let idct = ScaledIdct::new(4);
        let mut coefs = vec![0.0; 16];
        coefs[1] = 100.0;
        let mut out = vec![0u8; 16];
        idct.block(&coefs, &mut out, 0, 4);
        assert!(out[0] > out[3]);
        assert_eq!(out[0..4], out[12..16]);
    }
}

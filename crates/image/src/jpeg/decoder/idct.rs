//! The scaled inverse DCT: the top-left `h x w` coefficients of an 8x8 block through a
//! w-point (horizontal) and h-point (vertical) IDCT give the block at reduced scale directly
//! (libjpeg's reduced IDCT), so a 1/4-scale decode does a sixteenth of the transform work and
//! keeps a quarter of the coefficients. Subsampled chroma uses a larger size than luma, which
//! decodes it straight onto the luma grid instead of upsampling it afterwards.

/// Precomputed bases for one output block size.
#[derive(Debug, Clone)]
pub(super) struct ScaledIdct {
    w: usize,
    h: usize,
    /// `basis_x[x * w + u] = C(u)/2 * cos((2x+1)uπ / 2w)`, with JPEG's 8-point normalisation
    /// so a flat block keeps its level at every scale; `basis_y` likewise for `h`.
    basis_x: [f32; 16],
    basis_y: [f32; 16],
}

/// Coefficients of one block: `h` rows of `w`, at most 4 x 4.
pub(super) type Coefficients = [f32; 16];

fn basis(n: usize) -> [f32; 16] {
    let mut basis = [0f32; 16];
    for x in 0..n {
        for u in 0..n {
            let c = if u == 0 {
                std::f32::consts::FRAC_1_SQRT_2
            } else {
                1.0
            };
            let angle = ((2 * x + 1) * u) as f32 * std::f32::consts::PI / (2 * n) as f32;
            if let Some(slot) = basis.get_mut(x * n + u) {
                *slot = 0.5 * c * angle.cos();
            }
        }
    }
    basis
}

/// The sizes a block can have: 1, 2 or 4 samples per side (reduced scales only; full-size
/// decodes go to jpeg-decoder).
fn supported(n: usize) -> bool {
    matches!(n, 1 | 2 | 4)
}

impl ScaledIdct {
    /// An IDCT producing `w x h` samples per block; sizes other than 1, 2, 4 become 1.
    pub(super) fn new(w: usize, h: usize) -> Self {
        let w = if supported(w) { w } else { 1 };
        let h = if supported(h) { h } else { 1 };
        Self {
            w,
            h,
            basis_x: basis(w),
            basis_y: basis(h),
        }
    }

    pub(super) fn width(&self) -> usize {
        self.w
    }

    pub(super) fn height(&self) -> usize {
        self.h
    }

    /// Transforms dequantized coefficients (`h` rows of `w`, by vertical frequency) into
    /// samples written at `out[offset + y * stride + x]`. Writes outside `out` are dropped.
    pub(super) fn block(&self, coefs: &Coefficients, out: &mut [u8], offset: usize, stride: usize) {
        macro_rules! dispatch {
            ($(($w:literal, $h:literal)),*) => {
                match (self.w, self.h) {
                    $(($w, $h) => self.sized::<$w, $h>(coefs, out, offset, stride),)*
                    _ => {}
                }
            };
        }
        dispatch!(
            (1, 1),
            (1, 2),
            (1, 4),
            (2, 1),
            (2, 2),
            (2, 4),
            (4, 1),
            (4, 2),
            (4, 4)
        );
    }

    /// The transform with sizes known at compile time, so its loops unroll and vectorize.
    #[allow(clippy::indexing_slicing)] // every index is below W * H <= 16 over [f32; 16]
    #[inline(always)]
    fn sized<const W: usize, const H: usize>(
        &self,
        coefs: &Coefficients,
        out: &mut [u8],
        offset: usize,
        stride: usize,
    ) {
        // Horizontal pass: each frequency row v → W samples; all-zero rows (most of the high
        // frequencies of a photo) stay zero without work.
        let mut rows = [0f32; 16];
        for v in 0..H {
            let row = &coefs[v * W..v * W + W];
            if row.iter().all(|&c| c == 0.0) {
                continue;
            }
            for x in 0..W {
                let basis = &self.basis_x[x * W..x * W + W];
                rows[v * W + x] = row.iter().zip(basis).map(|(c, b)| c * b).sum();
            }
        }
        // Vertical pass.
        for y in 0..H {
            let mut line = [0f32; 4];
            for v in 0..H {
                let b = self.basis_y[y * H + v];
                for (sum, &r) in line.iter_mut().zip(&rows[v * W..v * W + W]) {
                    *sum += r * b;
                }
            }
            let Some(dst) = out.get_mut(offset + y * stride..offset + y * stride + W) else {
                continue;
            };
            for (sample, value) in dst.iter_mut().zip(line) {
                *sample = (value + 128.5).clamp(0.0, 255.0) as u8;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flat_blocks_keep_their_level_at_every_size() {
        for w in [1, 2, 4] {
            for h in [1, 2, 4] {
                let idct = ScaledIdct::new(w, h);
                let mut coefs = [0.0; 16];
                coefs[0] = 8.0 * 40.0; // DC of a block 40 levels above mid-grey
                let mut out = vec![0u8; w * h];
                idct.block(&coefs, &mut out, 0, w);
                assert!(out.iter().all(|&s| s == 168), "{w}x{h}: {out:?}");
            }
        }
    }

    #[test]
    fn a_horizontal_cosine_varies_along_x_only() {
        let idct = ScaledIdct::new(4, 2);
        let mut coefs = [0.0; 16];
        coefs[1] = 100.0;
        let mut out = vec![0u8; 8];
        idct.block(&coefs, &mut out, 0, 4);
        assert!(out[0] > out[3]);
        assert_eq!(out[0..4], out[4..8]);
    }
}

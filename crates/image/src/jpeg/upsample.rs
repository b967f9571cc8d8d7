//! Chroma upsampling onto the luma grid: bilinear with centred samples (libjpeg's "fancy"
//! upsampling generalised to any integer factor), cropping to the output size. For factors 1,
//! 2 and 4 every weight is a multiple of 1/2, 1/4 or 1/8, so the float arithmetic is exact and
//! the same result comes from integers, which is how those factors are computed.

/// How a component's plane (`sw` x `sh` samples) maps onto the output grid (`dw` x `dh`):
/// upsampled by the integer factors `fx`, `fy`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Upsampling {
    pub sw: usize,
    pub sh: usize,
    pub fx: usize,
    pub fy: usize,
    pub dw: usize,
    pub dh: usize,
}

/// Resamples `src` (`sw` x `sh`) by integer factors `fx`, `fy`, producing `dw` x `dh` samples.
/// Coordinates are clamped, so a short source never reads out of bounds.
pub(super) fn bilinear(
    src: &[u8],
    sw: usize,
    sh: usize,
    fx: usize,
    fy: usize,
    dw: usize,
    dh: usize,
) -> Vec<u8> {
    let mut out = Vec::with_capacity(dw * dh);
    let grid = Upsampling {
        sw,
        sh,
        fx,
        fy,
        dw,
        dh,
    };
    bilinear_rows(src, grid, 0..dh, &mut out);
    out
}

/// [`bilinear`]'s output rows `rows` (each computed from the source alone, so a band of them
/// is the same as those rows of the whole), appended to `out`.
pub(super) fn bilinear_rows(
    src: &[u8],
    grid: Upsampling,
    rows: std::ops::Range<usize>,
    out: &mut Vec<u8>,
) {
    let Upsampling {
        sw, sh, fx, fy, dw, ..
    } = grid;
    let at = |x: usize, y: usize| -> f32 {
        let (x, y) = (x.min(sw.saturating_sub(1)), y.min(sh.saturating_sub(1)));
        f32::from(src.get(y * sw + x).copied().unwrap_or(128))
    };
    if fx <= 1 && fy <= 1 {
        return crop(src, grid, rows, out);
    }
    let exact = |f: usize| matches!(f, 1 | 2 | 4);
    if exact(fx) && exact(fy) && sw > 0 && sh > 0 && src.len() >= sw * sh {
        return bilinear_exact(src, grid, rows, out);
    }
    let axis = |d: usize, f: usize| -> (usize, usize, f32) {
        let s = ((d as f32 + 0.5) / f.max(1) as f32 - 0.5).max(0.0);
        let i = s.floor() as usize;
        (i, i + 1, s - s.floor())
    };
    let columns: Vec<_> = (0..dw).map(|x| axis(x, fx)).collect();
    for y in rows {
        let (y0, y1, wy) = axis(y, fy);
        for &(x0, x1, wx) in &columns {
            let top = at(x0, y0) * (1.0 - wx) + at(x1, y0) * wx;
            let bottom = at(x0, y1) * (1.0 - wx) + at(x1, y1) * wx;
            out.push((top * (1.0 - wy) + bottom * wy + 0.5) as u8);
        }
    }
}

/// Where output sample `d` falls on a source axis of `len` samples upsampled by `f` (1, 2 or
/// 4): the two source samples either side (clamped to the edge) and the second one's weight
/// in units of 1/(2f). The centre `(d + 0.5) / f - 0.5`, times `2f`, is `2d + 1 - f`.
fn tap(d: usize, f: usize, len: usize) -> (usize, usize, u32) {
    let twice = (2 * d + 1).saturating_sub(f);
    let (i, w) = (twice / (2 * f), (twice % (2 * f)) as u32);
    let last = len.saturating_sub(1);
    (i.min(last), (i + 1).min(last), w)
}

/// [`bilinear_rows`] for factors 1, 2 and 4 in integers, with the same result: each weight is
/// `w / 2f`, so `4 fx fy` times the float sum is an integer and the rounding is a shift.
fn bilinear_exact(src: &[u8], grid: Upsampling, rows: std::ops::Range<usize>, out: &mut Vec<u8>) {
    let Upsampling {
        sw, sh, fx, fy, dw, ..
    } = grid;
    let columns: Vec<(usize, usize, u32)> = (0..dw).map(|x| tap(x, fx, sw)).collect();
    let (kx, ky) = (2 * fx as u32, 2 * fy as u32);
    let shift = (kx * ky).trailing_zeros();
    let half = (kx * ky) / 2;
    let row = |y: usize| src.get(y * sw..y * sw + sw).unwrap_or(&[]);
    // The sum is separable: each output row blends its two source rows once, column by
    // column, and each output sample then blends two of those (half the multiplications and
    // lookups of blending four samples per output; the same integers).
    let mut blended = vec![0u32; sw];
    for y in rows {
        let (y0, y1, wy) = tap(y, fy, sh);
        let pairs = row(y0).iter().zip(row(y1));
        for (sum, (&top, &bottom)) in blended.iter_mut().zip(pairs) {
            *sum = u32::from(top) * (ky - wy) + u32::from(bottom) * wy;
        }
        let round = |sum: u32| ((sum + half) >> shift) as u8;
        if fx == 2 && dw <= 2 * sw {
            // Doubling: each source column gives the samples a quarter of a column either side
            // of it (weights 1 and 3 of 4, taps clamped at the edges), with no table.
            let (first, last) = match (blended.first(), blended.last()) {
                (Some(&first), Some(&last)) => (first, last),
                _ => (128 * ky, 128 * ky),
            };
            let start = out.len();
            out.push(round(4 * first));
            for pair in blended.windows(2) {
                if let &[left, right] = pair {
                    out.extend([round(3 * left + right), round(left + 3 * right)]);
                }
            }
            out.push(round(4 * last));
            out.truncate(start + dw);
            continue;
        }
        let at = |x: usize| blended.get(x).copied().unwrap_or(128 * ky);
        out.extend(
            columns
                .iter()
                .map(|&(x0, x1, wx)| round(at(x0) * (kx - wx) + at(x1) * wx)),
        );
    }
}

/// Rows `rows` of the top-left `dw` x `dh` of `src`, edge samples repeated where `src` is
/// smaller.
fn crop(src: &[u8], grid: Upsampling, rows: std::ops::Range<usize>, out: &mut Vec<u8>) {
    let Upsampling { sw, sh, dw, .. } = grid;
    for y in rows {
        let y = y.min(sh.saturating_sub(1));
        let row = src.get(y * sw..y * sw + sw.min(dw)).unwrap_or(&[]);
        out.extend_from_slice(row);
        let edge = row.last().copied().unwrap_or(128);
        out.resize(out.len() + dw - row.len(), edge);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn factor_one_crops() {
        let src = [1, 2, 3, 4, 5, 6];
        assert_eq!(bilinear(&src, 3, 2, 1, 1, 2, 2), [1, 2, 4, 5]);
    }

    #[test]
    fn factor_two_interpolates_between_neighbours() {
        let src = [0, 100];
        assert_eq!(bilinear(&src, 2, 1, 2, 1, 4, 1), [0, 25, 75, 100]);
    }

    #[test]
    fn integer_factors_give_the_float_result_exactly() {
        // A pseudo-random source, every factor pair and odd output sizes (edges clamped).
        let (sw, sh) = (13, 7);
        let src: Vec<u8> = (0..sw * sh)
            .map(|i: usize| (i.wrapping_mul(2_654_435_761) >> 7) as u8)
            .collect();
        for fx in [1, 2, 4] {
            for fy in [1, 2, 4] {
                // Cropped, whole and beyond the edge.
                for (dw, dh) in [
                    (sw * fx - 1, sh * fy + 1),
                    (sw * fx, sh * fy),
                    (sw * fx + 3, 2),
                ] {
                    let float = bilinear_float(&src, sw, sh, fx, fy, dw, dh);
                    let ours = bilinear(&src, sw, sh, fx, fy, dw, dh);
                    assert_eq!(ours, float, "{fx}x{fy} to {dw}x{dh}");
                }
            }
        }
    }

    /// The float computation, written out: what [`bilinear`] computes for other factors.
    fn bilinear_float(
        src: &[u8],
        sw: usize,
        sh: usize,
        fx: usize,
        fy: usize,
        dw: usize,
        dh: usize,
    ) -> Vec<u8> {
        let at = |x: usize, y: usize| -> f32 {
            let (x, y) = (x.min(sw - 1), y.min(sh - 1));
            f32::from(src[y * sw + x])
        };
        let axis = |d: usize, f: usize| -> (usize, usize, f32) {
            let s = ((d as f32 + 0.5) / f as f32 - 0.5).max(0.0);
            let i = s.floor() as usize;
            (i, i + 1, s - s.floor())
        };
        let mut out = Vec::new();
        for y in 0..dh {
            let (y0, y1, wy) = axis(y, fy);
            for x in 0..dw {
                let (x0, x1, wx) = axis(x, fx);
                let top = at(x0, y0) * (1.0 - wx) + at(x1, y0) * wx;
                let bottom = at(x0, y1) * (1.0 - wx) + at(x1, y1) * wx;
                out.push((top * (1.0 - wy) + bottom * wy + 0.5) as u8);
            }
        }
        out
    }

    #[test]
    fn short_sources_are_clamped() {
        assert_eq!(bilinear(&[7], 1, 1, 2, 2, 3, 3), [7; 9]);
        assert_eq!(bilinear(&[], 0, 0, 2, 2, 2, 1), [128, 128]);
    }
}

//! Chroma upsampling onto the luma grid: bilinear with centred samples (libjpeg's "fancy"
//! upsampling generalised to any integer factor), cropping to the output size.

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
    let at = |x: usize, y: usize| -> f32 {
        let (x, y) = (x.min(sw.saturating_sub(1)), y.min(sh.saturating_sub(1)));
        f32::from(src.get(y * sw + x).copied().unwrap_or(128))
    };
    if fx <= 1 && fy <= 1 {
        return crop(src, sw, sh, dw, dh);
    }
    let axis = |d: usize, f: usize| -> (usize, usize, f32) {
        let s = ((d as f32 + 0.5) / f.max(1) as f32 - 0.5).max(0.0);
        let i = s.floor() as usize;
        (i, i + 1, s - s.floor())
    };
    let columns: Vec<_> = (0..dw).map(|x| axis(x, fx)).collect();
    let mut out = Vec::with_capacity(dw * dh);
    for y in 0..dh {
        let (y0, y1, wy) = axis(y, fy);
        for &(x0, x1, wx) in &columns {
            let top = at(x0, y0) * (1.0 - wx) + at(x1, y0) * wx;
            let bottom = at(x0, y1) * (1.0 - wx) + at(x1, y1) * wx;
            out.push((top * (1.0 - wy) + bottom * wy + 0.5) as u8);
        }
    }
    out
}

/// The top-left `dw` x `dh` of `src`, edge samples repeated where `src` is smaller.
fn crop(src: &[u8], sw: usize, sh: usize, dw: usize, dh: usize) -> Vec<u8> {
    let mut out = Vec::with_capacity(dw * dh);
    for y in 0..dh {
        let y = y.min(sh.saturating_sub(1));
        let row = src.get(y * sw..y * sw + sw.min(dw)).unwrap_or(&[]);
        out.extend_from_slice(row);
        let edge = row.last().copied().unwrap_or(128);
        out.resize(out.len() + dw - row.len(), edge);
    }
    out
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
    fn short_sources_are_clamped() {
        assert_eq!(bilinear(&[7], 1, 1, 2, 2, 3, 3), [7; 9]);
        assert_eq!(bilinear(&[], 0, 0, 2, 2, 2, 1), [128, 128]);
    }
}

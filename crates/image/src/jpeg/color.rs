//! Colour conversion of decoded JPEG samples.

/// JFIF YCbCr rows → interleaved RGB, in 16.16 fixed point, `width` pixels per row.
pub(super) fn ycbcr_rows_to_rgb(y: &[&[u8]], cb: &[&[u8]], cr: &[&[u8]], width: usize) -> Vec<u8> {
    let mut out = vec![0u8; y.len() * width * 3];
    ycbcr_rows_into(y, cb, cr, width, &mut out);
    out
}

/// [`ycbcr_rows_to_rgb`] into `out`, as many rows as it holds.
pub(super) fn ycbcr_rows_into(
    y: &[&[u8]],
    cb: &[&[u8]],
    cr: &[&[u8]],
    width: usize,
    out: &mut [u8],
) {
    const ONE: i32 = 1 << 16;
    const HALF: i32 = ONE / 2;
    let fix = |v: f64| (v * f64::from(ONE)).round() as i32;
    let (r_cr, g_cb, g_cr, b_cb) = (fix(1.402), fix(0.344_136), fix(0.714_136), fix(1.772));
    let clamp = |v: i32| ((v + HALF) >> 16).clamp(0, 255) as u8;
    let rows = out.chunks_exact_mut(width * 3).zip(y).zip(cb).zip(cr);
    for (((dst, &y), &cb), &cr) in rows {
        let pixels = dst.chunks_exact_mut(3).zip(y).zip(cb).zip(cr);
        for (((px, &y), &cb), &cr) in pixels {
            let (y, cb, cr) = (i32::from(y) << 16, i32::from(cb) - 128, i32::from(cr) - 128);
            px.copy_from_slice(&[
                clamp(y + r_cr * cr),
                clamp(y - g_cb * cb - g_cr * cr),
                clamp(y + b_cb * cb),
            ]);
        }
    }
}

/// Three planes' rows (already RGB, as Adobe transform 0 marks) → interleaved RGB.
pub(super) fn interleave_rows(r: &[&[u8]], g: &[&[u8]], b: &[&[u8]], width: usize) -> Vec<u8> {
    let mut out = vec![0u8; r.len() * width * 3];
    interleave_rows_into(r, g, b, width, &mut out);
    out
}

/// [`interleave_rows`] into `out`, as many rows as it holds.
pub(super) fn interleave_rows_into(
    r: &[&[u8]],
    g: &[&[u8]],
    b: &[&[u8]],
    width: usize,
    out: &mut [u8],
) {
    let rows = out.chunks_exact_mut(width * 3).zip(r).zip(g).zip(b);
    for (((dst, &r), &g), &b) in rows {
        let pixels = dst.chunks_exact_mut(3).zip(r).zip(g).zip(b);
        for (((px, &r), &g), &b) in pixels {
            px.copy_from_slice(&[r, g, b]);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn greys_stay_grey_and_primaries_convert() {
        let convert = |y: u8, cb: u8, cr: u8| ycbcr_rows_to_rgb(&[&[y]], &[&[cb]], &[&[cr]], 1);
        assert_eq!(convert(128, 128, 128), [128, 128, 128]);
        // Pure red in JFIF YCbCr is roughly (76, 85, 255).
        let red = convert(76, 85, 255);
        assert!(red[0] > 250 && red[1] < 5 && red[2] < 5, "{red:?}");
    }
}

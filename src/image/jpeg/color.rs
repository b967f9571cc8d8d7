//! Colour conversion of decoded JPEG samples.

/// JFIF YCbCr → interleaved RGB, in 16.16 fixed point.
pub fn ycbcr_to_rgb(y: &[u8], cb: &[u8], cr: &[u8]) -> Vec<u8> {
    const ONE: i32 = 1 << 16;
    const HALF: i32 = ONE / 2;
    let fix = |v: f64| (v * f64::from(ONE)).round() as i32;
    let (r_cr, g_cb, g_cr, b_cb) = (fix(1.402), fix(0.344_136), fix(0.714_136), fix(1.772));
    let clamp = |v: i32| ((v + HALF) >> 16).clamp(0, 255) as u8;
    let mut out = Vec::with_capacity(y.len() * 3);
    for ((&y, &cb), &cr) in y.iter().zip(cb).zip(cr) {
        let (y, cb, cr) = (i32::from(y) << 16, i32::from(cb) - 128, i32::from(cr) - 128);
        out.extend_from_slice(&[
            clamp(y + r_cr * cr),
            clamp(y - g_cb * cb - g_cr * cr),
            clamp(y + b_cb * cb),
        ]);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn greys_stay_grey_and_primaries_convert() {
        assert_eq!(ycbcr_to_rgb(&[128], &[128], &[128]), [128, 128, 128]);
        // Pure red in JFIF YCbCr is roughly (76, 85, 255).
        let red = ycbcr_to_rgb(&[76], &[85], &[255]);
        assert!(red[0] > 250 && red[1] < 5 && red[2] < 5, "{red:?}");
    }
}

//! ICC colour management: pixels tagged with an RGB profile (Display P3, Adobe RGB, …) are
//! converted to sRGB — what browsers assume for untagged images, and what we output — with
//! moxcms, a pure-Rust CMS that builds for wasm. Done on the decoded (usually reduced) pixels.

use moxcms::{ColorProfile, DataColorSpace, Layout, TransformOptions};

/// Converts `pixels` (RGB or RGBA, 8-bit) from `icc` to sRGB in place. Returns whether a
/// conversion ran: profiles that are not RGB, or that do not parse, leave the pixels alone —
/// a broken profile is no reason to refuse an image.
pub(crate) fn to_srgb(pixels: &mut [u8], channels: u8, icc: &[u8]) -> bool {
    let Ok(source) = ColorProfile::new_from_slice(icc) else {
        return false;
    };
    if source.color_space != DataColorSpace::Rgb {
        return false;
    }
    let layout = if channels == 4 {
        Layout::Rgba
    } else {
        Layout::Rgb
    };
    let Ok(transform) = source.create_transform_8bit(
        layout,
        &ColorProfile::new_srgb(),
        layout,
        TransformOptions::default(),
    ) else {
        return false;
    };
    let mut out = vec![0u8; pixels.len()];
    if transform.transform(pixels, &mut out).is_err() {
        return false;
    }
    pixels.copy_from_slice(&out);
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_p3_colours_become_more_saturated_srgb_values() {
        let p3 = ColorProfile::new_display_p3().encode().unwrap();
        let mut pixels = vec![200, 100, 50, 200, 100, 50];
        assert!(to_srgb(&mut pixels, 3, &p3));
        assert!(pixels[0] > 205 && pixels[1] < 100, "{pixels:?}");
    }

    #[test]
    fn srgb_is_nearly_unchanged_and_garbage_is_ignored() {
        let srgb = ColorProfile::new_srgb().encode().unwrap();
        let mut pixels = vec![200, 100, 50, 255];
        assert!(to_srgb(&mut pixels, 4, &srgb));
        assert!(
            pixels
                .iter()
                .zip([200u8, 100, 50, 255])
                .all(|(a, b)| a.abs_diff(b) <= 1),
            "{pixels:?}"
        );
        let mut untouched = vec![1, 2, 3];
        assert!(!to_srgb(&mut untouched, 3, b"not a profile"));
        assert_eq!(untouched, [1, 2, 3]);
    }
}

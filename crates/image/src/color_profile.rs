//! ICC colour management: pixels tagged with an RGB profile (Display P3, Adobe RGB, …) are
//! converted to sRGB — what browsers assume for untagged images, and what we output — with
//! moxcms, a pure-Rust CMS that builds for wasm. Done on the decoded (usually reduced) pixels.

use moxcms::{ColorProfile, DataColorSpace, Layout, Transform8BitExecutor, TransformOptions};
use std::sync::Arc;

/// Converts `pixels` (RGB or RGBA, 8-bit) from `icc` to sRGB in place. Returns whether a
/// conversion ran: profiles that are not RGB, or that do not parse, leave the pixels alone —
/// a broken profile is no reason to refuse an image.
pub(crate) fn to_srgb(pixels: &mut [u8], channels: u8, icc: &[u8]) -> bool {
    ToSrgb::new(icc, channels).is_some_and(|to_srgb| to_srgb.convert(pixels, channels))
}

/// Pixels converted at once, through a buffer of this many bytes: the transform maps each
/// pixel on its own, so a picture converted piece by piece needs no copy of its size.
const PIECE_BYTES: usize = 64 * 1024;

/// A conversion from one profile to sRGB, made once and applied to a picture band by band.
pub(crate) struct ToSrgb(Arc<Transform8BitExecutor>);

impl ToSrgb {
    /// The conversion from `icc` for pixels of `channels` (3 or 4); `None` for a profile that
    /// is not RGB or does not parse.
    pub(crate) fn new(icc: &[u8], channels: u8) -> Option<Self> {
        let source = ColorProfile::new_from_slice(icc).ok()?;
        if source.color_space != DataColorSpace::Rgb {
            return None;
        }
        let layout = if channels == 4 {
            Layout::Rgba
        } else {
            Layout::Rgb
        };
        let srgb = ColorProfile::new_srgb();
        let options = TransformOptions::default();
        let transform = source.create_transform_8bit(layout, &srgb, layout, options);
        transform.ok().map(Self)
    }

    /// Converts `pixels` of `channels` (those it was made for) in place, a piece at a time;
    /// whether it ran (a picture that fails part way is left partly converted).
    pub(crate) fn convert(&self, pixels: &mut [u8], channels: u8) -> bool {
        let piece = PIECE_BYTES / usize::from(channels.max(1)) * usize::from(channels.max(1));
        let mut converted = vec![0u8; piece.min(pixels.len())];
        for chunk in pixels.chunks_mut(piece) {
            let Some(out) = converted.get_mut(..chunk.len()) else {
                return false;
            };
            if self.0.transform(chunk, out).is_err() {
                return false;
            }
            chunk.copy_from_slice(out);
        }
        true
    }
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

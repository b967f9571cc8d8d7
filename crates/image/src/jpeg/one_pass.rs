//! A `full` JPEG requantized and the request's smaller variants decoded from one read of the
//! scan: the requantizer entropy-decodes every block anyway, so Tailor's reduced IDCT renders
//! the smaller picture from those blocks as they pass instead of a second decoder reading the
//! whole scan again (jpeg-decoder's 1/2 decode of a 2 MP photo costs about as much as the
//! requantizing itself).

use super::decoder::BlockPicture;
use super::requantize::{requantize, requantize_seeing, Requantized};
use super::DecodedJpeg;
use crate::budget::DecodeLimits;

/// The smaller picture the pass rendered, still to be finished (upsampled, colour converted).
pub(crate) struct PassPicture {
    picture: BlockPicture,
    denominator: u32,
}

impl PassPicture {
    /// The scale it was rendered at.
    pub(crate) fn denominator(&self) -> u32 {
        self.denominator
    }

    /// Its RGB pixels; `None` when its frame turned out not to be whole (the caller decodes).
    pub(crate) fn finish(self) -> Option<DecodedJpeg> {
        let image = self.picture.finish().ok()?;
        Some(DecodedJpeg {
            rgb: image.rgb,
            width: image.width,
            height: image.height,
            denominator: self.denominator,
            path: "requantizer-pass",
        })
    }
}

/// `input` requantized at `quality` (as [`super::requantize`]), and when that is made, the
/// picture at 1/`denominator` (2, 4 or 8) within `limits` from the same blocks; no picture
/// when the scale or the frame is not one the reduced IDCT takes, or the requantizing
/// stopped before the end of the scan.
pub(crate) fn requantize_with_picture(
    input: &[u8],
    quality: u8,
    limit: usize,
    denominator: u32,
    limits: DecodeLimits,
) -> (Requantized, Option<PassPicture>) {
    let Ok(mut picture) = BlockPicture::new(input, denominator, limits) else {
        return (requantize(input, quality, limit), None);
    };
    let requantized = requantize_seeing(input, quality, limit, |component, at, levels, nonzero| {
        picture.put(component, at, levels, nonzero)
    });
    let picture = matches!(requantized, Requantized::Made(_)).then_some(PassPicture {
        picture,
        denominator,
    });
    (requantized, picture)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::jpeg::decoder;
    use jpeg_encoder::{ColorType, Encoder, SamplingFactor};

    const UNLIMITED: DecodeLimits = DecodeLimits {
        max_pixels: u64::MAX,
        max_bytes: u64::MAX,
    };

    /// A 203x149 picture (not a whole number of MCUs) saved at 92 with `sampling`.
    fn saved(color: ColorType, sampling: SamplingFactor, restart: u16) -> Vec<u8> {
        let (w, h) = (203u16, 149u16);
        let channels = if color == ColorType::Luma { 1 } else { 3 };
        let pixels: Vec<u8> = (0..usize::from(w) * usize::from(h) * channels)
            .map(|i| ((i * 7919 / 13 + (i / 609) * 31) % 251) as u8 / 2 + (i % 97) as u8)
            .collect();
        let mut out = Vec::new();
        let mut encoder = Encoder::new(&mut out, 92);
        encoder.set_sampling_factor(sampling);
        encoder.set_restart_interval(restart);
        encoder
            .encode(&pixels, w, h, color)
            .unwrap_or_else(|e| unreachable!("{e}"));
        out
    }

    #[test]
    fn the_pass_renders_what_the_reduced_idct_decoder_renders() {
        let files = [
            saved(ColorType::Rgb, SamplingFactor::R_4_2_0, 0),
            saved(ColorType::Rgb, SamplingFactor::R_4_2_2, 0),
            saved(ColorType::Rgb, SamplingFactor::R_4_2_0, 5),
            saved(ColorType::Luma, SamplingFactor::R_4_4_4, 0),
        ];
        for (case, file) in files.iter().enumerate() {
            for denominator in [2, 4, 8] {
                let (requantized, picture) =
                    requantize_with_picture(file, 80, usize::MAX, denominator, UNLIMITED);
                assert!(matches!(requantized, Requantized::Made(_)), "file {case}");
                let rendered = picture.and_then(PassPicture::finish);
                let rendered = rendered.unwrap_or_else(|| unreachable!("file {case}"));
                let decoded = decoder::decode(file, denominator, UNLIMITED);
                let decoded = decoded.unwrap_or_else(|e| unreachable!("{e}"));
                assert_eq!(rendered.path, "requantizer-pass");
                assert_eq!(
                    (rendered.width, rendered.height),
                    (decoded.width, decoded.height),
                    "file {case} at 1/{denominator}"
                );
                assert!(
                    rendered.rgb == decoded.rgb,
                    "file {case} at 1/{denominator}"
                );
            }
        }
    }

    #[test]
    fn no_picture_where_the_requantizing_stops_early_or_the_scale_is_whole() {
        let file = saved(ColorType::Rgb, SamplingFactor::R_4_2_0, 0);
        let (stopped, picture) = requantize_with_picture(&file, 80, 100, 2, UNLIMITED);
        assert_eq!(stopped, Requantized::NotSmaller);
        assert!(picture.is_none());
        let (made, picture) = requantize_with_picture(&file, 80, usize::MAX, 1, UNLIMITED);
        assert!(matches!(made, Requantized::Made(_)));
        assert!(picture.is_none());
    }

    #[test]
    fn a_picture_beyond_the_limits_is_not_rendered_and_the_file_still_requantized() {
        let file = saved(ColorType::Rgb, SamplingFactor::R_4_2_0, 0);
        let tight = DecodeLimits {
            max_pixels: u64::MAX,
            max_bytes: 1000,
        };
        let (made, picture) = requantize_with_picture(&file, 80, usize::MAX, 2, tight);
        assert!(matches!(made, Requantized::Made(_)));
        assert!(picture.is_none());
    }
}

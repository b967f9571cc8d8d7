use super::*;
use crate::geometry::{plan, Geometry};
use crate::probe::probe;

/// A 64x48 gradient saved by jpeg-encoder at `quality` with `sampling`.
fn saved(quality: u8, sampling: jpeg_encoder::SamplingFactor) -> Vec<u8> {
    let rgb: Vec<u8> = (0..48u32)
        .flat_map(|y| (0..64u32).flat_map(move |x| [(x * 4) as u8, (y * 5) as u8, 90]))
        .collect();
    let mut out = Vec::new();
    let mut encoder = jpeg_encoder::Encoder::new(&mut out, quality);
    encoder.set_sampling_factor(sampling);
    encoder
        .encode(&rgb, 64, 48, jpeg_encoder::ColorType::Rgb)
        .unwrap_or_else(|e| unreachable!("{e}"));
    out
}

fn as_is(input: &[u8], width: u32, format: OutputFormat, quality: u8) -> Option<Vec<u8>> {
    let probe = probe(input).unwrap_or_else(|e| unreachable!("{e}"));
    let plan = plan(probe.width, probe.height, &Geometry::width(width), 8192);
    served_as_is(&probe, input, &plan, format, quality)
}

#[test]
fn a_jpeg_saved_below_the_variants_quality_is_served_as_it_is() {
    let input = saved(75, jpeg_encoder::SamplingFactor::R_4_2_0);
    let kept = as_is(&input, 2048, OutputFormat::Jpeg, 80);
    // jpeg-encoder writes a JFIF APP0, which is stripped like all metadata.
    assert_eq!(kept, strip_metadata(ImageFormat::Jpeg, &input));
    assert!(as_is(&input, 2048, OutputFormat::Jpeg, 90).is_some());
    // At its own quality a re-encode can be a little smaller: it is made.
    assert!(as_is(&input, 2048, OutputFormat::Jpeg, 75).is_none());
}

#[test]
fn anything_a_reencode_could_shrink_or_change_is_made() {
    let q75 = saved(75, jpeg_encoder::SamplingFactor::R_4_2_0);
    // Saved above the variant's quality, resized, or another format.
    assert!(as_is(&q75, 2048, OutputFormat::Jpeg, 70).is_none());
    assert!(as_is(&q75, 32, OutputFormat::Jpeg, 90).is_none());
    assert!(as_is(&q75, 2048, OutputFormat::Webp, 90).is_none());
    assert!(as_is(&q75, 2048, OutputFormat::Png, 90).is_none());
    // Chroma not subsampled both ways: a 4:2:0 re-encode may be smaller.
    for sampling in [
        jpeg_encoder::SamplingFactor::R_4_4_4,
        jpeg_encoder::SamplingFactor::R_4_2_2,
    ] {
        assert!(as_is(&saved(75, sampling), 2048, OutputFormat::Jpeg, 90).is_none());
    }
}

#[test]
fn a_frame_the_decoders_would_refuse_is_not_served_unseen() {
    let mut twelve_bit = saved(75, jpeg_encoder::SamplingFactor::R_4_2_0);
    let sof = twelve_bit
        .windows(2)
        .position(|w| w == [0xFF, 0xC0])
        .unwrap_or_else(|| unreachable!("a baseline frame"));
    if let Some(precision) = twelve_bit.get_mut(sof + 4) {
        *precision = 12;
    }
    if let Ok(probe) = probe(&twelve_bit) {
        let plan = plan(probe.width, probe.height, &Geometry::width(2048), 8192);
        assert!(served_as_is(&probe, &twelve_bit, &plan, OutputFormat::Jpeg, 90).is_none());
    }
}

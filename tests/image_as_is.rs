//! JPEGs served as their own coded pixels without a decode (`decode=original` before any
//! decode): only where the re-encode they skip would have been larger.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod support;

use support::jobs::{clock, job};
use tailor_image::{transform, FormatRequest, OutputFormat, Qualities};
use tailor_testing::synthetic;

/// `rgb` as Tailor's encoder writes JPEG (and most cameras and libjpeg's defaults do): 4:2:0.
fn at_420(rgb: &image::RgbImage, quality: u8) -> Vec<u8> {
    let mut out = Vec::new();
    let mut encoder = jpeg_encoder::Encoder::new(&mut out, quality);
    encoder.set_sampling_factor(jpeg_encoder::SamplingFactor::R_4_2_0);
    let (w, h) = rgb.dimensions();
    encoder
        .encode(
            rgb.as_raw(),
            w as u16,
            h as u16,
            jpeg_encoder::ColorType::Rgb,
        )
        .unwrap();
    out
}

/// What Tailor's encoder makes of the decoded picture at `quality`.
fn reencoded_len(jpeg: &[u8], quality: u8) -> usize {
    at_420(&image::load_from_memory(jpeg).unwrap().into_rgb8(), quality).len()
}

#[test]
fn a_jpeg_saved_below_the_variants_quality_is_served_without_a_decode_and_is_smaller() {
    for (seed, (w, h)) in [(1, (640, 480)), (2, (333, 517)), (3, (1024, 683))] {
        let picture = synthetic::photo(w, h, seed);
        for saved in [40u8, 60, 75, 85, 90] {
            let input = at_420(&picture, saved);
            for variant in [saved + 2, saved + 5, saved + 10] {
                let mut fitted = job(w, FormatRequest::Fixed(OutputFormat::Jpeg));
                fitted.quality = Some(Qualities {
                    jpeg: variant,
                    webp: variant,
                });
                let out = transform(&input, &fitted, &clock()).unwrap();
                let case = format!("photo {seed} saved at {saved}, variant at {variant}");
                assert_eq!(out.decode_path, "original", "{case}");
                assert_eq!((out.timings.resize_ms, out.timings.encode_ms), (0.0, 0.0));
                assert_eq!((out.width, out.height), (w, h));
                let skipped = reencoded_len(&input, variant);
                assert!(
                    out.bytes.len() < skipped,
                    "{case}: served {} B, a re-encode would be {skipped} B",
                    out.bytes.len()
                );
            }
        }
    }
}

#[test]
fn a_jpeg_saved_at_or_above_the_variants_quality_is_decoded_and_reencoded() {
    let input = synthetic::jpeg(&synthetic::photo(640, 480, 4), 95);
    let out = transform(
        &input,
        &job(640, FormatRequest::Fixed(OutputFormat::Jpeg)),
        &clock(),
    );
    let out = out.unwrap();
    assert_ne!(out.decode_path, "original");
    assert!(out.timings.encode_ms > 0.0);
}

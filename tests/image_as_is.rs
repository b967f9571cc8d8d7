//! JPEGs served from their own coded blocks without a decode to pixels: as they are
//! (`decode=original`) where the re-encode they skip would have been larger, requantized
//! (`decode=requantized`) where they were saved at or above the variant's quality.
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
                assert_eq!(out.timings.resize_ms, 0.0);
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

/// `rgb` saved by jpeg-encoder at `quality` with `sampling`, optionally progressive.
fn saved(
    rgb: &image::RgbImage,
    quality: u8,
    sampling: jpeg_encoder::SamplingFactor,
    progressive: bool,
) -> Vec<u8> {
    let mut out = Vec::new();
    let mut encoder = jpeg_encoder::Encoder::new(&mut out, quality);
    encoder.set_sampling_factor(sampling);
    encoder.set_progressive(progressive);
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

fn psnr(a: &[u8], b: &[u8]) -> f64 {
    let squared: f64 = a
        .iter()
        .zip(b)
        .map(|(&x, &y)| (f64::from(x) - f64::from(y)).powi(2))
        .sum();
    10.0 * (255.0f64.powi(2) / (squared / a.len() as f64)).log10()
}

#[test]
fn a_baseline_jpeg_saved_at_or_above_the_variants_quality_is_requantized() {
    use jpeg_encoder::SamplingFactor::{R_4_2_0, R_4_2_2};
    let picture = synthetic::photo(640, 480, 4);
    for (sampling, name) in [(R_4_2_0, "4:2:0"), (R_4_2_2, "4:2:2")] {
        for saved_at in [85u8, 95] {
            let input = saved(&picture, saved_at, sampling, false);
            let full = job(640, FormatRequest::Fixed(OutputFormat::Jpeg));
            let out = transform(&input, &full, &clock()).unwrap();
            let case = format!("{name} saved at {saved_at}, variant at 80");
            assert_eq!(out.decode_path, "requantized", "{case}");
            assert!(out.timings.encode_ms > 0.0 && out.timings.resize_ms == 0.0);
            assert!(out.bytes.len() <= input.len(), "{case}");
            // A baseline 4:2:0 JPEG at the variant's quality, as the pixel path writes it.
            let structure = tailor_image::jpeg::structure::read(&out.bytes).unwrap();
            assert_eq!(structure.frame.sampling, [(2, 2), (1, 1), (1, 1)], "{case}");
            assert_eq!(
                tailor_image::jpeg::structure::read(&out.bytes)
                    .unwrap()
                    .frame
                    .marker,
                0xC0
            );
            // As close to the original as the pixel path's re-encode (measured: 0.02-0.13 dB
            // apart), in fewer bytes (0.6-6 % fewer).
            let seen = image::load_from_memory(&input).unwrap().into_rgb8();
            let pixel_path = at_420(&seen, 80);
            let decoded = |jpeg: &[u8]| image::load_from_memory(jpeg).unwrap().into_rgb8();
            let (ours, theirs) = (decoded(&out.bytes), decoded(&pixel_path));
            assert!(
                psnr(&ours, &seen) >= psnr(&theirs, &seen) - 0.2,
                "{case}: {:.2} against {:.2} dB",
                psnr(&ours, &seen),
                psnr(&theirs, &seen)
            );
            assert!(out.bytes.len() < pixel_path.len(), "{case}");
        }
    }
}

#[test]
fn what_cannot_be_requantized_is_decoded_and_reencoded() {
    use jpeg_encoder::SamplingFactor::{R_4_2_0, R_4_4_4};
    let picture = synthetic::photo(640, 480, 5);
    for (input, name) in [
        (saved(&picture, 95, R_4_2_0, true), "progressive"),
        (saved(&picture, 95, R_4_4_4, false), "4:4:4"),
    ] {
        let full = job(640, FormatRequest::Fixed(OutputFormat::Jpeg));
        let out = transform(&input, &full, &clock()).unwrap();
        assert!(
            !matches!(out.decode_path, "original" | "requantized"),
            "{name}: {}",
            out.decode_path
        );
    }
    // Resized, or in another format: decoded.
    let input = saved(&picture, 95, R_4_2_0, false);
    for (width, format) in [(320, OutputFormat::Jpeg), (640, OutputFormat::Png)] {
        let out = transform(&input, &job(width, FormatRequest::Fixed(format)), &clock());
        assert_eq!(
            out.unwrap().decode_path,
            "jpeg-decoder",
            "{width} {format:?}"
        );
    }
    // At the quality it was saved at, requantizing changes nothing: the original is served.
    let same = saved(&picture, 80, R_4_2_0, false);
    let full = job(640, FormatRequest::Fixed(OutputFormat::Jpeg));
    assert_eq!(
        transform(&same, &full, &clock()).unwrap().decode_path,
        "original"
    );
}

#[test]
fn a_requantized_variant_and_its_siblings_come_from_one_read_of_the_scan() {
    for sampling in [
        jpeg_encoder::SamplingFactor::R_4_2_0,
        jpeg_encoder::SamplingFactor::R_4_2_2,
    ] {
        let input = saved(&synthetic::photo(1024, 683, 6), 92, sampling, false);
        let jobs = [1024, 500, 150].map(|w| job(w, FormatRequest::Fixed(OutputFormat::Jpeg)));
        let outputs = tailor_image::transform_many(&input, &jobs, &clock()).unwrap();
        let paths: Vec<_> = outputs.iter().map(|o| o.decode_path).collect();
        // The siblings are rendered at 1/2, the scale the larger of them needs, from the
        // blocks the requantizer read: no second decode of the scan.
        assert_eq!(
            paths,
            ["requantized", "requantizer-pass", "requantizer-pass"]
        );
        let sizes: Vec<_> = outputs.iter().map(|o| (o.width, o.height)).collect();
        assert_eq!(sizes, [(1024, 683), (500, 333), (150, 100)]);
        // Asked for alone, the siblings are decoded as before, to nearly the same pictures,
        // in any order of the jobs.
        let alone = tailor_image::transform_many(&input, &jobs[1..], &clock()).unwrap();
        let reversed = [jobs[2], jobs[0], jobs[1]];
        let reordered = tailor_image::transform_many(&input, &reversed, &clock()).unwrap();
        assert_eq!(reordered[0].bytes, outputs[2].bytes);
        assert_eq!(reordered[1].bytes, outputs[0].bytes);
        for (shared, own) in outputs[1..].iter().zip(&alone) {
            assert_eq!(own.decode_path, "jpeg-decoder");
            let decoded = |o: &tailor_image::Transformed| {
                image::load_from_memory(&o.bytes)
                    .unwrap()
                    .into_rgb8()
                    .into_raw()
            };
            let similarity = psnr(&decoded(shared), &decoded(own));
            assert!(
                similarity > 38.0,
                "{sampling:?} {}px: {similarity:.1} dB",
                own.width
            );
            let ratio = shared.bytes.len() as f64 / own.bytes.len() as f64;
            assert!((0.97..1.03).contains(&ratio), "{sampling:?}: {ratio:.3}");
        }
    }
}

#[test]
fn siblings_are_decoded_when_the_requantizing_is_not_made() {
    let picture = synthetic::photo(1024, 683, 7);
    let progressive = saved(&picture, 92, jpeg_encoder::SamplingFactor::R_4_2_0, true);
    let jobs = [1024, 500].map(|w| job(w, FormatRequest::Fixed(OutputFormat::Jpeg)));
    let outputs = tailor_image::transform_many(&progressive, &jobs, &clock()).unwrap();
    let paths: Vec<_> = outputs.iter().map(|o| o.decode_path).collect();
    assert_ne!(paths[0], "requantized");
    assert_ne!(paths[1], "requantizer-pass");
    // Any format at a reduced scale is rendered from the pass (a WebP preview beside a JPEG
    // `full`); an output of the whole picture in another format is decoded at 1/1, which the
    // pass does not render.
    let baseline = saved(&picture, 92, jpeg_encoder::SamplingFactor::R_4_2_0, false);
    for (width, path) in [(500, "requantizer-pass"), (1024, "jpeg-decoder")] {
        let mut webp = job(width, FormatRequest::Fixed(OutputFormat::Webp));
        webp.quality = jobs[0].quality;
        let outputs = tailor_image::transform_many(&baseline, &[jobs[0], webp], &clock()).unwrap();
        assert_eq!(outputs[0].decode_path, "requantized");
        assert_eq!(outputs[1].decode_path, path);
        assert_eq!(outputs[1].format, OutputFormat::Webp);
    }
}

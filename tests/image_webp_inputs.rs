//! WebP input through libwebp's scaled decoder: lossy and lossless, alpha kept, reduced while
//! it decodes, animated files on the first-frame path, damaged files refused.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod support;

use support::jobs::{clock, job, run};
use tailor_image::{transform, FormatRequest, ImageError, OutputFormat};
use tailor_testing::synthetic;

fn lossy(rgb: &image::RgbImage) -> Vec<u8> {
    webp::Encoder::from_rgb(rgb.as_raw(), rgb.width(), rgb.height())
        .encode(85.0)
        .to_vec()
}

/// The mean of each channel over the picture.
fn means(rgb: &image::RgbImage) -> [f64; 3] {
    let mut sums = [0.0; 3];
    for p in rgb.pixels() {
        for (sum, v) in sums.iter_mut().zip(p.0) {
            *sum += f64::from(v);
        }
    }
    sums.map(|s| s / f64::from(rgb.width() * rgb.height()))
}

#[test]
fn a_large_lossy_webp_is_reduced_while_it_decodes() {
    let photo = synthetic::photo(3000, 2000, 3);
    let out = run(&lossy(&photo), 300).unwrap();
    assert_eq!(
        (out.input_format, out.decode_path, out.width, out.height),
        ("webp", "libwebp-scaled", 300, 200)
    );
    // The reduced picture keeps the original's colour: every channel's mean within 2 levels.
    let thumb = image::load_from_memory(&out.bytes).unwrap().into_rgb8();
    let (a, b) = (means(&photo), means(&thumb));
    for (x, y) in a.iter().zip(b) {
        assert!((x - y).abs() < 2.0, "means {a:?} against {b:?}");
    }
}

#[test]
fn lossy_webp_with_alpha_keeps_it() {
    let rgba = synthetic::with_alpha(400, 300);
    let webp = webp::Encoder::from_rgba(rgba.as_raw(), 400, 300)
        .encode(90.0)
        .to_vec();
    let out = transform(&webp, &job(100, FormatRequest::Auto), &clock()).unwrap();
    assert_eq!(
        (out.decode_path, out.format, out.width, out.height),
        ("libwebp-scaled", OutputFormat::Png, 100, 75)
    );
    let png = image::load_from_memory(&out.bytes).unwrap().into_rgba8();
    assert_eq!(png.get_pixel(2, 2).0[3], 0, "the transparent border");
    let centre = png.get_pixel(50, 37).0[3];
    assert!((190..=210).contains(&centre), "centre alpha {centre}");
}

#[test]
fn lossless_webp_at_full_size_is_exact() {
    let photo = synthetic::photo(64, 48, 5);
    let webp = webp::Encoder::from_rgb(photo.as_raw(), 64, 48)
        .encode_lossless()
        .to_vec();
    let out = transform(
        &webp,
        &job(64, FormatRequest::Fixed(OutputFormat::Png)),
        &clock(),
    )
    .unwrap();
    assert_eq!(out.decode_path, "libwebp");
    let png = image::load_from_memory(&out.bytes).unwrap().into_rgb8();
    assert_eq!(png, photo);
}

#[test]
fn animated_webp_is_decoded_as_its_first_frame() {
    let config = webp::WebPConfig::new().unwrap();
    let mut encoder = webp::AnimEncoder::new(40, 30, &config);
    let frames: Vec<Vec<u8>> = [30u8, 220]
        .iter()
        .map(|&shade| [shade, shade, shade, 255].repeat(40 * 30))
        .collect();
    for (i, frame) in frames.iter().enumerate() {
        encoder.add_frame(webp::AnimFrame::from_rgba(frame, 40, 30, 100 * i as i32));
    }
    let animated = encoder.try_encode().unwrap().to_vec();
    let out = run(&animated, 20).unwrap();
    assert_eq!((out.input_format, out.decode_path), ("webp", "webp"));
    let first = image::load_from_memory(&out.bytes).unwrap().into_rgb8();
    assert!(first.get_pixel(10, 10).0[0] < 80, "the first frame (dark)");
}

#[test]
fn damaged_and_truncated_webp_is_undecodable_never_a_panic() {
    let webp = lossy(&synthetic::photo(120, 80, 9));
    for cut in (20..webp.len()).step_by(7) {
        match run(&webp[..cut], 60) {
            Ok(out) => assert!(out.width > 0),
            Err(ImageError::Undecodable(_)) => {}
            Err(other) => panic!("cut at {cut}: {other:?}"),
        }
    }
    let mut damaged = webp.clone();
    for byte in damaged.iter_mut().skip(48).step_by(5) {
        *byte = byte.wrapping_mul(31);
    }
    assert!(matches!(
        run(&damaged, 60),
        Ok(_) | Err(ImageError::Undecodable(_))
    ));
}

#[test]
fn a_lossless_webp_over_the_decode_budget_is_refused_before_decoding() {
    // 6000 x 5000 lossless: libwebp holds the whole ARGB picture (and more), about 150 MB.
    // Only the header is real; the budget refuses it before libwebp allocates anything.
    let mut webp = webp::Encoder::from_rgb(&[0, 0, 0], 1, 1)
        .encode_lossless()
        .to_vec();
    // VP8L header after "RIFF....WEBPVP8L" + size + signature 0x2f: 14 bits width-1, 14 height-1.
    let (w, h) = (6000u32 - 1, 5000u32 - 1);
    let bits = w | (h << 14) | (u32::from(webp[24] >> 4 & 1) << 28);
    webp[21..25].copy_from_slice(&bits.to_le_bytes());
    match run(&webp, 300) {
        Err(ImageError::TooLarge(why)) => assert!(why.contains("MB"), "{why}"),
        other => panic!("{other:?}"),
    }
}

//! The image pipeline through its public API: fitting, formats, transparency, orientation,
//! limits, and the encoders' interoperability.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod support;

use image::ImageFormat;
use support::jobs::{clock, job, run};
use tailor_image::{
    fit_width, transform, transform_many, transform_many_owned, ClientFormats, FormatRequest,
    ImageError, Job, OutputFormat,
};
use tailor_testing::synthetic;

#[test]
fn jpeg_is_resized_to_the_target_width_keeping_aspect() {
    let input = synthetic::jpeg(&synthetic::photo(800, 600, 1), 90);
    let out = run(&input, 500).unwrap();
    assert_eq!((out.width, out.height), (500, 375));
    let decoded = image::load_from_memory(&out.bytes).unwrap();
    assert_eq!((decoded.width(), decoded.height()), (500, 375));
    assert_eq!(image::guess_format(&out.bytes).unwrap(), ImageFormat::Jpeg);
    assert!(out.timings.decode_ms > 0.0 && out.timings.encode_ms > 0.0);
}

#[test]
fn small_images_are_not_upscaled() {
    let input = synthetic::jpeg(&synthetic::photo(120, 80, 2), 90);
    let out = run(&input, 500).unwrap();
    assert_eq!((out.width, out.height), (120, 80));
}

#[test]
fn alpha_png_is_flattened_onto_white() {
    let input = synthetic::png(&synthetic::with_alpha(64, 64));
    let out = run(&input, 32).unwrap();
    let decoded = image::load_from_memory(&out.bytes).unwrap().into_rgb8();
    let corner = decoded.get_pixel(0, 0);
    assert!(
        corner.0.iter().all(|&c| c > 240),
        "transparent corner should be white: {corner:?}"
    );
}

#[test]
fn auto_keeps_transparency_as_png_and_jpeg_stays_jpeg() {
    let alpha = synthetic::png(&synthetic::with_alpha(64, 64));
    let out = transform(&alpha, &job(32, FormatRequest::Auto), &clock()).unwrap();
    assert_eq!(out.format, OutputFormat::Png);
    let decoded = image::load_from_memory(&out.bytes).unwrap().into_rgba8();
    assert_eq!(decoded.dimensions(), (32, 32));
    assert_eq!(
        decoded.get_pixel(0, 0).0[3],
        0,
        "transparent corner stays transparent"
    );
    assert!(decoded.get_pixel(16, 16).0[3] > 150);

    let photo = synthetic::jpeg(&synthetic::photo(64, 48, 1), 90);
    let out = transform(&photo, &job(32, FormatRequest::Auto), &clock()).unwrap();
    assert_eq!(out.format, OutputFormat::Jpeg);
    let png = transform(
        &photo,
        &job(32, FormatRequest::Fixed(OutputFormat::Png)),
        &clock(),
    )
    .unwrap();
    assert_eq!(image::guess_format(&png.bytes).unwrap(), ImageFormat::Png);
}

#[test]
fn exif_orientation_is_applied_before_the_fit() {
    // Left half red, right half blue, stored sideways with "rotate 90° clockwise".
    let stored = image::RgbImage::from_fn(64, 48, |x, _| {
        if x < 32 {
            image::Rgb([220, 20, 20])
        } else {
            image::Rgb([20, 20, 220])
        }
    });
    for (name, input) in [
        ("baseline", synthetic::jpeg(&stored, 95)),
        ("progressive", {
            let mut out = Vec::new();
            let mut encoder = jpeg_encoder::Encoder::new(&mut out, 95);
            encoder.set_progressive(true);
            encoder
                .encode(stored.as_raw(), 64, 48, jpeg_encoder::ColorType::Rgb)
                .unwrap();
            out
        }),
    ] {
        let rotated = synthetic::with_exif_orientation(&input, 6);
        for width in [24, 8] {
            let out = run(&rotated, width).unwrap();
            assert_eq!(out.orientation, 6, "{name}");
            let upright = image::load_from_memory(&out.bytes).unwrap().into_rgb8();
            let (w, h) = fit_width(48, 64, width);
            assert_eq!(
                upright.dimensions(),
                (w, h),
                "{name} {width}: portrait after rotation"
            );
            let (top, bottom) = (upright.get_pixel(w / 2, 1), upright.get_pixel(w / 2, h - 2));
            assert!(
                top.0[0] > top.0[2],
                "{name} {width}: the red left edge is now on top: {top:?}"
            );
            assert!(
                bottom.0[2] > bottom.0[0],
                "{name} {width}: blue at the bottom: {bottom:?}"
            );
        }
    }
}

#[test]
fn webp_clients_get_lossy_webp_with_alpha_kept() {
    let browser = ClientFormats {
        webp: true,
        avif: false,
    };
    let photo = synthetic::jpeg(&synthetic::photo(320, 240, 4), 90);
    let out = transform(
        &photo,
        &Job {
            client: browser,
            ..job(160, FormatRequest::Auto)
        },
        &clock(),
    )
    .unwrap();
    assert_eq!(out.format, OutputFormat::Webp);
    assert_eq!(image::guess_format(&out.bytes).unwrap(), ImageFormat::WebP);
    assert_eq!(&out.bytes[12..16], b"VP8 ", "lossy VP8, not lossless VP8L");
    let decoded = image::load_from_memory(&out.bytes).unwrap();
    assert_eq!((decoded.width(), decoded.height()), (160, 120));

    let alpha = synthetic::png(&synthetic::with_alpha(64, 64));
    let out = transform(
        &alpha,
        &Job {
            client: browser,
            ..job(32, FormatRequest::Auto)
        },
        &clock(),
    )
    .unwrap();
    let decoded = image::load_from_memory(&out.bytes).unwrap().into_rgba8();
    assert_eq!(
        decoded.get_pixel(0, 0).0[3],
        0,
        "transparency survives in WebP"
    );
}

#[test]
fn avif_is_an_isobmff_avif_file() {
    let client = ClientFormats {
        webp: true,
        avif: true,
    };
    let photo = synthetic::jpeg(&synthetic::photo(200, 150, 4), 90);
    let out = transform(
        &photo,
        &Job {
            client,
            ..job(100, FormatRequest::Auto)
        },
        &clock(),
    )
    .unwrap();
    assert_eq!(out.format, OutputFormat::Avif);
    assert_eq!(&out.bytes[4..12], b"ftypavif");
    let alpha = synthetic::png(&synthetic::with_alpha(48, 48));
    let out = transform(
        &alpha,
        &job(48, FormatRequest::Fixed(OutputFormat::Avif)),
        &clock(),
    )
    .unwrap();
    assert_eq!(&out.bytes[4..12], b"ftypavif");
}

#[test]
fn declared_dimensions_over_the_limit_are_refused_before_decoding() {
    // A PNG header claiming 100000 x 100000 pixels with no data behind it.
    let mut bomb = b"\x89PNG\r\n\x1a\n\0\0\0\x0dIHDR".to_vec();
    bomb.extend_from_slice(&100_000u32.to_be_bytes());
    bomb.extend_from_slice(&100_000u32.to_be_bytes());
    bomb.extend_from_slice(&[8, 2, 0, 0, 0]);
    let crc = crc32(&bomb[12..]);
    bomb.extend_from_slice(&crc.to_be_bytes());
    // An empty IDAT: the header parser reads up to the first data chunk.
    bomb.extend_from_slice(b"\0\0\0\0IDAT");
    bomb.extend_from_slice(&crc32(b"IDAT").to_be_bytes());
    assert!(
        matches!(run(&bomb, 100), Err(ImageError::TooLarge(_))),
        "{:?}",
        run(&bomb, 100)
    );
}

#[test]
fn non_images_are_unsupported() {
    assert!(matches!(
        run(b"<html></html>", 100),
        Err(ImageError::Unsupported(_))
    ));
    assert!(matches!(run(b"", 100), Err(ImageError::Unsupported(_))));
    assert!(matches!(
        run(b"BM\x00\x00", 100),
        Err(ImageError::Unsupported(_))
    ));
    // A supported format cut short is undecodable, not unsupported.
    assert!(matches!(
        run(b"GIF89a\x01\x00\x01\x00", 100),
        Err(ImageError::Undecodable(_))
    ));
}

#[test]
fn fit_width_rounds_and_never_reaches_zero() {
    assert_eq!(fit_width(1000, 1, 10), (10, 1));
    assert_eq!(fit_width(3000, 2000, 500), (500, 333));
    assert_eq!(fit_width(100, 100, 500), (100, 100));
}

fn crc32(bytes: &[u8]) -> u32 {
    let mut crc = 0xFFFF_FFFFu32;
    for &b in bytes {
        crc ^= u32::from(b);
        for _ in 0..8 {
            crc = if crc & 1 == 1 {
                (crc >> 1) ^ 0xEDB8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

#[test]
fn flat_outputs_decode_identically_in_every_decoder() {
    // Regression: optimized Huffman tables made zune-jpeg read white as green.
    let white = image::RgbImage::from_pixel(64, 48, image::Rgb([255, 255, 255]));
    let out = run(&synthetic::png(&white), 64).unwrap();
    let zune = image::load_from_memory(&out.bytes).unwrap().into_rgb8();
    assert!(
        zune.pixels().all(|p| p.0.iter().all(|&c| c > 250)),
        "{:?}",
        zune.get_pixel(0, 0)
    );
    let reference = jpeg_decoder::Decoder::new(&out.bytes[..]).decode().unwrap();
    assert!(reference.iter().all(|&c| c > 250));
}

#[test]
fn crop_windows_that_round_past_the_edge_are_clamped() {
    // 640x480 -> 150x113; decoded at 1/4 (160x120), 113 rows scale back to 120.000001.
    let input = synthetic::jpeg(&synthetic::photo(640, 480, 17), 85);
    let out = run(&input, 150).unwrap();
    assert_eq!((out.width, out.height), (150, 113));
}

/// An original handed over is freed after its decode unless an output may be the original
/// itself: the outputs are those of a borrowed original, the original kept included.
#[test]
fn an_owned_original_gives_the_outputs_of_a_borrowed_one() {
    let input = synthetic::jpeg(&synthetic::photo(640, 480, 5), 60);
    let jpeg = FormatRequest::Fixed(OutputFormat::Jpeg);
    let clock = clock();
    for jobs in [vec![job(200, jpeg)], vec![job(640, jpeg), job(200, jpeg)]] {
        let owned = transform_many_owned(input.clone(), &jobs, &clock).unwrap();
        let borrowed = transform_many(&input, &jobs, &clock).unwrap();
        assert_eq!(owned.len(), borrowed.len());
        for (a, b) in owned.iter().zip(&borrowed) {
            assert_eq!(a.decode_path, b.decode_path);
            assert!(a.bytes == b.bytes);
        }
    }
    let kept = transform_many_owned(input.clone(), &[job(640, jpeg)], &clock).unwrap();
    assert_eq!(kept[0].decode_path, "original");
}

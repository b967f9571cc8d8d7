//! Every input format and colour model the image pipeline accepts, through its public API, and
//! how it fails on damaged input.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod support;

use image::ImageFormat;
use support::jobs::{clock, job, run};
use tailor_image::{transform, FormatRequest, ImageError, OutputFormat};
use tailor_testing::synthetic;

#[test]
fn webp_with_alpha_and_animated_gif_inputs_decode() {
    let rgba = synthetic::with_alpha(80, 60);
    let mut webp = Vec::new();
    image::codecs::webp::WebPEncoder::new_lossless(&mut webp)
        .encode(rgba.as_raw(), 80, 60, image::ExtendedColorType::Rgba8)
        .unwrap();
    let out = transform(&webp, &job(40, FormatRequest::Auto), &clock()).unwrap();
    assert_eq!(
        (out.input_format, out.format, out.width, out.height),
        ("webp", OutputFormat::Png, 40, 30)
    );

    let mut gif = Vec::new();
    {
        let mut encoder = image::codecs::gif::GifEncoder::new(&mut gif);
        for shade in [40u8, 200] {
            let frame =
                image::RgbaImage::from_pixel(30, 20, image::Rgba([shade, shade, shade, 255]));
            encoder.encode_frame(image::Frame::new(frame)).unwrap();
        }
    }
    let out = transform(
        &gif,
        &job(30, FormatRequest::Fixed(OutputFormat::Jpeg)),
        &clock(),
    )
    .unwrap();
    assert_eq!((out.input_format, out.decode_path), ("gif", "gif-rows"));
    let first = image::load_from_memory(&out.bytes).unwrap().into_rgb8();
    assert!(
        first.get_pixel(10, 10).0[0] < 80,
        "the first frame (dark) is used"
    );
}

/// A GIF that is not reduced (14.4 MP for a 2048-wide output) costs more in rows than decoded
/// whole; the whole decode's estimate admits it, so it is served, not refused.
#[test]
fn an_unreduced_gif_over_the_rows_budget_is_decoded_whole() {
    let (width, height) = (4000u16, 3600u16);
    let indices = vec![1; usize::from(width) * usize::from(height)];
    let gif = synthetic::gif(width, height, &[10, 20, 30, 200, 210, 220], indices);
    let out = transform(
        &gif,
        &job(2048, FormatRequest::Fixed(OutputFormat::Jpeg)),
        &clock(),
    )
    .unwrap();
    assert_eq!((out.width, out.decode_path), (2048, "gif-first-frame"));
}

/// An interlaced GIF is reduced while it decodes and gives the bytes of the same picture
/// stored in row order; at full size it is decoded whole.
#[test]
fn an_interlaced_gif_is_reduced_while_it_decodes_as_the_same_gif_in_row_order() {
    let (width, height) = (300u16, 200u16);
    let palette: Vec<u8> = (0..=255u8).flat_map(|i| [i, 255 - i, i / 3]).collect();
    let indices: Vec<u8> = (0..height)
        .flat_map(|y| (0..width).map(move |x| ((x * 3 + y * 5) % 256) as u8))
        .collect();
    let plain = synthetic::gif(width, height, &palette, indices.clone());
    let interlaced = synthetic::gif_interlaced(width, height, &palette, indices);
    let png = FormatRequest::Fixed(OutputFormat::Png);
    let a = transform(&plain, &job(60, png), &clock()).unwrap();
    let b = transform(&interlaced, &job(60, png), &clock()).unwrap();
    assert_eq!(
        (a.decode_path, b.decode_path),
        ("gif-rows-shrunk", "gif-interlaced-shrunk")
    );
    assert!(a.bytes == b.bytes);
    let full = transform(&interlaced, &job(300, png), &clock()).unwrap();
    assert_eq!(full.decode_path, "gif-first-frame");
    let plain_full = transform(&plain, &job(300, png), &clock()).unwrap();
    assert!(full.bytes == plain_full.bytes);
}

#[test]
fn twelve_bit_jpeg_is_unsupported_not_undecodable() {
    let mut jpeg = synthetic::jpeg(&synthetic::photo(32, 32, 1), 80);
    let sof = jpeg.windows(2).position(|w| w == [0xFF, 0xC0]).unwrap();
    jpeg[sof + 4] = 12; // sample precision
    for width in [32, 4] {
        assert!(
            matches!(run(&jpeg, width), Err(ImageError::Unsupported(_))),
            "{:?}",
            run(&jpeg, width)
        );
    }
}

#[test]
fn display_p3_jpeg_is_converted_to_srgb() {
    let p3 = moxcms::ColorProfile::new_display_p3().encode().unwrap();
    let flat = image::RgbImage::from_pixel(64, 48, image::Rgb([200, 100, 50]));
    for progressive in [false, true] {
        let mut input = Vec::new();
        let mut encoder = jpeg_encoder::Encoder::new(&mut input, 95);
        encoder.set_progressive(progressive);
        encoder.add_icc_profile(&p3).unwrap();
        encoder
            .encode(flat.as_raw(), 64, 48, jpeg_encoder::ColorType::Rgb)
            .unwrap();
        for width in [64, 8] {
            let out = run(&input, width).unwrap();
            assert!(out.icc_converted, "progressive={progressive} width={width}");
            let p = image::load_from_memory(&out.bytes)
                .unwrap()
                .into_rgb8()
                .get_pixel(width / 2, 2)
                .0;
            assert!(
                p[0] > 205 && p[1] < 97,
                "P3 (200,100,50) is more saturated in sRGB: {p:?}"
            );
        }
    }
}

#[test]
fn cmyk_jpeg_converts_to_rgb() {
    // Pure red in CMYK: no cyan, full magenta and yellow, no black.
    let cmyk: Vec<u8> = std::iter::repeat_n([0u8, 255, 255, 0], 64 * 48)
        .flatten()
        .collect();
    let mut input = Vec::new();
    jpeg_encoder::Encoder::new(&mut input, 95)
        .encode(&cmyk, 64, 48, jpeg_encoder::ColorType::Cmyk)
        .unwrap();
    for width in [64, 8] {
        let out = run(&input, width).unwrap();
        let rgb = image::load_from_memory(&out.bytes).unwrap().into_rgb8();
        let p = rgb.get_pixel(width / 2, 2).0;
        assert!(
            p[0] > 200 && p[1] < 60 && p[2] < 60,
            "width {width}: {p:?} should be red"
        );
    }
}

#[test]
fn sixteen_bit_and_palette_pngs_decode() {
    let deep = image::ImageBuffer::<image::Rgb<u16>, Vec<u16>>::from_fn(40, 30, |x, _| {
        image::Rgb([u16::try_from(x).unwrap() * 1600, 30000, 65535])
    });
    let mut png16 = Vec::new();
    image::DynamicImage::ImageRgb16(deep)
        .write_to(&mut std::io::Cursor::new(&mut png16), ImageFormat::Png)
        .unwrap();
    let out = run(&png16, 20).unwrap();
    assert_eq!((out.width, out.height), (20, 15));

    // A palette PNG with a transparent entry (tRNS), written by hand: 2x1, palette [red, clear].
    let mut palette = Vec::new();
    {
        let mut encoder = png::Encoder::new(&mut palette, 2, 1);
        encoder.set_color(png::ColorType::Indexed);
        encoder.set_palette(vec![255, 0, 0, 0, 0, 0]);
        encoder.set_trns(vec![255, 0]);
        encoder
            .write_header()
            .unwrap()
            .write_image_data(&[0, 1])
            .unwrap();
    }
    let out = transform(&palette, &job(2, FormatRequest::Auto), &clock()).unwrap();
    assert_eq!(
        out.format,
        OutputFormat::Png,
        "transparency from tRNS is kept"
    );
    let decoded = image::load_from_memory(&out.bytes).unwrap().into_rgba8();
    assert_eq!(decoded.get_pixel(0, 0).0, [255, 0, 0, 255]);
    assert_eq!(decoded.get_pixel(1, 0).0[3], 0);
}

#[test]
fn every_truncation_of_every_input_format_fails_cleanly() {
    let photo = synthetic::photo(64, 48, 3);
    let jpeg = synthetic::jpeg(&photo, 80);
    let progressive = {
        let mut out = Vec::new();
        let mut encoder = jpeg_encoder::Encoder::new(&mut out, 80);
        encoder.set_progressive(true);
        encoder
            .encode(photo.as_raw(), 64, 48, jpeg_encoder::ColorType::Rgb)
            .unwrap();
        out
    };
    let png = synthetic::png(&photo);
    let mut webp = Vec::new();
    image::codecs::webp::WebPEncoder::new_lossless(&mut webp)
        .encode(photo.as_raw(), 64, 48, image::ExtendedColorType::Rgb8)
        .unwrap();
    let mut gif = Vec::new();
    image::codecs::gif::GifEncoder::new(&mut gif)
        .encode_frame(image::Frame::new(synthetic::with_alpha(32, 24)))
        .unwrap();
    for (name, input) in [
        ("jpeg", jpeg),
        ("progressive", progressive),
        ("png", png),
        ("webp", webp),
        ("gif", gif),
    ] {
        for cut in 0..input.len() {
            // Ok is allowed for formats without an end marker; a panic is not. Errors are
            // "undecodable" (422) once the signature is there, "unsupported" (415) before.
            match run(&input[..cut], 32) {
                Ok(out) => {
                    assert!(
                        !name.starts_with("jpeg") && name != "progressive",
                        "{name} cut at {cut} decoded"
                    );
                    assert!(out.width > 0);
                }
                Err(ImageError::Undecodable(_)) => {}
                Err(ImageError::Unsupported(_)) if cut < 16 => {}
                Err(other) => panic!("{name} cut at {cut}: {other:?}"),
            }
        }
    }
}

/// Peak signal-to-noise ratio of two equally sized RGBA buffers, in dB.
fn psnr(a: &[u8], b: &[u8]) -> f64 {
    let mse = a
        .iter()
        .zip(b)
        .map(|(&x, &y)| (f64::from(x) - f64::from(y)).powi(2))
        .sum::<f64>()
        / a.len() as f64;
    10.0 * (255.0f64.powi(2) / mse.max(1e-9)).log10()
}

#[test]
fn pngs_are_shrunk_row_by_row_in_every_colour_type_as_a_whole_decode_would_look() {
    let photo = synthetic::photo(640, 480, 5);
    let rgba = synthetic::with_alpha(640, 480);
    let gray = image::DynamicImage::ImageRgb8(photo.clone()).into_luma8();
    let gray_alpha = image::DynamicImage::ImageRgba8(rgba.clone()).into_luma_alpha8();
    let deep = image::DynamicImage::ImageRgba8(rgba.clone()).into_rgba16();
    let mut deep_png = Vec::new();
    image::DynamicImage::ImageRgba16(deep)
        .write_to(&mut std::io::Cursor::new(&mut deep_png), ImageFormat::Png)
        .unwrap();
    for (name, input) in [
        ("rgb", synthetic::png(&photo)),
        ("rgba", synthetic::png(&rgba)),
        ("gray", synthetic::png(&gray)),
        ("gray-alpha", synthetic::png(&gray_alpha)),
        ("rgba-16", deep_png),
    ] {
        // The reference: decoded whole by the image crate, resized with Lanczos3.
        let whole = image::load_from_memory(&input).unwrap();
        let reference = whole.resize_exact(160, 120, image::imageops::FilterType::Lanczos3);
        let png = FormatRequest::Fixed(OutputFormat::Png);
        let out = transform(&input, &job(160, png), &clock()).unwrap();
        assert_eq!(out.decode_path, "png-rows-shrunk", "{name}");
        assert_eq!((out.width, out.height), (160, 120), "{name}");
        let got = image::load_from_memory(&out.bytes).unwrap();
        // Compared where the reference is opaque: under alpha 0 the colour means nothing.
        let (got, reference) = (got.into_rgba8(), reference.into_rgba8());
        let mask = |img: &image::RgbaImage| -> Vec<u8> {
            img.pixels()
                .zip(reference.pixels())
                .flat_map(|(p, r)| {
                    if r.0[3] == 200 || r.0[3] == 255 {
                        p.0
                    } else {
                        [0; 4]
                    }
                })
                .collect()
        };
        let db = psnr(&mask(&got), &mask(&reference));
        assert!(db > 45.0, "{name}: {db:.1} dB against a whole decode");
        // Alpha survives: the transparent border stays transparent.
        if name.contains("rgba") || name == "gray-alpha" {
            assert_eq!(got.get_pixel(0, 0).0[3], 0, "{name}");
            assert_eq!(got.get_pixel(80, 60).0[3], 200, "{name}");
        }
        // At full size nothing is averaged (or the original, when smaller, is kept).
        let full = transform(&input, &job(640, png), &clock()).unwrap();
        assert!(
            matches!(full.decode_path, "png-rows" | "original"),
            "{name}: {}",
            full.decode_path
        );
        let full = image::load_from_memory(&full.bytes).unwrap().into_rgba8();
        assert_eq!(full.as_raw(), whole.into_rgba8().as_raw(), "{name}");
    }
}

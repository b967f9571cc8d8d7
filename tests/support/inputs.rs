//! The input zoo: one small generated file per kind of image the pipeline must handle (and per
//! kind of bad image it must refuse), each with the answer expected for a thumbnail request.
//! Served by the test origin under `/inputs/`, so the native and Viceroy suites check the same
//! table.

use image::ImageFormat;
use tailor_testing::{hostile, synthetic};

/// What `GET /img/thumbnail/inputs/<name>` must return, with an `Accept` that allows no WebP.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Expect {
    Image {
        width: u32,
        height: u32,
        content_type: &'static str,
    },
    Error {
        status: u16,
        kind: &'static str,
    },
}

pub(crate) struct Input {
    pub name: &'static str,
    pub content_type: &'static str,
    pub bytes: Vec<u8>,
    pub expect: Expect,
}

const JPEG: &str = "image/jpeg";
const PNG: &str = "image/png";

fn image(width: u32, height: u32, content_type: &'static str) -> Expect {
    Expect::Image {
        width,
        height,
        content_type,
    }
}

fn input(name: &'static str, content_type: &'static str, bytes: Vec<u8>, expect: Expect) -> Input {
    Input {
        name,
        content_type,
        bytes,
        expect,
    }
}

/// Every entry of the zoo. Inputs are 300x200 unless the case needs otherwise, so a thumbnail
/// (150 px) is a 2x downscale.
pub(crate) fn zoo() -> Vec<Input> {
    let photo = synthetic::photo(300, 200, 5);
    let baseline = synthetic::jpeg(&photo, 85);
    vec![
        input(
            "progressive-422.jpg",
            JPEG,
            jpeg_with(&photo, true, jpeg_encoder::SamplingFactor::R_4_2_2),
            image(150, 100, JPEG),
        ),
        input(
            "baseline-444.jpg",
            JPEG,
            jpeg_with(&photo, false, jpeg_encoder::SamplingFactor::R_4_4_4),
            image(150, 100, JPEG),
        ),
        input("cmyk.jpg", JPEG, cmyk_jpeg(), image(150, 100, JPEG)),
        input("gray.jpg", JPEG, gray_jpeg(), image(150, 100, JPEG)),
        input(
            "restart-markers.jpg",
            JPEG,
            restart_jpeg(&photo),
            image(150, 100, JPEG),
        ),
        input(
            "exif-rotated.jpg",
            JPEG,
            synthetic::with_exif_orientation(&baseline, 8),
            image(150, 225, JPEG),
        ),
        input("deep-16bit.png", PNG, deep_png(), image(150, 100, JPEG)),
        input(
            "palette-trns.png",
            PNG,
            palette_png_with_transparency(),
            image(150, 100, PNG),
        ),
        input(
            "alpha.webp",
            "image/webp",
            alpha_webp(),
            image(150, 100, PNG),
        ),
        input(
            "animated.gif",
            "image/gif",
            animated_gif(),
            image(150, 100, JPEG),
        ),
        input(
            "truncated.jpg",
            JPEG,
            baseline[..baseline.len() / 2].to_vec(),
            Expect::Error {
                status: 422,
                kind: "undecodable_image",
            },
        ),
        input(
            "twelve-bit.jpg",
            JPEG,
            twelve_bit(&baseline),
            Expect::Error {
                status: 415,
                kind: "unsupported_format",
            },
        ),
        input(
            "bomb.png",
            PNG,
            png_bomb(),
            Expect::Error {
                status: 413,
                kind: "too_large",
            },
        ),
        input(
            "bomb.jpg",
            JPEG,
            jpeg_bomb(&baseline),
            Expect::Error {
                status: 413,
                kind: "too_large",
            },
        ),
        input(
            "hidden-frame-rst.jpg",
            JPEG,
            hidden_frame(0xD0),
            UNDECODABLE,
        ),
        input(
            "hidden-frame-tem.jpg",
            JPEG,
            hidden_frame(0x01),
            UNDECODABLE,
        ),
        input(
            "short-scan.jpg",
            JPEG,
            hostile::frame_resized(&baseline, 4096, 4096).unwrap(),
            UNDECODABLE,
        ),
        input(
            "many-scans.jpg",
            JPEG,
            hostile::scans_repeated(
                &jpeg_with(&photo, true, jpeg_encoder::SamplingFactor::R_4_2_0),
                20,
            )
            .unwrap(),
            UNDECODABLE,
        ),
        input(
            "second-frame.jpg",
            JPEG,
            hostile::second_frame_after_scan(&baseline).unwrap(),
            UNDECODABLE,
        ),
    ]
}

const UNDECODABLE: Expect = Expect::Error {
    status: 422,
    kind: "undecodable_image",
};

/// A 1200x800 photo (a thumbnail of it is decoded by Tailor's own decoder, at 1/8) with a
/// 65535x65535 frame header hidden in front of it behind a standalone RST0 or TEM marker.
fn hidden_frame(marker: u8) -> Vec<u8> {
    let decoy = synthetic::jpeg(&synthetic::photo(1200, 800, 13), 85);
    hostile::frame_behind_standalone_marker(&decoy, &hostile::frame_header(65535, 65535), marker)
        .unwrap()
}

fn jpeg_with(
    photo: &image::RgbImage,
    progressive: bool,
    sampling: jpeg_encoder::SamplingFactor,
) -> Vec<u8> {
    let mut out = Vec::new();
    let mut encoder = jpeg_encoder::Encoder::new(&mut out, 85);
    encoder.set_progressive(progressive);
    encoder.set_sampling_factor(sampling);
    encoder
        .encode(
            photo.as_raw(),
            photo.width() as u16,
            photo.height() as u16,
            jpeg_encoder::ColorType::Rgb,
        )
        .unwrap();
    out
}

fn restart_jpeg(photo: &image::RgbImage) -> Vec<u8> {
    let mut out = Vec::new();
    let mut encoder = jpeg_encoder::Encoder::new(&mut out, 85);
    encoder.set_restart_interval(4);
    encoder
        .encode(photo.as_raw(), 300, 200, jpeg_encoder::ColorType::Rgb)
        .unwrap();
    assert!(out.windows(2).any(|w| w == [0xFF, 0xD0]), "has RST0");
    out
}

/// Adobe CMYK (jpeg-encoder writes the APP14 marker and inverted samples, as Photoshop does).
fn cmyk_jpeg() -> Vec<u8> {
    let cmyk: Vec<u8> = std::iter::repeat_n([0u8, 255, 255, 0], 300 * 200)
        .flatten()
        .collect();
    let mut out = Vec::new();
    jpeg_encoder::Encoder::new(&mut out, 90)
        .encode(&cmyk, 300, 200, jpeg_encoder::ColorType::Cmyk)
        .unwrap();
    out
}

fn gray_jpeg() -> Vec<u8> {
    let gray = image::GrayImage::from_fn(300, 200, |x, y| image::Luma([((x + y) % 256) as u8]));
    let mut out = Vec::new();
    jpeg_encoder::Encoder::new(&mut out, 85)
        .encode(gray.as_raw(), 300, 200, jpeg_encoder::ColorType::Luma)
        .unwrap();
    out
}

fn deep_png() -> Vec<u8> {
    let deep = image::ImageBuffer::<image::Rgb<u16>, Vec<u16>>::from_fn(300, 200, |x, y| {
        image::Rgb([(x * 200) as u16, (y * 300) as u16, 40000])
    });
    let mut out = Vec::new();
    image::DynamicImage::ImageRgb16(deep)
        .write_to(&mut std::io::Cursor::new(&mut out), ImageFormat::Png)
        .unwrap();
    out
}

/// Indexed colour with one fully transparent palette entry: the left half opaque red, the
/// right half clear.
fn palette_png_with_transparency() -> Vec<u8> {
    let mut out = Vec::new();
    let mut encoder = png::Encoder::new(&mut out, 300, 200);
    encoder.set_color(png::ColorType::Indexed);
    encoder.set_palette(vec![255, 0, 0, 0, 0, 0]);
    encoder.set_trns(vec![255, 0]);
    let indices: Vec<u8> = (0..200)
        .flat_map(|_| (0..300).map(|x| u8::from(x >= 150)))
        .collect();
    encoder
        .write_header()
        .unwrap()
        .write_image_data(&indices)
        .unwrap();
    out
}

fn alpha_webp() -> Vec<u8> {
    let rgba = synthetic::with_alpha(300, 200);
    let mut out = Vec::new();
    image::codecs::webp::WebPEncoder::new_lossless(&mut out)
        .encode(rgba.as_raw(), 300, 200, image::ExtendedColorType::Rgba8)
        .unwrap();
    out
}

fn animated_gif() -> Vec<u8> {
    let mut out = Vec::new();
    {
        let mut encoder = image::codecs::gif::GifEncoder::new(&mut out);
        for shade in [40u8, 200] {
            let frame =
                image::RgbaImage::from_pixel(300, 200, image::Rgba([shade, shade, shade, 255]));
            encoder.encode_frame(image::Frame::new(frame)).unwrap();
        }
    }
    out
}

fn twelve_bit(baseline: &[u8]) -> Vec<u8> {
    let mut out = baseline.to_vec();
    let sof = out.windows(2).position(|w| w == [0xFF, 0xC0]).unwrap();
    out[sof + 4] = 12;
    out
}

/// A JPEG whose frame header declares 12000x12000 (144 MP, over the 50 MP limit) over 300x200
/// of data, its scan padded to the length so many blocks take (2 bits each at the least), so
/// the pixel limit is what refuses it, not the scan length check.
fn jpeg_bomb(baseline: &[u8]) -> Vec<u8> {
    let huge = hostile::frame_resized(baseline, 12000, 12000).unwrap();
    hostile::last_scan_padded(&huge, 12000 * 12000 * 3 / 64 / 4).unwrap()
}

/// A PNG declaring 100000x100000 RGBA with a few bytes of data.
fn png_bomb() -> Vec<u8> {
    let mut ihdr = Vec::new();
    ihdr.extend_from_slice(&100_000u32.to_be_bytes());
    ihdr.extend_from_slice(&100_000u32.to_be_bytes());
    ihdr.extend_from_slice(&[8, 6, 0, 0, 0]);
    let mut out = b"\x89PNG\r\n\x1a\n".to_vec();
    push_chunk(&mut out, b"IHDR", &ihdr);
    push_chunk(
        &mut out,
        b"IDAT",
        &[0x78, 0x9c, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01],
    );
    push_chunk(&mut out, b"IEND", &[]);
    out
}

fn push_chunk(out: &mut Vec<u8>, kind: &[u8; 4], data: &[u8]) {
    out.extend_from_slice(&(data.len() as u32).to_be_bytes());
    out.extend_from_slice(kind);
    out.extend_from_slice(data);
    let mut crc = crc32fast::Hasher::new();
    crc.update(kind);
    crc.update(data);
    out.extend_from_slice(&crc.finalize().to_be_bytes());
}

/// The `Accept` header the zoo's expectations assume: no WebP, no AVIF.
pub(crate) const ACCEPT: &str = "image/jpeg,image/png;q=0.9";

/// Compares one answer with the zoo's expectation; the error says what differed.
pub(crate) fn check(
    input: &Input,
    status: u16,
    content_type: Option<&str>,
    body: &[u8],
) -> Result<(), String> {
    match input.expect {
        Expect::Image {
            width,
            height,
            content_type: want_type,
        } => {
            if status != 200 || content_type != Some(want_type) {
                return Err(format!(
                    "{}: {status} {content_type:?}, want 200 {want_type}: {}",
                    input.name,
                    String::from_utf8_lossy(&body[..body.len().min(200)])
                ));
            }
            let decoded =
                image::load_from_memory(body).map_err(|e| format!("{}: {e}", input.name))?;
            if (decoded.width(), decoded.height()) != (width, height) {
                return Err(format!(
                    "{}: {}x{}, want {width}x{height}",
                    input.name,
                    decoded.width(),
                    decoded.height()
                ));
            }
            Ok(())
        }
        Expect::Error { status: want, kind } => {
            let json: serde_json::Value =
                serde_json::from_slice(body).map_err(|e| format!("{}: {e}", input.name))?;
            if status != want || json["error"] != kind {
                return Err(format!(
                    "{}: {status} {json}, want {want} {kind}",
                    input.name
                ));
            }
            Ok(())
        }
    }
}

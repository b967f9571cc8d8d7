//! Large progressive photos for the end-to-end origin: 5640x3172 (17.9 MP), textured so the
//! files are 10 and 18 MB (the corpus' elephants photo is 16). Their `full` variants decode at 1/2
//! and are within 48 MB only because the file is freed once its scans are read and chroma is
//! kept at half the luma grid's resolution. And an 8000x5000 one (40 MP, small file) whose
//! `full` fits the decode budget only one scale smaller; and baseline 24 and 48 MP camera
//! photos.

use super::fixtures::Reply;
use jpeg_encoder::SamplingFactor;
use std::sync::OnceLock;

/// `/photos/progressive-18mp.jpg` (chroma halved horizontally, q92, ~10 MB),
/// `/photos/progressive-18mp-444.jpg` (chroma not subsampled, q95, 18 MB) and
/// `/photos/progressive-40mp-444.jpg` (8000x5000 gradients, chroma not subsampled, 2.5 MB),
/// made once per run.
pub(crate) fn progressive_photos() -> Vec<(String, Reply)> {
    static HALVED: OnceLock<Vec<u8>> = OnceLock::new();
    static FULL_CHROMA: OnceLock<Vec<u8>> = OnceLock::new();
    static FORTY_MP: OnceLock<Vec<u8>> = OnceLock::new();
    let halved = HALVED.get_or_init(|| encode(SamplingFactor::R_4_2_2, 92));
    let full_chroma = FULL_CHROMA.get_or_init(|| encode(SamplingFactor::R_4_4_4, 95));
    let forty = FORTY_MP.get_or_init(forty_megapixels);
    vec![
        (
            "/photos/progressive-40mp-444.jpg".into(),
            Reply::ok("image/jpeg", forty.clone()),
        ),
        (
            "/photos/progressive-18mp.jpg".into(),
            Reply::ok("image/jpeg", halved.clone()),
        ),
        (
            "/photos/progressive-18mp-444.jpg".into(),
            Reply::ok("image/jpeg", full_chroma.clone()),
        ),
    ]
}

/// `/photos/camera-24mp.jpg`: 6000x4000 as a camera saves it (baseline, chroma halved both
/// ways, q90), made once per run. Its `full` decodes at 1/2, 3000 px wide, and is reduced to
/// 2048: resized in one call, the resizer's temporary image alone was 12 MB.
pub(crate) fn camera_photo() -> (String, Reply) {
    static CAMERA: OnceLock<Vec<u8>> = OnceLock::new();
    let camera = CAMERA.get_or_init(|| textured((6000, 4000), SamplingFactor::R_4_2_0, 90, false));
    (
        "/photos/camera-24mp.jpg".into(),
        Reply::ok("image/jpeg", camera.clone()),
    )
}

/// `/photos/camera-24mp-portrait.jpg`: [`camera_photo`]'s bytes tagged with EXIF orientation
/// 6 (stored landscape, shown turned a quarter clockwise), as a camera held upright saves it.
pub(crate) fn portrait_camera_photo() -> (String, Reply) {
    let (_, landscape) = camera_photo();
    // A little-endian TIFF header and one IFD entry: Orientation (0x0112), SHORT, 1, value 6.
    let exif = b"Exif\0\0II*\0\x08\0\0\0\x01\0\x12\x01\x03\0\x01\0\0\0\x06\0\0\0\0\0\0\0";
    let length = u16::try_from(exif.len() + 2)
        .unwrap_or(u16::MAX)
        .to_be_bytes();
    let mut tagged = vec![0xFF, 0xD8, 0xFF, 0xE1, length[0], length[1]];
    tagged.extend_from_slice(exif);
    tagged.extend_from_slice(landscape.body.get(2..).unwrap_or_default());
    (
        "/photos/camera-24mp-portrait.jpg".into(),
        Reply::ok("image/jpeg", tagged),
    )
}

/// `/photos/camera-48mp.jpg`: 8000x6000, saved as [`camera_photo`] is, made once per run. Its
/// `full` decodes at 1/2, 4000x3000: 36 MB of RGB if it were held whole.
pub(crate) fn large_camera_photo() -> (String, Reply) {
    static CAMERA: OnceLock<Vec<u8>> = OnceLock::new();
    let camera = CAMERA.get_or_init(|| textured((8000, 6000), SamplingFactor::R_4_2_0, 90, false));
    (
        "/photos/camera-48mp.jpg".into(),
        Reply::ok("image/jpeg", camera.clone()),
    )
}

fn encode(sampling: SamplingFactor, quality: u8) -> Vec<u8> {
    textured((5640, 3172), sampling, quality, true)
}

fn textured(
    (width, height): (u16, u16),
    sampling: SamplingFactor,
    quality: u8,
    progressive: bool,
) -> Vec<u8> {
    let rgb = image::RgbImage::from_fn(width.into(), height.into(), |x, y| {
        // A hashed texture (0-63) over gradients, red following x.
        let hash = (x.wrapping_mul(2_654_435_761) ^ y.wrapping_mul(2_246_822_519))
            .rotate_left(13)
            .wrapping_mul(3_266_489_917);
        let texture = (hash >> 24) as u8 / 4;
        image::Rgb([
            ((x / 23) as u8).saturating_add(texture / 4),
            ((y / 13) as u8).wrapping_add(texture / 2),
            ((x + y) / 35) as u8 ^ texture,
        ])
    });
    let mut out = Vec::new();
    let mut encoder = jpeg_encoder::Encoder::new(&mut out, quality);
    encoder.set_progressive(progressive);
    encoder.set_sampling_factor(sampling);
    encoder
        .encode(rgb.as_raw(), width, height, jpeg_encoder::ColorType::Rgb)
        .expect("encode the textured photo");
    out
}

/// 8000x5000: red follows x, green follows y; progressive, chroma not subsampled.
pub(crate) fn forty_megapixels() -> Vec<u8> {
    let (width, height) = (8000u16, 5000u16);
    let rgb = image::RgbImage::from_fn(width.into(), height.into(), |x, y| {
        image::Rgb([(x * 255 / 8000) as u8, (y * 255 / 5000) as u8, 90])
    });
    let mut out = Vec::new();
    let mut encoder = jpeg_encoder::Encoder::new(&mut out, 80);
    encoder.set_progressive(true);
    encoder.set_sampling_factor(SamplingFactor::R_4_4_4);
    encoder
        .encode(rgb.as_raw(), width, height, jpeg_encoder::ColorType::Rgb)
        .expect("encode the 40 MP photo");
    out
}

//! A large progressive photo for the end-to-end origin: 5640x3172 (17.9 MP), chroma halved
//! horizontally, textured so the file is about 10 MB (the corpus' elephants photo is 16). Its
//! `full` variant decodes at 1/2 and is within 48 MB only because the file is freed once its
//! scans are read.

use super::fixtures::Reply;

/// `/photos/progressive-18mp.jpg`, made once per run.
pub(crate) fn progressive_photo() -> (String, Reply) {
    static JPEG: std::sync::OnceLock<Vec<u8>> = std::sync::OnceLock::new();
    let jpeg = JPEG.get_or_init(|| {
        let (width, height) = (5640u16, 3172u16);
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
        let mut encoder = jpeg_encoder::Encoder::new(&mut out, 92);
        encoder.set_progressive(true);
        encoder.set_sampling_factor(jpeg_encoder::SamplingFactor::R_4_2_2);
        encoder
            .encode(rgb.as_raw(), width, height, jpeg_encoder::ColorType::Rgb)
            .expect("encode the progressive photo");
        out
    });
    (
        "/photos/progressive-18mp.jpg".into(),
        Reply::ok("image/jpeg", jpeg.clone()),
    )
}

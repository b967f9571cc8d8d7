//! Originals at the default byte limit (50 MiB) for the end-to-end origin: a noisy PNG and a
//! noisy JPEG of about 50 MB each (the file, not the picture, is what is large), and a body one
//! byte past the limit.

use super::fixtures::Reply;
use std::sync::OnceLock;

/// The default `limits.max_input_bytes`.
pub(crate) const INPUT_LIMIT: usize = 50 * 1024 * 1024;

/// Red rising along x under 6 bits of noise; green and blue noise: barely compressible.
fn noisy(width: u32, height: u32) -> image::RgbImage {
    image::RgbImage::from_fn(width, height, |x, y| {
        let hash = (x.wrapping_mul(2_654_435_761) ^ y.wrapping_mul(2_246_822_519))
            .rotate_left(13)
            .wrapping_mul(3_266_489_917);
        let [a, b, c, _] = hash.to_le_bytes();
        image::Rgb([(x * 190 / width) as u8 + (a & 63), b, c])
    })
}

/// `/photos/fifty-mb.png` (4096x4000), `/photos/fifty-mb.jpg` (4300x3000, q100, chroma not
/// subsampled) and `/photos/over-limit.jpg` (one byte over the limit), made once per run.
pub(crate) fn fifty_megabyte_files() -> Vec<(String, Reply)> {
    static FILES: OnceLock<Vec<(String, Reply)>> = OnceLock::new();
    FILES
        .get_or_init(|| {
            let mut png = Vec::new();
            noisy(4096, 4000)
                .write_to(&mut std::io::Cursor::new(&mut png), image::ImageFormat::Png)
                .expect("encode the 50 MB PNG");
            let (width, height) = (4300u16, 3000u16);
            let mut jpeg = Vec::new();
            let mut encoder = jpeg_encoder::Encoder::new(&mut jpeg, 100);
            encoder.set_sampling_factor(jpeg_encoder::SamplingFactor::R_4_4_4);
            encoder
                .encode(
                    noisy(width.into(), height.into()).as_raw(),
                    width,
                    height,
                    jpeg_encoder::ColorType::Rgb,
                )
                .expect("encode the 50 MB JPEG");
            let mut over = jpeg.clone();
            over.resize(INPUT_LIMIT + 1, 0);
            vec![
                ("/photos/fifty-mb.png".into(), Reply::ok("image/png", png)),
                ("/photos/fifty-mb.jpg".into(), Reply::ok("image/jpeg", jpeg)),
                (
                    "/photos/over-limit.jpg".into(),
                    Reply::ok("image/jpeg", over),
                ),
            ]
        })
        .clone()
}

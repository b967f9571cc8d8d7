//! Origin content for tests, generated in the test so no binary fixtures need shipping.

use tailor_testing::synthetic;

/// One origin answer.
#[derive(Clone, Debug)]
pub(crate) struct Reply {
    pub status: u16,
    pub content_type: &'static str,
    /// `Content-Encoding`, when the body is encoded.
    pub encoding: Option<&'static str>,
    /// Any other headers, as sent.
    pub headers: Vec<(&'static str, String)>,
    pub body: Vec<u8>,
}

impl Reply {
    pub(crate) fn ok(content_type: &'static str, body: Vec<u8>) -> Self {
        Self {
            status: 200,
            content_type,
            encoding: None,
            headers: Vec::new(),
            body,
        }
    }
}

/// A 2560x1600 photo-like baseline JPEG: the size class of the corpus's 4 MP benchmark photo.
pub(crate) fn four_megapixel_jpeg() -> Vec<u8> {
    synthetic::jpeg(&synthetic::photo(2560, 1600, 11), 85)
}

/// A 2400x1600 progressive 4:2:2 JPEG, the layout of the corpus's 17.9 MP benchmark photo.
pub(crate) fn progressive_jpeg() -> Vec<u8> {
    let photo = synthetic::photo(2400, 1600, 23);
    let mut out = Vec::new();
    let mut encoder = jpeg_encoder::Encoder::new(&mut out, 90);
    encoder.set_progressive(true);
    encoder.set_sampling_factor(jpeg_encoder::SamplingFactor::R_4_2_2);
    encoder
        .encode(photo.as_raw(), 2400, 1600, jpeg_encoder::ColorType::Rgb)
        .unwrap();
    out
}

/// A small, coarsely compressed phone-style photo carrying EXIF GPS, XMP, an ICC chunk and a
/// comment: re-encoding it at a variant's quality makes it larger, so its own coded pixels are
/// what is served.
pub(crate) fn gps_tagged_jpeg() -> Vec<u8> {
    synthetic::with_gps_metadata(&synthetic::jpeg(&synthetic::photo(120, 80, 8), 20))
}

/// Every path the test origin serves: the photos below, the input zoo under `/inputs/` and the
/// pages under `/pages/`.
pub(crate) fn origin_content() -> Vec<(String, Reply)> {
    let zoo = super::inputs::zoo().into_iter().map(|input| {
        (
            format!("/inputs/{}", input.name),
            Reply::ok(input.content_type, input.bytes),
        )
    });
    photos()
        .into_iter()
        .chain(super::pages::pages())
        .map(|(path, reply)| (path.to_owned(), reply))
        .chain(super::cache_origin::content())
        .chain(zoo)
        .collect()
}

/// A 1200x800 photo saved at quality 75 with 4:2:0 chroma, as cameras and libjpeg save them:
/// its `full` variant (quality 90) is served as it is, without a decode.
pub(crate) fn saved_at_75() -> Vec<u8> {
    let photo = synthetic::photo(1200, 800, 37);
    let mut out = Vec::new();
    let mut encoder = jpeg_encoder::Encoder::new(&mut out, 75);
    encoder.set_sampling_factor(jpeg_encoder::SamplingFactor::R_4_2_0);
    encoder
        .encode(photo.as_raw(), 1200, 800, jpeg_encoder::ColorType::Rgb)
        .expect("encode the quality-75 photo");
    out
}

/// A 1200x800 photo saved at quality 95 with 4:2:2 chroma, as many cameras save them: its
/// `full` variant (quality 90) is requantized to 4:2:0 without a decode to pixels.
pub(crate) fn saved_at_95() -> Vec<u8> {
    let photo = synthetic::photo(1200, 800, 41);
    let mut out = Vec::new();
    let mut encoder = jpeg_encoder::Encoder::new(&mut out, 95);
    encoder.set_sampling_factor(jpeg_encoder::SamplingFactor::R_4_2_2);
    encoder
        .encode(photo.as_raw(), 1200, 800, jpeg_encoder::ColorType::Rgb)
        .expect("encode the quality-95 photo");
    out
}

fn photos() -> Vec<(&'static str, Reply)> {
    let big = four_megapixel_jpeg();
    let truncated = big[..big.len() / 3].to_vec();
    let rotated =
        synthetic::with_exif_orientation(&synthetic::jpeg(&synthetic::photo(600, 400, 9), 85), 6);
    let siblings = synthetic::jpeg(&synthetic::photo(1200, 800, 31), 85);
    vec![
        ("/photos/rotated.jpg", Reply::ok("image/jpeg", rotated)),
        ("/photos/siblings.jpg", Reply::ok("image/jpeg", siblings)),
        (
            "/photos/saved-at-75.jpg",
            Reply::ok("image/jpeg", saved_at_75()),
        ),
        (
            "/photos/saved-at-95.jpg",
            Reply::ok("image/jpeg", saved_at_95()),
        ),
        (
            "/photos/purge-me.jpg",
            Reply::ok(
                "image/jpeg",
                synthetic::jpeg(&synthetic::photo(640, 480, 17), 85),
            ),
        ),
        ("/photos/collapse.jpg", Reply::ok("image/jpeg", big.clone())),
        (
            "/photos/unread.jpg",
            Reply::ok(
                "image/jpeg",
                synthetic::jpeg(&synthetic::photo(1600, 1000, 29), 85),
            ),
        ),
        (
            "/photos/originals.jpg",
            Reply::ok(
                "image/jpeg",
                synthetic::jpeg(&synthetic::photo(1200, 800, 23), 85),
            ),
        ),
        ("/photos/big.jpg", Reply::ok("image/jpeg", big)),
        (
            "/photos/progressive.jpg",
            Reply::ok("image/jpeg", progressive_jpeg()),
        ),
        (
            "/photos/small.jpg",
            Reply::ok(
                "image/jpeg",
                synthetic::jpeg(&synthetic::photo(120, 80, 3), 85),
            ),
        ),
        (
            "/photos/alpha.png",
            Reply::ok(
                "image/png",
                synthetic::png(&synthetic::with_alpha(300, 300)),
            ),
        ),
        (
            "/photos/harbour.jpg",
            Reply::ok(
                "image/jpeg",
                synthetic::jpeg(&synthetic::photo(800, 533, 42), 85),
            ),
        ),
        ("/photos/truncated.jpg", Reply::ok("image/jpeg", truncated)),
        (
            "/photos/gps.jpg",
            Reply::ok("image/jpeg", gps_tagged_jpeg()),
        ),
        (
            "/photos/strip.jpg",
            Reply::ok(
                "image/jpeg",
                synthetic::jpeg(&synthetic::photo(4000, 10, 5), 85),
            ),
        ),
        (
            "/photos/tower.jpg",
            Reply::ok(
                "image/jpeg",
                synthetic::jpeg(&synthetic::photo(10, 3000, 6), 85),
            ),
        ),
        (
            "/photos/notes.txt",
            Reply::ok("text/plain", b"not an image".to_vec()),
        ),
        (
            "/photos/fails.jpg",
            Reply {
                status: 500,
                content_type: "text/plain",
                encoding: None,
                headers: Vec::new(),
                body: b"boom".to_vec(),
            },
        ),
    ]
}

/// A 4096x2304 RGBA wallpaper with a transparent frame (9.4 MP: 38 MB decoded whole), fast
/// to make and to compress, for the row-by-row PNG decode. Served by the end-to-end origin only.
pub(crate) fn wallpaper_png() -> Vec<u8> {
    let image = wallpaper();
    let mut out = Vec::new();
    let encoder = image::codecs::png::PngEncoder::new_with_quality(
        &mut out,
        image::codecs::png::CompressionType::Fast,
        image::codecs::png::FilterType::Sub,
    );
    image.write_with_encoder(encoder).unwrap();
    out
}

/// The wallpaper again, Adam7-interlaced, for the pass-by-pass shrink.
pub(crate) fn wallpaper_interlaced_png() -> Vec<u8> {
    synthetic::png_interlaced(&wallpaper())
}

/// A 4096x2304 interlaced GIF whose red rises with x (index x / 16 into a palette of red
/// 0..=255), for the interlaced GIF's reduced decode.
pub(crate) fn wallpaper_interlaced_gif() -> Vec<u8> {
    let (width, height) = (4096u16, 2304u16);
    let palette: Vec<u8> = (0..=255u8).flat_map(|i| [i, 128, 255 - i]).collect();
    let indices: Vec<u8> = (0..height)
        .flat_map(|_| (0..width).map(|x| (x / 16) as u8))
        .collect();
    synthetic::gif_interlaced(width, height, &palette, indices)
}

fn wallpaper() -> image::RgbaImage {
    image::RgbaImage::from_fn(4096, 2304, |x, y| {
        let frame = x < 64 || y < 64 || x >= 4032 || y >= 2240;
        let (r, g) = ((x / 16) as u8, (y / 9) as u8);
        image::Rgba([r, g, r ^ g, if frame { 0 } else { 255 - (x % 7) as u8 }])
    })
}

/// A 6000x4000 lossy WebP poster (24 MP: 96 MB as RGBA decoded whole), made once per run, for
/// libwebp's scaled decode. Served by the end-to-end origin only.
pub(crate) fn poster_webp() -> Vec<u8> {
    static POSTER: std::sync::OnceLock<Vec<u8>> = std::sync::OnceLock::new();
    POSTER
        .get_or_init(|| {
            let (width, height) = (6000, 4000);
            let image = image::RgbImage::from_fn(width, height, |x, y| {
                image::Rgb([(x / 24) as u8, (y / 16) as u8, ((x + y) / 40) as u8])
            });
            webp::Encoder::from_rgb(image.as_raw(), width, height)
                .encode(80.0)
                .to_vec()
        })
        .clone()
}

/// 8640 x 5760 (49.8 MP, under the 50 M pixel limit): the largest picture the default limits
/// admit, as a baseline JPEG, a non-interlaced PNG, a lossy WebP and a GIF, made once per run. A
/// diagonal gradient with fine texture, so each codec does real work and the colours can be
/// checked after the shrink. Served by the end-to-end origin only.
pub(crate) fn fifty_megapixel_images() -> Vec<(String, Reply)> {
    static IMAGES: std::sync::OnceLock<Vec<(String, Reply)>> = std::sync::OnceLock::new();
    IMAGES
        .get_or_init(|| {
            let (width, height) = (8640u32, 5760u32);
            let rgb = image::RgbImage::from_fn(width, height, |x, y| {
                let texture = (((x >> 3) ^ (y >> 3)) & 1) as u8 * 6;
                image::Rgb([
                    (x / 34) as u8,
                    (y / 23) as u8,
                    ((x + y) / 60) as u8 + texture,
                ])
            });
            let jpeg = synthetic::jpeg(&rgb, 80);
            let mut png = Vec::new();
            let encoder = image::codecs::png::PngEncoder::new_with_quality(
                &mut png,
                image::codecs::png::CompressionType::Fast,
                image::codecs::png::FilterType::Sub,
            );
            rgb.write_with_encoder(encoder)
                .expect("encode the 50 MP PNG");
            let mut config = webp::WebPConfig::new().expect("WebP config");
            config.quality = 75.0;
            config.method = 0;
            let webp = webp::Encoder::from_rgb(rgb.as_raw(), width, height)
                .encode_advanced(&config)
                .expect("encode the 50 MP WebP")
                .to_vec();
            let gif = fifty_megapixel_gif(width, height);
            vec![
                ("/photos/fifty.gif".into(), Reply::ok("image/gif", gif)),
                ("/photos/fifty.jpg".into(), Reply::ok("image/jpeg", jpeg)),
                ("/photos/fifty.png".into(), Reply::ok("image/png", png)),
                ("/photos/fifty.webp".into(), Reply::ok("image/webp", webp)),
            ]
        })
        .clone()
}

/// The 50 MP picture as a GIF: a palette whose red rises with the index, indices following x
/// (with the texture in their lowest bit), so red follows x as in the other three.
fn fifty_megapixel_gif(width: u32, height: u32) -> Vec<u8> {
    let palette: Vec<u8> = (0..=255u8).flat_map(|i| [i, i / 2, 255 - i]).collect();
    let indices: Vec<u8> = (0..height)
        .flat_map(|y| {
            (0..width).map(move |x| ((x / 34) as u8 & !1) | (((x >> 3) ^ (y >> 3)) & 1) as u8)
        })
        .collect();
    synthetic::gif(width as u16, height as u16, &palette, indices)
}

/// A 2048x2048 RGBA PNG whose alpha is noise: libwebp codes alpha losslessly, and this plane
/// needs more memory than a wasm instance has (about 190 MB natively). Served by the
/// end-to-end origin only.
pub(crate) fn noisy_alpha_png() -> Vec<u8> {
    let image = image::RgbaImage::from_fn(2048, 2048, |x, y| {
        let noise = (x.wrapping_mul(2_654_435_761) ^ y.wrapping_mul(40_503)).rotate_left(13);
        image::Rgba([
            (x / 8) as u8,
            (y / 8) as u8,
            noise as u8,
            (noise >> 8) as u8,
        ])
    });
    let mut out = Vec::new();
    let encoder = image::codecs::png::PngEncoder::new_with_quality(
        &mut out,
        image::codecs::png::CompressionType::Fast,
        image::codecs::png::FilterType::NoFilter,
    );
    image
        .write_with_encoder(encoder)
        .expect("encode the noisy PNG");
    out
}

//! Encoding resized pixels: JPEG (alpha composited onto white), PNG and WebP (alpha kept).

use super::budget::pixel_buffer_len;
use super::error::ImageError;
use super::format::{ClientFormats, FormatRequest, OutputFormat};
use super::jpeg_output::encode_jpeg;

/// Qualities per format, from the variant.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Qualities {
    /// JPEG quality, 1..=100.
    pub jpeg: u8,
    /// WebP quality, 1..=100; AVIF uses it too.
    pub webp: u8,
}

impl Qualities {
    /// The seed's adaptive qualities by input size: under 1 MB 85/80, under 5 MB 80/75, else
    /// 75/70 — large originals are usually high-quality camera files that survive more.
    pub fn adaptive(input_bytes: usize) -> Self {
        const MB: usize = 1024 * 1024;
        match input_bytes {
            n if n < MB => Self { jpeg: 85, webp: 80 },
            n if n < 5 * MB => Self { jpeg: 80, webp: 75 },
            _ => Self { jpeg: 75, webp: 70 },
        }
    }
}

/// Encodes in the format `request` resolves to. When the client left the choice to Tailor
/// (`auto`) and WebP cannot be encoded within the instance's memory (libwebp codes alpha
/// losslessly, and a noisy 2048² alpha plane needs ~190 MB), the picture is encoded as a client
/// without WebP would get it (PNG with alpha, else JPEG) rather than failing the request.
/// A forced `format=webp` keeps the error (`413`).
#[allow(clippy::too_many_arguments)] // the encoder's inputs, passed through
pub(crate) fn encode_negotiated(
    pixels: &[u8],
    channels: u8,
    width: u32,
    height: u32,
    request: FormatRequest,
    client: ClientFormats,
    qualities: Qualities,
    background: [u8; 3],
) -> Result<(OutputFormat, Vec<u8>), ImageError> {
    let format = request.resolve(client, channels == 4);
    let encoded = encode(
        pixels, channels, width, height, format, qualities, background,
    );
    match encoded {
        Err(ImageError::TooLarge(_))
            if request == FormatRequest::Auto && format == OutputFormat::Webp =>
        {
            let plain = request.resolve(ClientFormats::default(), channels == 4);
            let bytes = encode(
                pixels, channels, width, height, plain, qualities, background,
            )?;
            Ok((plain, bytes))
        }
        other => Ok((format, other?)),
    }
}

pub(crate) fn encode(
    pixels: &[u8],
    channels: u8,
    width: u32,
    height: u32,
    format: OutputFormat,
    qualities: Qualities,
    background: [u8; 3],
) -> Result<Vec<u8>, ImageError> {
    // Every encoder trusts width x height x channels to be the buffer: checked once, here.
    if width == 0 || height == 0 || pixels.len() != pixel_buffer_len(width, height, channels)? {
        return Err(ImageError::Internal(
            "encoder input does not match its size".into(),
        ));
    }
    let (quality, webp_quality) = (qualities.jpeg, qualities.webp);
    match format {
        OutputFormat::Jpeg => encode_jpeg(pixels, channels, (width, height), quality, background),
        OutputFormat::Png => encode_png(pixels, channels, width, height),
        OutputFormat::Webp => encode_webp(pixels, channels, width, height, webp_quality),
        OutputFormat::Avif => encode_avif(pixels, channels, width, height, webp_quality),
    }
}

/// Lossy WebP with libwebp itself (`tailor-webp`): the same encoder as `cwebp`, so the same
/// bytes at the same settings. Alpha is kept (compressed losslessly, as cwebp does).
#[cfg(feature = "webp")]
fn encode_webp(
    pixels: &[u8],
    channels: u8,
    width: u32,
    height: u32,
    quality: u8,
) -> Result<Vec<u8>, ImageError> {
    let settings = tailor_webp::Settings {
        quality: f32::from(quality),
        method: 4, // cwebp's default speed/size trade-off
    };
    tailor_webp::encode(pixels, channels, width, height, &settings).map_err(|e| match e {
        tailor_webp::EncodeError::OutOfMemory => ImageError::TooLarge(format!(
            "encoding this {width}x{height} WebP needs more memory than the instance has"
        )),
        tailor_webp::EncodeError::Invalid(why) => {
            ImageError::Internal(format!("WebP encoding failed: {why}"))
        }
    })
}

/// AVIF with ravif (rav1e, pure Rust) at speed 8: 40–100 ms for a 150 px thumbnail in Viceroy,
/// so the route only asks for it on small outputs. Uses the WebP quality, whose scale it shares.
#[cfg(feature = "avif")]
fn encode_avif(
    pixels: &[u8],
    channels: u8,
    width: u32,
    height: u32,
    quality: u8,
) -> Result<Vec<u8>, ImageError> {
    let (w, h) = (width as usize, height as usize);
    let encoder = ravif::Encoder::new()
        .with_quality(f32::from(quality.clamp(1, 100)))
        .with_alpha_quality(f32::from(quality.clamp(1, 100)))
        .with_speed(8);
    let failed = |e: ravif::Error| ImageError::Internal(format!("AVIF encoding failed: {e}"));
    let encoded = if channels == 4 {
        let rgba: Vec<ravif::RGBA8> = pixels
            .chunks_exact(4)
            .filter_map(|p| match *p {
                [r, g, b, a] => Some(ravif::RGBA8::new(r, g, b, a)),
                _ => None,
            })
            .collect();
        encoder
            .encode_rgba(ravif::Img::new(rgba.as_slice(), w, h))
            .map_err(failed)?
    } else {
        let rgb: Vec<ravif::RGB8> = pixels
            .chunks_exact(3)
            .filter_map(|p| match *p {
                [r, g, b] => Some(ravif::RGB8::new(r, g, b)),
                _ => None,
            })
            .collect();
        encoder
            .encode_rgb(ravif::Img::new(rgb.as_slice(), w, h))
            .map_err(failed)?
    };
    Ok(encoded.avif_file)
}

fn encode_png(pixels: &[u8], channels: u8, width: u32, height: u32) -> Result<Vec<u8>, ImageError> {
    use image::codecs::png::{CompressionType, FilterType, PngEncoder};
    use image::ImageEncoder;
    let color = if channels == 4 {
        image::ExtendedColorType::Rgba8
    } else {
        image::ExtendedColorType::Rgb8
    };
    let mut out = Vec::new();
    PngEncoder::new_with_quality(&mut out, CompressionType::Fast, FilterType::Adaptive)
        .write_image(pixels, width, height, color)
        .map_err(|e| ImageError::Internal(format!("PNG encoding failed: {e}")))?;
    Ok(out)
}

/// Stands in for an encoder this build leaves out; format negotiation never picks such a format,
/// so reaching it means a caller asked for it explicitly.
#[cfg(any(not(feature = "webp"), not(feature = "avif")))]
fn not_built(format: &str) -> Result<Vec<u8>, ImageError> {
    Err(ImageError::Unsupported(format!(
        "{format} output is not available in this build"
    )))
}

#[cfg(not(feature = "webp"))]
fn encode_webp(_: &[u8], _: u8, _: u32, _: u32, _: u8) -> Result<Vec<u8>, ImageError> {
    not_built("WebP")
}

#[cfg(not(feature = "avif"))]
fn encode_avif(_: &[u8], _: u8, _: u32, _: u32, _: u8) -> Result<Vec<u8>, ImageError> {
    not_built("AVIF")
}

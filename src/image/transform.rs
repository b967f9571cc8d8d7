//! Decode → fit to width → encode JPEG, with the pixel limit checked from the header before
//! anything is decoded.
//!
//! This is the foundation's pipeline: a full decode. Shrink-on-load and the other codecs come
//! with the image pipeline issue.

use super::{jpeg, OutputFormat};
use fast_image_resize as fir;
use image::{DynamicImage, ImageDecoder, ImageFormat, ImageReader};
use std::io::Cursor;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ImageError {
    #[error("{0}")]
    TooLarge(String),
    #[error("{0}")]
    Unsupported(String),
    #[error("{0}")]
    Undecodable(String),
    #[error("{0}")]
    Internal(String),
}

/// Milliseconds spent in each stage.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Timings {
    pub decode_ms: f64,
    pub resize_ms: f64,
    pub encode_ms: f64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Transformed {
    pub bytes: Vec<u8>,
    pub format: OutputFormat,
    pub width: u32,
    pub height: u32,
    pub input_width: u32,
    pub input_height: u32,
    pub input_format: &'static str,
    /// Which decode path ran: `dc-only`, `scaled-idct` or `full`.
    pub decode_path: &'static str,
    pub timings: Timings,
}

/// Transforms `input` to at most `target_width` pixels wide (never upscaled) as a JPEG.
/// `now` is the host clock in milliseconds, used only for the timings.
pub fn transform(
    input: &[u8],
    target_width: u32,
    quality: u8,
    max_pixels: u64,
    now: &dyn Fn() -> f64,
) -> Result<Transformed, ImageError> {
    let start = now();
    let format = sniff(input)?;
    let (width, height) = declared_dimensions(input, format)?;
    let pixels = u64::from(width) * u64::from(height);
    if pixels > max_pixels {
        return Err(ImageError::TooLarge(format!(
            "the image is {width}x{height} ({pixels} pixels), over the {max_pixels}-pixel limit"
        )));
    }
    let (out_width, out_height) = fit_width(width, height, target_width);
    let decoded = match format {
        ImageFormat::Jpeg => decode_jpeg(input, (out_width, out_height))?,
        _ => decode_other(input, format, width, height, max_pixels)?,
    };
    let decoded_at = now();

    let resized = resize(
        decoded.rgb,
        decoded.width,
        decoded.height,
        out_width,
        out_height,
    )?;
    let resized_at = now();

    let mut bytes = encode_jpeg(&resized, out_width, out_height, quality)?;
    let encoded_at = now();
    // Re-encoding an already well-compressed JPEG at its own size can only grow it: keep the
    // original bytes when nothing was resized and the result is larger.
    let unchanged = (out_width, out_height) == (width, height) && format == ImageFormat::Jpeg;
    let kept_input = unchanged && bytes.len() > input.len();
    if kept_input {
        bytes = input.to_vec();
    }
    Ok(Transformed {
        bytes,
        format: OutputFormat::Jpeg,
        width: out_width,
        height: out_height,
        input_width: width,
        input_height: height,
        input_format: format_name(format),
        decode_path: if kept_input { "original" } else { decoded.path },
        timings: Timings {
            decode_ms: decoded_at - start,
            resize_ms: resized_at - decoded_at,
            encode_ms: encoded_at - resized_at,
        },
    })
}

/// Pixels straight out of a decoder, before the fit.
struct Decoded {
    rgb: Vec<u8>,
    width: u32,
    height: u32,
    path: &'static str,
}

/// The heap a decode may use (input included), below the hosts' 128 MB with room for the
/// resize and encode buffers. Checked from the header, before anything is allocated.
pub const DECODE_BUDGET_BYTES: u64 = 100 * 1024 * 1024;

fn over_budget(input: &[u8], decode_bytes: u64, width: u32, height: u32) -> Result<(), ImageError> {
    let estimate = input.len() as u64 + decode_bytes;
    if estimate > DECODE_BUDGET_BYTES {
        return Err(ImageError::TooLarge(format!(
            "decoding this {width}x{height} image needs about {} MB, over the {} MB decode budget",
            estimate >> 20,
            DECODE_BUDGET_BYTES >> 20
        )));
    }
    Ok(())
}

fn decode_jpeg(input: &[u8], target: (u32, u32)) -> Result<Decoded, ImageError> {
    let frame = jpeg::markers::read_frame(input)
        .ok_or_else(|| ImageError::Undecodable("the JPEG has no readable frame header".into()))?;
    if !jpeg::markers::is_complete(input) {
        return Err(ImageError::Undecodable(
            "the JPEG is truncated: its scan data has no end marker".into(),
        ));
    }
    let (width, height) = (u32::from(frame.width), u32::from(frame.height));
    let denominator = jpeg::choose_denominator(width, height, target);
    let needed = jpeg::decode_memory(&frame, denominator);
    over_budget(input, needed, width, height)?;
    let limit = usize::try_from(needed.saturating_mul(2)).unwrap_or(usize::MAX);
    let decoded = jpeg::decode(input, &frame, denominator, limit)?;
    Ok(Decoded {
        rgb: decoded.rgb,
        width: decoded.width,
        height: decoded.height,
        path: decoded.path,
    })
}

fn decode_other(
    input: &[u8],
    format: ImageFormat,
    width: u32,
    height: u32,
    max_pixels: u64,
) -> Result<Decoded, ImageError> {
    // 16-bit RGBA is the widest layout: 8 bytes per pixel, plus the 8-bit copy.
    let pixels = u64::from(width) * u64::from(height);
    over_budget(input, pixels * 4, width, height)?;
    let decoded = decode(input, format, max_pixels)?;
    Ok(Decoded {
        rgb: flatten_to_rgb(decoded),
        width,
        height,
        path: "full",
    })
}

fn sniff(input: &[u8]) -> Result<ImageFormat, ImageError> {
    match image::guess_format(input) {
        Ok(format @ (ImageFormat::Jpeg | ImageFormat::Png)) => Ok(format),
        Ok(other) => Err(ImageError::Unsupported(format!(
            "{} input is not supported yet",
            other.extensions_str().first().unwrap_or(&"this")
        ))),
        Err(_) => Err(ImageError::Unsupported(
            "the origin did not return a known image format".into(),
        )),
    }
}

fn format_name(format: ImageFormat) -> &'static str {
    match format {
        ImageFormat::Jpeg => "jpeg",
        ImageFormat::Png => "png",
        _ => "other",
    }
}

fn reader(input: &[u8], format: ImageFormat) -> ImageReader<Cursor<&[u8]>> {
    let mut reader = ImageReader::new(Cursor::new(input));
    reader.set_format(format);
    reader
}

fn declared_dimensions(input: &[u8], format: ImageFormat) -> Result<(u32, u32), ImageError> {
    if format == ImageFormat::Jpeg {
        // Our own marker walk: it never allocates, whatever the header claims.
        let frame = jpeg::markers::read_frame(input).ok_or_else(|| {
            ImageError::Undecodable("the JPEG has no readable frame header".into())
        })?;
        if frame.width == 0 || frame.height == 0 {
            return Err(ImageError::Undecodable(
                "the JPEG declares no pixels".into(),
            ));
        }
        return Ok((u32::from(frame.width), u32::from(frame.height)));
    }
    let decoder = reader(input, format).into_decoder().map_err(classify)?;
    let (width, height) = decoder.dimensions();
    if width == 0 || height == 0 {
        return Err(ImageError::Undecodable("the image has no pixels".into()));
    }
    Ok((width, height))
}

fn decode(input: &[u8], format: ImageFormat, max_pixels: u64) -> Result<DynamicImage, ImageError> {
    let mut reader = reader(input, format);
    let mut limits = image::Limits::default();
    // 8 bytes per pixel covers 16-bit RGBA; the decoder refuses anything bigger.
    limits.max_alloc = Some(max_pixels.saturating_mul(8));
    reader.limits(limits);
    reader.decode().map_err(classify)
}

fn classify(error: image::ImageError) -> ImageError {
    use image::ImageError as E;
    match error {
        E::Limits(e) => {
            ImageError::TooLarge(format!("decoding would exceed the memory limit: {e}"))
        }
        E::Unsupported(e) => ImageError::Unsupported(format!("unsupported image: {e}")),
        E::Decoding(e) => ImageError::Undecodable(format!("the image could not be decoded: {e}")),
        E::IoError(e) => {
            ImageError::Undecodable(format!("the image is truncated or unreadable: {e}"))
        }
        E::Parameter(e) => ImageError::Undecodable(format!("the image is invalid: {e}")),
        E::Encoding(e) => ImageError::Internal(format!("encoding failed: {e}")),
    }
}

/// JPEG has no alpha: composite onto white rather than dropping the channel (which would turn
/// transparent areas into whatever colour they happen to store).
fn flatten_to_rgb(image: DynamicImage) -> Vec<u8> {
    if !image.color().has_alpha() {
        return image.into_rgb8().into_raw();
    }
    let rgba = image.into_rgba8();
    let mut out = Vec::with_capacity(rgba.len() / 4 * 3);
    for px in rgba.as_raw().chunks_exact(4) {
        if let [r, g, b, a] = *px {
            let a = u16::from(a);
            for c in [r, g, b] {
                out.push(((u16::from(c) * a + 255 * (255 - a) + 127) / 255) as u8);
            }
        }
    }
    out
}

/// Output size for a width target: aspect kept, never upscaled, at least one pixel.
pub fn fit_width(width: u32, height: u32, target: u32) -> (u32, u32) {
    if width <= target {
        return (width, height);
    }
    let scaled = (u64::from(height) * u64::from(target) + u64::from(width) / 2) / u64::from(width);
    (target, u32::try_from(scaled).unwrap_or(u32::MAX).max(1))
}

fn resize(rgb: Vec<u8>, w: u32, h: u32, out_w: u32, out_h: u32) -> Result<Vec<u8>, ImageError> {
    if (w, h) == (out_w, out_h) {
        return Ok(rgb);
    }
    let internal = |e: &dyn std::fmt::Display| ImageError::Internal(format!("resize failed: {e}"));
    let src = fir::images::Image::from_vec_u8(w, h, rgb, fir::PixelType::U8x3)
        .map_err(|e| internal(&e))?;
    let mut dst = fir::images::Image::new(out_w, out_h, fir::PixelType::U8x3);
    let options = fir::ResizeOptions::new()
        .resize_alg(fir::ResizeAlg::Convolution(fir::FilterType::Lanczos3));
    fir::Resizer::new()
        .resize(&src, &mut dst, &options)
        .map_err(|e| internal(&e))?;
    Ok(dst.into_vec())
}

/// JPEG at 4:2:0 with the standard Huffman tables. jpeg-encoder is twice as fast as the
/// `image` crate's encoder. Its optimized tables would save ~15%, but zune-jpeg (the `image`
/// crate's decoder) misreads them on flat images, so they stay off until that is resolved.
fn encode_jpeg(rgb: &[u8], width: u32, height: u32, quality: u8) -> Result<Vec<u8>, ImageError> {
    let (w, h) = match (u16::try_from(width), u16::try_from(height)) {
        (Ok(w), Ok(h)) => (w, h),
        _ => {
            return Err(ImageError::TooLarge(format!(
                "{width}x{height} is beyond JPEG's 65535-pixel limit"
            )))
        }
    };
    let mut out = Vec::with_capacity(rgb.len() / 8);
    let mut encoder = jpeg_encoder::Encoder::new(&mut out, quality);
    encoder.set_sampling_factor(jpeg_encoder::SamplingFactor::R_4_2_0);
    encoder
        .encode(rgb, w, h, jpeg_encoder::ColorType::Rgb)
        .map_err(|e| ImageError::Internal(format!("JPEG encoding failed: {e}")))?;
    Ok(out)
}

#[cfg(test)]
mod tests;

//! Decoding an original into 8-bit RGB or RGBA at the smallest scale that covers the target,
//! after checking the chosen path's memory against the budget.

use super::jpeg;
use super::probe::{classify, reader, Probe};
use super::transform::ImageError;
use image::metadata::Orientation;
use image::{DynamicImage, ImageFormat, RgbImage, RgbaImage};

/// The heap a decode may use (input included), below the hosts' 128 MB with room for the
/// resize and encode buffers. Checked from the header, before anything is allocated.
pub const DECODE_BUDGET_BYTES: u64 = 100 * 1024 * 1024;

/// Pixels straight out of a decoder, before the fit.
#[derive(Debug)]
pub struct Decoded {
    pub pixels: Vec<u8>,
    /// 3 (RGB) or 4 (RGBA, straight alpha).
    pub channels: u8,
    pub width: u32,
    pub height: u32,
    pub path: &'static str,
    /// Whether an embedded ICC profile was converted to sRGB.
    pub icc_converted: bool,
}

/// Decodes so that the result, once upright, covers `upright_target`; then turns it upright.
pub fn decode(
    input: &[u8],
    probe: &Probe,
    upright_target: (u32, u32),
    max_pixels: u64,
) -> Result<Decoded, ImageError> {
    let (w, h) = upright_target;
    let stored_target = if probe.turns_sideways() {
        (h, w)
    } else {
        (w, h)
    };
    let decoded = match &probe.jpeg {
        Some(frame) => decode_jpeg(input, frame, stored_target)?,
        None => decode_other(input, probe, max_pixels)?,
    };
    let mut decoded = orient(decoded, probe.orientation)?;
    let is_cmyk = probe.jpeg.as_ref().is_some_and(|f| f.sampling.len() == 4);
    if let (Some(icc), false) = (&probe.icc, is_cmyk) {
        if super::color_profile::to_srgb(&mut decoded.pixels, decoded.channels, icc) {
            decoded.icc_converted = true;
        }
    }
    Ok(decoded)
}

/// Applies the EXIF orientation, on the decoded (usually already reduced) pixels.
fn orient(decoded: Decoded, orientation: Orientation) -> Result<Decoded, ImageError> {
    if orientation == Orientation::NoTransforms {
        return Ok(decoded);
    }
    let (w, h, channels, path) = (
        decoded.width,
        decoded.height,
        decoded.channels,
        decoded.path,
    );
    let bad = || ImageError::Internal("decoded buffer does not match its size".into());
    let mut image = if channels == 4 {
        DynamicImage::ImageRgba8(RgbaImage::from_raw(w, h, decoded.pixels).ok_or_else(bad)?)
    } else {
        DynamicImage::ImageRgb8(RgbImage::from_raw(w, h, decoded.pixels).ok_or_else(bad)?)
    };
    image.apply_orientation(orientation);
    Ok(Decoded {
        width: image.width(),
        height: image.height(),
        pixels: image.into_bytes(),
        channels,
        path,
        icc_converted: false,
    })
}

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

fn decode_jpeg(
    input: &[u8],
    frame: &jpeg::JpegFrame,
    target: (u32, u32),
) -> Result<Decoded, ImageError> {
    if !jpeg::markers::is_complete(input) {
        return Err(ImageError::Undecodable(
            "the JPEG is truncated: its scan data has no end marker".into(),
        ));
    }
    let (width, height) = (u32::from(frame.width), u32::from(frame.height));
    let denominator = jpeg::choose_denominator(width, height, target);
    let needed = jpeg::decode_memory(frame, denominator);
    over_budget(input, needed, width, height)?;
    let limit = usize::try_from(needed.saturating_mul(2)).unwrap_or(usize::MAX);
    let decoded = jpeg::decode(input, frame, denominator, limit)?;
    Ok(Decoded {
        pixels: decoded.rgb,
        channels: 3,
        width: decoded.width,
        height: decoded.height,
        path: decoded.path,
        icc_converted: false,
    })
}

/// RGBA to RGB in place, without a second buffer.
fn strip_alpha(mut rgba: Vec<u8>) -> Vec<u8> {
    let pixels = rgba.len() / 4;
    for i in 0..pixels {
        rgba.copy_within(4 * i..4 * i + 3, 3 * i);
    }
    rgba.truncate(3 * pixels);
    rgba
}

fn decode_other(input: &[u8], probe: &Probe, max_pixels: u64) -> Result<Decoded, ImageError> {
    let pixels = u64::from(probe.width) * u64::from(probe.height);
    // Measured in Viceroy: a 14.7 MP RGB PNG peaks at about 7 bytes per pixel (the decoder's
    // buffer, a conversion copy, the resizer's intermediate rows), so count 6 beyond the input.
    over_budget(input, pixels * 6, probe.width, probe.height)?;
    let mut reader = reader(input, probe.format);
    let mut limits = image::Limits::default();
    limits.max_alloc = Some(max_pixels.saturating_mul(8));
    reader.limits(limits);
    let image = reader.decode().map_err(classify)?;
    let (pixels, channels) = if probe.has_alpha {
        let rgba = image.into_rgba8().into_raw();
        // Many PNGs and every GIF carry an alpha channel they never use; treating those as
        // opaque lets `format=auto` choose a photo codec instead of PNG.
        if rgba.chunks_exact(4).all(|p| p.get(3) == Some(&255)) {
            (strip_alpha(rgba), 3)
        } else {
            (rgba, 4)
        }
    } else {
        (image.into_rgb8().into_raw(), 3)
    };
    Ok(Decoded {
        pixels,
        channels,
        width: probe.width,
        height: probe.height,
        path: match probe.format {
            ImageFormat::Png => "png",
            ImageFormat::WebP => "webp",
            ImageFormat::Gif => "gif-first-frame",
            _ => "full",
        },
        icc_converted: false,
    })
}

//! Decoding an original into 8-bit RGB or RGBA at the smallest scale that covers the target,
//! after checking the chosen path's memory against the budget.

use super::box_shrink;
use super::budget::{DecodeLimits, DECODE_BUDGET_BYTES};
use super::error::ImageError;
use super::gif_stream;
use super::jpeg;
use super::original::Original;
use super::png_stream;
use super::probe::{classify, reader, Probe};
use super::shrink_on_load;
use image::metadata::Orientation;
use image::{DynamicImage, ImageFormat, RgbImage, RgbaImage};

/// Pixels straight out of a decoder, before the fit.
#[derive(Debug)]
pub(crate) struct Decoded {
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
pub(crate) fn decode(
    original: &mut Original<'_>,
    probe: &Probe,
    upright_target: (u32, u32),
    max_pixels: u64,
) -> Result<Decoded, ImageError> {
    let stored_target = stored(probe, upright_target);
    let limits = limits_beside(original.bytes().len(), max_pixels);
    let decoded = match &probe.jpeg {
        Some(frame) => decode_jpeg(original, frame, stored_target, limits)?,
        None => decode_other(original.bytes(), probe, stored_target, limits)?,
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

/// The decode's target as the picture is stored: a sideways photo's width is its height.
fn stored(probe: &Probe, (w, h): (u32, u32)) -> (u32, u32) {
    if probe.turns_sideways() {
        (h, w)
    } else {
        (w, h)
    }
}

/// What the decoders may hold beyond an input of `input_len` bytes; each one checks what it
/// parsed itself against this before allocating, so a header the probe misread cannot widen
/// it.
fn limits_beside(input_len: usize, max_pixels: u64) -> DecodeLimits {
    DecodeLimits {
        max_pixels,
        max_bytes: DECODE_BUDGET_BYTES.saturating_sub(input_len as u64),
    }
}

/// The scale [`decode`] decodes a JPEG at for `upright_target`, and the limits it gives the
/// decoder; `None` for other formats, or when no scale fits (the decode says why).
pub(crate) fn jpeg_scale(
    input_len: usize,
    probe: &Probe,
    upright_target: (u32, u32),
    max_pixels: u64,
) -> Option<(u32, DecodeLimits)> {
    let limits = limits_beside(input_len, max_pixels);
    let frame = probe.jpeg.as_ref()?;
    let denominator =
        jpeg::choose_scale(frame, stored(probe, upright_target), limits.max_bytes).ok()?;
    Some((denominator, limits))
}

impl From<jpeg::DecodedJpeg> for Decoded {
    fn from(decoded: jpeg::DecodedJpeg) -> Self {
        Decoded {
            pixels: decoded.rgb,
            channels: 3,
            width: decoded.width,
            height: decoded.height,
            path: decoded.path,
            icc_converted: false,
        }
    }
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
    let estimate = (input.len() as u64).saturating_add(decode_bytes);
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
    original: &mut Original<'_>,
    frame: &jpeg::JpegFrame,
    target: (u32, u32),
    limits: DecodeLimits,
) -> Result<Decoded, ImageError> {
    // `limits.max_bytes` is the decode budget less the input, so this is the check the other
    // formats make with `over_budget`, allowing one smaller scale when the sharpest misses it.
    let denominator = jpeg::choose_scale(frame, target, limits.max_bytes)?;
    Ok(jpeg::decode_original(original, frame, denominator, limits)?.into())
}

/// RGBA to RGB in place, without a second buffer. Byte by byte rather than a `copy_within`
/// per pixel: whether that call is inlined is up to the compiler, and in wasm one that is not
/// becomes a `memory.copy` into the runtime for every three bytes (measured in Viceroy: the
/// decode of a 2 MP opaque RGBA PNG went from 30 to 56 ms when a change elsewhere in the crate
/// left it out of line).
fn strip_alpha(mut rgba: Vec<u8>) -> Vec<u8> {
    let pixels = rgba.len() / 4;
    for i in 0..pixels {
        let Some(&[r, g, b, _]) = rgba.get(4 * i..4 * i + 4) else {
            break;
        };
        if let Some([dr, dg, db]) = rgba.get_mut(3 * i..3 * i + 3) {
            (*dr, *dg, *db) = (r, g, b);
        }
    }
    rgba.truncate(3 * pixels);
    rgba
}

/// How a format's rows stream into the box shrink: its decode (`None`: left to the whole
/// decode) and the heap it plans at a factor.
struct RowDecoder {
    decode: fn(&[u8], (u32, u32), u32, DecodeLimits) -> RowsDecoded,
    planned_bytes: fn(u32, u32, u32) -> u64,
}

type RowsDecoded = Result<Option<(box_shrink::Shrunk, &'static str)>, ImageError>;

/// A PNG or GIF streamed through the box shrink (`None`: the rows decoder left it to the
/// whole decode, as for an interlaced picture at full size).
fn decode_rows(
    input: &[u8],
    probe: &Probe,
    target: (u32, u32),
    limits: DecodeLimits,
    rows: RowDecoder,
) -> Result<Option<Decoded>, ImageError> {
    let (width, height) = (probe.width, probe.height);
    limits.admit(u64::from(width), u64::from(height), Some(0))?;
    let factor = shrink_on_load::shrink_factor(width, height, target);
    // The resizer reads the reduced picture into buffers of about its size again.
    let reduced = box_shrink::planned_bytes(width, height, factor, 4).unwrap_or(u64::MAX);
    let needed = (rows.planned_bytes)(width, height, factor).saturating_add(reduced);
    if let Err(refusal) = over_budget(input, needed, width, height) {
        // Unreduced rows cost more than a whole decode (the shrink's copy and the resizer's):
        // the whole decode's own, smaller estimate decides.
        return if factor == 1 { Ok(None) } else { Err(refusal) };
    }
    let Some((shrunk, path)) = (rows.decode)(input, (width, height), factor, limits)? else {
        return Ok(None);
    };
    let (pixels, channels) = without_unused_alpha(shrunk.pixels, shrunk.channels);
    Ok(Some(Decoded {
        pixels,
        channels,
        width: shrunk.width,
        height: shrunk.height,
        path,
        icc_converted: false,
    }))
}

/// Many PNGs and every GIF carry an alpha channel they never use; treating those as opaque
/// lets `format=auto` choose a photo codec instead of PNG.
fn without_unused_alpha(pixels: Vec<u8>, channels: u8) -> (Vec<u8>, u8) {
    if channels == 4 && pixels.chunks_exact(4).all(|p| p.get(3) == Some(&255)) {
        (strip_alpha(pixels), 3)
    } else {
        (pixels, channels)
    }
}

fn decode_other(
    input: &[u8],
    probe: &Probe,
    target: (u32, u32),
    limits: DecodeLimits,
) -> Result<Decoded, ImageError> {
    let rows = match probe.format {
        ImageFormat::Png => Some(RowDecoder {
            decode: png_stream::decode,
            planned_bytes: png_stream::planned_bytes,
        }),
        ImageFormat::Gif => Some(RowDecoder {
            decode: gif_stream::decode,
            planned_bytes: gif_stream::planned_bytes,
        }),
        _ => None,
    };
    if let Some(rows) = rows {
        if let Some(decoded) = decode_rows(input, probe, target, limits, rows)? {
            return Ok(decoded);
        }
    }
    #[cfg(feature = "webp")]
    if probe.format == ImageFormat::WebP {
        let expected = (probe.width, probe.height);
        if let Some((shrunk, factor)) = super::webp_input::decode(input, expected, target, limits)?
        {
            let (pixels, channels) = without_unused_alpha(shrunk.pixels, shrunk.channels);
            return Ok(Decoded {
                pixels,
                channels,
                width: shrunk.width,
                height: shrunk.height,
                path: if factor == 1 {
                    "libwebp"
                } else {
                    "libwebp-scaled"
                },
                icc_converted: false,
            });
        }
    }
    let pixels = u64::from(probe.width) * u64::from(probe.height);
    // Measured in Viceroy: a 14.7 MP RGB PNG peaks at about 7 bytes per pixel (the decoder's
    // buffer, a conversion copy, the resizer's intermediate rows), so count 6 beyond the input.
    over_budget(input, pixels.saturating_mul(6), probe.width, probe.height)?;
    limits.admit(u64::from(probe.width), u64::from(probe.height), Some(0))?;
    // The decoders get the limits at allocation: no frame larger than the header the probe
    // read, and no allocation beyond what is left of the budget.
    let mut reader = reader(input, probe.format);
    let mut image_limits = image::Limits::default();
    image_limits.max_image_width = Some(probe.width);
    image_limits.max_image_height = Some(probe.height);
    image_limits.max_alloc = Some(limits.max_bytes);
    reader.limits(image_limits);
    let image = reader.decode().map_err(classify)?;
    if (image.width(), image.height()) != (probe.width, probe.height) {
        return Err(ImageError::Undecodable(
            "the image decoded to another size than its header declares".into(),
        ));
    }
    let (pixels, channels) = if probe.has_alpha {
        without_unused_alpha(image.into_rgba8().into_raw(), 4)
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

#[cfg(test)]
mod tests;

//! WebP input through libwebp's own decoder, reduced while it decodes: a lossy WebP then costs
//! memory for a few macroblock rows and the reduced picture, not the whole picture (a lossless
//! one is held whole by any VP8L decoder, as its back-references reach the whole picture).

use super::box_shrink::Shrunk;
use super::budget::DecodeLimits;
use super::error::ImageError;
use super::shrink_on_load::shrink_factor;
use tailor_webp::{decode_scaled, features, heap_bytes, WebpError};

/// A still WebP decoded to at most `factor` times smaller than `expected` while still covering
/// `target`, with the factor used. `Ok(None)` for an animated WebP (decoded elsewhere, first
/// frame only).
pub(crate) fn decode(
    input: &[u8],
    expected: (u32, u32),
    target: (u32, u32),
    limits: DecodeLimits,
) -> Result<Option<(Shrunk, u32)>, ImageError> {
    // The header as libwebp's decode itself will read it: the size budgeted is the size decoded.
    let found = features(input).map_err(classify)?;
    if found.animated || found.coding.is_none() {
        return Ok(None);
    }
    let (width, height) = (found.width, found.height);
    if (width, height) != expected {
        return Err(ImageError::Undecodable(
            "the WebP's header declares another size than the probe read".into(),
        ));
    }
    let factor = shrink_factor(width, height, target);
    let scaled = (width.div_ceil(factor), height.div_ceil(factor));
    let channels: u8 = if found.has_alpha { 4 } else { 3 };
    let output = u64::from(scaled.0)
        .saturating_mul(u64::from(scaled.1))
        .saturating_mul(u64::from(channels));
    // The output twice, as for PNG rows: the resizer reads it into buffers of about its size.
    let needed =
        heap_bytes(&found, scaled).map(|heap| heap.saturating_add(output.saturating_mul(2)));
    limits.admit(u64::from(width), u64::from(height), needed)?;
    let pixels = decode_scaled(input, &found, scaled, channels).map_err(classify)?;
    Ok(Some((
        Shrunk {
            pixels,
            channels,
            width: scaled.0,
            height: scaled.1,
        },
        factor,
    )))
}

fn classify(error: WebpError) -> ImageError {
    match error {
        WebpError::OutOfMemory => {
            ImageError::TooLarge("decoding this WebP would exceed the memory limit".into())
        }
        WebpError::Undecodable(why) => {
            ImageError::Undecodable(format!("the image could not be decoded: {why}"))
        }
    }
}

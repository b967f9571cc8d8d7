//! The two calls into libwebp (`WebPGetFeatures`, `WebPDecode`), the crate's only unsafe code:
//! each passes a slice's pointer and length, and the decode writes into a buffer it is told
//! the exact size and stride of, which libwebp checks before writing a row.
#![allow(unsafe_code)]

use super::{Coding, Features, WebpError};
use libwebp_sys::{
    VP8StatusCode, WebPBitstreamFeatures, WebPDecode, WebPDecoderConfig, WebPFreeDecBuffer,
    WebPGetFeatures, WEBP_CSP_MODE,
};
use std::ffi::c_int;

fn status_error(status: VP8StatusCode) -> WebpError {
    let why = match status {
        VP8StatusCode::VP8_STATUS_OUT_OF_MEMORY => return WebpError::OutOfMemory,
        VP8StatusCode::VP8_STATUS_INVALID_PARAM => "libwebp refused the decode's parameters",
        VP8StatusCode::VP8_STATUS_UNSUPPORTED_FEATURE => {
            "the WebP uses a feature libwebp does not decode"
        }
        VP8StatusCode::VP8_STATUS_NOT_ENOUGH_DATA => "the WebP is truncated",
        _ => "the WebP bitstream is damaged",
    };
    WebpError::Undecodable(why.into())
}

pub(crate) fn features(data: &[u8]) -> Result<Features, WebpError> {
    let mut raw = WebPBitstreamFeatures {
        width: 0,
        height: 0,
        has_alpha: 0,
        has_animation: 0,
        format: 0,
        pad: [0; 5],
    };
    // SAFETY: libwebp reads at most `data.len()` bytes from `data` and writes only `raw`.
    let status = unsafe { WebPGetFeatures(data.as_ptr(), data.len(), &mut raw) };
    if status != VP8StatusCode::VP8_STATUS_OK {
        return Err(status_error(status));
    }
    let dimension = |d: c_int| {
        u32::try_from(d)
            .ok()
            .filter(|&d| d > 0)
            .ok_or_else(|| WebpError::Undecodable("the WebP declares no size".into()))
    };
    Ok(Features {
        width: dimension(raw.width)?,
        height: dimension(raw.height)?,
        has_alpha: raw.has_alpha != 0,
        animated: raw.has_animation != 0,
        coding: match raw.format {
            1 => Some(Coding::Lossy),
            2 => Some(Coding::Lossless),
            _ => None,
        },
    })
}

/// Decodes the `full`-sized picture into `out`, which holds exactly `scaled.1` rows of
/// `scaled.0 * channels` bytes.
pub(crate) fn decode_into(
    data: &[u8],
    full: (u32, u32),
    scaled: (u32, u32),
    channels: u8,
    out: &mut [u8],
) -> Result<(), WebpError> {
    let invalid = || WebpError::Undecodable("the decode's size does not fit libwebp".into());
    let width = c_int::try_from(scaled.0).map_err(|_| invalid())?;
    let height = c_int::try_from(scaled.1).map_err(|_| invalid())?;
    let stride = width
        .checked_mul(c_int::from(channels))
        .ok_or_else(invalid)?;
    let expected = usize::try_from(i64::from(stride) * i64::from(height)).map_err(|_| invalid())?;
    if out.len() != expected {
        return Err(invalid());
    }
    let mut config = WebPDecoderConfig::new()
        .map_err(|()| WebpError::Undecodable("libwebp's decoder did not initialise".into()))?;
    // Only when reducing: libwebp's scaled path turns off its fancy chroma upsampling.
    if (scaled.0, scaled.1) != full {
        config.options.use_scaling = 1;
        config.options.scaled_width = width;
        config.options.scaled_height = height;
    }
    config.output.colorspace = if channels == 4 {
        WEBP_CSP_MODE::MODE_RGBA
    } else {
        WEBP_CSP_MODE::MODE_RGB
    };
    config.output.is_external_memory = 1;
    config.output.width = width;
    config.output.height = height;
    // RGBA is the member of the union libwebp reads for the RGB and RGBA colour spaces.
    config.output.u.RGBA.rgba = out.as_mut_ptr();
    config.output.u.RGBA.stride = stride;
    config.output.u.RGBA.size = out.len();
    // SAFETY: `data` is read within its length; libwebp checks the external buffer's stride and
    // size against the scaled size before decoding, and writes only within it. Its own
    // allocations are freed before it returns, and the external buffer is never freed by it.
    let status = unsafe { WebPDecode(data.as_ptr(), data.len(), &mut config) };
    // SAFETY: releases what libwebp may have attached to the output (nothing, for external
    // memory); the buffer itself stays ours.
    unsafe { WebPFreeDecBuffer(&mut config.output) };
    if status != VP8StatusCode::VP8_STATUS_OK {
        return Err(status_error(status));
    }
    Ok(())
}

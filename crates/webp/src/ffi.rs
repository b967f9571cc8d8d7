//! The calls into libwebp, the crate's only unsafe code: the feature probe and the decode pass
//! a slice's pointer and length, and the decode writes into a buffer it is told the exact size
//! and stride of, which libwebp checks before writing a row; the encode imports rows whose
//! length is checked here, and copies libwebp's output out before freeing it.
#![allow(unsafe_code)]

use super::{Coding, EncodeError, Features, Settings, WebpError};
use libwebp_sys::{
    VP8StatusCode, WebPBitstreamFeatures, WebPConfig, WebPDecode, WebPDecoderConfig, WebPEncode,
    WebPEncodingError, WebPFreeDecBuffer, WebPGetFeatures, WebPMemoryWrite, WebPMemoryWriter,
    WebPMemoryWriterClear, WebPMemoryWriterInit, WebPPicture, WebPPictureFree,
    WebPPictureImportRGB, WebPPictureImportRGBA, WebPValidateConfig, WEBP_CSP_MODE,
};
use std::ffi::c_int;
use std::mem::MaybeUninit;

/// A picture's rows as libwebp takes them: its sides, the bytes of a row and of them all.
struct Rows {
    width: c_int,
    height: c_int,
    stride: c_int,
    bytes: usize,
}

impl Rows {
    /// `None` when a side, a row or the whole does not fit libwebp's `int`s or the address space.
    fn of((width, height): (u32, u32), channels: u8) -> Option<Rows> {
        let width = c_int::try_from(width).ok()?;
        let height = c_int::try_from(height).ok()?;
        let stride = width.checked_mul(c_int::from(channels))?;
        let bytes = usize::try_from(i64::from(stride) * i64::from(height)).ok()?;
        Some(Rows {
            width,
            height,
            stride,
            bytes,
        })
    }
}

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
    let Rows {
        width,
        height,
        stride,
        bytes,
    } = Rows::of(scaled, channels).ok_or_else(invalid)?;
    if out.len() != bytes {
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

/// Lossy WebP of `height` rows of `width * channels` bytes (RGB or RGBA), imported straight
/// into libwebp's YUV(A) picture: `use_argb = 0`, so no 32-bit ARGB copy of the picture is
/// made first (the `webp` crate makes one; the YUV(A) conversion and every byte after it are
/// the same, since `WebPEncode` converts an ARGB picture with the same function).
pub(crate) fn encode(
    pixels: &[u8],
    channels: u8,
    (width, height): (u32, u32),
    settings: &Settings,
) -> Result<Vec<u8>, EncodeError> {
    let Rows {
        width: w,
        height: h,
        stride,
        bytes,
    } = Rows::of((width, height), channels)
        .ok_or_else(|| EncodeError::Invalid("the picture's size does not fit libwebp".into()))?;
    if w == 0 || h == 0 || !(channels == 3 || channels == 4) || pixels.len() != bytes {
        return Err(EncodeError::Invalid(
            "the pixels do not match the picture's size".into(),
        ));
    }
    let mut config = WebPConfig::new()
        .map_err(|()| EncodeError::Invalid("libwebp's encoder did not initialise".into()))?;
    config.quality = settings.quality;
    config.method = settings.method;
    config.alpha_compression = 1;
    // SAFETY: reads the config only.
    if unsafe { WebPValidateConfig(&config) } == 0 {
        return Err(EncodeError::Invalid("libwebp refused the settings".into()));
    }
    let mut picture = WebPPicture::new()
        .map_err(|()| EncodeError::Invalid("libwebp's picture did not initialise".into()))?;
    picture.use_argb = 0;
    picture.width = w;
    picture.height = h;
    // SAFETY: libwebp reads `h` rows of `stride` bytes from `pixels`, which holds exactly that
    // many (checked above), and allocates the picture's planes itself.
    let imported = unsafe {
        if channels == 4 {
            WebPPictureImportRGBA(&mut picture, pixels.as_ptr(), stride)
        } else {
            WebPPictureImportRGB(&mut picture, pixels.as_ptr(), stride)
        }
    };
    if imported == 0 {
        // SAFETY: frees whatever planes the failed import allocated.
        unsafe { WebPPictureFree(&mut picture) };
        return Err(EncodeError::OutOfMemory);
    }
    let mut writer = MaybeUninit::<WebPMemoryWriter>::uninit();
    // SAFETY: initialises the writer in place; it is not moved while libwebp holds its address.
    unsafe { WebPMemoryWriterInit(writer.as_mut_ptr()) };
    picture.writer = Some(WebPMemoryWrite);
    picture.custom_ptr = writer.as_mut_ptr().cast();
    // SAFETY: the config was validated and the picture holds the imported planes; libwebp
    // appends its output to the writer through `WebPMemoryWrite`.
    let encoded = unsafe { WebPEncode(&config, &mut picture) };
    let error = picture.error_code;
    // SAFETY: frees the picture's planes; the writer is separate.
    unsafe { WebPPictureFree(&mut picture) };
    // SAFETY: `WebPMemoryWriterInit` initialised it.
    let mut writer = unsafe { writer.assume_init() };
    let result = if encoded == 0 {
        Err(match error {
            WebPEncodingError::VP8_ENC_ERROR_OUT_OF_MEMORY
            | WebPEncodingError::VP8_ENC_ERROR_BITSTREAM_OUT_OF_MEMORY => EncodeError::OutOfMemory,
            other => EncodeError::Invalid(format!("libwebp's encoder failed: {other:?}")),
        })
    } else if writer.mem.is_null() {
        Err(EncodeError::Invalid("libwebp wrote nothing".into()))
    } else {
        // SAFETY: libwebp's writer holds `size` initialised bytes at `mem`.
        let written = unsafe { std::slice::from_raw_parts(writer.mem, writer.size) };
        let mut out = Vec::new();
        out.try_reserve_exact(written.len())
            .map(|()| {
                out.extend_from_slice(written);
                out
            })
            .map_err(|_| EncodeError::OutOfMemory)
    };
    // SAFETY: frees the writer's buffer, which nothing refers to any more.
    unsafe { WebPMemoryWriterClear(&mut writer) };
    result
}

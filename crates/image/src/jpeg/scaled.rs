//! The general JPEG path: `jpeg-decoder` with its scaled inverse DCT, for the scales and files
//! routed away from Tailor's decoder and every feature it leaves out (CMYK, 1/1 scale, ...).

use super::{DecodedJpeg, JpegFrame};
use crate::budget::DecodeLimits;
use crate::error::ImageError;
use jpeg_decoder::{CodingProcess, Decoder, Error, PixelFormat};

/// Decodes with jpeg-decoder at 1/`denominator`. jpeg-decoder sizes its buffers from the first
/// frame header it reads, so that header is read first (nothing proportional to it is allocated
/// yet) and must be the one the marker walk found; then its own size is held to `limits`.
pub(super) fn decode(
    input: &[u8],
    frame: &JpegFrame,
    denominator: u32,
    limits: DecodeLimits,
) -> Result<DecodedJpeg, ImageError> {
    if frame.precision != 8 {
        return Err(ImageError::Unsupported(format!(
            "{}-bit JPEG is not supported",
            frame.precision
        )));
    }
    let mut decoder = Decoder::new(input);
    decoder.set_max_decoding_buffer_size(usize::try_from(limits.max_bytes).unwrap_or(usize::MAX));
    check_frame(&mut decoder, frame)?;
    // The frame jpeg-decoder read is the walked one, so its buffers are these.
    limits.admit(
        u64::from(frame.width),
        u64::from(frame.height),
        planned_bytes(frame, denominator),
    )?;
    let request =
        |size: u16| u16::try_from(u32::from(size).div_ceil(denominator)).unwrap_or(u16::MAX);
    let (width, height) = decoder
        .scale(request(frame.width), request(frame.height))
        .map_err(classify)?;
    let pixels = decoder.decode().map_err(classify)?;
    let format = decoder
        .info()
        .map(|i| i.pixel_format)
        .ok_or_else(|| ImageError::Internal("no frame info".into()))?;
    let rgb = match format {
        PixelFormat::RGB24 => pixels,
        PixelFormat::L8 => pixels.iter().flat_map(|&g| [g, g, g]).collect(),
        PixelFormat::CMYK32 => cmyk_to_rgb(&pixels),
        PixelFormat::L16 => {
            return Err(ImageError::Unsupported(
                "16-bit JPEG is not supported".into(),
            ))
        }
    };
    Ok(DecodedJpeg {
        rgb,
        width: u32::from(width),
        height: u32::from(height),
        denominator,
        path: "jpeg-decoder",
    })
}

/// Reads jpeg-decoder's frame header (up to the first SOF: nothing proportional to the image is
/// allocated yet) and refuses to go on unless it is the frame the marker walk found.
fn check_frame(decoder: &mut Decoder<&[u8]>, frame: &JpegFrame) -> Result<(), ImageError> {
    decoder.read_info().map_err(classify)?;
    let info = decoder
        .info()
        .ok_or_else(|| ImageError::Internal("no frame info".into()))?;
    let components = match info.pixel_format {
        PixelFormat::L8 | PixelFormat::L16 => 1,
        PixelFormat::RGB24 => 3,
        PixelFormat::CMYK32 => 4,
    };
    let progressive = info.coding_process == CodingProcess::DctProgressive;
    if (info.width, info.height) != (frame.width, frame.height)
        || components != frame.sampling.len()
        || progressive != frame.progressive
    {
        return Err(ImageError::Undecodable(
            "the JPEG's frame header is not the one its marker structure declares".into(),
        ));
    }
    Ok(())
}

/// What jpeg-decoder allocates for `frame` at 1/`denominator`, beyond fixed-size tables: every
/// component's MCU-padded blocks as a plane at the output scale (and, progressive, as 64 16-bit
/// coefficients), its upsampling line buffers, the interleaved output, and Tailor's conversion
/// of gray or CMYK output to RGB. `None` beyond 64 bits.
pub(super) fn planned_bytes(frame: &JpegFrame, denominator: u32) -> Option<u64> {
    let d = u64::from(denominator.clamp(1, 8));
    let (w, h) = (u64::from(frame.width), u64::from(frame.height));
    let h_max = u64::from(frame.sampling.iter().map(|s| s.0).max()?.max(1));
    let v_max = u64::from(frame.sampling.iter().map(|s| s.1).max()?.max(1));
    let (mcus_wide, mcus_high) = (w.div_ceil(8 * h_max), h.div_ceil(8 * v_max));
    let per_block = (8 / d) * (8 / d) + if frame.progressive { 128 } else { 0 };
    let mut total = 0u64;
    for &(hs, vs) in &frame.sampling {
        let blocks = (mcus_wide * u64::from(hs)).checked_mul(mcus_high * u64::from(vs))?;
        total = total.checked_add(blocks.checked_mul(per_block)?)?;
    }
    let components = frame.sampling.len() as u64;
    let out = w.div_ceil(d).checked_mul(h.div_ceil(d))?;
    let converted = if components == 3 {
        0
    } else {
        out.checked_mul(3)?
    };
    let lines = w * h_max * components * 2;
    total
        .checked_add(out.checked_mul(components)?)?
        .checked_add(converted)?
        .checked_add(lines)
}

/// jpeg-decoder un-inverts Adobe CMYK, so these are true ink amounts. A naive conversion is
/// close enough for previews until an ICC-managed conversion lands.
fn cmyk_to_rgb(cmyk: &[u8]) -> Vec<u8> {
    cmyk.chunks_exact(4)
        .flat_map(|px| {
            let [c, m, y, k] = [px.first(), px.get(1), px.get(2), px.get(3)]
                .map(|v| 255 - u16::from(*v.unwrap_or(&0)));
            [c, m, y].map(|v| ((v * k + 127) / 255) as u8)
        })
        .collect()
}

fn classify(error: Error) -> ImageError {
    match error {
        Error::Unsupported(feature) => {
            ImageError::Unsupported(format!("unsupported JPEG feature: {feature:?}"))
        }
        Error::Format(message) => {
            ImageError::Undecodable(format!("the JPEG could not be decoded: {message}"))
        }
        Error::Io(e) => {
            ImageError::Undecodable(format!("the JPEG is truncated or unreadable: {e}"))
        }
        Error::Internal(e) => ImageError::Internal(format!("JPEG decoder: {e}")),
    }
}

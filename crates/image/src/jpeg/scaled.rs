//! The general JPEG path: `jpeg-decoder` with its scaled inverse DCT, for the scales and files
//! routed away from Tailor's decoder and every feature it leaves out (CMYK, 1/1 scale, ...).

use super::{DecodedJpeg, JpegFrame};
use crate::transform::ImageError;
use jpeg_decoder::{Decoder, Error, PixelFormat};

pub fn decode(
    input: &[u8],
    frame: &JpegFrame,
    denominator: u32,
    buffer_limit: usize,
) -> Result<DecodedJpeg, ImageError> {
    if frame.precision != 8 {
        return Err(ImageError::Unsupported(format!(
            "{}-bit JPEG is not supported",
            frame.precision
        )));
    }
    let mut decoder = Decoder::new(input);
    decoder.set_max_decoding_buffer_size(buffer_limit);
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

//! What an original is, from its header alone: format, declared size, transparency. Nothing is
//! decoded and nothing proportional to the declared size is allocated.

use super::error::ImageError;
use super::jpeg;
use image::metadata::Orientation;
use image::{ImageDecoder, ImageFormat, ImageReader};
use std::io::Cursor;

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Probe {
    pub format: ImageFormat,
    pub width: u32,
    pub height: u32,
    pub has_alpha: bool,
    /// The embedded ICC profile, if any.
    pub icc: Option<Vec<u8>>,
    /// The EXIF orientation: how the stored pixels must be turned to be upright.
    pub orientation: Orientation,
    /// The JPEG frame header, for JPEG inputs.
    pub jpeg: Option<jpeg::JpegFrame>,
}

impl Probe {
    /// Whether the orientation swaps width and height.
    pub(crate) fn turns_sideways(&self) -> bool {
        matches!(
            self.orientation,
            Orientation::Rotate90
                | Orientation::Rotate270
                | Orientation::Rotate90FlipH
                | Orientation::Rotate270FlipH
        )
    }

    /// The size as displayed, after orientation.
    pub(crate) fn upright_size(&self) -> (u32, u32) {
        if self.turns_sideways() {
            (self.height, self.width)
        } else {
            (self.width, self.height)
        }
    }

    pub(crate) fn format_name(&self) -> &'static str {
        match self.format {
            ImageFormat::Jpeg => "jpeg",
            ImageFormat::Png => "png",
            ImageFormat::WebP => "webp",
            ImageFormat::Gif => "gif",
            _ => "other",
        }
    }
}

pub(crate) fn probe(input: &[u8]) -> Result<Probe, ImageError> {
    let format = sniff(input)?;
    let probe = if format == ImageFormat::Jpeg {
        // The whole marker structure, walked by the same walker the decoders use.
        let structure = jpeg::structure::read(input).map_err(|e| match e {
            jpeg::StructureError::Walk(jpeg::markers::WalkError::Unsupported(_)) => {
                ImageError::Unsupported(e.to_string())
            }
            _ => ImageError::Undecodable(e.to_string()),
        })?;
        let orientation = structure.exif.and_then(Orientation::from_exif_chunk);
        let frame = structure.frame;
        Probe {
            format,
            width: u32::from(frame.width),
            height: u32::from(frame.height),
            has_alpha: false,
            icc: structure.icc,
            orientation: orientation.unwrap_or(Orientation::NoTransforms),
            jpeg: Some(frame),
        }
    } else {
        let mut decoder = reader(input, format).into_decoder().map_err(classify)?;
        let (width, height) = decoder.dimensions();
        // A broken EXIF block is not worth refusing the image over.
        let orientation = decoder.orientation().unwrap_or(Orientation::NoTransforms);
        let icc = decoder.icc_profile().ok().flatten();
        Probe {
            format,
            width,
            height,
            has_alpha: decoder.color_type().has_alpha(),
            icc,
            orientation,
            jpeg: None,
        }
    };
    if probe.width == 0 || probe.height == 0 {
        return Err(ImageError::Undecodable(
            "the image declares no pixels".into(),
        ));
    }
    Ok(probe)
}

fn sniff(input: &[u8]) -> Result<ImageFormat, ImageError> {
    match image::guess_format(input) {
        Ok(
            format @ (ImageFormat::Jpeg | ImageFormat::Png | ImageFormat::WebP | ImageFormat::Gif),
        ) => Ok(format),
        Ok(other) => Err(ImageError::Unsupported(format!(
            "{} input is not supported yet",
            other.extensions_str().first().unwrap_or(&"this")
        ))),
        Err(_) => Err(ImageError::Unsupported(
            "the origin did not return a known image format".into(),
        )),
    }
}

pub(crate) fn reader(input: &[u8], format: ImageFormat) -> ImageReader<Cursor<&[u8]>> {
    let mut reader = ImageReader::new(Cursor::new(input));
    reader.set_format(format);
    reader
}

pub(crate) fn classify(error: image::ImageError) -> ImageError {
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

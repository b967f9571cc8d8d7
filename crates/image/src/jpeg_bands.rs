//! A large baseline JPEG's reduced outputs made from its planes band by band: decoded at 1/2
//! by Tailor's decoder into planes whose RGB rows (colour-managed per band) the resize renders
//! as it needs them, so the whole picture is never held (37.5 MB for a 50 MP photo, beside
//! jpeg-decoder's planes: a `full` variant of one peaked at 60 MB in Viceroy).

use super::color_profile::ToSrgb;
use super::decode::{jpeg_scale, Decoded};
use super::error::ImageError;
use super::geometry::Plan;
use super::jpeg::{read_rows, tailor_handles, JpegRows};
use super::original::Original;
use super::probe::Probe;
use super::resize::{resize_turned, Alpha};
use super::source_rows::SourceRows;
use super::turn::sideways;
use image::metadata::Orientation;

/// Above this many bytes of RGB, a baseline JPEG decoded at 1/2 is rendered in bands (a
/// 22 MP photo and larger). Below it the whole decode stays: jpeg-decoder's integer IDCT
/// decodes a baseline file at 1/2 faster than Tailor's, and the picture is small beside the
/// budget.
const BANDS_ABOVE_BYTES: u64 = 16 << 20;

/// A decoded JPEG's planes, as [`SourceRows`] for the resize.
pub(crate) struct JpegBands {
    rows: JpegRows,
    /// How the stored picture is turned upright.
    orientation: Orientation,
    to_srgb: Option<ToSrgb>,
}

/// Reads `original` into planes when it is a baseline JPEG to be decoded at 1/2 whose whole
/// picture would be large, and lets the original go; `None` when the whole decode should run
/// instead.
pub(crate) fn open(
    original: &mut Original<'_>,
    probe: &Probe,
    upright_target: (u32, u32),
    max_pixels: u64,
) -> Result<Option<JpegBands>, ImageError> {
    open_above(
        original,
        probe,
        (upright_target, max_pixels),
        BANDS_ABOVE_BYTES,
    )
}

/// [`open`] for whole pictures above `above_bytes` of RGB (tests take smaller ones).
fn open_above(
    original: &mut Original<'_>,
    probe: &Probe,
    (upright_target, max_pixels): ((u32, u32), u64),
    above_bytes: u64,
) -> Result<Option<JpegBands>, ImageError> {
    let Some(frame) = &probe.jpeg else {
        return Ok(None);
    };
    let scale = jpeg_scale(original.bytes().len(), probe, upright_target, max_pixels);
    let Some((2, limits)) = scale else {
        return Ok(None);
    };
    let whole_bytes = u64::from(probe.width.div_ceil(2)) * u64::from(probe.height.div_ceil(2)) * 3;
    let banded = !frame.progressive && tailor_handles(frame) && whole_bytes > above_bytes;
    if !banded {
        return Ok(None);
    }
    let Some(rows) = read_rows(original, 2, limits)? else {
        return Ok(None);
    };
    Ok(Some(JpegBands {
        rows,
        orientation: probe.orientation,
        to_srgb: probe.icc.as_deref().and_then(|icc| ToSrgb::new(icc, 3)),
    }))
}

impl JpegBands {
    /// The output of `plan` (made on the upright picture), resized from the planes band by
    /// band and turned upright a band at a time.
    pub(crate) fn resize(&mut self, plan: &Plan) -> Result<Option<Vec<u8>>, ImageError> {
        let orientation = self.orientation;
        resize_turned(self, plan, Alpha::Straight, orientation)
    }

    /// What the transform knows of the upright picture; its pixels are the bands'.
    pub(crate) fn header(&self) -> Decoded {
        let (stored_width, stored_height) = self.rows.size();
        let (width, height) = if sideways(self.orientation) {
            (stored_height, stored_width)
        } else {
            (stored_width, stored_height)
        };
        Decoded {
            pixels: Vec::new(),
            channels: 3,
            width,
            height,
            path: "reduced-idct-bands",
            icc_converted: self.to_srgb.is_some(),
        }
    }
}

impl SourceRows for JpegBands {
    fn shape(&self) -> (u32, u32, u8) {
        let (width, height) = self.rows.size();
        (width, height, 3)
    }

    fn rows(&mut self, first: u32, last: u32) -> (u32, &[u8]) {
        let start = first.min(self.rows.size().1);
        let rgb = self.rows.render(first, last);
        if let Some(to_srgb) = &self.to_srgb {
            to_srgb.convert(rgb, 3);
        }
        (start, rgb)
    }

    fn renders(&self) -> bool {
        true
    }
}

#[cfg(test)]
mod tests;

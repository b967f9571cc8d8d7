//! Outputs that are the original's own coded pixels, found before anything is decoded: a JPEG
//! served at its own size, in JPEG, upright, with no colour profile to convert, its chroma
//! subsampled as Tailor's encoder would (4:2:0, or grey), saved below the variant's quality.
//! Re-encoding such a file at a higher quality than it was saved at keeps its artifacts in more
//! bytes, so the transform, which compares the two after encoding and keeps the smaller, kept
//! the original anyway; here the decode and the encode are skipped. The metadata is stripped as
//! on every kept original. The file's structure was checked by the probe (the same walker the
//! decoders and the stripper use); its entropy-coded data is not decoded, so damage inside a
//! scan is served as the origin has it, where a decode would have refused it.

use super::format::OutputFormat;
use super::geometry::Plan;
use super::jpeg;
use super::metadata::strip as strip_metadata;
use super::probe::Probe;
use image::metadata::Orientation;
use image::ImageFormat;

/// Whether `plan` leaves the original as it is: neither resized, cropped, padded nor turned.
/// Only such an output may be the original's own bytes.
pub(crate) fn unchanged(probe: &Probe, plan: &Plan) -> bool {
    probe.orientation == Orientation::NoTransforms
        && plan.scaled == (probe.width, probe.height)
        && plan.canvas == plan.scaled
}

/// The original, metadata stripped, when it can stand for an output in `format` at
/// `jpeg_quality` made by `plan` without being decoded (see the module's note).
pub(crate) fn served_as_is(
    probe: &Probe,
    input: &[u8],
    plan: &Plan,
    format: OutputFormat,
    jpeg_quality: u8,
) -> Option<Vec<u8>> {
    let frame = probe.jpeg.as_ref()?;
    // Only what the decoders would take (8-bit Huffman-coded frames: baseline, extended,
    // progressive), YCbCr or grey as the decode would show it: no CMYK, no profile to convert.
    let decodable = matches!(frame.marker, 0xC0..=0xC2) && frame.precision == 8;
    // Chroma already halved both ways (or none): a 4:4:4 original re-encoded at 4:2:0, as
    // Tailor encodes, can come out smaller at the same quality.
    let subsampled = matches!(frame.sampling.as_slice(), [_] | [(2, 2), (1, 1), (1, 1)]);
    let plain = decodable && subsampled && probe.icc.is_none();
    if !plain || format != OutputFormat::Jpeg || !unchanged(probe, plan) {
        return None;
    }
    // Strictly below: re-encoded at its own quality a file can come out a little smaller
    // (0.2 % on a test photo), having lost detail again.
    let saved_at = jpeg::quality::estimate(input)?;
    if saved_at >= jpeg_quality {
        return None;
    }
    strip_metadata(ImageFormat::Jpeg, input)
}

#[cfg(test)]
mod tests;

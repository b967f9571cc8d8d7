//! Outputs made from the original's own coded blocks, before anything is decoded to pixels: a
//! JPEG served at its own size, in JPEG, upright, with no colour profile to convert.
//!
//! Saved below the variant's quality with its chroma subsampled as Tailor's encoder would
//! (4:2:0, or grey), it is served as it is: re-encoding it at a higher quality keeps its
//! artifacts in more bytes, so the transform, which compares the two after encoding and keeps
//! the smaller, kept the original anyway. The file's structure was checked by the probe (the
//! same walker the decoders and the stripper use); its entropy-coded data is not decoded, so
//! damage inside a scan is served as the origin has it, where a decode would have refused it.
//!
//! Otherwise (saved at or above it, or with 4:2:2 chroma), a baseline file has its
//! coefficients requantized to the variant's quality (`jpeg::requantize`), or the original is
//! served when that comes out no smaller. The metadata is stripped as on every kept original.
//! The request's other outputs are then rendered from the blocks the requantizer reads
//! (`jpeg::one_pass`) when they are wanted at a reduced scale.

use super::budget::DecodeLimits;
use super::format::OutputFormat;
use super::geometry::Plan;
use super::jpeg;
use super::jpeg::one_pass::{requantize_with_picture, PassPicture};
use super::jpeg::requantize::{requantize, Requantized};
use super::metadata::{strip as strip_metadata, stripped_len};
use super::probe::Probe;
use super::transformed::{Timings, Transformed};
use image::metadata::Orientation;
use image::ImageFormat;

/// Whether `plan` leaves the original as it is: neither resized, cropped, padded nor turned.
/// Only such an output may be the original's own bytes.
pub(crate) fn unchanged(probe: &Probe, plan: &Plan) -> bool {
    probe.orientation == Orientation::NoTransforms
        && plan.scaled == (probe.width, probe.height)
        && plan.canvas == plan.scaled
}

/// Whether an output in `format` made by `plan` might be made without a decode to pixels;
/// when not, it surely needs them.
pub(crate) fn may_skip_pixels(probe: &Probe, plan: &Plan, format: OutputFormat) -> bool {
    probe.jpeg.is_some()
        && probe.icc.is_none()
        && format == OutputFormat::Jpeg
        && unchanged(probe, plan)
}

/// An output made without a decode to pixels, and which way.
pub(crate) struct Undecoded {
    pub(crate) bytes: Vec<u8>,
    /// `original` or `requantized`, as `Transformed::decode_path` reports it.
    pub(crate) path: &'static str,
    /// The picture the requantizer rendered for the other outputs on its way, if asked to.
    pub(crate) picture: Option<PassPicture>,
}

/// The output in `format` at `jpeg_quality` that `plan` asks of the original when it can be
/// made from its coded blocks (see the module's note); when it is requantized and `picture`
/// names a scale and the limits of the other outputs' decode, with that picture.
pub(crate) fn undecoded(
    probe: &Probe,
    input: &[u8],
    plan: &Plan,
    (format, jpeg_quality): (OutputFormat, u8),
    picture: Option<(u32, DecodeLimits)>,
) -> Option<Undecoded> {
    let original = |bytes| Undecoded {
        bytes,
        path: "original",
        picture: None,
    };
    if let Some(bytes) = served_as_is(probe, input, plan, format, jpeg_quality) {
        return Some(original(bytes));
    }
    let frame = probe.jpeg.as_ref()?;
    let baseline = matches!(frame.marker, 0xC0 | 0xC1) && frame.precision == 8;
    if !baseline || !may_skip_pixels(probe, plan, format) {
        return None;
    }
    let limit = stripped_len(ImageFormat::Jpeg, input)?;
    let (requantized, picture) = match picture {
        Some((denominator, limits)) => {
            requantize_with_picture(input, jpeg_quality, limit, denominator, limits)
        }
        None => (requantize(input, jpeg_quality, limit), None),
    };
    match requantized {
        Requantized::Made(bytes) => Some(Undecoded {
            bytes,
            path: "requantized",
            picture,
        }),
        Requantized::NotSmaller => strip_metadata(ImageFormat::Jpeg, input).map(original),
        Requantized::Unsupported => None,
    }
}

/// Per job (`plans`, each with its format and JPEG quality), the output made from the
/// original's coded blocks when it can be and the milliseconds that took; and the picture the
/// requantizer rendered for the other outputs when `pass_scale` asked for one (the first
/// requantized output renders it).
pub(crate) fn undecoded_outputs(
    probe: &Probe,
    input: &[u8],
    plans: &[Plan],
    outputs: &[(OutputFormat, u8)],
    mut pass_scale: Option<(u32, DecodeLimits)>,
    now: &dyn Fn() -> f64,
) -> (Vec<Option<(Undecoded, f64)>>, Option<PassPicture>) {
    let mut picture = None;
    let mut made = Vec::with_capacity(plans.len());
    for (plan, &output) in plans.iter().zip(outputs) {
        let started = now();
        let undecoded = undecoded(probe, input, plan, output, pass_scale);
        // Requantizing is this output's encode; serving the original costs next to nothing
        // and is reported as before, without an encode.
        made.push(undecoded.map(|mut undecoded| {
            if undecoded.picture.is_some() {
                (picture, pass_scale) = (undecoded.picture.take(), None);
            }
            let ms = if undecoded.path == "requantized" {
                now() - started
            } else {
                0.0
            };
            (undecoded, ms)
        }));
    }
    (made, picture)
}

/// An output made from the original's coded blocks (the original's bytes, metadata stripped,
/// or its coefficients requantized) in `encode_ms`, served as the plan's unchanged picture;
/// `decode_ms` is the request's shared decode (of the other outputs, if any).
pub(crate) fn undecoded_output(
    (made, encode_ms): (Undecoded, f64),
    plan: &Plan,
    probe: &Probe,
    decode_ms: f64,
) -> Transformed {
    let (width, height) = plan.output();
    Transformed {
        bytes: made.bytes,
        format: OutputFormat::Jpeg,
        width,
        height,
        input_width: probe.width,
        input_height: probe.height,
        orientation: probe.orientation.to_exif(),
        icc_converted: false,
        input_format: probe.format_name(),
        decode_path: made.path,
        timings: Timings {
            decode_ms,
            resize_ms: 0.0,
            encode_ms,
        },
    }
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

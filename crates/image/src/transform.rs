//! The transform pipeline: probe the header → check limits → decode at the smallest covering
//! scale → fit to the target width → encode in the negotiated format.

use super::as_is::{may_skip_pixels, unchanged, undecoded_output, undecoded_outputs};
use super::canvas::pad;
use super::decode::{decode, jpeg_scale};
use super::encode::encode_negotiated;
pub use super::encode::Qualities;
use super::error::ImageError;
use super::format::{ClientFormats, FormatRequest, OutputFormat};
use super::geometry::{plan, Geometry, Plan};
use super::jpeg::one_pass::PassPicture;
use super::jpeg_bands;
use super::metadata::{strip as strip_metadata, stripped_len};
use super::original::Original;
use super::probe::probe;
use super::resize::{premultiply, resamples, resize, Alpha};
pub use super::transformed::{Timings, Transformed};
use image::ImageFormat;
use std::borrow::Cow;

/// What to make of an original.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Job {
    /// The box to fit the upright image into, and how.
    pub geometry: Geometry,
    /// Padding, and the backdrop for transparency in JPEG output.
    pub background: [u8; 3],
    /// Encoder qualities; `None` adapts them to the input size.
    pub quality: Option<Qualities>,
    /// The requested output format, resolved against `client`.
    pub format: FormatRequest,
    /// What the client's `Accept` allows, for `format=auto`.
    pub client: ClientFormats,
    /// Largest input (width x height, in pixels) that is decoded; more is `TooLarge`.
    pub max_pixels: u64,
    /// No side of the output exceeds this (`limits.max_output_width`), whatever the fit.
    pub max_output_side: u32,
}

/// Runs `job` on `input`. `now` is the host clock in milliseconds, used only for the timings.
pub fn transform(
    input: &[u8],
    job: &Job,
    now: &dyn Fn() -> f64,
) -> Result<Transformed, ImageError> {
    transform_many(input, std::slice::from_ref(job), now)?
        .into_iter()
        .next()
        .ok_or_else(|| ImageError::Internal("no output".into()))
}

/// Runs several jobs on one decode (sized for the largest), e.g. a requested variant and its
/// smaller siblings, so a cache can be filled without decoding the original again.
pub fn transform_many(
    input: &[u8],
    jobs: &[Job],
    now: &dyn Fn() -> f64,
) -> Result<Vec<Transformed>, ImageError> {
    transform_input(Cow::Borrowed(input), jobs, now)
}

/// [`transform_many`] on an original the caller hands over: its bytes are freed as soon as
/// it is decoded unless an output may be the original itself, so the resize and the encoder
/// reuse that memory (a 16 MB original is a third of a `full` variant's peak).
pub fn transform_many_owned(
    input: Vec<u8>,
    jobs: &[Job],
    now: &dyn Fn() -> f64,
) -> Result<Vec<Transformed>, ImageError> {
    transform_input(Cow::Owned(input), jobs, now)
}

fn transform_input(
    input: Cow<'_, [u8]>,
    jobs: &[Job],
    now: &dyn Fn() -> f64,
) -> Result<Vec<Transformed>, ImageError> {
    let start = now();
    let input_len = input.len();
    let probe = probe(&input)?;
    let (width, height) = (probe.width, probe.height);
    let pixels = u64::from(width) * u64::from(height);
    let max_pixels = jobs.iter().map(|j| j.max_pixels).min().unwrap_or(0);
    if pixels > max_pixels {
        return Err(ImageError::TooLarge(format!(
            "the image is {width}x{height} ({pixels} pixels), over the {max_pixels}-pixel limit"
        )));
    }
    // Plans are made on the upright image: a portrait phone photo stored sideways is fitted as
    // a portrait.
    let (upright_width, upright_height) = probe.upright_size();
    let plans: Vec<Plan> = jobs
        .iter()
        .map(|job| {
            plan(
                upright_width,
                upright_height,
                &job.geometry,
                job.max_output_side,
            )
        })
        .collect();
    let qualities: Vec<Qualities> = jobs
        .iter()
        .map(|job| {
            job.quality
                .unwrap_or_else(|| Qualities::adaptive(input_len))
        })
        .collect();
    // Outputs made from the original's coded blocks need no decode (`as_is`); the others are
    // made from one decode sized for the largest of them. When those surely need a reduced
    // scale, the requantizer renders it from the blocks it reads (`jpeg::one_pass`).
    let kinds: Vec<(OutputFormat, u8)> = jobs
        .iter()
        .zip(&qualities)
        .map(|(job, quality)| {
            (
                job.format.resolve(job.client, probe.has_alpha),
                quality.jpeg,
            )
        })
        .collect();
    let needing_pixels = plans
        .iter()
        .zip(&kinds)
        .filter(|&(plan, &(format, _))| !may_skip_pixels(&probe, plan, format));
    let pass_scale = largest(needing_pixels.map(|(plan, _)| plan))
        .and_then(|target| jpeg_scale(input_len, &probe, target, max_pixels))
        .filter(|&(denominator, _)| denominator > 1);
    let (mut as_is, picture) = undecoded_outputs(&probe, &input, &plans, &kinds, pass_scale, now);
    // Time spent making those is theirs (`encode`), not the shared decode's.
    let undecoded_ms: f64 = as_is.iter().flatten().map(|(_, ms)| ms).sum();
    let made: Vec<usize> = (0..jobs.len())
        .filter(|&index| as_is.get(index).is_some_and(Option::is_none))
        .collect();
    let made_plans = || made.iter().filter_map(|&index| plans.get(index));
    let Some(&last_made) = made.last() else {
        let probe_ms = now() - start - undecoded_ms;
        let outputs = as_is.into_iter().zip(&plans);
        return Ok(outputs
            .filter_map(|(made, plan)| Some(undecoded_output(made?, plan, &probe, probe_ms)))
            .collect());
    };
    let largest = largest(made_plans()).unwrap_or((1, 1));
    // Only an output left unchanged may be the original's own bytes after it is made (see
    // below); otherwise they are freed as soon as the decoder is done with them.
    let keep_input = made_plans().any(|plan| unchanged(&probe, plan));
    let mut original = Original::new(input, !keep_input);
    // The pass's picture serves when the outputs left are the ones it was rendered for.
    let scale = || jpeg_scale(input_len, &probe, largest, max_pixels).map(|(d, _)| d);
    let rendered = picture
        .filter(|picture| scale() == Some(picture.denominator()))
        .and_then(PassPicture::finish);
    // A large baseline photo's planes, rendered into rows band by band by each resize.
    let mut bands = match rendered {
        Some(_) => None,
        None => jpeg_bands::open(&mut original, &probe, largest, max_pixels)?,
    };
    let mut decoded = match (rendered, &bands) {
        (Some(rendered), _) => rendered.into(),
        (None, Some(bands)) => bands.header(),
        (None, None) => decode(&mut original, &probe, largest, max_pixels)?,
    };
    let decode_ms = now() - start - undecoded_ms;
    original.release();
    let input = original.into_bytes();

    let mut outputs = Vec::with_capacity(jobs.len());
    let mut alpha = Alpha::Straight;
    for (index, ((job, plan), quality)) in jobs.iter().zip(&plans).zip(qualities).enumerate() {
        if let Some(made) = as_is.get_mut(index).and_then(Option::take) {
            outputs.push(undecoded_output(made, plan, &probe, decode_ms));
            continue;
        }
        let resize_start = now();
        // RGBA is resized premultiplied. Once every job left resamples (none encodes the
        // decoded pixels as they are), they are premultiplied once, in place, rather than
        // copied premultiplied by each resize: a second picture of the decoded size.
        let mut remaining = made
            .iter()
            .filter(|&&i| i >= index)
            .filter_map(|&i| plans.get(i));
        if decoded.channels == 4
            && alpha == Alpha::Straight
            && remaining.all(|plan| resamples(&decoded, plan))
        {
            premultiply(&mut decoded)?;
            alpha = Alpha::Premultiplied;
        }
        let resized = match bands.as_mut() {
            Some(bands) => bands.resize(plan)?,
            None => resize(&mut decoded, plan, alpha)?,
        };
        let source = resized.as_deref().unwrap_or(&decoded.pixels);
        let own = pad(source, decoded.channels, plan, job.background)?.or(resized);
        // The last job's own pixels (resized or padded) are all the encoder reads: the decoded
        // picture is freed before the encode rather than kept beside it through the peak.
        if own.is_some() && index == last_made {
            decoded.pixels = Vec::new();
            bands = None;
        }
        let pixels = own.as_deref().unwrap_or(&decoded.pixels);
        let resized_at = now();
        let (out_width, out_height) = plan.output();
        let (format, mut bytes) = encode_negotiated(
            pixels,
            decoded.channels,
            out_width,
            out_height,
            job.format,
            job.client,
            quality,
            job.background,
        )?;
        let encoded_at = now();
        // Re-encoding an already well-compressed image at its own size rarely shrinks it: keep
        // the original's coded pixels when nothing was resized, cropped, padded, turned or
        // colour-converted, the format is the same and the re-encode is larger — but never its
        // metadata (EXIF with GPS, XMP, ICC, comments), which is dropped losslessly.
        let same_format = matches!(
            (probe.format, format),
            (ImageFormat::Jpeg, OutputFormat::Jpeg)
                | (ImageFormat::Png, OutputFormat::Png)
                | (ImageFormat::WebP, OutputFormat::Webp)
        );
        let untouched = unchanged(&probe, plan) && !decoded.icc_converted;
        // Its length first: the copy is made only when it is the one served.
        let smaller = || stripped_len(probe.format, &input).is_some_and(|len| len < bytes.len());
        let original = (same_format && untouched && smaller())
            .then(|| strip_metadata(probe.format, &input))
            .flatten();
        let kept_original = original.is_some();
        if let Some(stripped) = original {
            bytes = stripped;
        }
        outputs.push(Transformed {
            bytes,
            format,
            width: out_width,
            height: out_height,
            input_width: width,
            input_height: height,
            orientation: probe.orientation.to_exif(),
            icc_converted: decoded.icc_converted,
            input_format: probe.format_name(),
            decode_path: if kept_original {
                "original"
            } else {
                decoded.path
            },
            timings: Timings {
                decode_ms,
                resize_ms: resized_at - resize_start,
                encode_ms: encoded_at - resized_at,
            },
        });
    }
    Ok(outputs)
}

/// The smallest size that covers every plan's picture; `None` for no plans.
fn largest<'p>(plans: impl Iterator<Item = &'p Plan>) -> Option<(u32, u32)> {
    plans
        .map(|plan| plan.scaled)
        .reduce(|(w, h), (pw, ph)| (w.max(pw), h.max(ph)))
}

/// Output size for a width target: aspect kept, never upscaled, at least one pixel.
pub fn fit_width(width: u32, height: u32, target: u32) -> (u32, u32) {
    if width <= target {
        return (width, height);
    }
    let scaled = (u64::from(height) * u64::from(target) + u64::from(width) / 2) / u64::from(width);
    (target, u32::try_from(scaled).unwrap_or(u32::MAX).max(1))
}

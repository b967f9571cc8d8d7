//! Resampling with `fast_image_resize` (SIMD128 on wasm), with the filter chosen by how much
//! reduction is left after shrink-on-load.

use super::budget::pixel_buffer_len;
use super::decode::Decoded;
use super::error::ImageError;
use super::geometry::Plan;
use super::source_rows::SourceRows;
use super::turn;
use fast_image_resize as fir;
use image::metadata::Orientation;

/// The filter for reducing by `ratio` (input size over output size; below 1 is enlarging).
///
/// Mild reductions, where detail survives, get Lanczos3 (libvips' and imgproxy's default).
/// From 2x a sharp cubic (Catmull-Rom, two thirds of the taps) is indistinguishable; from 4x
/// area averaging (box) is exact anti-aliasing at a sixth of Lanczos3's taps, which is what
/// libvips' shrink step does before its final Lanczos pass. Enlargements use Catmull-Rom,
/// which rings less than Lanczos3 on edges.
pub(crate) fn filter_for(ratio: f64) -> fir::FilterType {
    if ratio < 1.0 {
        fir::FilterType::CatmullRom
    } else if ratio < 2.0 {
        fir::FilterType::Lanczos3
    } else if ratio < 4.0 {
        fir::FilterType::CatmullRom
    } else {
        fir::FilterType::Box
    }
}

/// A window of the decoded picture: left, top, width and height, in (fractional) pixels.
type Window = (f64, f64, f64, f64);

/// Whether the decoded RGBA pixels hold straight alpha or have it multiplied in already.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Alpha {
    Straight,
    Premultiplied,
}

/// The decoded pixels to the plan's crop window at the scaled size, with the filter for the
/// remaining reduction; RGBA is resized with premultiplied alpha so transparent pixels do not
/// bleed their (meaningless) colour into the edges. `None` when there is nothing to resize or
/// crop: the decoded pixels are the result, and a copy would only sit beside them through the
/// encode (a 1920x1200 RGBA picture is 9 MB of a `full` variant's peak). With `alpha`
/// premultiplied (see [`premultiply`]) only the output is divided back.
/// A source that renders its rows is always copied into a new picture, even when nothing is
/// resized.
pub(crate) fn resize(
    source: &mut dyn SourceRows,
    plan: &Plan,
    alpha: Alpha,
) -> Result<Option<Vec<u8>>, ImageError> {
    resize_turned(source, plan, alpha, Orientation::NoTransforms)
}

/// [`resize`] of a source stored turned from upright by `orientation` (a picture whose rows
/// are rendered, so never turned whole): `plan` is made on the upright picture, and each band
/// of the output, resized as stored, is placed upright.
pub(crate) fn resize_turned(
    source: &mut dyn SourceRows,
    plan: &Plan,
    alpha: Alpha,
    orientation: Orientation,
) -> Result<Option<Vec<u8>>, ImageError> {
    let plan = &turn::stored_plan(plan, orientation);
    let (w, h, channels) = source.shape();
    let (cx, cy, cw, ch) = plan.crop;
    // The window is at most `limits.max_output_width` a side; its buffer is checked all the same.
    let len = pixel_buffer_len(cw, ch, channels)?;
    if (w, h) == plan.scaled && (cx, cy, cw, ch) == (0, 0, w, h) {
        if !source.renders() && orientation == Orientation::NoTransforms {
            return Ok(None);
        }
        let mut out = vec![0; len];
        let (start, rows) = source.rows(0, h);
        let rows = rows
            .get(..len)
            .filter(|_| start == 0)
            .ok_or_else(short_source)?;
        let pixel = usize::from(channels);
        turn::place(rows, 0, (w, h), pixel, orientation, &mut out);
        return Ok(Some(out));
    }
    let mut out = vec![0; len];
    let (window, reduction) = source_window((w, h), plan);
    let options = fir::ResizeOptions::new()
        .resize_alg(fir::ResizeAlg::Convolution(filter_for(reduction)))
        .use_alpha(channels == 4 && alpha == Alpha::Straight);
    if channels == 4 {
        let divide = alpha == Alpha::Premultiplied;
        let bands = (cw, ch, orientation);
        resize_typed::<fir::pixels::U8x4>(source, window, bands, &mut out, &options, divide)?;
    } else {
        let bands = (cw, ch, orientation);
        resize_typed::<fir::pixels::U8x3>(source, window, bands, &mut out, &options, false)?;
    }
    Ok(Some(out))
}

fn short_source() -> ImageError {
    ImageError::Internal("the decoded rows are shorter than the picture".into())
}

/// Where in the decoded picture the plan's crop window lies (left, top, width, height), and by
/// how much the decoded picture is reduced to the plan's scaled size (the larger axis).
fn source_window((w, h): (u32, u32), plan: &Plan) -> (Window, f64) {
    let (w, h) = (f64::from(w), f64::from(h));
    let (cx, cy, cw, ch) = plan.crop;
    // The crop window is planned on the scaled image; the decoder may have delivered another size.
    let (fx, fy) = (
        w / f64::from(plan.scaled.0.max(1)),
        h / f64::from(plan.scaled.1.max(1)),
    );
    // Scaling the window back can overshoot the image by a rounding error (113 rows * 120/113
    // is 120.000001): the window is clamped to the image.
    let (left, top) = (f64::from(cx) * fx, f64::from(cy) * fy);
    let width = (f64::from(cw) * fx).min(w - left);
    let height = (f64::from(ch) * fy).min(h - top);
    ((left, top, width, height), fx.max(fy))
}

/// Whether the plan's output is resampled from the decoded pixels, rather than being them or
/// a window of them copied as is (whole pixels, at the output's size): only a resampled
/// output may be made from premultiplied pixels, since a copy would not divide them back.
pub(crate) fn resamples(decoded: &Decoded, plan: &Plan) -> bool {
    let ((left, top, width, height), _) = source_window((decoded.width, decoded.height), plan);
    let (_, _, cw, ch) = plan.crop;
    let whole = |v: f64| v == v.round();
    let copied = whole(left) && whole(top) && width == f64::from(cw) && height == f64::from(ch);
    !copied
}

/// Multiplies alpha into decoded RGBA pixels in place, so that resizes made from them need
/// no premultiplied copy of the picture each (fast_image_resize makes one per resize,
/// as large as the decoded picture); the same function as that copy's, so the same bytes.
pub(crate) fn premultiply(decoded: &mut Decoded) -> Result<(), ImageError> {
    let internal = |e: &dyn std::fmt::Display| ImageError::Internal(format!("resize failed: {e}"));
    let mut image = fir::images::TypedImage::<fir::pixels::U8x4>::from_buffer(
        decoded.width,
        decoded.height,
        &mut decoded.pixels,
    )
    .map_err(|e| internal(&e))?;
    fir::MulDiv::default()
        .multiply_alpha_inplace_typed(&mut image)
        .map_err(|e| internal(&e))
}

/// What the resize's temporary image may hold at once, in bytes. fast_image_resize makes the
/// vertical pass of 8-bit pixels first, into an image as wide as the source window and as tall
/// as the output: 19 MB for a 2048 px `full` from a 4000 px wide decode, beside the decoded
/// picture and the output. Resized in bands of output rows, it holds one band's rows.
const BAND_BYTES: u64 = 4 << 20;

/// How many output rows each band of a resize of `window_width` source columns to `out_height`
/// rows holds, so that the temporary image stays within [`BAND_BYTES`].
fn band_rows(window_width: f64, out_height: u32, bytes_per_pixel: usize) -> u32 {
    let row_bytes = (window_width.ceil().max(1.0) as u64).saturating_mul(bytes_per_pixel as u64);
    let rows = (BAND_BYTES / row_bytes.max(1)).max(1);
    u32::try_from(rows)
        .unwrap_or(u32::MAX)
        .min(out_height.max(1))
}

/// Resizes `window` of the decoded picture to `out_w` x `out_h`, with the pixel type known at
/// compile time, in bands of output rows ([`band_rows`]). Each band's source window is the
/// part of `window` its rows map to, and fast_image_resize clamps a filter's taps to the
/// picture, not to the window, so each band of a reduction reads and weighs the rows the whole
/// resize would. Its fixed point may still round a sample one level apart, when a band's
/// largest weight is a precision step below the whole's (every output of the benchmark corpus
/// kept its bytes). `Resizer::resize` matches the runtime pixel type over all thirteen the
/// crate supports, which links every one of them into the wasm, with a 512 KB reciprocal table
/// for 16-bit alpha; Tailor resizes only 8-bit RGB(A).
fn resize_typed<P: fir::PixelTrait>(
    source: &mut dyn SourceRows,
    window: Window,
    (out_w, out_h, orientation): (u32, u32, Orientation),
    out: &mut [u8],
    options: &fir::ResizeOptions,
    divide_alpha: bool,
) -> Result<(), ImageError> {
    // With straight alpha, fast_image_resize multiplies the whole picture's alpha into a copy
    // on every call: that resize is made in one call (a copy of the picture beside it anyway).
    // So is an enlargement of a whole picture: its rows' fixed-point precision follows the
    // largest weight of the rows resized together, so bands would round some samples
    // differently (and its temporary image is bounded by the output's limits). A source that
    // renders its rows is banded all the same: rendered whole, it would be the picture it
    // saves (a 24 MP portrait photo's `full` is enlarged from 1/2, 2000 to 2048 px wide).
    let enlarged = window.3 < f64::from(out_h);
    let (width, _, channels) = source.shape();
    let rows_per_band = if options.mul_div_alpha || (enlarged && !source.renders()) {
        out_h
    } else if source.renders() {
        // The band's source rows are rendered too, and a turned band is resized into a buffer
        // of its own before it is placed: three buffers of a band each, so each is held to a
        // third of the bytes (in Viceroy a 24 MP portrait photo's `full` peaked at 47.2 MiB
        // with bands of 4 MiB each, their buffers past the hole the freed file left).
        let band_bytes = BAND_BYTES / 3;
        let scale = window.3 / f64::from(out_h.max(1));
        let source_rows = band_bytes / (u64::from(width) * u64::from(channels)).max(1);
        // Less the margins either side, and a row either side where they are rounded out.
        let spare = (source_rows as f64 - 2.0 * margin_rows(scale) - 2.0).max(scale);
        let out_rows = band_bytes / (window.2.ceil().max(1.0) as u64 * u64::from(channels));
        (spare / scale).min(out_rows as f64).max(1.0) as u32
    } else {
        band_rows(window.2, out_h, usize::from(channels))
    };
    let bands = Bands {
        out_size: (out_w, out_h),
        rows_per_band,
        orientation,
    };
    resize_in_bands::<P>(source, window, bands, out, options, divide_alpha)
}

/// Source rows beyond a band's window on either side that its filter may read, when each
/// output row covers `scale` source rows: Lanczos3, the widest filter, reads 3 output rows'
/// worth either side of a row's centre (and at least 3 source rows when enlarging).
fn margin_rows(scale: f64) -> f64 {
    (3.0 * scale.max(1.0)).ceil() + 2.0
}

/// The output's size (as stored), how many of its rows each band holds, and how each band is
/// turned into the upright output.
#[derive(Debug, Clone, Copy)]
struct Bands {
    out_size: (u32, u32),
    rows_per_band: u32,
    orientation: Orientation,
}

fn resize_in_bands<P: fir::PixelTrait>(
    source: &mut dyn SourceRows,
    (left, top, width, height): Window,
    Bands {
        out_size: (out_w, out_h),
        rows_per_band,
        orientation,
    }: Bands,
    out: &mut [u8],
    options: &fir::ResizeOptions,
    divide_alpha: bool,
) -> Result<(), ImageError> {
    let internal = |e: &dyn std::fmt::Display| ImageError::Internal(format!("resize failed: {e}"));
    let (source_w, source_h, channels) = source.shape();
    let row_bytes = out_w as usize * usize::from(channels);
    let source_row_bytes = (source_w as usize * usize::from(channels)).max(1);
    let rows_per_band = rows_per_band.max(1);
    let source_rows_per_row = height / f64::from(out_h.max(1));
    let margin = margin_rows(source_rows_per_row);
    // One resizer for every band: its temporary buffer is allocated once, for the first band.
    let mut resizer = fir::Resizer::new();
    let alpha = fir::MulDiv::default();
    // A turned output's bands are resized into this, then placed upright.
    let turned = orientation != Orientation::NoTransforms;
    let mut turned_band = Vec::new();
    let mut first = 0;
    while first < out_h {
        let last = first.saturating_add(rows_per_band).min(out_h);
        let band_top = top + f64::from(first) * source_rows_per_row;
        // The last band ends where the window does, not where rounding would put it.
        let band_bottom = if last == out_h {
            top + height
        } else {
            top + f64::from(last) * source_rows_per_row
        };
        // The rows the band's filter reads, with a margin: a source that renders its rows
        // makes only these (whole pictures give all of theirs, from row 0).
        let needed_top = (band_top - margin).floor().max(0.0) as u32;
        let needed_bottom = ((band_bottom + margin).ceil() as u32).min(source_h);
        let (start, pixels) = source.rows(needed_top, needed_bottom);
        let held = u32::try_from(pixels.len() / source_row_bytes).unwrap_or(u32::MAX);
        let rows_held = pixels
            .get(..held as usize * source_row_bytes)
            .unwrap_or(&[]);
        let src = fir::images::TypedImageRef::<P>::from_buffer(source_w, held, rows_held)
            .map_err(|e| internal(&e))?;
        let rows = if turned {
            turned_band.clear();
            turned_band.resize((last - first) as usize * row_bytes, 0);
            &mut turned_band[..]
        } else {
            out.get_mut(first as usize * row_bytes..last as usize * row_bytes)
                .ok_or_else(|| internal(&"the output is shorter than its rows"))?
        };
        let mut dst = fir::images::TypedImage::<P>::from_buffer(out_w, last - first, rows)
            .map_err(|e| internal(&e))?;
        let band_height = band_bottom - band_top;
        let band = options.crop(left, band_top - f64::from(start), width, band_height);
        resizer
            .resize_typed(&src, &mut dst, &band)
            .map_err(|e| internal(&e))?;
        if divide_alpha {
            alpha
                .divide_alpha_inplace_typed(&mut dst)
                .map_err(|e| internal(&e))?;
        }
        if turned {
            let pixel = usize::from(channels);
            turn::place(&turned_band, first, (out_w, out_h), pixel, orientation, out);
        }
        first = last;
    }
    Ok(())
}

#[cfg(test)]
mod tests;

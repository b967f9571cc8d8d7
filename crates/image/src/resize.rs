//! Resampling with `fast_image_resize` (SIMD128 on wasm), with the filter chosen by how much
//! reduction is left after shrink-on-load.

use super::budget::pixel_buffer_len;
use super::decode::Decoded;
use super::error::ImageError;
use super::geometry::Plan;
use fast_image_resize as fir;

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

/// The decoded pixels to the plan's crop window at the scaled size, with the filter for the
/// remaining reduction; RGBA is resized with premultiplied alpha so transparent pixels do not
/// bleed their (meaningless) colour into the edges.
pub(crate) fn resize(decoded: &Decoded, plan: &Plan) -> Result<Vec<u8>, ImageError> {
    let (w, h) = (decoded.width, decoded.height);
    let (cx, cy, cw, ch) = plan.crop;
    if (w, h) == plan.scaled && (cx, cy, cw, ch) == (0, 0, w, h) {
        return Ok(decoded.pixels.clone());
    }
    // The window is at most `limits.max_output_width` a side; its buffer is checked all the same.
    let mut out = vec![0; pixel_buffer_len(cw, ch, decoded.channels)?];
    // The crop window is planned on the scaled image; the decoder may have delivered another size.
    let (fx, fy) = (
        f64::from(w) / f64::from(plan.scaled.0),
        f64::from(h) / f64::from(plan.scaled.1),
    );
    // Scaling the window back can overshoot the image by a rounding error (113 rows * 120/113
    // is 120.000001): the window is clamped to the image.
    let (left, top) = (f64::from(cx) * fx, f64::from(cy) * fy);
    let options = fir::ResizeOptions::new()
        .resize_alg(fir::ResizeAlg::Convolution(filter_for(fx.max(fy))))
        .crop(
            left,
            top,
            (f64::from(cw) * fx).min(f64::from(w) - left),
            (f64::from(ch) * fy).min(f64::from(h) - top),
        )
        .use_alpha(decoded.channels == 4);
    if decoded.channels == 4 {
        resize_typed::<fir::pixels::U8x4>(decoded, (cw, ch), &mut out, &options)?;
    } else {
        resize_typed::<fir::pixels::U8x3>(decoded, (cw, ch), &mut out, &options)?;
    }
    Ok(out)
}

/// Resizes with the pixel type known at compile time. `Resizer::resize` matches the runtime
/// pixel type over all thirteen the crate supports, which links every one of them into the
/// wasm, with a 512 KB reciprocal table for 16-bit alpha; Tailor resizes only 8-bit RGB(A).
fn resize_typed<P: fir::PixelTrait>(
    decoded: &Decoded,
    (out_w, out_h): (u32, u32),
    out: &mut [u8],
    options: &fir::ResizeOptions,
) -> Result<(), ImageError> {
    let internal = |e: &dyn std::fmt::Display| ImageError::Internal(format!("resize failed: {e}"));
    let src = fir::images::TypedImageRef::<P>::from_buffer(
        decoded.width,
        decoded.height,
        &decoded.pixels,
    )
    .map_err(|e| internal(&e))?;
    let mut dst =
        fir::images::TypedImage::<P>::from_buffer(out_w, out_h, out).map_err(|e| internal(&e))?;
    fir::Resizer::new()
        .resize_typed(&src, &mut dst, options)
        .map_err(|e| internal(&e))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// fast_image_resize 6.1.0 sized its temporary image from the first and last coefficient
    /// bounds; an upscale whose last pixel lands on a source pixel has a one-pixel last bound,
    /// and the horizontal pass read past every row (found by the image fuzz target; the fix is
    /// vendored: vendor/fast_image_resize/PATCHED.md). Debug builds check the unchecked reads.
    #[test]
    fn an_upscaled_crop_whose_last_pixel_lands_on_a_source_pixel_reads_within_the_image() {
        let (w, h) = (40u32, 32u32);
        let src_buf = vec![100u8; (w * h * 3) as usize];
        let src = fir::images::TypedImageRef::<fir::pixels::U8x3>::from_buffer(w, h, &src_buf)
            .unwrap_or_else(|e| unreachable!("{e}"));
        let mut out = vec![0u8; 64 * 224 * 3];
        let mut dst = fir::images::TypedImage::<fir::pixels::U8x3>::from_buffer(64, 224, &mut out)
            .unwrap_or_else(|e| unreachable!("{e}"));
        let options = fir::ResizeOptions::new()
            .resize_alg(fir::ResizeAlg::Convolution(fir::FilterType::CatmullRom))
            .crop(7.428571428571428, 0.0, 9.142857142857142, 32.0);
        let resized = fir::Resizer::new().resize_typed(&src, &mut dst, &options);
        assert!(resized.is_ok());
        assert!(out.iter().all(|&v| v == 100), "a flat picture stays flat");
    }

    #[test]
    fn the_filter_follows_the_reduction() {
        assert_eq!(filter_for(0.5), fir::FilterType::CatmullRom);
        assert_eq!(filter_for(1.28), fir::FilterType::Lanczos3);
        assert_eq!(filter_for(3.0), fir::FilterType::CatmullRom);
        assert_eq!(filter_for(10.0), fir::FilterType::Box);
    }
}

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
pub(crate) fn resize(
    decoded: &Decoded,
    plan: &Plan,
    alpha: Alpha,
) -> Result<Option<Vec<u8>>, ImageError> {
    let (w, h) = (decoded.width, decoded.height);
    let (cx, cy, cw, ch) = plan.crop;
    if (w, h) == plan.scaled && (cx, cy, cw, ch) == (0, 0, w, h) {
        return Ok(None);
    }
    // The window is at most `limits.max_output_width` a side; its buffer is checked all the same.
    let mut out = vec![0; pixel_buffer_len(cw, ch, decoded.channels)?];
    let ((left, top, width, height), reduction) = source_window(decoded, plan);
    let options = fir::ResizeOptions::new()
        .resize_alg(fir::ResizeAlg::Convolution(filter_for(reduction)))
        .crop(left, top, width, height)
        .use_alpha(decoded.channels == 4 && alpha == Alpha::Straight);
    if decoded.channels == 4 {
        let divide = alpha == Alpha::Premultiplied;
        resize_typed::<fir::pixels::U8x4>(decoded, (cw, ch), &mut out, &options, divide)?;
    } else {
        resize_typed::<fir::pixels::U8x3>(decoded, (cw, ch), &mut out, &options, false)?;
    }
    Ok(Some(out))
}

/// Where in the decoded picture the plan's crop window lies (left, top, width, height), and by
/// how much the decoded picture is reduced to the plan's scaled size (the larger axis).
fn source_window(decoded: &Decoded, plan: &Plan) -> ((f64, f64, f64, f64), f64) {
    let (w, h) = (f64::from(decoded.width), f64::from(decoded.height));
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
    let ((left, top, width, height), _) = source_window(decoded, plan);
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

/// Resizes with the pixel type known at compile time. `Resizer::resize` matches the runtime
/// pixel type over all thirteen the crate supports, which links every one of them into the
/// wasm, with a 512 KB reciprocal table for 16-bit alpha; Tailor resizes only 8-bit RGB(A).
fn resize_typed<P: fir::PixelTrait>(
    decoded: &Decoded,
    (out_w, out_h): (u32, u32),
    out: &mut [u8],
    options: &fir::ResizeOptions,
    divide_alpha: bool,
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
        .map_err(|e| internal(&e))?;
    if divide_alpha {
        fir::MulDiv::default()
            .divide_alpha_inplace_typed(&mut dst)
            .map_err(|e| internal(&e))?;
    }
    Ok(())
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

    /// RGBA premultiplied in place and resized without fast_image_resize's own premultiplied
    /// copy gives the bytes its copy gives: reductions, enlargements, crops of fractional and
    /// whole windows, odd widths (the SIMD rows' remainders), and every alpha value.
    #[test]
    fn premultiplying_in_place_resizes_to_the_same_bytes_as_a_premultiplied_copy() {
        let (w, h) = (37u32, 23u32);
        let mut seed = 0x2545_f491_u32;
        let pixels: Vec<u8> = (0..w * h * 4)
            .map(|_| {
                seed ^= seed << 13;
                seed ^= seed >> 17;
                seed ^= seed << 5;
                (seed >> 7) as u8
            })
            .collect();
        let straight = Decoded {
            pixels,
            channels: 4,
            width: w,
            height: h,
            path: "test",
            icc_converted: false,
        };
        let mut premultiplied = Decoded {
            pixels: straight.pixels.clone(),
            ..straight
        };
        premultiply(&mut premultiplied).unwrap_or_else(|e| unreachable!("{e}"));
        let plans = [
            ((11, 7), (0, 0, 11, 7)),
            ((80, 50), (0, 0, 80, 50)),
            ((30, 19), (3, 2, 17, 13)),
            ((37, 12), (0, 0, 37, 12)),
        ];
        for (scaled, crop) in plans {
            let plan = Plan {
                scaled,
                crop,
                canvas: (crop.2, crop.3),
                offset: (0, 0),
            };
            let expected = resize(&straight, &plan, Alpha::Straight);
            let actual = resize(&premultiplied, &plan, Alpha::Premultiplied);
            assert!(resamples(&straight, &plan), "{plan:?}");
            assert_eq!(expected.ok(), actual.ok(), "{plan:?}");
        }
        // A window copied as it is is not resampled, so it must not be made premultiplied.
        let copy = Plan {
            scaled: (w, h),
            crop: (5, 4, 9, 11),
            canvas: (9, 11),
            offset: (0, 0),
        };
        assert!(!resamples(&straight, &copy));
    }

    #[test]
    fn the_filter_follows_the_reduction() {
        assert_eq!(filter_for(0.5), fir::FilterType::CatmullRom);
        assert_eq!(filter_for(1.28), fir::FilterType::Lanczos3);
        assert_eq!(filter_for(3.0), fir::FilterType::CatmullRom);
        assert_eq!(filter_for(10.0), fir::FilterType::Box);
    }
}

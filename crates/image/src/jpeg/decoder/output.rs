//! The end of a decode: progressive coefficients through the scaled IDCT, chroma upsampled
//! onto the luma grid, colour converted to RGB.

use super::tables::Component;
use super::{DecodeError, ScaledImage, State};
use crate::jpeg::upsample::Upsampling;
use crate::jpeg::{color, upsample};

/// One component's samples at output scale, rows `stride` apart.
struct Plane {
    samples: Vec<u8>,
    stride: usize,
}

/// The first `width` samples of each of the first `height` rows (empty where short).
fn rows_of(plane: &Plane, width: usize, height: usize) -> Vec<&[u8]> {
    (0..height)
        .map(|y| {
            let start = y * plane.stride;
            plane.samples.get(start..start + width).unwrap_or(&[])
        })
        .collect()
}

pub(super) fn finish(state: State, n: usize) -> Result<ScaledImage, DecodeError> {
    let mut frame = state
        .frame
        .ok_or(DecodeError::Malformed("no frame header"))?;
    if state.scans == 0 {
        return Err(DecodeError::Malformed("no scan data"));
    }
    let (out_w, out_h) = (frame.width.div_ceil(8 / n), frame.height.div_ceil(8 / n));
    let mut planes = Vec::with_capacity(frame.components.len());
    for c in &mut frame.components {
        if frame.progressive {
            render_coefficients(c)?;
        }
        // Freed as each component is rendered, so the RGB output below reuses their memory.
        c.coefs = Vec::new();
        c.nonzero = Vec::new();
        let Upsampling { sw, sh, fx, fy, .. } =
            grid_of(c, n, (frame.h_max, frame.v_max), (out_w, out_h));
        // Chroma decoded onto the luma grid is used as it is (rows read with its own stride);
        // only chroma that is still subsampled is upsampled into a new plane.
        let samples = std::mem::take(&mut c.samples);
        planes.push(if fx == 1 && fy == 1 {
            Plane {
                samples,
                stride: sw,
            }
        } else {
            Plane {
                samples: upsample::bilinear(&samples, sw, sh, fx, fy, out_w, out_h),
                stride: out_w,
            }
        });
    }
    let rows = |plane| rows_of(plane, out_w, out_h);
    let rgb = match planes.as_slice() {
        [gray] => rows(gray)
            .into_iter()
            .flat_map(|row| row.iter().flat_map(|&g| [g, g, g]))
            .collect(),
        [r, g, b] if state.adobe_transform == Some(0) => {
            color::interleave_rows(&rows(r), &rows(g), &rows(b), out_w)
        }
        [y, cb, cr] => color::ycbcr_rows_to_rgb(&rows(y), &rows(cb), &rows(cr), out_w),
        _ => return Err(DecodeError::Unsupported("component layout")),
    };
    if rgb.len() != out_w * out_h * 3 {
        return Err(DecodeError::Malformed(
            "component planes shorter than the image",
        ));
    }
    Ok(ScaledImage {
        width: u32::try_from(out_w).map_err(|_| DecodeError::Malformed("width"))?,
        height: u32::try_from(out_h).map_err(|_| DecodeError::Malformed("height"))?,
        rgb,
    })
}

/// How component `c`'s decoded plane (luma blocks of `n` samples a side, the frame's largest
/// sampling factors `max`) maps onto an output of `out` samples: its size and its upsampling.
pub(super) fn grid_of(
    c: &Component,
    n: usize,
    (h_max, v_max): (usize, usize),
    (dw, dh): (usize, usize),
) -> Upsampling {
    let (w, h) = (c.idct.width(), c.idct.height());
    Upsampling {
        sw: c.blocks_wide * w,
        sh: c.blocks_high * h,
        fx: (n * h_max / c.h / w).max(1),
        fy: (n * v_max / c.v / h).max(1),
        dw,
        dh,
    }
}

/// Dequantizes every block's kept coefficients and transforms them into samples.
pub(super) fn render_coefficients(c: &mut Component) -> Result<(), DecodeError> {
    let quant = c
        .quant
        .ok_or(DecodeError::Malformed("component without scans"))?;
    let (w, h) = (c.idct.width(), c.idct.height());
    // Natural-order quantizer for each kept position.
    let kept_quant: Vec<f32> = (0..w * h)
        .map(|at| f32::from(quant.get((at / w) * 8 + at % w).copied().unwrap_or(0)))
        .collect();
    let stride = c.blocks_wide * w;
    c.samples = vec![128; stride * c.blocks_high * h];
    let mut coefs = [0f32; 16];
    for (index, block) in c.coefs.chunks_exact(w * h).enumerate() {
        for ((dst, &coef), &q) in coefs.iter_mut().zip(block).zip(&kept_quant) {
            *dst = f32::from(coef) * q;
        }
        let (bx, by) = (index % c.blocks_wide, index / c.blocks_wide);
        c.idct
            .block(&coefs, &mut c.samples, by * h * stride + bx * w, stride);
    }
    Ok(())
}

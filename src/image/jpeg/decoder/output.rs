//! The end of a decode: progressive coefficients through the scaled IDCT, chroma upsampled
//! onto the luma grid, colour converted to RGB.

use super::idct::ScaledIdct;
use super::tables::{Component, ZIGZAG};
use super::{DecodeError, ScaledImage, State};
use crate::image::jpeg::{color, upsample};

pub fn finish(state: State, n: usize) -> Result<ScaledImage, DecodeError> {
    let mut frame = state
        .frame
        .ok_or(DecodeError::Malformed("no frame header"))?;
    if state.scans == 0 {
        return Err(DecodeError::Malformed("no scan data"));
    }
    let (out_w, out_h) = (frame.width.div_ceil(8 / n), frame.height.div_ceil(8 / n));
    let idct = ScaledIdct::new(n);
    let mut planes = Vec::with_capacity(frame.components.len());
    for c in &mut frame.components {
        if frame.progressive {
            render_coefficients(c, &idct)?;
        }
        let (fx, fy) = (frame.h_max / c.h, frame.v_max / c.v);
        let (sw, sh) = (c.blocks_wide * n, c.blocks_high * n);
        planes.push(upsample::bilinear(&c.samples, sw, sh, fx, fy, out_w, out_h));
        // The component's buffers are no longer needed: free them before the next one grows.
        c.samples = Vec::new();
        c.coefs = Vec::new();
    }
    let rgb = match planes.as_slice() {
        [gray] => gray.iter().flat_map(|&g| [g, g, g]).collect(),
        [r, g, b] if state.adobe_transform == Some(0) => r
            .iter()
            .zip(g)
            .zip(b)
            .flat_map(|((&r, &g), &b)| [r, g, b])
            .collect(),
        [y, cb, cr] => color::ycbcr_to_rgb(y, cb, cr),
        _ => return Err(DecodeError::Unsupported("component layout")),
    };
    Ok(ScaledImage {
        width: u32::try_from(out_w).map_err(|_| DecodeError::Malformed("width"))?,
        height: u32::try_from(out_h).map_err(|_| DecodeError::Malformed("height"))?,
        rgb,
    })
}

/// Dequantizes every block's kept coefficients and transforms them into samples.
fn render_coefficients(c: &mut Component, idct: &ScaledIdct) -> Result<(), DecodeError> {
    let quant = c
        .quant
        .ok_or(DecodeError::Malformed("component without scans"))?;
    let n = idct.size();
    // Natural-order quantizer for each kept position.
    let kept_quant: Vec<f32> = (0..n * n)
        .map(|at| f32::from(quant.get((at / n) * 8 + at % n).copied().unwrap_or(0)))
        .collect();
    debug_assert!(ZIGZAG.len() == 64);
    let stride = c.blocks_wide * n;
    c.samples = vec![128; stride * c.blocks_high * n];
    let mut coefs = vec![0f32; n * n];
    for (index, block) in c.coefs.chunks_exact(n * n).enumerate() {
        for ((dst, &coef), &q) in coefs.iter_mut().zip(block).zip(&kept_quant) {
            *dst = f32::from(coef) * q;
        }
        let (bx, by) = (index % c.blocks_wide, index / c.blocks_wide);
        idct.block(&coefs, &mut c.samples, by * n * stride + bx * n, stride);
    }
    Ok(())
}

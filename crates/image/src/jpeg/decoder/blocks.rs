//! A reduced-scale picture of a baseline file from blocks another reader entropy-decodes: the
//! requantizer reads every coefficient of the scan anyway, so the smaller variants of the same
//! request are rendered from its blocks as they pass, with no second decode of the scan.

use super::output;
use super::tables::{Component, NOT_KEPT, ZIGZAG};
use super::{walk, DecodeError, Output, ScaledImage, Scans, State};
use crate::budget::DecodeLimits;

/// The frame's buffers at the output scale, filled block by block.
pub(in crate::jpeg) struct BlockPicture {
    state: State,
    n: usize,
    /// Per component, how its levels become the kept coefficients.
    dequant: Vec<Dequant>,
}

/// One component's kept coefficients by zigzag index: which are kept (bit k), where each goes
/// among them and its quantizer.
struct Dequant {
    kept: u64,
    slot: [u8; 64],
    quant: [f32; 64],
}

impl Dequant {
    fn of(c: &Component) -> Option<Self> {
        let quant = c.quant.as_ref()?;
        let mut table = Self {
            kept: 0,
            slot: [0; 64],
            quant: [0.0; 64],
        };
        let by_zigzag = c.kept.iter().zip(&ZIGZAG).enumerate();
        for (k, (&at, &natural)) in by_zigzag.filter(|(_, (&at, _))| at != NOT_KEPT) {
            table.kept |= 1 << k;
            *table.slot.get_mut(k)? = at;
            *table.quant.get_mut(k)? = f32::from(*quant.get(natural)?);
        }
        Some(table)
    }
}

impl BlockPicture {
    /// Buffers for `data`'s frame at 1/`denominator` (2, 4 or 8), refused as a decode of it
    /// would be beyond `limits`; the tables are the file's own, its scans are left to the
    /// caller. Progressive frames are refused: their blocks are not whole in one pass.
    pub(in crate::jpeg) fn new(
        data: &[u8],
        denominator: u32,
        limits: DecodeLimits,
    ) -> Result<Self, DecodeError> {
        // No scans target: only a progressive frame's kept coefficients may halve chroma.
        let read = walk(
            data,
            denominator,
            limits,
            u64::MAX,
            Scans::Handed,
            Output::Whole,
        )?;
        let frame = match &read.state.frame {
            Some(frame) if !frame.progressive => frame,
            Some(_) => return Err(DecodeError::Unsupported("progressive frames")),
            None => return Err(DecodeError::Malformed("no frame header")),
        };
        let dequant: Option<Vec<Dequant>> = frame.components.iter().map(Dequant::of).collect();
        let dequant = dequant.ok_or(DecodeError::Malformed("component without scans"))?;
        Ok(Self {
            dequant,
            state: read.state,
            n: read.n,
        })
    }

    /// Renders the block at column `x`, row `y` of `component`'s grid from its quantized
    /// `levels` in zigzag order (the DC already predicted), of which only the AC levels whose
    /// bit is set in `nonzero` may be other than zero. Blocks off the grid are dropped.
    pub(in crate::jpeg) fn put(
        &mut self,
        component: usize,
        (x, y): (usize, usize),
        levels: &[i32; 64],
        nonzero: u64,
    ) {
        let frame = self.state.frame.as_mut();
        let (Some(c), Some(dequant)) = (
            frame.and_then(|frame| frame.components.get_mut(component)),
            self.dequant.get(component),
        ) else {
            return;
        };
        if x >= c.blocks_wide || y >= c.blocks_high {
            return;
        }
        let (w, h) = (c.idct.width(), c.idct.height());
        let stride = c.blocks_wide * w;
        let offset = y * h * stride + x * w;
        let mut bits = (nonzero | 1) & dequant.kept;
        // The DC term, then only the AC levels that are nonzero and kept at this scale.
        let mut coefs = [0f32; 16];
        while bits != 0 {
            let k = bits.trailing_zeros() as usize;
            bits &= bits - 1;
            let slot = dequant.slot.get(k).map(|&at| usize::from(at));
            if let (Some(coef), Some(&level), Some(&q)) = (
                slot.and_then(|at| coefs.get_mut(at)),
                levels.get(k),
                dequant.quant.get(k),
            ) {
                *coef = level as f32 * q;
            }
        }
        c.idct.block(&coefs, &mut c.samples, offset, stride);
    }

    /// The picture, once every block was put (those never put stay mid-grey).
    pub(in crate::jpeg) fn finish(self) -> Result<ScaledImage, DecodeError> {
        output::finish(self.state, self.n)
    }
}

//! The output's side: the original's levels rescaled to the output's quantizers, held to
//! baseline's limits and entropy-coded.

use super::source::Component;
use super::template::Coding;
use super::writer::BitWriter;
use super::Block;

/// The output being written: entropy-coded data after the template's header.
pub(super) struct Output {
    pub(super) writer: BitWriter,
    pub(super) codings: Vec<Coding>,
    /// Per component: the original's quantizer over the output's, in 1/2^24 units.
    pub(super) scales: Vec<[u64; 64]>,
    /// Per component: one over each of the output's quantizers.
    pub(super) reciprocals: Vec<[f32; 64]>,
    pub(super) preds: [i32; 3],
}

/// Fractional bits of [`Output::scales`]: a level of at most 2^11 is rescaled to within
/// 2^-12 of its exact value.
const SCALE_BITS: u32 = 24;

impl Output {
    pub(super) fn new(writer: BitWriter, codings: Vec<Coding>, source: &[Component]) -> Self {
        let scales = codings
            .iter()
            .zip(source)
            .map(|(coding, component)| {
                let mut scale = [0u64; 64];
                for ((slot, &from), &to) in
                    scale.iter_mut().zip(&component.quant).zip(&coding.quant)
                {
                    let to = u64::from(to.max(1));
                    *slot = ((u64::from(from) << SCALE_BITS) + to / 2) / to;
                }
                scale
            })
            .collect();
        let reciprocals = codings
            .iter()
            .map(|coding| coding.quant.map(|step| 1.0 / f32::from(step.max(1))))
            .collect();
        Self {
            writer,
            codings,
            scales,
            reciprocals,
            preds: [0; 3],
        }
    }

    /// Codes a block of the original's levels of `component` at the output's quantizers:
    /// each level times the original's step over the output's, rounded to nearest with ties
    /// toward zero (a level the original quantized with half the output's step lands exactly
    /// between two output levels about half the time, and the smaller costs fewer bits for
    /// the same error), without a division.
    pub(super) fn put_levels(&mut self, component: usize, block: &Block) -> Option<()> {
        let scale = self.scales.get(component)?;
        let tie_down = (1u64 << (SCALE_BITS - 1)) - 1;
        let rescale = |at: usize| {
            let (level, scale) = (*block.levels.get(at)?, *scale.get(at)?);
            // Baseline levels are at most 2^11; a crafted DC prediction is held to 2^16, so
            // the product stays below 2^57.
            let level_magnitude = u64::from(level.unsigned_abs().min(1 << 16));
            let magnitude = (level_magnitude * scale + tie_down) >> SCALE_BITS;
            let magnitude = magnitude.min(1024) as i32;
            Some(if level < 0 { -magnitude } else { magnitude })
        };
        let mut out = [0i32; 64];
        out[0] = rescale(0)?;
        let (mut rest, mut nonzero) = (block.nonzero & !1, 0u64);
        while rest != 0 {
            let at = rest.trailing_zeros() as usize;
            rest &= rest - 1;
            let value = rescale(at)?;
            if value != 0 {
                *out.get_mut(at)? = value;
                nonzero |= 1 << at;
            }
        }
        self.code(component, out, nonzero)
    }

    /// Codes a block of dequantized values of `component` (zigzag; zero where `touched` has
    /// no bit), rounded as above.
    pub(super) fn put_values(
        &mut self,
        component: usize,
        (values, touched): ([f32; 64], u64),
    ) -> Option<()> {
        let steps = self.reciprocals.get(component)?;
        let (mut out, mut nonzero) = ([0i32; 64], 0u64);
        let mut rest = touched | 1;
        while rest != 0 {
            let at = rest.trailing_zeros() as usize;
            rest &= rest - 1;
            let (value, reciprocal) = (*values.get(at)?, *steps.get(at)?);
            let scaled = value.abs() * reciprocal;
            let whole = scaled as i32; // saturating; held to baseline's range below
            let magnitude = whole + i32::from(scaled - whole as f32 > 0.5);
            if magnitude != 0 {
                *out.get_mut(at)? = if value < 0.0 { -magnitude } else { magnitude };
                nonzero |= 1 << at;
            }
        }
        self.code(component, out, nonzero)
    }

    /// Holds `quantized` to baseline's limits and codes it: AC sizes up to 10 bits, DC within
    /// ±1024 so that the difference of two fits DC's 11.
    fn code(&mut self, component: usize, mut quantized: [i32; 64], nonzero: u64) -> Option<()> {
        let coding = self.codings.get(component)?;
        let mut rest = nonzero & !1;
        while rest != 0 {
            let at = rest.trailing_zeros() as usize;
            rest &= rest - 1;
            let value = quantized.get_mut(at)?;
            *value = (*value).clamp(-1023, 1023);
        }
        quantized[0] = quantized[0].clamp(-1024, 1023);
        let pred = self.preds.get_mut(component)?;
        self.writer
            .block(&quantized, nonzero, pred, &coding.dc, &coding.ac)
    }
}

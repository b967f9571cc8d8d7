//! Progressive AC passes (ITU T.81 G.1.2.2-G.1.2.3): first scans and successive-approximation
//! refinements, into the kept coefficients and the nonzero history of one block.

use super::tables::{Component, NOT_KEPT};
use super::DecodeError;
use crate::jpeg::huffman::{BitReader, HuffmanTable};

/// Per-scan decoding state shared by its blocks: the entropy-coded bits and, in progressive
/// AC scans, the blocks left in the current end-of-band run.
pub(super) struct Scan<'a> {
    pub(super) reader: BitReader<'a>,
    pub(super) eob_run: u32,
}

/// One block of one component.
pub(super) struct Block<'c> {
    pub c: &'c mut Component,
    pub index: usize,
}

impl Block<'_> {
    /// Records zigzag coefficient `k`: its nonzero history always, its value if kept.
    pub(super) fn set(&mut self, k: usize, value: i32) {
        if let Some(mask) = self.c.nonzero.get_mut(self.index) {
            *mask |= 1u64 << (k & 63);
        }
        self.set_value(k, value);
    }

    /// Stores zigzag coefficient `k` if it is kept (the caller keeps the history).
    fn set_value(&mut self, k: usize, value: i32) {
        if let Some(slot) = self.slot(k) {
            *slot = value.clamp(i32::from(i16::MIN), i32::from(i16::MAX)) as i16;
        }
    }

    fn slot(&mut self, k: usize) -> Option<&mut i16> {
        let at = *self.c.kept.get(k)?;
        if at == NOT_KEPT {
            return None;
        }
        let per_block = self.c.idct.width() * self.c.idct.height();
        self.c
            .coefs
            .get_mut(self.index * per_block + usize::from(at))
    }

    /// Which of the block's 64 coefficients are nonzero so far (zigzag bit k).
    fn history(&self) -> u64 {
        self.c.nonzero.get(self.index).copied().unwrap_or(0)
    }

    fn set_history(&mut self, mask: u64) {
        if let Some(m) = self.c.nonzero.get_mut(self.index) {
            *m = mask;
        }
    }

    /// The correction bits of the coefficients in `mask` (each nonzero so far, so each takes
    /// one bit, in zigzag order), applied to those that are kept. Each 32-position half's bits
    /// are read at once, and a half with no kept coefficient (all of the upper half below full
    /// scale) is only stepped over. The bits are random, so nothing branches on their values.
    #[inline(always)]
    fn correct(&mut self, reader: &mut BitReader<'_>, mask: u64, p1: i32, m1: i32) {
        for half in [mask & 0xFFFF_FFFF, mask & !0xFFFF_FFFF] {
            let n = half.count_ones();
            let bits = reader.take(n);
            let mut kept = half & self.c.kept_mask;
            while kept != 0 {
                let k = kept.trailing_zeros();
                // The k-th coefficient's bit: the earlier ones of the half were read first.
                let earlier = (half & ((1u64 << k) - 1)).count_ones();
                let one = (bits >> (n - 1 - earlier)) & 1;
                if let Some(v) = self.slot(k as usize) {
                    let value = i32::from(*v);
                    // Only a magnitude that lacks the bit takes it, away from zero.
                    let apply = -((one as i32) & i32::from(value & p1 == 0));
                    let step = p1 + ((value >> 31) & (m1 - p1));
                    *v = (value + (step & apply)).clamp(-32768, 32767) as i16;
                }
                kept &= kept - 1;
            }
        }
    }
}

/// The position of the `n`th (from 0) set bit of `mask`, if it has that many. (Counting
/// through the bytes' running counts instead, without a loop of `n` steps, measured slower.)
fn nth_set_bit(mut mask: u64, n: u32) -> Option<usize> {
    for _ in 0..n {
        mask &= mask.wrapping_sub(1);
    }
    (mask != 0).then(|| mask.trailing_zeros() as usize)
}

/// Positions `k` and after of a history mask (none when `k` is past 63).
fn at_or_after(k: usize) -> u64 {
    u64::MAX.checked_shl(k as u32).unwrap_or(0)
}

/// Bits `from..=to` (zigzag positions, `to` ≤ 63) of a history mask.
fn band_bits(from: usize, to: usize) -> u64 {
    at_or_after(from) & !at_or_after(to.saturating_add(1))
}

pub(super) fn ac_first(
    scan: &mut Scan<'_>,
    mut block: Block<'_>,
    ac: &HuffmanTable,
    band: (usize, usize),
    shift: u8,
) -> Result<(), DecodeError> {
    if scan.eob_run > 0 {
        scan.eob_run -= 1;
        return Ok(());
    }
    let r = &mut scan.reader;
    let mut k = band.0;
    while k <= band.1 {
        let (run, size, value) = r.ac_coefficient(ac)?;
        if size == 0 {
            if run < 15 {
                scan.eob_run = (1 << run) - 1 + r.bits(u32::from(run));
                break;
            }
            k += 16;
            continue;
        }
        k += usize::from(run);
        if k <= band.1 {
            block.set(k, value << shift);
        }
        k += 1;
    }
    Ok(())
}

/// A refinement pass over one block. The block's history is read once and written back once;
/// the coefficients a code's run steps over and those of an end-of-band run are found by bit
/// scanning of the history, and their correction bits are read together. (A detailed photo
/// codes most blocks' refinements one code at a time, `photo-elephants` 15 codes a block on
/// average, each stepping over a few corrected coefficients; a sparse one leaves most blocks in
/// end-of-band runs.)
pub(super) fn ac_refine(
    scan: &mut Scan<'_>,
    mut block: Block<'_>,
    ac: &HuffmanTable,
    band: (usize, usize),
    bit: u8,
) -> Result<(), DecodeError> {
    let (p1, m1) = (1i32 << bit, -1i32 << bit);
    let r = &mut scan.reader;
    let mut history = block.history();
    let in_band = band_bits(band.0, band.1);
    let mut k = band.0;
    if scan.eob_run == 0 {
        while k <= band.1 {
            let rs = r.decode(ac)?;
            let (run, size) = (u32::from(rs >> 4), rs & 0x0F);
            let mut value = 0;
            if size != 0 {
                value = if r.bits(1) == 1 { p1 } else { m1 };
            } else if run != 15 {
                scan.eob_run = (1 << run) + r.bits(run);
                break;
            }
            // The new coefficient (or the end of a zero run) is at the run's next position with
            // no history; those with one before it are corrected on the way.
            let ahead = in_band & at_or_after(k);
            let at = nth_set_bit(!history & ahead, run);
            let end = at.unwrap_or(band.1 + 1);
            block.correct(r, history & ahead & !at_or_after(end), p1, m1);
            if let (Some(at), true) = (at, value != 0) {
                history |= 1u64 << (at & 63);
                block.set_value(at, value);
            }
            k = end + 1;
        }
    }
    if scan.eob_run > 0 {
        block.correct(r, history & in_band & at_or_after(k), p1, m1);
        scan.eob_run -= 1;
    }
    block.set_history(history);
    Ok(())
}

#[cfg(test)]
mod tests;

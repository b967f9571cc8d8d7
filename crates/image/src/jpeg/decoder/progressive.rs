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

    fn is_nonzero(&self, k: usize) -> bool {
        self.c
            .nonzero
            .get(self.index)
            .is_some_and(|m| (m >> (k & 63)) & 1 == 1)
    }

    /// A nonzero coefficient takes one correction bit, moving it away from zero.
    fn correct(&mut self, reader: &mut BitReader<'_>, k: usize, p1: i32, m1: i32) {
        if reader.bits(1) == 1 {
            if let Some(v) = self.slot(k) {
                let value = i32::from(*v);
                if value & p1 == 0 {
                    *v = (value + if value >= 0 { p1 } else { m1 }).clamp(-32768, 32767) as i16;
                }
            }
        }
    }
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

pub(super) fn ac_refine(
    scan: &mut Scan<'_>,
    mut block: Block<'_>,
    ac: &HuffmanTable,
    band: (usize, usize),
    bit: u8,
) -> Result<(), DecodeError> {
    let (p1, m1) = (1i32 << bit, -1i32 << bit);
    let r = &mut scan.reader;
    let mut k = band.0;
    if scan.eob_run == 0 {
        while k <= band.1 {
            let rs = r.decode(ac)?;
            let (mut run, size) = (i32::from(rs >> 4), rs & 0x0F);
            let mut value = 0;
            if size != 0 {
                value = if r.bits(1) == 1 { p1 } else { m1 };
            } else if run != 15 {
                scan.eob_run = (1 << run) + r.bits(run as u32);
                break;
            }
            // Skip `run` coefficients with no history, correcting those that have one.
            while k <= band.1 {
                if block.is_nonzero(k) {
                    block.correct(r, k, p1, m1);
                } else {
                    run -= 1;
                    if run < 0 {
                        break;
                    }
                }
                k += 1;
            }
            if value != 0 && k <= band.1 {
                block.set(k, value);
            }
            k += 1;
        }
    }
    if scan.eob_run > 0 {
        while k <= band.1 {
            if block.is_nonzero(k) {
                block.correct(r, k, p1, m1);
            }
            k += 1;
        }
        scan.eob_run -= 1;
    }
    Ok(())
}

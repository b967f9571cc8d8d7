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

    /// A nonzero coefficient takes one correction bit, moving it away from zero; only kept
    /// coefficients have a value to correct, but every one's bit is read.
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

/// Bits `from..=to` (zigzag positions, `to` ≤ 63) of a history mask.
fn band_bits(from: usize, to: usize) -> u64 {
    if from > to || from > 63 {
        return 0;
    }
    let upper = if to >= 63 {
        u64::MAX
    } else {
        (1u64 << (to + 1)) - 1
    };
    upper & (u64::MAX << from)
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
/// the correction bits of an end-of-band run go to its nonzero coefficients only, found by bit
/// scanning (most blocks of a refinement scan are in such a run, and most of their 63
/// positions are zero).
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
                if (history >> (k & 63)) & 1 == 1 {
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
                history |= 1u64 << (k & 63);
                block.set_value(k, value);
            }
            k += 1;
        }
    }
    if scan.eob_run > 0 {
        let mut nonzero = history & band_bits(k, band.1);
        while nonzero != 0 {
            block.correct(r, nonzero.trailing_zeros() as usize, p1, m1);
            nonzero &= nonzero - 1;
        }
        scan.eob_run -= 1;
    }
    block.set_history(history);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::band_bits;

    #[test]
    fn band_bits_cover_exactly_the_band() {
        assert_eq!(band_bits(0, 63), u64::MAX);
        assert_eq!(band_bits(1, 63), u64::MAX - 1);
        assert_eq!(band_bits(1, 5), 0b11_1110);
        assert_eq!(band_bits(63, 63), 1 << 63);
        assert_eq!(band_bits(6, 5), 0);
        assert_eq!(band_bits(64, 63), 0);
    }
}

//! The refinement pass against the coefficient-by-coefficient procedure of T.81 G.1.2.3 it
//! replaces, over random scan data, histories, bands and output scales: the same
//! coefficients, histories, end-of-band runs and bits consumed.

use super::*;
use crate::jpeg::decoder::idct::ScaledIdct;
use crate::jpeg::decoder::tables::{kept_mask, kept_table};

#[test]
fn band_bits_cover_exactly_the_band() {
    assert_eq!(band_bits(0, 63), u64::MAX);
    assert_eq!(band_bits(1, 63), u64::MAX - 1);
    assert_eq!(band_bits(1, 5), 0b11_1110);
    assert_eq!(band_bits(63, 63), 1 << 63);
    assert_eq!(band_bits(6, 5), 0);
    assert_eq!(band_bits(64, 63), 0);
}

#[test]
fn nth_set_bit_counts_from_the_lowest() {
    assert_eq!(nth_set_bit(0b1011_0000, 0), Some(4));
    assert_eq!(nth_set_bit(0b1011_0000, 2), Some(7));
    assert_eq!(nth_set_bit(0b1011_0000, 3), None);
    assert_eq!(nth_set_bit(0, 0), None);
    assert_eq!(nth_set_bit(1 << 63, 0), Some(63));
    // Against clearing the lowest set bit n times, over masks of every density.
    let mut random = Random(7);
    for _ in 0..20_000 {
        let mask = (0..random.below(4)).fold(random.next(), |m, _| m & random.next());
        for n in 0..=64 {
            let mut cleared = mask;
            for _ in 0..n {
                cleared &= cleared.wrapping_sub(1);
            }
            let want = (cleared != 0).then(|| cleared.trailing_zeros() as usize);
            assert_eq!(nth_set_bit(mask, n), want, "{mask:#x} {n}");
        }
    }
}

/// T.81's procedure as written: every position of the band visited in turn, one correction
/// bit read per coefficient with a history.
fn ac_refine_one_by_one(
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
    let correct = |block: &mut Block<'_>, r: &mut BitReader<'_>, k: usize| {
        if r.bits(1) == 1 {
            if let Some(v) = block.slot(k) {
                let value = i32::from(*v);
                if value & p1 == 0 {
                    *v = (value + if value >= 0 { p1 } else { m1 }).clamp(-32768, 32767) as i16;
                }
            }
        }
    };
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
            while k <= band.1 {
                if (history >> k) & 1 == 1 {
                    correct(&mut block, r, k);
                } else {
                    run -= 1;
                    if run < 0 {
                        break;
                    }
                }
                k += 1;
            }
            if value != 0 && k <= band.1 {
                history |= 1u64 << k;
                block.set_value(k, value);
            }
            k += 1;
        }
    }
    if scan.eob_run > 0 {
        while k <= band.1 {
            if (history >> k) & 1 == 1 {
                correct(&mut block, r, k);
            }
            k += 1;
        }
        scan.eob_run -= 1;
    }
    block.set_history(history);
    Ok(())
}

struct Random(u64);

impl Random {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

/// The symbols a refinement scan codes (a run with a coefficient of size 1, end-of-band runs,
/// sixteen zeros) in a canonical table that leaves 1/32 of the code space undefined, so random
/// data also meets bad codes now and then.
fn refinement_table() -> HuffmanTable {
    let mut values: Vec<u8> = (0..16).map(|run| run << 4 | 1).collect();
    values.extend((0..15).map(|run| run << 4));
    values.push(0xF0);
    let mut counts = [0u8; 16];
    counts[4] = 30;
    counts[5] = 2;
    HuffmanTable::new(&counts, &values).unwrap()
}

fn component(side: usize, blocks: usize, random: &mut Random) -> Component {
    let kept = kept_table(side, side);
    let per_block = side * side;
    // Sparse and dense histories, and values with and without the refined bit set.
    let density = random.below(4);
    Component {
        id: 1,
        h: 1,
        v: 1,
        quant_table: 0,
        quant: None,
        blocks_wide: blocks,
        blocks_high: 1,
        idct: ScaledIdct::new(side, side),
        kept,
        last_kept: 0,
        kept_mask: kept_mask(&kept),
        coefs: (0..blocks * per_block)
            .map(|_| random.below(97) as i16 - 48)
            .collect(),
        nonzero: (0..blocks)
            .map(|_| (0..density).fold(random.next(), |m, _| m & random.next()))
            .collect(),
        samples: Vec::new(),
        pred: 0,
    }
}

#[test]
fn refinement_matches_the_one_by_one_procedure() {
    let table = refinement_table();
    let mut random = Random(0x9E37_79B9_7F4A_7C15);
    let mut refined = 0;
    for trial in 0..400 {
        let side = [1, 2, 4][trial % 3];
        let blocks = 64;
        let start = 1 + random.below(63) as usize;
        let band = (start, start + random.below(64 - start as u64) as usize);
        let bit = random.below(4) as u8;
        // Random entropy-coded data; some trials end it early at a marker, which the reader
        // turns into zeros.
        let mut data: Vec<u8> = (0..600).map(|_| (random.next() % 255) as u8).collect();
        if trial % 5 == 0 {
            data.truncate(100);
            data.extend([0xFF, 0xD9]);
        }
        let mut ours = component(side, blocks, &mut Random(trial as u64 + 1));
        let mut reference = component(side, blocks, &mut Random(trial as u64 + 1));
        let mut scan = Scan {
            reader: BitReader::new(&data, 0),
            eob_run: 0,
        };
        let mut reference_scan = Scan {
            reader: BitReader::new(&data, 0),
            eob_run: 0,
        };
        for index in 0..blocks {
            let got = ac_refine(
                &mut scan,
                Block {
                    c: &mut ours,
                    index,
                },
                &table,
                band,
                bit,
            );
            let want = ac_refine_one_by_one(
                &mut reference_scan,
                Block {
                    c: &mut reference,
                    index,
                },
                &table,
                band,
                bit,
            );
            assert_eq!(got.is_ok(), want.is_ok(), "trial {trial} block {index}");
            if got.is_err() {
                break;
            }
            assert_eq!(
                scan.eob_run, reference_scan.eob_run,
                "trial {trial} block {index}"
            );
            refined += 1;
        }
        assert_eq!(ours.coefs, reference.coefs, "trial {trial}");
        assert_eq!(ours.nonzero, reference.nonzero, "trial {trial}");
        assert_eq!(
            scan.reader.bits(32),
            reference_scan.reader.bits(32),
            "trial {trial}: the same bits consumed"
        );
    }
    assert!(
        refined > 10_000,
        "most blocks decode, not only bad codes: {refined}"
    );
}

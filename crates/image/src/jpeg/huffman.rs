//! Canonical Huffman tables of baseline and progressive JPEG, with one-lookup fast paths.

/// Codes up to this length are decoded with one table lookup.
pub(super) const FAST_BITS: u32 = 11;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub(super) enum EntropyError {
    #[error("a Huffman table is invalid")]
    BadTable,
    #[error("the scan data contains a code no table defines")]
    BadCode,
    #[error("a scan uses a Huffman table that was never defined")]
    MissingTable,
}

/// A decoding table built from a DHT segment's 16 counts and symbol list.
#[derive(Debug, Clone)]
pub(super) struct HuffmanTable {
    /// `(length << 8) | symbol` for codes of at most `FAST_BITS` bits; 0 = not a fast code.
    pub(super) fast: Vec<u16>,
    /// Largest code of each length (index 1..=16), or -1 when there is none.
    pub(super) max_code: [i32; 17],
    /// `values` index of the first code of each length, minus that code.
    pub(super) offset: [i32; 17],
    pub(super) values: Vec<u8>,
    /// For AC tables: codes whose magnitude bits also fit in `FAST_BITS` decode to a whole
    /// coefficient in one lookup: `value << 16 | run << 8 | bits consumed`, with `ZERO_SIZE`
    /// set for end-of-block and zero-run codes (which have no magnitude); 0 = slow path.
    pub(super) fast_ac: Vec<u32>,
}

impl HuffmanTable {
    // Indices are bounded by construction: lengths are 1..=16 over arrays of 17, symbol indices
    // are below `total` (checked against `values.len()`), fast-table spans below 1 << FAST_BITS.
    #[allow(clippy::indexing_slicing)]
    pub(super) fn new(counts: &[u8; 16], values: &[u8]) -> Result<Self, EntropyError> {
        let total: usize = counts.iter().map(|&c| usize::from(c)).sum();
        if total > 256 || values.len() < total {
            return Err(EntropyError::BadTable);
        }
        let mut fast = vec![0u16; 1 << FAST_BITS];
        let mut max_code = [-1i32; 17];
        let mut offset = [0i32; 17];
        let (mut code, mut index) = (0u32, 0usize);
        for length in 1..=16u32 {
            let count = u32::from(counts[length as usize - 1]);
            offset[length as usize] = index as i32 - code as i32;
            for _ in 0..count {
                if code >= (1 << length) {
                    return Err(EntropyError::BadTable);
                }
                if length <= FAST_BITS {
                    let shift = FAST_BITS - length;
                    let entry = ((length as u16) << 8) | u16::from(values[index]);
                    let start = (code << shift) as usize;
                    fast[start..start + (1 << shift)].fill(entry);
                }
                code += 1;
                index += 1;
            }
            if count > 0 {
                max_code[length as usize] = code as i32 - 1;
            }
            code <<= 1;
        }
        let fast_ac = fast_ac_table(&fast);
        Ok(Self {
            fast,
            max_code,
            offset,
            values: values[..total].to_vec(),
            fast_ac,
        })
    }
}

/// One table of a DHT segment, as stored.
pub(super) struct DhtTable<'a> {
    /// 0 for DC, 1 for AC.
    pub(super) class: u8,
    pub(super) id: usize,
    /// How many codes each length from 1 to 16 has.
    pub(super) counts: [u8; 16],
    /// The symbols, shortest codes first.
    pub(super) values: &'a [u8],
}

/// The tables of one DHT segment's payload, in the order stored. A table cut short is one
/// `Err`, then the end.
pub(super) fn dht_tables(
    mut payload: &[u8],
) -> impl Iterator<Item = Result<DhtTable<'_>, EntropyError>> {
    std::iter::from_fn(move || {
        let &class_and_id = payload.first()?;
        let counts: Option<[u8; 16]> = payload.get(1..17).and_then(|c| c.try_into().ok());
        let total: usize = counts.iter().flatten().map(|&c| usize::from(c)).sum();
        let (Some(counts), Some(values)) = (counts, payload.get(17..17 + total)) else {
            payload = &[];
            return Some(Err(EntropyError::BadTable));
        };
        payload = payload.get(17 + total..).unwrap_or(&[]);
        Some(Ok(DhtTable {
            class: class_and_id >> 4,
            id: usize::from(class_and_id & 0x0F),
            counts,
            values,
        }))
    })
}

/// Flag in a `fast_ac` entry: the symbol has size 0 (end of block or sixteen zeros).
pub(super) const ZERO_SIZE: u32 = 0x8000;

/// Expands fast entries whose code and magnitude bits together fit in `FAST_BITS`.
fn fast_ac_table(fast: &[u16]) -> Vec<u32> {
    fast.iter()
        .enumerate()
        .map(|(peek, &entry)| {
            let (length, symbol) = (u32::from(entry >> 8), entry as u8);
            let (run, size) = (u32::from(symbol >> 4), u32::from(symbol & 0x0F));
            if entry == 0 || length + size > FAST_BITS {
                return 0;
            }
            if size == 0 {
                return ZERO_SIZE | (run << 8) | length;
            }
            let magnitude = ((peek as u32) >> (FAST_BITS - length - size)) & ((1 << size) - 1);
            let value = extend(magnitude as i32, size);
            ((value as u32) << 16) | (run << 8) | (length + size)
        })
        .collect()
}

pub(super) fn extend(v: i32, size: u32) -> i32 {
    if v < (1 << (size - 1)) {
        v - (1 << size) + 1
    } else {
        v
    }
}

pub(super) use super::bits::BitReader;
#[cfg(test)]
mod tests {
    use super::super::bits::next_marker;
    use super::*;

    /// Counts/values of the standard luminance DC table (ITU T.81 K.3).
    fn luma_dc() -> HuffmanTable {
        let counts = [0, 1, 5, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0];
        HuffmanTable::new(&counts, &[0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]).unwrap()
    }

    #[test]
    fn decodes_standard_codes() {
        // Category 0 is "00", category 4 is "101", category 11 is "111111110".
        let data = [0b0010_1111, 0b1111_1000];
        let mut reader = BitReader::new(&data, 0);
        let table = luma_dc();
        assert_eq!(reader.decode(&table), Ok(0));
        assert_eq!(reader.decode(&table), Ok(4));
        assert_eq!(reader.decode(&table), Ok(11));
    }

    #[test]
    fn extends_signs_and_unstuffs_bytes() {
        let data = [0xFF, 0x00, 0b0100_0000];
        let mut reader = BitReader::new(&data, 0);
        assert_eq!(reader.bits(8), 0xFF);
        assert_eq!(reader.receive_extend(2), -2); // "01"
    }

    #[test]
    fn oversubscribed_tables_are_rejected() {
        let counts = [3, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0];
        assert_eq!(
            HuffmanTable::new(&counts, &[0, 1, 2]).unwrap_err(),
            EntropyError::BadTable
        );
    }

    #[test]
    fn markers_feed_zeros_and_are_found() {
        let data = [0xAB, 0xFF, 0xD0, 0xCD, 0xFF, 0x00, 0xFF, 0xD9];
        let mut reader = BitReader::new(&data, 0);
        assert_eq!(reader.bits(8), 0xAB);
        assert_eq!(reader.bits(8), 0); // stops at the RST marker
        reader.restart();
        assert_eq!(reader.bits(8), 0xCD);
        assert_eq!(next_marker(&data, 0), 6);
    }
}

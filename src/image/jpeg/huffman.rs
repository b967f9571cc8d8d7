//! Canonical Huffman tables and the entropy-coded-data bit reader (byte stuffing, markers,
//! restarts) of baseline and progressive JPEG.

/// Codes up to this length are decoded with one table lookup.
const FAST_BITS: u32 = 11;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EntropyError {
    #[error("a Huffman table is invalid")]
    BadTable,
    #[error("the scan data contains a code no table defines")]
    BadCode,
    #[error("a scan uses a Huffman table that was never defined")]
    MissingTable,
}

/// A decoding table built from a DHT segment's 16 counts and symbol list.
#[derive(Debug, Clone)]
pub struct HuffmanTable {
    /// `(length << 8) | symbol` for codes of at most `FAST_BITS` bits; 0 = not a fast code.
    fast: Vec<u16>,
    /// Largest code of each length (index 1..=16), or -1 when there is none.
    max_code: [i32; 17],
    /// `values` index of the first code of each length, minus that code.
    offset: [i32; 17],
    values: Vec<u8>,
    /// For AC tables: codes whose magnitude bits also fit in `FAST_BITS` decode to a whole
    /// coefficient in one lookup: `value << 16 | run << 8 | bits consumed`; 0 = slow path.
    fast_ac: Vec<u32>,
}

impl HuffmanTable {
    // Indices are bounded by construction: lengths are 1..=16 over arrays of 17, symbol indices
    // are below `total` (checked against `values.len()`), fast-table spans below 1 << FAST_BITS.
    #[allow(clippy::indexing_slicing)]
    pub fn new(counts: &[u8; 16], values: &[u8]) -> Result<Self, EntropyError> {
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

/// Expands fast entries whose code and magnitude bits together fit in `FAST_BITS`.
fn fast_ac_table(fast: &[u16]) -> Vec<u32> {
    fast.iter()
        .enumerate()
        .map(|(peek, &entry)| {
            let (length, symbol) = (u32::from(entry >> 8), entry as u8);
            let (run, size) = (u32::from(symbol >> 4), u32::from(symbol & 0x0F));
            if entry == 0 || size == 0 || length + size > FAST_BITS {
                return 0;
            }
            let magnitude = ((peek as u32) >> (FAST_BITS - length - size)) & ((1 << size) - 1);
            let value = extend(magnitude as i32, size);
            ((value as u32) << 16) | (run << 8) | (length + size)
        })
        .collect()
}

fn extend(v: i32, size: u32) -> i32 {
    if v < (1 << (size - 1)) {
        v - (1 << size) + 1
    } else {
        v
    }
}

/// Reads bits MSB-first from entropy-coded data. At a marker (or the end of the data) it
/// feeds zeros, so a damaged scan ends in garbage, never in a panic or an endless loop.
#[derive(Debug)]
pub struct BitReader<'a> {
    data: &'a [u8],
    pos: usize,
    acc: u64,
    bits: u32,
    at_marker: bool,
}

impl<'a> BitReader<'a> {
    pub fn new(data: &'a [u8], pos: usize) -> Self {
        Self {
            data,
            pos,
            acc: 0,
            bits: 0,
            at_marker: false,
        }
    }

    fn refill(&mut self) {
        // Fast path: eight bytes without 0xFF (so no stuffing and no marker) go in at once.
        if !self.at_marker {
            if let Some(word) = self
                .data
                .get(self.pos..self.pos + 8)
                .and_then(|b| b.try_into().ok())
            {
                let word = u64::from_be_bytes(word);
                let inverted = !word;
                let has_ff = inverted.wrapping_sub(0x0101_0101_0101_0101)
                    & !inverted
                    & 0x8080_8080_8080_8080;
                if has_ff == 0 {
                    let take = ((64 - self.bits) / 8).min(7);
                    self.acc |= (word >> (64 - 8 * take)) << (64 - 8 * take - self.bits);
                    self.pos += take as usize;
                    self.bits += 8 * take;
                    return;
                }
            }
        }
        while self.bits <= 56 {
            let byte = if self.at_marker { 0 } else { self.next_byte() };
            self.acc |= u64::from(byte) << (56 - self.bits);
            self.bits += 8;
        }
    }

    fn next_byte(&mut self) -> u8 {
        match (self.data.get(self.pos), self.data.get(self.pos + 1)) {
            (Some(0xFF), Some(0x00)) => {
                self.pos += 2;
                0xFF
            }
            (Some(0xFF), _) | (None, _) => {
                self.at_marker = true;
                0
            }
            (Some(&b), _) => {
                self.pos += 1;
                b
            }
        }
    }

    /// The next `n` (1..=16) bits as an unsigned number.
    #[inline(always)]
    pub fn bits(&mut self, n: u32) -> u32 {
        if n == 0 {
            return 0;
        }
        if self.bits < n {
            self.refill();
        }
        let value = (self.acc >> (64 - n)) as u32;
        self.acc <<= n;
        self.bits -= n;
        value
    }

    /// Reads `s` bits and sign-extends them (JPEG's EXTEND procedure).
    #[inline(always)]
    pub fn receive_extend(&mut self, s: u8) -> i32 {
        if s == 0 || s > 16 {
            return 0;
        }
        let s = u32::from(s);
        extend(self.bits(s) as i32, s)
    }

    /// Decodes one Huffman symbol.
    #[allow(clippy::indexing_slicing)] // `length` is 1..=16 over arrays of 17
    #[inline(always)]
    pub fn decode(&mut self, table: &HuffmanTable) -> Result<u8, EntropyError> {
        if self.bits < 16 {
            self.refill();
        }
        let peek = (self.acc >> (64 - FAST_BITS)) as usize;
        let entry = table.fast.get(peek).copied().unwrap_or(0);
        if entry != 0 {
            let length = u32::from(entry >> 8);
            self.acc <<= length;
            self.bits -= length;
            return Ok(entry as u8);
        }
        let mut code = 0i32;
        for length in 1..=16usize {
            code = (code << 1) | ((self.acc >> 63) as i32);
            self.acc <<= 1;
            self.bits -= 1;
            if code <= table.max_code[length] {
                let index = usize::try_from(code + table.offset[length])
                    .map_err(|_| EntropyError::BadCode)?;
                return table
                    .values
                    .get(index)
                    .copied()
                    .ok_or(EntropyError::BadCode);
            }
        }
        Err(EntropyError::BadCode)
    }

    /// Decodes one AC coefficient: `(run, size, value)`, where `size == 0` marks EOB
    /// (`run < 15`) or sixteen zeros (`run == 15`).
    #[inline(always)]
    pub fn ac_coefficient(&mut self, table: &HuffmanTable) -> Result<(u8, u8, i32), EntropyError> {
        if self.bits < 16 {
            self.refill();
        }
        let peek = (self.acc >> (64 - FAST_BITS)) as usize;
        let entry = table.fast_ac.get(peek).copied().unwrap_or(0);
        if entry != 0 {
            let consumed = entry & 0xFF;
            self.acc <<= consumed;
            self.bits -= consumed;
            return Ok((((entry >> 8) & 0xFF) as u8, 1, (entry >> 16) as i16 as i32));
        }
        let rs = self.decode(table)?;
        let size = rs & 0x0F;
        Ok((rs >> 4, size, self.receive_extend(size)))
    }

    /// At a restart interval boundary: drop buffered bits and step over an RSTn marker.
    pub fn restart(&mut self) {
        self.acc = 0;
        self.bits = 0;
        self.at_marker = false;
        while self.data.get(self.pos) == Some(&0xFF) && self.data.get(self.pos + 1) == Some(&0xFF) {
            self.pos += 1;
        }
        if self.data.get(self.pos) == Some(&0xFF)
            && self
                .data
                .get(self.pos + 1)
                .is_some_and(|m| (0xD0..=0xD7).contains(m))
        {
            self.pos += 2;
        }
    }

    /// Where the scan data ended: the offset of the next marker that is not a restart.
    pub fn end_of_scan(&self) -> usize {
        next_marker(self.data, self.pos)
    }
}

/// The offset of the first marker at or after `from` that is not RSTn, stuffing or fill.
pub fn next_marker(data: &[u8], from: usize) -> usize {
    let mut pos = from;
    while let Some(found) = data.get(pos..).and_then(|rest| memchr::memchr(0xFF, rest)) {
        let at = pos + found;
        match data.get(at + 1) {
            None => return data.len(),
            Some(0x00 | 0xFF) | Some(0xD0..=0xD7) => pos = at + 1,
            Some(_) => return at,
        }
    }
    data.len()
}

#[cfg(test)]
mod tests {
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

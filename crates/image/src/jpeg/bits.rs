//! The entropy-coded-data bit reader: byte stuffing, markers, restarts, and Huffman decoding
//! through the tables' fast paths.

use super::huffman::{extend, EntropyError, HuffmanTable, FAST_BITS, ZERO_SIZE};

/// Reads bits MSB-first from entropy-coded data. At a marker (or the end of the data) it
/// feeds zeros, so a damaged scan ends in garbage, never in a panic or an endless loop; and it
/// tells when nothing but those zeros is left ([`Self::ran_dry`]), so the scan can stop.
#[derive(Debug)]
pub(super) struct BitReader<'a> {
    data: &'a [u8],
    pos: usize,
    acc: u64,
    bits: u32,
    at_marker: bool,
    /// How many of the lowest buffered bits are fed zeros, not data (an upper bound once bits
    /// are consumed: [`Self::ran_dry`] compares it with what is buffered).
    padding: u32,
}

impl<'a> BitReader<'a> {
    pub(super) fn new(data: &'a [u8], pos: usize) -> Self {
        Self {
            data,
            pos,
            acc: 0,
            bits: 0,
            at_marker: false,
            padding: 0,
        }
    }

    /// Whether every bit still buffered is a fed zero: the data before the marker is used up,
    /// and whatever is decoded from here on would be made of nothing.
    pub(super) fn ran_dry(&self) -> bool {
        self.at_marker && self.bits <= self.padding
    }

    /// Whether the marker the reader stopped at is RSTn: data follows it, after the restart.
    pub(super) fn at_restart_marker(&self) -> bool {
        self.data.get(self.pos) == Some(&0xFF)
            && self
                .data
                .get(self.pos + 1)
                .is_some_and(|m| (0xD0..=0xD7).contains(m))
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
            if self.at_marker {
                // Consumption has left at most `bits` of the earlier padding in the buffer.
                self.padding = self.padding.min(self.bits) + 8;
            }
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

    /// The next `n` (0..=32) bits as an unsigned number: a refill leaves at least 56 buffered.
    #[inline(always)]
    pub(super) fn bits(&mut self, n: u32) -> u32 {
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

    /// The next `n` (0..=32) bits, without a branch on `n == 0` (a refinement pass reads a
    /// count of correction bits that is often zero).
    #[inline(always)]
    pub(super) fn take(&mut self, n: u32) -> u32 {
        if self.bits < n {
            self.refill();
        }
        // Shifted in two steps so that `n == 0` gives 0 instead of a shift by 64.
        let value = ((self.acc >> 1) >> (63 - n)) as u32;
        self.acc <<= n;
        self.bits -= n;
        value
    }

    /// Reads `s` bits and sign-extends them (JPEG's EXTEND procedure).
    #[inline(always)]
    pub(super) fn receive_extend(&mut self, s: u8) -> i32 {
        if s == 0 || s > 16 {
            return 0;
        }
        let s = u32::from(s);
        extend(self.bits(s) as i32, s)
    }

    /// Decodes one Huffman symbol.
    #[allow(clippy::indexing_slicing)] // `length` is 1..=16 over arrays of 17
    #[inline(always)]
    pub(super) fn decode(&mut self, table: &HuffmanTable) -> Result<u8, EntropyError> {
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
    pub(super) fn ac_coefficient(
        &mut self,
        table: &HuffmanTable,
    ) -> Result<(u8, u8, i32), EntropyError> {
        if self.bits < 16 {
            self.refill();
        }
        let peek = (self.acc >> (64 - FAST_BITS)) as usize;
        let entry = table.fast_ac.get(peek).copied().unwrap_or(0);
        if entry != 0 {
            let consumed = entry & 0xFF;
            self.acc <<= consumed;
            self.bits -= consumed;
            let size = u8::from(entry & ZERO_SIZE == 0);
            return Ok((
                ((entry >> 8) & 0x7F) as u8,
                size,
                (entry >> 16) as i16 as i32,
            ));
        }
        let rs = self.decode(table)?;
        let size = rs & 0x0F;
        Ok((rs >> 4, size, self.receive_extend(size)))
    }

    /// Steps over one AC coefficient without computing its value: `(run, size)` as in
    /// [`Self::ac_coefficient`]. One refill covers the code and its magnitude bits.
    #[inline(always)]
    pub(super) fn skip_ac(&mut self, table: &HuffmanTable) -> Result<(u8, u8), EntropyError> {
        // After a refill at least 57 bits are buffered: enough for an 11-bit code and 15
        // magnitude bits.
        if self.bits < 32 {
            self.refill();
        }
        let peek = (self.acc >> (64 - FAST_BITS)) as usize;
        let entry = table.fast.get(peek).copied().unwrap_or(0);
        let rs = if entry != 0 {
            let rs = entry as u8;
            let consumed = u32::from(entry >> 8) + u32::from(rs & 0x0F);
            self.acc <<= consumed;
            self.bits -= consumed;
            rs
        } else {
            let rs = self.decode(table)?;
            self.bits(u32::from(rs & 0x0F));
            rs
        };
        Ok((rs >> 4, rs & 0x0F))
    }

    /// At a restart interval boundary: drop buffered bits and step over an RSTn marker.
    pub(super) fn restart(&mut self) {
        self.acc = 0;
        self.bits = 0;
        self.at_marker = false;
        self.padding = 0;
        while self.data.get(self.pos) == Some(&0xFF) && self.data.get(self.pos + 1) == Some(&0xFF) {
            self.pos += 1;
        }
        if self.at_restart_marker() {
            self.pos += 2;
        }
    }
}

/// The offset of the first marker at or after `from` that is not RSTn, stuffing or fill.
pub(super) fn next_marker(data: &[u8], from: usize) -> usize {
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

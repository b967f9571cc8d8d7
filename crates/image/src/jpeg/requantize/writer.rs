//! Baseline entropy coding of quantized blocks: canonical Huffman codes from a DHT's counts and
//! symbols, and a bit writer that stuffs a zero after every 0xFF byte.

/// Each symbol's code and length (0: the table has no code for it).
pub(super) struct HuffmanCodes {
    code: [u16; 256],
    length: [u8; 256],
}

impl HuffmanCodes {
    /// The canonical codes T.81 Annex C assigns to `values` by the 16 `counts`; `None` when
    /// the counts overflow their lengths.
    pub(super) fn new(counts: &[u8; 16], values: &[u8]) -> Option<Self> {
        let mut codes = Self {
            code: [0; 256],
            length: [0; 256],
        };
        let (mut code, mut symbols) = (0u32, values.iter());
        for (length, &count) in (1u8..).zip(counts) {
            for _ in 0..count {
                let &symbol = symbols.next()?;
                if code >= 1 << length {
                    return None;
                }
                *codes.code.get_mut(usize::from(symbol))? = code as u16;
                *codes.length.get_mut(usize::from(symbol))? = length;
                code += 1;
            }
            code <<= 1;
        }
        Some(codes)
    }

    fn get(&self, symbol: u8) -> Option<(u32, u32)> {
        let at = usize::from(symbol);
        let length = u32::from(*self.length.get(at)?);
        (length > 0).then(|| (u32::from(self.code.get(at).copied().unwrap_or(0)), length))
    }
}

/// Entropy-coded data, most significant bit first.
pub(super) struct BitWriter {
    pub(super) out: Vec<u8>,
    acc: u64,
    bits: u32,
}

impl BitWriter {
    pub(super) fn new(out: Vec<u8>) -> Self {
        Self {
            out,
            acc: 0,
            bits: 0,
        }
    }

    /// Appends the low `length` (at most 32) bits of `value`; whole 32-bit words go out at
    /// once unless one of their bytes needs stuffing.
    #[inline(always)]
    fn put(&mut self, value: u32, length: u32) {
        let mask = (1u64 << length) - 1;
        self.acc = (self.acc << length) | (u64::from(value) & mask);
        self.bits += length;
        if self.bits >= 32 {
            self.bits -= 32;
            let word = (self.acc >> self.bits) as u32;
            // A byte is 0xFF exactly where the complement has a zero byte.
            let inverted = !word;
            if inverted.wrapping_sub(0x0101_0101) & !inverted & 0x8080_8080 == 0 {
                self.out.extend_from_slice(&word.to_be_bytes());
            } else {
                for byte in word.to_be_bytes() {
                    self.out.push(byte);
                    if byte == 0xFF {
                        self.out.push(0);
                    }
                }
            }
        }
    }

    /// Pads the last byte with ones (T.81 F.1.2.3) and returns the bytes.
    pub(super) fn finish(mut self) -> Vec<u8> {
        // Up to 31 bits wait in the accumulator: padded to a byte, then out byte by byte.
        let pad = (8 - self.bits % 8) % 8;
        self.acc = (self.acc << pad) | ((1u64 << pad) - 1);
        self.bits += pad;
        while self.bits >= 8 {
            self.bits -= 8;
            let byte = (self.acc >> self.bits) as u8;
            self.out.push(byte);
            if byte == 0xFF {
                self.out.push(0);
            }
        }
        self.out
    }

    /// Codes one block of quantized coefficients in zigzag order, its DC as the difference
    /// from `pred` (updated) and its AC coefficients where `nonzero` has a bit (bit k for
    /// index k; the others are zero); `None` when a table lacks a symbol the block needs.
    pub(super) fn block(
        &mut self,
        zigzag: &[i32; 64],
        nonzero: u64,
        pred: &mut i32,
        dc: &HuffmanCodes,
        ac: &HuffmanCodes,
    ) -> Option<()> {
        let first = zigzag[0];
        let difference = first - *pred;
        *pred = first;
        let size = magnitude_bits(difference);
        let (code, length) = dc.get(size as u8)?;
        self.put((code << size) | magnitude(difference, size), length + size);
        // Only the nonzero coefficients are visited: most of a block is zeros.
        let (mut rest, mut last) = (nonzero & !1, 0u32);
        while rest != 0 {
            let at = rest.trailing_zeros();
            rest &= rest - 1;
            let mut run = at - last - 1;
            while run >= 16 {
                let (code, length) = ac.get(0xF0)?;
                self.put(code, length);
                run -= 16;
            }
            let value = *zigzag.get(at as usize)?;
            let size = magnitude_bits(value);
            let (code, length) = ac.get(((run << 4) | size) as u8)?;
            self.put((code << size) | magnitude(value, size), length + size);
            last = at;
        }
        if last < 63 {
            let (code, length) = ac.get(0x00)?;
            self.put(code, length);
        }
        Some(())
    }
}

/// The number of bits of `value`'s magnitude (its JPEG size category).
fn magnitude_bits(value: i32) -> u32 {
    32 - value.unsigned_abs().leading_zeros()
}

/// The `size` bits coded after a size category: the value itself, or one less when negative
/// (T.81 F.1.2.1).
fn magnitude(value: i32, size: u32) -> u32 {
    let bits = if value < 0 { value - 1 } else { value } as u32;
    bits & ((1u32 << size) - 1)
}

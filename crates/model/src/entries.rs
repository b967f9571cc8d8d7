//! A borrowed run of (item index, score) pairs — a segment list or a neighbour row — read
//! in place, 8 bytes each.

use crate::layout::{read_f32, read_u32};

/// Ranked (item index, score) pairs, best first as published.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Entries<'a> {
    bytes: &'a [u8],
}

impl<'a> Entries<'a> {
    pub(crate) fn new(bytes: &'a [u8]) -> Self {
        Self { bytes }
    }

    /// Number of pairs.
    pub fn len(&self) -> usize {
        self.bytes.len() / 8
    }

    /// Whether there are no pairs.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Pair `i`, if in range.
    pub fn get(&self, i: usize) -> Option<(u32, f32)> {
        let at = i.checked_mul(8)?;
        Some((read_u32(self.bytes, at)?, read_f32(self.bytes, at + 4)?))
    }

    /// The pairs in order, best first.
    pub fn iter(&self) -> impl Iterator<Item = (u32, f32)> + 'a {
        self.bytes.chunks_exact(8).filter_map(|pair| {
            let item = read_u32(pair, 0)?;
            Some((item, read_f32(pair, 4)?))
        })
    }
}

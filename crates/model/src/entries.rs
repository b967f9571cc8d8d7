//! A borrowed run of (item index, score) pairs — a segment list or a neighbour row — read
//! in place, 4 or 8 bytes each (the blob's [`EntryWidth`]).

use crate::layout::{read_f32, read_u16, read_u32, wide_score, EntryWidth};

/// Ranked (item index, score) pairs, best first as published.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Entries<'a> {
    bytes: &'a [u8],
    width: EntryWidth,
}

impl<'a> Entries<'a> {
    pub(crate) fn new(bytes: &'a [u8], width: EntryWidth) -> Self {
        Self { bytes, width }
    }

    fn stride(&self) -> usize {
        usize::from(self.width.code())
    }

    /// Number of pairs.
    pub fn len(&self) -> usize {
        self.bytes.len() / self.stride()
    }

    /// Whether there are no pairs.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Pair `i`, if in range.
    pub fn get(&self, i: usize) -> Option<(u32, f32)> {
        let at = i.checked_mul(self.stride())?;
        decode(self.bytes.get(at..)?, self.width)
    }

    /// The pairs in order, best first.
    pub fn iter(&self) -> impl Iterator<Item = (u32, f32)> + 'a {
        let width = self.width;
        self.bytes
            .chunks_exact(self.stride())
            .filter_map(move |pair| decode(pair, width))
    }
}

/// The pair at the start of `bytes`.
fn decode(bytes: &[u8], width: EntryWidth) -> Option<(u32, f32)> {
    match width {
        EntryWidth::Narrow => Some((
            u32::from(read_u16(bytes, 0)?),
            wide_score(read_u16(bytes, 2)?),
        )),
        EntryWidth::Wide => Some((read_u32(bytes, 0)?, read_f32(bytes, 4)?)),
    }
}

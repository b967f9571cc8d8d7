//! The byte layout shared by the reader and the writer: header field offsets, record sizes
//! and the section order (see FORMAT.md, the public contract).

/// First four bytes of every model blob.
pub const MAGIC: [u8; 4] = *b"TLRM";
/// The format version this crate writes; it reads this one and [`OLDEST_READABLE_VERSION`].
pub const FORMAT_VERSION: u16 = 2;
/// Version 1 (always wide entries) is still read, so models published before 2 keep serving.
pub const OLDEST_READABLE_VERSION: u16 = 1;
/// Header size in bytes; sections follow in the order of [`Sections`].
pub const HEADER_BYTES: usize = 64;
/// Where the CRC-32 is stored; it is computed with these four bytes taken as zero.
pub const CHECKSUM_AT: usize = 44;
/// Where a version-2 header stores the entry width in bytes (`u8`: 4 or 8).
pub const ENTRY_WIDTH_AT: usize = 52;

/// Bytes per item record: text offset, id length, flags, category, three text lengths, window.
pub const ITEM_BYTES: u64 = 20;
/// Bytes per category record: `u32` pool offset, `u32` length.
pub const CATEGORY_BYTES: u64 = 8;
/// Bytes per segment record: name offset, name length, first list entry, entry count (`u32`s).
pub const SEGMENT_BYTES: u64 = 16;
/// Most items a blob may hold and still use narrow entries (`u16` item indices).
pub const NARROW_MAX_ITEMS: u32 = 1 << 16;
/// Bytes per row offset (`u32`); there are item count + 1 of them.
pub const OFFSET_BYTES: u64 = 4;
/// Bytes per date window: `i64` starts, `i64` ends (Unix seconds).
pub const WINDOW_BYTES: u64 = 16;

/// Item flag: `starts` is set in the item's window.
pub const FLAG_STARTS: u8 = 1;
/// Item flag: `ends` is set in the item's window.
pub const FLAG_ENDS: u8 = 2;
/// Item flag: this blob holds the item's neighbour row (otherwise it is display data only).
pub const FLAG_OWNS_ROW: u8 = 4;

/// Longest item id the writer accepts (ids travel in the visitor cookie).
pub const MAX_ID_BYTES: usize = 64;

/// How a list or neighbour entry is stored. Entries are most of a model's bytes, and every
/// byte a banner reads is copied into a fresh instance, so blobs of up to
/// [`NARROW_MAX_ITEMS`] items store them in half the room.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum EntryWidth {
    /// 4 bytes: `u16` item index, score as bfloat16 (the high half of its `f32`, rounded).
    Narrow,
    /// 8 bytes: `u32` item index, `f32` score (every version-1 blob).
    #[default]
    Wide,
}

impl EntryWidth {
    /// Bytes per entry.
    pub fn bytes(self) -> u64 {
        u64::from(self.code())
    }

    /// The header byte naming this width (its size in bytes).
    pub fn code(self) -> u8 {
        match self {
            Self::Narrow => 4,
            Self::Wide => 8,
        }
    }

    /// The narrowest width that can index `items` items.
    pub fn for_items(items: u32) -> Self {
        if items <= NARROW_MAX_ITEMS {
            Self::Narrow
        } else {
            Self::Wide
        }
    }

    /// The width a version-2 header names, if it is one.
    pub fn from_code(code: u8) -> Option<Self> {
        match code {
            4 => Some(Self::Narrow),
            8 => Some(Self::Wide),
            _ => None,
        }
    }
}

/// A score as a narrow entry stores it: bfloat16, rounded to nearest (ties to even). Scores
/// keep f32's range and about three significant digits, which ranking by sums needs.
pub fn narrow_score(score: f32) -> u16 {
    let bits = score.to_bits();
    if score.is_nan() {
        return 0x7fc0;
    }
    let round = 0x7fff + ((bits >> 16) & 1);
    // Rounding up past f32's largest finite value gives infinity, as it should.
    (bits.saturating_add(round) >> 16) as u16
}

/// The score a narrow entry's 16 bits stand for.
pub fn wide_score(stored: u16) -> f32 {
    f32::from_bits(u32::from(stored) << 16)
}

/// What a score reads back as after being stored at `width`.
pub fn stored_score(score: f32, width: EntryWidth) -> f32 {
    match width {
        EntryWidth::Narrow => wide_score(narrow_score(score)),
        EntryWidth::Wide => score,
    }
}

/// What a blob is within a published model.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BlobKind {
    /// Everything in one blob: every item owns its row.
    Complete,
    /// The head of a sharded model: segment lists and their items' display data, no rows.
    Head,
    /// Shard `index` of `shard_count`: rows of the items hashed to it, plus display data of
    /// every item those rows reference.
    Shard {
        /// This shard's number, 0 to shard count − 1.
        index: u32,
    },
}

impl BlobKind {
    pub(crate) fn code(self) -> u16 {
        match self {
            Self::Complete => 0,
            Self::Head => 1,
            Self::Shard { .. } => 2,
        }
    }
}

/// The counts a header declares, in header order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Counts {
    /// N: item records.
    pub items: u32,
    /// C: category records.
    pub categories: u32,
    /// G: segment records.
    pub segments: u32,
    /// L: segment list entries, all segments together.
    pub list_entries: u32,
    /// M: neighbour entries, all rows together.
    pub neighbours: u32,
    /// W: date windows.
    pub windows: u32,
    /// P: string pool length in bytes.
    pub strings: u32,
    /// How list and neighbour entries are stored.
    pub entry_width: EntryWidth,
}

/// Byte offsets of each section, computed from the counts in u64 so that no declared count
/// can overflow (usize is 32 bits on wasm32).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Sections {
    /// Item records, right after the header.
    pub items: u64,
    /// Category records.
    pub categories: u64,
    /// Segment records.
    pub segments: u64,
    /// Segment list entries.
    pub list_entries: u64,
    /// Row offsets (item count + 1 of them).
    pub row_offsets: u64,
    /// Neighbour entries.
    pub neighbours: u64,
    /// Date windows.
    pub windows: u64,
    /// The string pool.
    pub strings: u64,
    /// Just past the string pool: the exact length of the blob.
    pub end: u64,
}

impl Sections {
    /// Lays the sections out back to back after the header, in format order.
    pub fn from_counts(c: &Counts) -> Self {
        let items = HEADER_BYTES as u64;
        let categories = items + u64::from(c.items) * ITEM_BYTES;
        let segments = categories + u64::from(c.categories) * CATEGORY_BYTES;
        let list_entries = segments + u64::from(c.segments) * SEGMENT_BYTES;
        let entry = c.entry_width.bytes();
        let row_offsets = list_entries + u64::from(c.list_entries) * entry;
        let neighbours = row_offsets + (u64::from(c.items) + 1) * OFFSET_BYTES;
        let windows = neighbours + u64::from(c.neighbours) * entry;
        let strings = windows + u64::from(c.windows) * WINDOW_BYTES;
        let end = strings + u64::from(c.strings);
        Self {
            items,
            categories,
            segments,
            list_entries,
            row_offsets,
            neighbours,
            windows,
            strings,
            end,
        }
    }
}

/// Reads a little-endian u32 at `at`, if the bytes are there.
pub fn read_u32(bytes: &[u8], at: usize) -> Option<u32> {
    let end = at.checked_add(4)?;
    let raw: [u8; 4] = bytes.get(at..end)?.try_into().ok()?;
    Some(u32::from_le_bytes(raw))
}

/// Reads a little-endian u16 at `at`, if the bytes are there.
pub fn read_u16(bytes: &[u8], at: usize) -> Option<u16> {
    let end = at.checked_add(2)?;
    let raw: [u8; 2] = bytes.get(at..end)?.try_into().ok()?;
    Some(u16::from_le_bytes(raw))
}

/// Reads a little-endian i64 at `at`, if the bytes are there.
pub fn read_i64(bytes: &[u8], at: usize) -> Option<i64> {
    let end = at.checked_add(8)?;
    let raw: [u8; 8] = bytes.get(at..end)?.try_into().ok()?;
    Some(i64::from_le_bytes(raw))
}

/// Reads a little-endian f32 (IEEE 754 binary32) at `at`, if the bytes are there.
pub fn read_f32(bytes: &[u8], at: usize) -> Option<f32> {
    read_u32(bytes, at).map(f32::from_bits)
}

/// CRC-32 (IEEE) of a blob with its checksum field taken as zero.
pub fn checksum(bytes: &[u8]) -> u32 {
    let mut hasher = crc32fast::Hasher::new();
    hasher.update(bytes.get(..CHECKSUM_AT).unwrap_or(bytes));
    if bytes.len() >= CHECKSUM_AT + 4 {
        hasher.update(&[0; 4]);
        hasher.update(bytes.get(CHECKSUM_AT + 4..).unwrap_or(&[]));
    }
    hasher.finalize()
}

/// A 128-bit digest of a whole blob (SipHash-1-3, fixed key): what names a blob in the
/// header of a cached copy, so an instance that holds the same bytes already (a snapshot's
/// bundled model) need not read them. Not a defence against forged blobs: KV and the cache
/// are written by the deployment itself, and the checksum still guards what is read.
pub fn digest(bytes: &[u8]) -> [u8; 16] {
    use siphasher::sip128::{Hasher128, SipHasher13};
    use std::hash::Hasher;
    let mut hasher = SipHasher13::new();
    hasher.write(bytes);
    hasher.finish128().as_bytes()
}

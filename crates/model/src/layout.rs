//! The byte layout shared by the reader and the writer: header field offsets, record sizes
//! and the section order (see FORMAT.md, the public contract).

/// First four bytes of every model blob.
pub const MAGIC: [u8; 4] = *b"TLRM";
/// The format version this crate reads and writes.
pub const FORMAT_VERSION: u16 = 1;
/// Header size in bytes; sections follow in the order of [`Sections`].
pub const HEADER_BYTES: usize = 64;
/// Where the CRC-32 is stored; it is computed with these four bytes taken as zero.
pub const CHECKSUM_AT: usize = 44;

/// Bytes per item record: text offset, id length, flags, category, three text lengths, window.
pub const ITEM_BYTES: u64 = 20;
/// Bytes per category record: `u32` pool offset, `u32` length.
pub const CATEGORY_BYTES: u64 = 8;
/// Bytes per segment record: name offset, name length, first list entry, entry count (`u32`s).
pub const SEGMENT_BYTES: u64 = 16;
/// Bytes per list or neighbour entry: `u32` item index, `f32` score.
pub const ENTRY_BYTES: u64 = 8;
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
        let row_offsets = list_entries + u64::from(c.list_entries) * ENTRY_BYTES;
        let neighbours = row_offsets + (u64::from(c.items) + 1) * OFFSET_BYTES;
        let windows = neighbours + u64::from(c.neighbours) * ENTRY_BYTES;
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

//! Reading a model blob in place: `Model::open` checks the header against the buffer, and
//! every accessor is bounds-checked, returning `None` rather than panicking, so any bytes at
//! all can be opened and queried without allocating.

use crate::entries::Entries;
use crate::layout::{
    self, read_u16, read_u32, BlobKind, Counts, EntryWidth, Sections, ENTRY_WIDTH_AT,
    FLAG_OWNS_ROW, FORMAT_VERSION, HEADER_BYTES, ITEM_BYTES, MAGIC, OFFSET_BYTES,
    OLDEST_READABLE_VERSION, SEGMENT_BYTES,
};
use crate::ModelError;

/// Entry point for reading model bytes.
#[derive(Debug, Clone, Copy)]
pub struct Model;

impl Model {
    /// Checks magic, format version, blob kind and that the declared sections fill the
    /// buffer exactly. O(1): the checksum is a separate, O(bytes) call.
    pub fn open(bytes: &[u8]) -> Result<ModelView<'_>, ModelError> {
        if bytes.get(..4) != Some(&MAGIC[..]) {
            return Err(ModelError::BadMagic);
        }
        // Past the length check every header field is present.
        let field = |at: usize| read_u32(bytes, at).ok_or(ModelError::BadMagic);
        let too_short = ModelError::LengthMismatch {
            declared: HEADER_BYTES as u64,
            actual: bytes.len() as u64,
        };
        let version = read_u16(bytes, 4).ok_or_else(|| too_short.clone())?;
        if !(OLDEST_READABLE_VERSION..=FORMAT_VERSION).contains(&version) {
            return Err(ModelError::UnsupportedVersion {
                found: version,
                supported: FORMAT_VERSION,
            });
        }
        if bytes.len() < HEADER_BYTES {
            return Err(too_short);
        }
        // Version 1 reserved the byte (written as 0) and always stored wide entries.
        let entry_width = match (version, bytes.get(ENTRY_WIDTH_AT).copied()) {
            (1, _) => EntryWidth::Wide,
            (_, code) => code
                .and_then(EntryWidth::from_code)
                .ok_or(ModelError::UnknownEntryWidth(code.unwrap_or(0)))?,
        };
        let kind = match (read_u16(bytes, 6).ok_or(ModelError::BadMagic)?, field(8)?) {
            (0, _) => BlobKind::Complete,
            (1, _) => BlobKind::Head,
            (2, index) => BlobKind::Shard { index },
            (other, _) => return Err(ModelError::UnknownKind(other)),
        };
        let counts = Counts {
            items: field(16)?,
            categories: field(20)?,
            segments: field(24)?,
            list_entries: field(28)?,
            neighbours: field(32)?,
            strings: field(36)?,
            windows: field(48)?,
            entry_width,
        };
        let sections = Sections::from_counts(&counts);
        if sections.end != bytes.len() as u64 {
            return Err(ModelError::LengthMismatch {
                declared: sections.end,
                actual: bytes.len() as u64,
            });
        }
        Ok(ModelView {
            bytes,
            kind,
            shard_count: field(12)?,
            version_len: field(40)?,
            counts,
            sections,
        })
    }
}

/// An opened model blob; cheap to copy, borrowing the bytes.
#[derive(Debug, Clone, Copy)]
pub struct ModelView<'a> {
    pub(crate) bytes: &'a [u8],
    kind: BlobKind,
    shard_count: u32,
    version_len: u32,
    pub(crate) counts: Counts,
    pub(crate) sections: Sections,
}

impl<'a> ModelView<'a> {
    /// Compares the stored CRC-32 with the bytes: call once when the bytes come from KV.
    pub fn verify_checksum(&self) -> Result<(), ModelError> {
        let stored = read_u32(self.bytes, layout::CHECKSUM_AT).unwrap_or(0);
        let computed = layout::checksum(self.bytes);
        if stored == computed {
            Ok(())
        } else {
            Err(ModelError::Checksum { stored, computed })
        }
    }

    /// Whether this blob is a complete model, a head or a shard.
    pub fn kind(&self) -> BlobKind {
        self.kind
    }

    /// How many shards the published model has (1 for a complete model).
    pub fn shard_count(&self) -> u32 {
        self.shard_count
    }

    /// Number of items in this blob.
    pub fn item_count(&self) -> u32 {
        self.counts.items
    }

    /// Length of the blob in bytes.
    pub fn byte_len(&self) -> usize {
        self.bytes.len()
    }

    /// The model version string the publisher wrote.
    pub fn version(&self) -> Option<&'a str> {
        self.string(0, self.version_len)
    }

    /// A string of the pool, if it is in range and UTF-8.
    pub(crate) fn string(&self, offset: u32, len: u32) -> Option<&'a str> {
        let start = usize::try_from(self.sections.strings + u64::from(offset)).ok()?;
        let end = start.checked_add(usize::try_from(len).ok()?)?;
        if u64::try_from(end).ok()? > self.sections.end {
            return None;
        }
        std::str::from_utf8(self.bytes.get(start..end)?).ok()
    }

    /// The id bytes of item `index` (no UTF-8 check: the id index compares bytes).
    pub(crate) fn id_bytes(&self, index: u32) -> Option<&'a [u8]> {
        let record = self.record_at(index)?;
        let offset = read_u32(self.bytes, record)?;
        let len = self.bytes.get(record + 4).copied()?;
        let start = usize::try_from(self.sections.strings + u64::from(offset)).ok()?;
        self.bytes.get(start..start.checked_add(usize::from(len))?)
    }

    pub(crate) fn record_at(&self, index: u32) -> Option<usize> {
        if index >= self.counts.items {
            return None;
        }
        usize::try_from(self.sections.items + u64::from(index) * ITEM_BYTES).ok()
    }

    /// The index of the item with this id: binary search over the id-sorted items, O(log n),
    /// no allocation. Items out of order in corrupt bytes only make lookups miss.
    pub fn find(&self, id: &str) -> Option<u32> {
        let wanted = id.as_bytes();
        let (mut low, mut high) = (0u32, self.counts.items);
        while low < high {
            let middle = low + (high - low) / 2;
            match self.id_bytes(middle)?.cmp(wanted) {
                std::cmp::Ordering::Less => low = middle + 1,
                std::cmp::Ordering::Greater => high = middle,
                std::cmp::Ordering::Equal => return Some(middle),
            }
        }
        None
    }

    /// Item `index`'s neighbours, best first, when this blob holds its row.
    pub fn neighbours(&self, index: u32) -> Option<Entries<'a>> {
        let at = self.record_at(index)?;
        if self.bytes.get(at + 5).copied()? & FLAG_OWNS_ROW == 0 {
            return None;
        }
        let row = usize::try_from(self.sections.row_offsets + u64::from(index) * OFFSET_BYTES);
        let row = row.ok()?;
        let (start, end) = (read_u32(self.bytes, row)?, read_u32(self.bytes, row + 4)?);
        self.entries(self.sections.neighbours, self.counts.neighbours, start, end)
    }

    /// Entries `start..end` of a section holding `count` (item, score) pairs.
    fn entries(&self, section: u64, count: u32, start: u32, end: u32) -> Option<Entries<'a>> {
        if start > end || end > count {
            return None;
        }
        let width = self.counts.entry_width;
        let from = usize::try_from(section + u64::from(start) * width.bytes()).ok()?;
        let to = usize::try_from(section + u64::from(end) * width.bytes()).ok()?;
        Some(Entries::new(self.bytes.get(from..to)?, width))
    }

    /// Number of segments in this blob.
    pub fn segment_count(&self) -> u32 {
        self.counts.segments
    }

    /// Segment `index` (segments are sorted by name): its name and ranked list.
    pub fn segment_at(&self, index: u32) -> Option<(&'a str, Entries<'a>)> {
        if index >= self.counts.segments {
            return None;
        }
        let at = usize::try_from(self.sections.segments + u64::from(index) * SEGMENT_BYTES);
        let at = at.ok()?;
        let name = self.string(read_u32(self.bytes, at)?, read_u32(self.bytes, at + 4)?)?;
        let first = read_u32(self.bytes, at + 8)?;
        let end = first.checked_add(read_u32(self.bytes, at + 12)?)?;
        let list = self.entries(
            self.sections.list_entries,
            self.counts.list_entries,
            first,
            end,
        )?;
        Some((name, list))
    }

    /// The ranked list of segment `name` (best first), by binary search over the names.
    pub fn segment(&self, name: &str) -> Option<Entries<'a>> {
        let (mut low, mut high) = (0u32, self.counts.segments);
        while low < high {
            let middle = low + (high - low) / 2;
            let (found, list) = self.segment_at(middle)?;
            match found.cmp(name) {
                std::cmp::Ordering::Less => low = middle + 1,
                std::cmp::Ordering::Greater => high = middle,
                std::cmp::Ordering::Equal => return Some(list),
            }
        }
        None
    }
}

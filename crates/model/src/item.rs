//! Item records read in place: the full display data ([`Item`]) or only what ranking and
//! the re-rank's filters need ([`ItemSummary`]: id, category, date window), which checks
//! two strings instead of five.

use crate::layout::{
    read_i64, read_u16, read_u32, CATEGORY_BYTES, FLAG_ENDS, FLAG_OWNS_ROW, FLAG_STARTS,
    WINDOW_BYTES,
};
use crate::view::ModelView;

/// One catalogue item, its text borrowed from the blob.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Item<'a> {
    /// Its index in this blob (items are sorted by id).
    pub index: u32,
    /// The publisher's id; [`ModelView::find`] looks items up by it.
    pub id: &'a str,
    /// Display title.
    pub title: &'a str,
    /// Link to the item, as published.
    pub url: &'a str,
    /// Origin path of its image, served through `/img/{variant}/{image}`.
    pub image: &'a str,
    /// Name of its category.
    pub category: &'a str,
    /// Shown from this time on (Unix seconds).
    pub starts: Option<i64>,
    /// Shown until just before this time (Unix seconds).
    pub ends: Option<i64>,
    /// Whether this blob holds the item's neighbour row.
    pub owns_row: bool,
}

/// An item's id, category and date window: what ranking, caps and windows need.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ItemSummary<'a> {
    /// Its index in this blob (items are sorted by id).
    pub index: u32,
    /// The publisher's id; [`ModelView::find`] looks items up by it.
    pub id: &'a str,
    /// Name of its category.
    pub category: &'a str,
    /// Shown from this time on (Unix seconds).
    pub starts: Option<i64>,
    /// Shown until just before this time (Unix seconds).
    pub ends: Option<i64>,
}

/// The fixed fields of an item record.
struct Record {
    text: u32,
    id_len: u32,
    flags: u8,
    category: u16,
    lens: [u32; 3],
    window: u32,
}

impl<'a> ModelView<'a> {
    fn record(&self, index: u32) -> Option<Record> {
        let at = self.record_at(index)?;
        let b = self.bytes;
        let lens = [8, 10, 12].map(|o| read_u16(b, at + o).map(u32::from));
        let [Some(title), Some(url), Some(image)] = lens else {
            return None;
        };
        Some(Record {
            text: read_u32(b, at)?,
            id_len: u32::from(b.get(at + 4).copied()?),
            flags: b.get(at + 5).copied()?,
            category: read_u16(b, at + 6)?,
            lens: [title, url, image],
            window: read_u32(b, at + 16)?,
        })
    }

    fn dates(&self, record: &Record) -> Option<(Option<i64>, Option<i64>)> {
        if record.flags & (FLAG_STARTS | FLAG_ENDS) == 0 {
            return Some((None, None));
        }
        let (s, e) = self.window(record.window)?;
        Some((
            (record.flags & FLAG_STARTS != 0).then_some(s),
            (record.flags & FLAG_ENDS != 0).then_some(e),
        ))
    }

    /// Item `index` with its display data, or `None` when out of range or malformed.
    pub fn item(&self, index: u32) -> Option<Item<'a>> {
        let r = self.record(index)?;
        let [title_len, url_len, image_len] = r.lens;
        let title_at = r.text.checked_add(r.id_len)?;
        let url_at = title_at.checked_add(title_len)?;
        let image_at = url_at.checked_add(url_len)?;
        let (starts, ends) = self.dates(&r)?;
        Some(Item {
            index,
            id: self.string(r.text, r.id_len)?,
            title: self.string(title_at, title_len)?,
            url: self.string(url_at, url_len)?,
            image: self.string(image_at, image_len)?,
            category: self.category(r.category)?,
            starts,
            ends,
            owns_row: r.flags & FLAG_OWNS_ROW != 0,
        })
    }

    /// Item `index`'s id, category and window, without touching its display text.
    pub fn summary(&self, index: u32) -> Option<ItemSummary<'a>> {
        let r = self.record(index)?;
        let (starts, ends) = self.dates(&r)?;
        Some(ItemSummary {
            index,
            id: self.string(r.text, r.id_len)?,
            category: self.category(r.category)?,
            starts,
            ends,
        })
    }

    /// Item `index`'s id alone.
    pub fn id(&self, index: u32) -> Option<&'a str> {
        std::str::from_utf8(self.id_bytes(index)?).ok()
    }

    fn window(&self, index: u32) -> Option<(i64, i64)> {
        if index >= self.counts.windows {
            return None;
        }
        let at = usize::try_from(self.sections.windows + u64::from(index) * WINDOW_BYTES).ok()?;
        Some((read_i64(self.bytes, at)?, read_i64(self.bytes, at + 8)?))
    }

    /// Category `index` of this blob's category table.
    pub fn category(&self, index: u16) -> Option<&'a str> {
        let index = u32::from(index);
        if index >= self.counts.categories {
            return None;
        }
        let at = self.sections.categories + u64::from(index) * CATEGORY_BYTES;
        let at = usize::try_from(at).ok()?;
        self.string(read_u32(self.bytes, at)?, read_u32(self.bytes, at + 4)?)
    }
}

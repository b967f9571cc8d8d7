//! Writing blobs: a complete model, or (for `shard`) any subset of a specification's items
//! with or without their rows. Output is deterministic: the same specification always gives
//! the same bytes.

use crate::layout::{
    self, narrow_score, BlobKind, Counts, EntryWidth, Sections, ENTRY_WIDTH_AT, FLAG_ENDS,
    FLAG_OWNS_ROW, FLAG_STARTS, FORMAT_VERSION, HEADER_BYTES, MAGIC,
};
use crate::spec::ModelSpec;
use crate::ModelError;
use std::collections::BTreeMap;

/// Writes the whole specification as one complete blob.
pub fn encode(spec: &ModelSpec) -> Result<Vec<u8>, ModelError> {
    let order = spec.checked_order()?;
    let plan = Plan {
        kind: BlobKind::Complete,
        shard_count: 1,
        members: order.clone(),
        owns_rows: true,
        with_segments: true,
    };
    encode_plan(spec, &order, &plan)
}

/// One blob to write: `members` are item indices of the spec, sorted by id.
pub(crate) struct Plan {
    pub kind: BlobKind,
    pub shard_count: u32,
    pub members: Vec<u32>,
    /// Whether members of a shard own their rows is decided per item by `owner`; for a
    /// complete blob every member does.
    pub owns_rows: bool,
    pub with_segments: bool,
}

/// Local indices of spec items within one blob.
struct Local<'p> {
    members: &'p [u32],
    rank: &'p [u32],
}

impl Local<'_> {
    /// The blob index of spec item `index`, by binary search over the members' id ranks.
    fn of(&self, index: u32) -> Option<u32> {
        let rank = *self.rank.get(usize::try_from(index).ok()?)?;
        let found = self
            .members
            .binary_search_by(|m| {
                let r = usize::try_from(*m)
                    .ok()
                    .and_then(|m| self.rank.get(m))
                    .copied();
                r.unwrap_or(u32::MAX).cmp(&rank)
            })
            .ok()?;
        u32::try_from(found).ok()
    }
}

pub(crate) fn encode_plan(
    spec: &ModelSpec,
    order: &[u32],
    plan: &Plan,
) -> Result<Vec<u8>, ModelError> {
    encode_with(spec, &ranks(order), plan, &|_| plan.owns_rows)
}

/// Position of each spec item in id order.
pub(crate) fn ranks(order: &[u32]) -> Vec<u32> {
    let mut rank = vec![0u32; order.len()];
    for (position, &index) in order.iter().enumerate() {
        if let (Some(slot), Ok(position)) = (
            usize::try_from(index).ok().and_then(|i| rank.get_mut(i)),
            u32::try_from(position),
        ) {
            *slot = position;
        }
    }
    rank
}

fn too_big(what: &str) -> ModelError {
    ModelError::Invalid(format!("{what} does not fit the format's 32-bit fields"))
}

fn count(n: usize, what: &str) -> Result<u32, ModelError> {
    u32::try_from(n).map_err(|_| too_big(what))
}

/// Writes `plan.members` of `spec`; `owns(i)` says whether spec item `i` owns its row here.
pub(crate) fn encode_with(
    spec: &ModelSpec,
    rank: &[u32],
    plan: &Plan,
    owns: &dyn Fn(u32) -> bool,
) -> Result<Vec<u8>, ModelError> {
    let local = Local {
        members: &plan.members,
        rank,
    };
    let mut strings: Vec<u8> = spec.version.as_bytes().to_vec();
    let mut categories: BTreeMap<&str, u16> = BTreeMap::new();
    for &m in &plan.members {
        let name = spec.item(m).map_or("", |i| i.category.as_str());
        if !categories.contains_key(name) {
            let next = u16::try_from(categories.len()).map_err(|_| too_big("category count"))?;
            categories.insert(name, next);
        }
    }
    // Category indices follow first appearance; the table is written in index order.
    let mut category_table = vec![(0u32, 0u32); categories.len()];
    for (name, &index) in &categories {
        let at = count(strings.len(), "string pool")?;
        strings.extend_from_slice(name.as_bytes());
        if let Some(slot) = category_table.get_mut(usize::from(index)) {
            *slot = (at, count(name.len(), "category")?);
        }
    }
    let mut segments = Vec::new();
    let mut list_entries: Vec<(u32, f32)> = Vec::new();
    if plan.with_segments {
        let mut sorted: Vec<_> = spec.segments.iter().collect();
        sorted.sort_by(|a, b| a.name.cmp(&b.name));
        for segment in sorted {
            let first = count(list_entries.len(), "list entries")?;
            let entries = ranked(segment.entries.iter(), &local, rank);
            list_entries.extend(entries);
            let at = count(strings.len(), "string pool")?;
            strings.extend_from_slice(segment.name.as_bytes());
            let len = count(list_entries.len(), "list entries")? - first;
            segments.push([at, count(segment.name.len(), "segment")?, first, len]);
        }
    }
    let mut items = Vec::with_capacity(plan.members.len() * 20);
    let mut windows: Vec<(i64, i64)> = Vec::new();
    let mut offsets = vec![0u32];
    let mut neighbours: Vec<(u32, f32)> = Vec::new();
    for &m in &plan.members {
        let Some(item) = spec.item(m) else { continue };
        let owned = owns(m);
        let at = count(strings.len(), "string pool")?;
        for text in [&item.id, &item.title, &item.url, &item.image] {
            strings.extend_from_slice(text.as_bytes());
        }
        let mut flags = if owned { FLAG_OWNS_ROW } else { 0 };
        flags |= if item.starts.is_some() {
            FLAG_STARTS
        } else {
            0
        };
        flags |= if item.ends.is_some() { FLAG_ENDS } else { 0 };
        let window = if item.starts.is_some() || item.ends.is_some() {
            windows.push((item.starts.unwrap_or(0), item.ends.unwrap_or(0)));
            count(windows.len() - 1, "windows")?
        } else {
            0
        };
        items.extend_from_slice(&at.to_le_bytes());
        items.push(u8::try_from(item.id.len()).map_err(|_| too_big("id"))?);
        items.push(flags);
        let category = categories.get(item.category.as_str()).copied();
        items.extend_from_slice(&category.unwrap_or(0).to_le_bytes());
        for text in [&item.title, &item.url, &item.image] {
            let len = u16::try_from(text.len()).map_err(|_| too_big("item text"))?;
            items.extend_from_slice(&len.to_le_bytes());
        }
        items.extend_from_slice(&[0, 0]);
        items.extend_from_slice(&window.to_le_bytes());
        if owned {
            neighbours.extend(ranked(spec.row(m).iter(), &local, rank));
        }
        offsets.push(count(neighbours.len(), "neighbours")?);
    }
    let items_count = count(plan.members.len(), "items")?;
    let counts = Counts {
        items: items_count,
        categories: count(category_table.len(), "categories")?,
        segments: count(segments.len(), "segments")?,
        list_entries: count(list_entries.len(), "list entries")?,
        neighbours: count(neighbours.len(), "neighbours")?,
        windows: count(windows.len(), "windows")?,
        strings: count(strings.len(), "string pool")?,
        entry_width: EntryWidth::for_items(items_count),
    };
    let header = Header {
        kind: plan.kind,
        shard_count: plan.shard_count,
        version_len: count(spec.version.len(), "version")?,
        counts,
    };
    let mut out = header.bytes();
    out.extend_from_slice(&items);
    for (at, len) in category_table {
        out.extend_from_slice(&at.to_le_bytes());
        out.extend_from_slice(&len.to_le_bytes());
    }
    for fields in segments {
        for field in fields {
            out.extend_from_slice(&field.to_le_bytes());
        }
    }
    put_entries(&mut out, &list_entries, counts.entry_width);
    for offset in offsets {
        out.extend_from_slice(&offset.to_le_bytes());
    }
    put_entries(&mut out, &neighbours, counts.entry_width);
    for (starts, ends) in windows {
        out.extend_from_slice(&starts.to_le_bytes());
        out.extend_from_slice(&ends.to_le_bytes());
    }
    out.extend_from_slice(&strings);
    if Sections::from_counts(&counts).end != out.len() as u64 {
        return Err(ModelError::Invalid("internal layout mismatch".into()));
    }
    let crc = layout::checksum(&out);
    if let Some(field) = out.get_mut(layout::CHECKSUM_AT..layout::CHECKSUM_AT + 4) {
        field.copy_from_slice(&crc.to_le_bytes());
    }
    Ok(out)
}

/// Entries mapped to blob indices (dropping any not in the blob), best first, ties by id.
fn ranked<'s>(
    entries: impl Iterator<Item = &'s (u32, f32)>,
    local: &Local<'_>,
    rank: &[u32],
) -> Vec<(u32, f32)> {
    let mut out: Vec<(u32, f32, u32)> = entries
        .filter_map(|&(index, score)| {
            let r = *rank.get(usize::try_from(index).ok()?)?;
            Some((local.of(index)?, score, r))
        })
        .collect();
    out.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.2.cmp(&b.2)));
    out.into_iter().map(|(i, s, _)| (i, s)).collect()
}

fn put_entries(out: &mut Vec<u8>, entries: &[(u32, f32)], width: EntryWidth) {
    for &(item, score) in entries {
        match width {
            EntryWidth::Narrow => {
                // The width is narrow only when every item index of the blob fits.
                let item = u16::try_from(item).unwrap_or(u16::MAX);
                out.extend_from_slice(&item.to_le_bytes());
                out.extend_from_slice(&narrow_score(score).to_le_bytes());
            }
            EntryWidth::Wide => {
                out.extend_from_slice(&item.to_le_bytes());
                out.extend_from_slice(&score.to_le_bytes());
            }
        }
    }
}

struct Header {
    kind: BlobKind,
    shard_count: u32,
    version_len: u32,
    counts: Counts,
}

impl Header {
    fn bytes(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(HEADER_BYTES);
        out.extend_from_slice(&MAGIC);
        out.extend_from_slice(&FORMAT_VERSION.to_le_bytes());
        out.extend_from_slice(&self.kind.code().to_le_bytes());
        let index = match self.kind {
            BlobKind::Shard { index } => index,
            _ => 0,
        };
        let c = &self.counts;
        for field in [
            index,
            self.shard_count,
            c.items,
            c.categories,
            c.segments,
            c.list_entries,
            c.neighbours,
            c.strings,
            self.version_len,
            0, // checksum, filled in last
            c.windows,
        ] {
            out.extend_from_slice(&field.to_le_bytes());
        }
        out.resize(HEADER_BYTES, 0);
        if let Some(slot) = out.get_mut(ENTRY_WIDTH_AT) {
            *slot = c.entry_width.code();
        }
        out
    }
}

//! A list in a compact binary form: what a JSON list from KV becomes once it has been parsed
//! and checked, so the platform cache hands later requests something they decode in a
//! fraction of a JSON parse. KV may hold either form (the JSON stays the published one).
//!
//! Layout, little-endian: `TLRLST`; the format (u16); a 64-bit SipHash-1-3 of everything
//! after it, so a damaged copy is refused rather than read as another list; the list in
//! postcard's form.

use super::{check_items, Item, RecList, RecsError};
use serde::{Deserialize, Serialize};
use std::hash::Hasher;

/// How every compact list starts (a JSON list cannot: it starts with `{` or space).
pub const MAGIC: &[u8; 6] = b"TLRLST";
/// Bump whenever [`Wire`]'s layout changes.
pub const FORMAT: u16 = 1;
/// The magic, the format and the checksum, before the payload.
pub const HEADER_BYTES: usize = MAGIC.len() + 2 + 8;

/// The list as postcard carries it: every field always present, dates as Unix seconds.
#[derive(Serialize, Deserialize)]
struct Wire {
    segment: String,
    version: Option<String>,
    items: Vec<WireItem>,
}

#[derive(Serialize, Deserialize)]
struct WireItem {
    id: String,
    title: String,
    url: String,
    image: String,
    category: String,
    score: f64,
    starts: Option<i64>,
    ends: Option<i64>,
}

/// Whether `bytes` are a compact list (else they are taken for JSON).
pub fn is_compact(bytes: &[u8]) -> bool {
    bytes.starts_with(MAGIC)
}

fn checksum(format: &[u8], payload: &[u8]) -> u64 {
    let mut hasher = siphasher::sip::SipHasher13::new();
    hasher.write(format);
    hasher.write(payload);
    hasher.finish()
}

/// `list` in the compact form.
pub fn encode(list: &RecList) -> Vec<u8> {
    sealed(&postcard_of(list))
}

/// A compact list of this build's format around `payload` as it is, its checksum worked out:
/// for trying what decoding arbitrary payloads does (fuzzing), since a forged copy cannot
/// otherwise pass the checksum.
pub fn sealed(payload: &[u8]) -> Vec<u8> {
    let format = FORMAT.to_le_bytes();
    let mut out = Vec::with_capacity(HEADER_BYTES + payload.len());
    out.extend_from_slice(MAGIC);
    out.extend_from_slice(&format);
    out.extend_from_slice(&checksum(&format, payload).to_le_bytes());
    out.extend_from_slice(payload);
    out
}

fn postcard_of(list: &RecList) -> Vec<u8> {
    let wire = Wire {
        segment: list.segment.clone(),
        version: list.version.clone(),
        items: list
            .items
            .iter()
            .map(|i| WireItem {
                id: i.id.clone(),
                title: i.title.clone(),
                url: i.url.clone(),
                image: i.image.clone(),
                category: i.category.clone(),
                score: i.score,
                starts: i.starts,
                ends: i.ends,
            })
            .collect(),
    };
    // Strings, numbers and sequences only: postcard cannot fail on them.
    postcard::to_allocvec(&wire).unwrap_or_default()
}

/// Reads a compact list, refusing a damaged one or one of another format, and checks its
/// items as [`super::parse_list`] checks a JSON list's.
pub fn decode(bytes: &[u8]) -> Result<RecList, RecsError> {
    let invalid = |why: &str| RecsError::Invalid(format!("compact list: {why}"));
    let (Some(format), Some(stored), Some(payload)) = (
        bytes.get(MAGIC.len()..MAGIC.len() + 2),
        bytes.get(MAGIC.len() + 2..HEADER_BYTES),
        bytes.get(HEADER_BYTES..),
    ) else {
        return Err(invalid("shorter than its header"));
    };
    if !is_compact(bytes) {
        return Err(invalid("it does not start with TLRLST"));
    }
    let stored = u64::from_le_bytes(stored.try_into().unwrap_or_default());
    if checksum(format, payload) != stored {
        return Err(invalid("its checksum does not match: the copy is damaged"));
    }
    let format = u16::from_le_bytes(format.try_into().unwrap_or_default());
    if format != FORMAT {
        return Err(invalid(&format!(
            "format {format} is not this build's ({FORMAT})"
        )));
    }
    let wire = match postcard::take_from_bytes::<Wire>(payload) {
        Ok((wire, [])) => wire,
        Ok(_) => return Err(invalid("bytes are left over")),
        Err(e) => return Err(invalid(&e.to_string())),
    };
    let items = wire.items.into_iter().map(|i| Item {
        id: i.id,
        title: i.title,
        url: i.url,
        image: i.image,
        category: i.category,
        score: i.score,
        starts: i.starts,
        ends: i.ends,
    });
    let list = RecList {
        segment: wire.segment,
        version: wire.version,
        items: items.collect(),
    };
    check_items(&list)?;
    Ok(list)
}

#[cfg(test)]
mod tests;

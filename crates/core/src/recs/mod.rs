//! Precomputed recommendation lists: their KV keys and version pointer, parsing with limits,
//! the per-request ranking with a trained model (`rank`), and the category re-rank
//! (`rerank`) that serves when no model is published.

pub mod compact;
mod dates;
pub mod rank;
pub mod rerank;

pub use rank::{history_items, rank, Picked, RankRules, Why};
pub use rerank::{rerank, Ranked, RerankSettings};

use serde::{Deserialize, Serialize};

/// The longest list version name (`v3`, `2026-11-21a`, ...).
const MAX_VERSION_BYTES: usize = 32;

/// The KV key of a list: `<prefix>/<version>/<list>`.
pub fn kv_key(prefix: &str, version: &str, list: &str) -> String {
    format!("{prefix}/{version}/{list}")
}

/// Reads the pointer value naming the live list version. Versions end up in KV keys, cache
/// keys and purge tags, so only a short safe alphabet is accepted.
pub fn parse_version(bytes: &[u8]) -> Result<String, RecsError> {
    let text = std::str::from_utf8(bytes)
        .map_err(|_| RecsError::Invalid("list pointer is not UTF-8".into()))?
        .trim();
    let safe = |c: char| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-');
    if text.is_empty() || text.len() > MAX_VERSION_BYTES || !text.chars().all(safe) {
        return Err(RecsError::Invalid(format!(
            "list pointer must be 1-{MAX_VERSION_BYTES} characters of A-Z a-z 0-9 . _ -"
        )));
    }
    Ok(text.to_owned())
}

/// One recommended item as published.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Item {
    /// 1 to [`MAX_ID_BYTES`] bytes, as it travels in the visitor cookie.
    pub id: String,
    /// What banners show.
    pub title: String,
    /// Where the item links to; banners replace an unsafe link with `#`.
    pub url: String,
    /// Origin path of the item's picture, served through `/img/{variant}/{image}`.
    pub image: String,
    /// What the re-rank boosts and caps by; 1 to [`MAX_ID_BYTES`] bytes.
    pub category: String,
    /// The publisher's score, finite and ≥ 0: higher ranks first.
    pub score: f64,
    /// Shown from this time on (Unix seconds; RFC 3339 in the list).
    #[serde(default, with = "dates", skip_serializing_if = "Option::is_none")]
    pub starts: Option<i64>,
    /// Shown until just before this time.
    #[serde(default, with = "dates", skip_serializing_if = "Option::is_none")]
    pub ends: Option<i64>,
}

impl Item {
    /// Whether `now_s` (Unix seconds) falls in the item's date window.
    pub fn live_at(&self, now_s: i64) -> bool {
        self.starts.is_none_or(|s| now_s >= s) && self.ends.is_none_or(|e| now_s < e)
    }
}

/// A published list.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RecList {
    /// The segment the list is for.
    pub segment: String,
    /// The version the publisher wrote it under, for humans; the pointer decides what is read.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
    /// The items the re-rank chooses from.
    pub items: Vec<Item>,
}

/// Why a list or the version pointer was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RecsError {
    /// The KV value is over the size limit; it was not parsed.
    #[error("list is {size} bytes, over the {limit}-byte limit")]
    TooLarge {
        /// The value's length, in bytes.
        size: usize,
        /// The limit passed to [`parse_list`], in bytes.
        limit: usize,
    },
    /// Not JSON, not a list, an item failing a check, or a bad pointer; the message says which.
    #[error("list is not valid: {0}")]
    Invalid(String),
}

/// The longest id or category kept: both travel in the visitor cookie.
pub const MAX_ID_BYTES: usize = 64;
/// The longest item image path: the default `limits.max_path_bytes` of the `/img/` route.
pub const MAX_IMAGE_PATH_BYTES: usize = 1024;

/// Parses a list from KV bytes, refusing oversized values before parsing them, and items the
/// re-rank could not order (non-finite or negative scores), the cookie could not carry, or
/// whose image the `/img/` route would not serve.
pub fn parse_list(bytes: &[u8], limit: usize) -> Result<RecList, RecsError> {
    within(bytes, limit)?;
    let list: RecList =
        serde_json::from_slice(bytes).map_err(|e| RecsError::Invalid(e.to_string()))?;
    check_items(&list)?;
    Ok(list)
}

/// Reads a list in either form, [`compact`] or JSON, with the same limit and checks.
pub fn read_list(bytes: &[u8], limit: usize) -> Result<RecList, RecsError> {
    if compact::is_compact(bytes) {
        within(bytes, limit)?;
        compact::decode(bytes)
    } else {
        parse_list(bytes, limit)
    }
}

fn within(bytes: &[u8], limit: usize) -> Result<(), RecsError> {
    if bytes.len() > limit {
        return Err(RecsError::TooLarge {
            size: bytes.len(),
            limit,
        });
    }
    Ok(())
}

/// Refuses items the re-rank could not order, the cookie could not carry, or whose image the
/// `/img/` route would not serve.
fn check_items(list: &RecList) -> Result<(), RecsError> {
    for item in &list.items {
        let problem = if !item.score.is_finite() || item.score < 0.0 {
            Some("a score that is not a finite number ≥ 0")
        } else if item.id.is_empty() || item.id.len() > MAX_ID_BYTES {
            Some("an empty id or one over 64 bytes")
        } else if item.category.is_empty() || item.category.len() > MAX_ID_BYTES {
            Some("an empty category or one over 64 bytes")
        } else if crate::image_path::parse_image_path(&item.image, MAX_IMAGE_PATH_BYTES).is_err() {
            // Banners point at `/img/{variant}/{image}`: anything but a plain origin path
            // (a URL, `..`, a query) would make them point somewhere else.
            Some("an image that is not an origin image path (letters, digits, - _ . / only)")
        } else {
            None
        };
        if let Some(problem) = problem {
            return Err(RecsError::Invalid(format!(
                "item '{}' has {problem}",
                item.id.chars().take(MAX_ID_BYTES).collect::<String>()
            )));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests;

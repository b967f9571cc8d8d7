//! Precomputed per-segment recommendation lists: their KV keys, parsing and top-N selection.

use serde::{Deserialize, Serialize};

/// The list-set version the slice reads. Publishing a new set atomically is the job of a
/// pointer key (see the recommendations issue); until then the version is fixed.
pub const LIST_VERSION: &str = "v1";

/// The KV key of a segment's list.
pub fn kv_key(segment: &str) -> String {
    format!("recs/{LIST_VERSION}/{segment}")
}

/// One recommended item as published.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Item {
    pub id: String,
    pub title: String,
    pub url: String,
    /// Origin path of the item's picture, served through `/img/{variant}/{image}`.
    pub image: String,
    pub category: String,
    pub score: f64,
}

/// A segment's published list.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RecList {
    pub segment: String,
    pub items: Vec<Item>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RecsError {
    #[error("list is {size} bytes, over the {limit}-byte limit")]
    TooLarge { size: usize, limit: usize },
    #[error("list is not valid: {0}")]
    Invalid(String),
}

/// Parses a list from KV bytes, refusing oversized values before parsing them.
pub fn parse_list(bytes: &[u8], limit: usize) -> Result<RecList, RecsError> {
    if bytes.len() > limit {
        return Err(RecsError::TooLarge {
            size: bytes.len(),
            limit,
        });
    }
    let list: RecList =
        serde_json::from_slice(bytes).map_err(|e| RecsError::Invalid(e.to_string()))?;
    if let Some(bad) = list.items.iter().find(|i| !i.score.is_finite()) {
        return Err(RecsError::Invalid(format!(
            "item '{}' has a non-finite score",
            bad.id
        )));
    }
    Ok(list)
}

/// The `n` best items by score, ties broken by id so the order is deterministic.
pub fn top(list: &RecList, n: usize) -> Vec<&Item> {
    let mut items: Vec<&Item> = list.items.iter().collect();
    items.sort_by(|a, b| b.score.total_cmp(&a.score).then_with(|| a.id.cmp(&b.id)));
    items.truncate(n);
    items
}

#[cfg(test)]
mod tests {
    use super::*;

    fn item(id: &str, score: f64) -> Item {
        Item {
            id: id.into(),
            title: id.into(),
            url: format!("/p/{id}"),
            image: format!("{id}.jpg"),
            category: "c".into(),
            score,
        }
    }

    #[test]
    fn top_orders_by_score_then_id() {
        let list = RecList {
            segment: "s".into(),
            items: vec![
                item("b", 1.0),
                item("a", 1.0),
                item("c", 2.0),
                item("d", 0.5),
            ],
        };
        let ids: Vec<&str> = top(&list, 3).iter().map(|i| i.id.as_str()).collect();
        assert_eq!(ids, ["c", "a", "b"]);
    }

    #[test]
    fn oversized_and_malformed_lists_are_refused() {
        assert!(matches!(
            parse_list(&[b' '; 20], 10),
            Err(RecsError::TooLarge { .. })
        ));
        assert!(matches!(
            parse_list(b"{\"segment\":1}", 100),
            Err(RecsError::Invalid(_))
        ));
        assert!(parse_list(br#"{"segment":"s","items":[]}"#, 100).is_ok());
    }
}

//! What a publisher hands the writer: the catalogue, segment lists and neighbour rows as
//! plain owned data, and the checks a specification must pass before it is written.

use crate::layout::MAX_ID_BYTES;
use crate::ModelError;

/// A catalogue item as published.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ItemSpec {
    /// Unique id, 1–64 bytes (ids travel in the visitor cookie).
    pub id: String,
    /// Display title, at most 65,535 bytes.
    pub title: String,
    /// Link to the item, at most 65,535 bytes.
    pub url: String,
    /// Origin path of its image (served through `/img/{variant}/{image}`), at most 65,535 bytes.
    pub image: String,
    /// Category name, at most 65,535 bytes.
    pub category: String,
    /// Shown from this time on (Unix seconds); `None`: no start.
    pub starts: Option<i64>,
    /// Shown until just before this time (Unix seconds); `None`: no end.
    pub ends: Option<i64>,
}

/// A segment's ranked list: (index into `ModelSpec::items`, score ≥ 0).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct SegmentSpec {
    /// The name [`ModelView::segment`](crate::ModelView::segment) looks the list up by.
    pub name: String,
    /// The pairs, in any order: the writer orders them best first.
    pub entries: Vec<(u32, f32)>,
}

/// A whole model before writing.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ModelSpec {
    /// Model version string, written first in the string pool.
    pub version: String,
    /// The catalogue, in any order (the writer sorts it by id); ids must be unique.
    pub items: Vec<ItemSpec>,
    /// Segment lists, in any order (the writer sorts them by name).
    pub segments: Vec<SegmentSpec>,
    /// Per item (same order as `items`, or empty for none), its neighbours: (item index,
    /// score ≥ 0). The writer orders each row best first.
    pub neighbours: Vec<Vec<(u32, f32)>>,
}

fn invalid(detail: String) -> ModelError {
    ModelError::Invalid(detail)
}

impl ModelSpec {
    /// Item indices sorted by id, after checking every field fits the format.
    pub(crate) fn checked_order(&self) -> Result<Vec<u32>, ModelError> {
        let count = u32::try_from(self.items.len())
            .map_err(|_| invalid("more than 2^32 - 1 items".into()))?;
        if !self.neighbours.is_empty() && self.neighbours.len() != self.items.len() {
            return Err(invalid(format!(
                "{} neighbour rows for {} items",
                self.neighbours.len(),
                self.items.len()
            )));
        }
        for item in &self.items {
            check_item(item)?;
        }
        let pairs = self.segments.iter().flat_map(|s| s.entries.iter());
        let rows = self.neighbours.iter().flatten();
        for &(index, score) in pairs.chain(rows) {
            if index >= count {
                return Err(invalid(format!("entry names item {index} of {count}")));
            }
            if !(score.is_finite() && score >= 0.0) {
                return Err(invalid(format!("score {score} is not a finite number ≥ 0")));
            }
        }
        let mut order: Vec<u32> = (0..count).collect();
        order.sort_unstable_by(|&a, &b| self.id(a).cmp(self.id(b)));
        for pair in order.windows(2) {
            if let [a, b] = pair {
                if self.id(*a) == self.id(*b) {
                    return Err(invalid(format!("item id '{}' appears twice", self.id(*a))));
                }
            }
        }
        Ok(order)
    }

    pub(crate) fn id(&self, index: u32) -> &str {
        self.item(index).map_or("", |i| i.id.as_str())
    }

    pub(crate) fn item(&self, index: u32) -> Option<&ItemSpec> {
        self.items.get(usize::try_from(index).ok()?)
    }

    pub(crate) fn row(&self, index: u32) -> &[(u32, f32)] {
        usize::try_from(index)
            .ok()
            .and_then(|i| self.neighbours.get(i))
            .map_or(&[], Vec::as_slice)
    }
}

fn check_item(item: &ItemSpec) -> Result<(), ModelError> {
    if item.id.is_empty() || item.id.len() > MAX_ID_BYTES {
        return Err(invalid(format!(
            "item id '{}' must be 1-{MAX_ID_BYTES} bytes",
            item.id.chars().take(MAX_ID_BYTES).collect::<String>()
        )));
    }
    for (name, text) in [
        ("title", &item.title),
        ("url", &item.url),
        ("image", &item.image),
        ("category", &item.category),
    ] {
        if text.len() > usize::from(u16::MAX) {
            return Err(invalid(format!(
                "item '{}': {name} is over 65,535 bytes",
                item.id
            )));
        }
    }
    Ok(())
}

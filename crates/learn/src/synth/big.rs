//! A synthetic big model for the sharding test: `items` catalogue items (titles ~30 bytes),
//! K neighbours each (mostly nearby items, as co-visitation clusters would give, plus a few
//! popular ones), and segment lists of the most popular items.

use super::Rng;
use tailor_model::{ItemSpec, ModelSpec, SegmentSpec};

/// Size of the synthetic model.
#[derive(Debug, Clone)]
pub struct BigModel {
    /// Seed of the generator: the same seed gives the same model.
    pub seed: u64,
    /// Catalogue items.
    pub items: usize,
    /// K: neighbours per item.
    pub neighbours: usize,
    /// Segment lists.
    pub segments: usize,
    /// Items per segment list (at most `items`).
    pub list_len: usize,
}

impl Default for BigModel {
    fn default() -> Self {
        Self {
            seed: 3,
            items: 1_000_000,
            neighbours: 20,
            segments: 8,
            list_len: 500,
        }
    }
}

/// The model specification for `big`.
pub fn spec(big: &BigModel) -> ModelSpec {
    let mut rng = Rng::new(big.seed);
    let n = big.items.max(1);
    let items = (0..n)
        .map(|i| ItemSpec {
            id: format!("item-{i:07}"),
            title: format!("Synthetic product number {i:07}"),
            url: format!("/p/item-{i:07}"),
            image: format!("photos/item-{:02}.jpg", i % 24 + 1),
            category: format!("category-{:02}", i % 100),
            starts: None,
            ends: None,
        })
        .collect();
    let neighbours = (0..n)
        .map(|i| {
            let k = big.neighbours.min(n - 1);
            let mut row: Vec<(u32, f32)> = Vec::with_capacity(k);
            while row.len() < k {
                let target = if rng.chance(0.8) {
                    (i + rng.below(1000) + n * 1000 - 500) % n
                } else {
                    rng.skewed(n)
                } as u32;
                if target as usize != i && !row.iter().any(|r| r.0 == target) {
                    row.push((target, 1.0 / (row.len() + 1) as f32));
                }
            }
            row
        })
        .collect();
    let segments = (0..big.segments)
        .map(|s| SegmentSpec {
            name: format!("segment-{s}"),
            entries: (0..big.list_len.min(n))
                .map(|r| (((r * 7 + s * 13) % n) as u32, (big.list_len - r) as f32))
                .collect(),
        })
        .collect();
    ModelSpec {
        version: "synthetic-1m".into(),
        items,
        segments,
        neighbours,
    }
}

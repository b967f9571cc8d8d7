//! The speed-test input: an import CSV (`visitor_or_session,item,timestamp,kind`) of
//! `interactions` rows over `items` items and `visitors` visitors, sessions following item
//! complements as in the shop log, written fast (no JSON).

use super::{complements, Rng};
use std::io::Write;

/// Size of the speed-test CSV.
#[derive(Debug, Clone)]
pub struct Bulk {
    /// Seed of the generator: the same seed gives the same file.
    pub seed: u64,
    /// Distinct items (`i0`, `i1`…).
    pub items: usize,
    /// Distinct visitors (`u0`, `u1`…).
    pub visitors: usize,
    /// Rows to write.
    pub interactions: u64,
    /// Sessions start within 28 days after this (Unix seconds).
    pub start_s: i64,
}

impl Default for Bulk {
    fn default() -> Self {
        Self {
            seed: 11,
            items: 100_000,
            visitors: 1_000_000,
            interactions: 10_000_000,
            start_s: 1_764_000_000,
        }
    }
}

/// Writes the CSV; returns the rows written.
pub fn write_csv(spec: &Bulk, out: &mut impl Write) -> std::io::Result<u64> {
    let mut rng = Rng::new(spec.seed);
    let categories: Vec<usize> = (0..spec.items).map(|i| i % 50).collect();
    let links = complements(&categories, 50, &mut rng);
    writeln!(out, "visitor_or_session,item,timestamp,kind")?;
    let per_visitor = (spec.interactions / spec.visitors.max(1) as u64).max(1);
    let mut written = 0u64;
    let mut visitor = 0usize;
    while written < spec.interactions {
        let v = visitor % spec.visitors.max(1);
        visitor += 1;
        let mut ts = spec.start_s + rng.below(28 * 86_400) as i64;
        let mut item = rng.skewed(spec.items) as u32;
        let length = 1 + rng.below(2 * per_visitor as usize);
        for _ in 0..length {
            if written >= spec.interactions {
                break;
            }
            let kind = if rng.chance(0.3) { "click" } else { "view" };
            writeln!(out, "u{v},i{item},{ts},{kind}")?;
            written += 1;
            ts += 5 + rng.below(300) as i64;
            item = if rng.chance(0.6) {
                links
                    .get(item as usize)
                    .map_or(0, |l| l.get(rng.below(3)).copied().unwrap_or(0))
            } else {
                rng.skewed(spec.items) as u32
            };
        }
    }
    Ok(written)
}

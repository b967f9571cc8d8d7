//! A realistic event log for a shop catalogue, as the edge writes it: visitors with
//! latent tastes (favourite categories) and a segment, sessions over several weeks that
//! follow item complements, impressions, views then clicks, some goals and exposures, and
//! a share of visitors without consent (`visitor: null`).

use super::{complements, Rng};
use crate::input::Catalogue;
use serde_json::json;
use std::io::Write;
use tailor_model::ItemSpec;

/// What to generate.
#[derive(Debug, Clone)]
pub struct ShopLog {
    /// Seed of the generator: the same seed gives the same log.
    pub seed: u64,
    /// Visitors, consenting or not.
    pub visitors: usize,
    /// Days the sessions spread over, from `start_ms`.
    pub days: u32,
    /// Share of visitors who consented (the rest log `visitor: null`).
    pub consent: f64,
    /// Unix ms of the first day.
    pub start_ms: i64,
}

impl Default for ShopLog {
    fn default() -> Self {
        Self {
            seed: 7,
            visitors: 5_000,
            days: 28,
            consent: 0.8,
            start_ms: 1_764_000_000_000,
        }
    }
}

const SEGMENTS: [&str; 4] = ["desktop", "mobile", "tablet", "dach"];
const CATEGORIES: [&str; 8] = [
    "shoes", "bags", "outdoor", "home", "kitchen", "beauty", "toys", "books",
];
const NOUNS: [&str; 10] = [
    "Boot", "Tote", "Lamp", "Kettle", "Jacket", "Mug", "Puzzle", "Serum", "Novel", "Tent",
];
const ADJECTIVES: [&str; 8] = [
    "Nubuck", "Packable", "Studio", "Alpine", "Linen", "Copper", "Classic", "Urban",
];

/// A shop catalogue of `items` over eight categories (`sku-001`…).
pub fn catalogue(items: usize, seed: u64) -> Catalogue {
    let mut rng = Rng::new(seed);
    let mut catalogue = Catalogue::default();
    for i in 0..items {
        let category = CATEGORIES
            .get(i % CATEGORIES.len())
            .copied()
            .unwrap_or("misc");
        let adjective = ADJECTIVES
            .get(rng.below(ADJECTIVES.len()))
            .copied()
            .unwrap_or("");
        let noun = NOUNS.get(rng.below(NOUNS.len())).copied().unwrap_or("");
        let id = format!("sku-{:03}", i + 1);
        catalogue.push(ItemSpec {
            title: format!("{adjective} {noun} {}", i + 1),
            url: format!("/p/{id}"),
            image: format!("photos/item-{:02}.jpg", i % 24 + 1),
            category: category.to_owned(),
            starts: None,
            ends: None,
            id,
        });
    }
    catalogue
}

/// The complement structure the log follows, by catalogue index (for tests and demos).
pub fn structure(catalogue: &Catalogue, seed: u64) -> Vec<[u32; 3]> {
    let (categories, count) = category_indices(catalogue);
    complements(&categories, count, &mut Rng::new(seed ^ 0xc0ffee))
}

fn category_indices(catalogue: &Catalogue) -> (Vec<usize>, usize) {
    let mut names: Vec<&str> = Vec::new();
    let indices = catalogue
        .items()
        .iter()
        .map(
            |item| match names.iter().position(|n| *n == item.category) {
                Some(i) => i,
                None => {
                    names.push(&item.category);
                    names.len() - 1
                }
            },
        )
        .collect();
    (indices, names.len())
}

/// Writes the log, one JSON line per event, in time order per visitor.
pub fn write_log(
    catalogue: &Catalogue,
    spec: &ShopLog,
    out: &mut impl Write,
) -> std::io::Result<u64> {
    let mut rng = Rng::new(spec.seed);
    let links = structure(catalogue, spec.seed);
    let (categories, count) = category_indices(catalogue);
    let mut by_category: Vec<Vec<u32>> = vec![Vec::new(); count.max(1)];
    for (item, &c) in categories.iter().enumerate() {
        if let Some(list) = by_category.get_mut(c) {
            list.push(item as u32);
        }
    }
    let n = catalogue.len();
    let mut lines = 0u64;
    for v in 0..spec.visitors {
        let consented = rng.chance(spec.consent);
        let visitor = consented.then(|| format!("v{:06}", v));
        let segment = SEGMENTS
            .get(rng.skewed(SEGMENTS.len()))
            .copied()
            .unwrap_or("desktop");
        let favourite = rng.below(count.max(1));
        let arm = if rng.chance(0.5) {
            "control"
        } else {
            "neighbours"
        };
        let mut write = |event: serde_json::Value, out: &mut dyn Write| -> std::io::Result<()> {
            lines += 1;
            writeln!(out, "{event}")
        };
        let sessions = 1 + rng.skewed(5);
        for s in 0..sessions {
            let day_ms = i64::from(spec.days.max(1)) * 86_400_000;
            let mut ts = spec.start_ms + (rng.unit() * day_ms as f64) as i64;
            let base = json!({"segment": segment, "visitor": visitor, "arms": {"recs": arm}});
            if s == 0 {
                let fields = [
                    ("event", "exposure".into()),
                    ("experiment", "recs".into()),
                    ("arm", arm.into()),
                    ("ts_ms", ts.into()),
                ];
                write(with(&base, fields), out)?;
            }
            let own = by_category.get(favourite).cloned().unwrap_or_default();
            let mut item = if rng.chance(0.5) && !own.is_empty() {
                own.get(rng.below(own.len())).copied().unwrap_or(0)
            } else {
                rng.skewed(n) as u32
            };
            for _ in 0..(3 + rng.below(8)) {
                let banner: Vec<String> = (0..4)
                    .map(|_| id(catalogue, rng.skewed(n) as u32))
                    .collect();
                let fields = [
                    ("event", "impression".into()),
                    ("slot", "hero".into()),
                    ("policy", "segment".into()),
                    ("items", banner.into()),
                    ("ts_ms", ts.into()),
                ];
                write(with(&base, fields), out)?;
                let item_line = |event: &str, ts: i64| {
                    let category = catalogue.item(item).map(|i| i.category.clone());
                    let fields = [
                        ("event", event.into()),
                        ("item", id(catalogue, item).into()),
                        ("category", category.unwrap_or_default().into()),
                        ("slot", "hero".into()),
                        ("ts_ms", ts.into()),
                    ];
                    with(&base, fields)
                };
                write(item_line("view", ts + 500), out)?;
                if rng.chance(0.4) {
                    write(item_line("click", ts + 2_000), out)?;
                }
                ts += 10_000 + rng.below(110_000) as i64;
                let r = rng.unit();
                item = if r < 0.6 {
                    let options = links.get(item as usize).copied().unwrap_or([0; 3]);
                    options.get(rng.below(3)).copied().unwrap_or(0)
                } else if r < 0.85 && !own.is_empty() {
                    own.get(rng.below(own.len())).copied().unwrap_or(0)
                } else {
                    rng.skewed(n) as u32
                };
            }
            if rng.chance(0.1) {
                let value = 10.0 + rng.below(9000) as f64 / 100.0;
                let fields = [
                    ("event", "goal".into()),
                    ("name", "purchase".into()),
                    ("value", value.into()),
                    ("ts_ms", ts.into()),
                ];
                write(with(&base, fields), out)?;
            }
        }
    }
    Ok(lines)
}

/// The visitor's common fields plus this event's.
fn with<const N: usize>(
    base: &serde_json::Value,
    fields: [(&str, serde_json::Value); N],
) -> serde_json::Value {
    let mut line = base.as_object().cloned().unwrap_or_default();
    for (name, value) in fields {
        line.insert(name.to_owned(), value);
    }
    serde_json::Value::Object(line)
}

fn id(catalogue: &Catalogue, index: u32) -> String {
    catalogue
        .item(index)
        .map(|i| i.id.clone())
        .unwrap_or_default()
}

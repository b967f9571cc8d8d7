//! The per-request re-rank: a segment's precomputed list adjusted by what this visitor did
//! recently. Pure and deterministic — the same list, history, time and settings always give
//! the same banner — so it can be cached, tested and explained.

use super::Item;
use crate::identity::HistoryEntry;
use serde::{Deserialize, Serialize};

/// How much recent behaviour moves a list. Lives in the config under `recs.rerank`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct RerankSettings {
    /// Added to the score multiplier of a category per click in it (the newest click counts
    /// fully, older ones less by `decay`): 0.6 turns a score of 50 into 80 after one click.
    pub click_boost: f64,
    /// The same for a view.
    pub view_boost: f64,
    /// Each step back in the history counts this much of the step after it (0 < decay ≤ 1).
    pub decay: f64,
    /// Items the visitor clicked are not recommended again.
    pub exclude_clicked: bool,
    /// Items the visitor was shown are not recommended again (rotates banners).
    pub exclude_viewed: bool,
    /// At most this many items of one category per banner, so one interest cannot fill it.
    pub max_per_category: usize,
}

impl Default for RerankSettings {
    fn default() -> Self {
        Self {
            click_boost: 0.6,
            view_boost: 0.15,
            decay: 0.8,
            exclude_clicked: true,
            exclude_viewed: false,
            max_per_category: 2,
        }
    }
}

impl RerankSettings {
    /// What is wrong with the settings, if anything (named by field, for config errors).
    pub fn problem(&self) -> Option<(&'static str, &'static str)> {
        let boost_ok = |b: f64| b.is_finite() && (0.0..=100.0).contains(&b);
        if !boost_ok(self.click_boost) {
            Some(("click_boost", "must be a number from 0 to 100"))
        } else if !boost_ok(self.view_boost) {
            Some(("view_boost", "must be a number from 0 to 100"))
        } else if !(self.decay > 0.0 && self.decay <= 1.0) {
            Some(("decay", "must be above 0 and at most 1"))
        } else if self.max_per_category == 0 {
            Some(("max_per_category", "must be at least 1"))
        } else {
            None
        }
    }

    fn boost(&self, entry: &HistoryEntry) -> f64 {
        if entry.kind == 'c' {
            self.click_boost
        } else {
            self.view_boost
        }
    }

    fn excludes(&self, entry: &HistoryEntry) -> bool {
        if entry.kind == 'c' {
            self.exclude_clicked
        } else {
            self.exclude_viewed
        }
    }
}

/// An item chosen for a banner, with the score it was ranked by.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Ranked<'l> {
    /// The list's item.
    pub item: &'l Item,
    /// The published score times the category boost.
    pub score: f64,
    /// Whether the visitor's history raised it.
    pub boosted: bool,
}

/// Up to `n` items of `items` for a visitor with `history` (oldest first) at `now_s`: items
/// outside their date window, excluded by the history or listed in `skip` (already on the
/// page) are dropped; the rest are ranked by score × (1 + category boost), ties by id; a
/// category past `max_per_category` is skipped and the next item taken; an id is used once.
pub fn rerank<'l>(
    items: &'l [Item],
    history: &[HistoryEntry],
    now_s: i64,
    n: usize,
    settings: &RerankSettings,
    skip: &[&str],
) -> Vec<Ranked<'l>> {
    let boosts = category_boosts(history, settings);
    let excluded = |id: &str| {
        skip.contains(&id)
            || history
                .iter()
                .any(|entry| entry.item == id && settings.excludes(entry))
    };
    let mut candidates: Vec<Ranked<'l>> = items
        .iter()
        .filter(|item| item.live_at(now_s) && !excluded(&item.id))
        .map(|item| {
            let boost = boosts
                .iter()
                .find(|(category, _)| *category == item.category)
                .map_or(0.0, |&(_, b)| b);
            Ranked {
                item,
                score: item.score * (1.0 + boost),
                boosted: boost > 0.0,
            }
        })
        .collect();
    candidates.sort_by(|a, b| {
        b.score
            .total_cmp(&a.score)
            .then_with(|| a.item.id.cmp(&b.item.id))
    });

    let mut chosen: Vec<Ranked<'l>> = Vec::with_capacity(n);
    let mut per_category: Vec<(&str, usize)> = Vec::new();
    for candidate in candidates {
        if chosen.len() >= n {
            break;
        }
        let item = candidate.item;
        if chosen.iter().any(|c| c.item.id == item.id) {
            continue;
        }
        let count = match per_category.iter_mut().find(|(c, _)| *c == item.category) {
            Some((_, count)) => count,
            None => {
                per_category.push((&item.category, 0));
                match per_category.last_mut() {
                    Some((_, count)) => count,
                    None => continue,
                }
            }
        };
        if *count >= settings.max_per_category {
            continue;
        }
        *count += 1;
        chosen.push(candidate);
    }
    chosen
}

/// Category → summed boost, the newest entry weighing most.
fn category_boosts<'h>(
    history: &'h [HistoryEntry],
    settings: &RerankSettings,
) -> Vec<(&'h str, f64)> {
    let mut boosts: Vec<(&str, f64)> = Vec::new();
    let mut weight = 1.0;
    for entry in history.iter().rev() {
        let add = settings.boost(entry) * weight;
        match boosts.iter_mut().find(|(c, _)| *c == entry.category) {
            Some((_, b)) => *b += add,
            None => boosts.push((&entry.category, add)),
        }
        weight *= settings.decay;
    }
    boosts
}

#[cfg(test)]
mod tests {
    use super::*;

    fn item(id: &str, category: &str, score: f64) -> Item {
        Item {
            id: id.into(),
            title: id.into(),
            url: format!("/p/{id}"),
            image: "photos/a.jpg".into(),
            category: category.into(),
            score,
            starts: None,
            ends: None,
        }
    }

    fn click(id: &str, category: &str) -> HistoryEntry {
        HistoryEntry {
            item: id.into(),
            category: category.into(),
            kind: 'c',
            at_s: None,
        }
    }

    fn ids(ranked: &[Ranked<'_>]) -> Vec<String> {
        ranked.iter().map(|r| r.item.id.clone()).collect()
    }

    fn catalogue() -> Vec<Item> {
        vec![
            item("s1", "shoes", 90.0),
            item("s2", "shoes", 85.0),
            item("s3", "shoes", 80.0),
            item("j1", "jackets", 70.0),
            item("b1", "bags", 60.0),
            item("b2", "bags", 55.0),
            item("b3", "bags", 50.0),
        ]
    }

    #[test]
    fn without_history_it_is_score_order_under_the_category_cap() {
        let list = catalogue();
        let ranked = rerank(&list, &[], 0, 4, &RerankSettings::default(), &[]);
        assert_eq!(ids(&ranked), ["s1", "s2", "j1", "b1"]);
    }

    #[test]
    fn a_click_lifts_its_category_and_drops_the_item() {
        let list = catalogue();
        let history = [click("b3", "bags")];
        let ranked = rerank(&list, &history, 0, 4, &RerankSettings::default(), &[]);
        // bags: 60 × 1.6 = 96 and 55 × 1.6 = 88 now lead; b3 itself is gone.
        assert_eq!(ids(&ranked), ["b1", "s1", "b2", "s2"]);
        assert!(ranked[0].boosted && !ranked[1].boosted);
    }

    #[test]
    fn newer_behaviour_weighs_more() {
        let list = vec![item("a", "x", 50.0), item("b", "y", 50.0)];
        let history = [click("old", "x"), click("new", "y")];
        let ranked = rerank(&list, &history, 0, 2, &RerankSettings::default(), &[]);
        assert_eq!(ids(&ranked), ["b", "a"]);
    }

    #[test]
    fn date_windows_skip_and_duplicates_are_respected() {
        let mut list = catalogue();
        list[0].ends = Some(100);
        list[1].starts = Some(200);
        list.push(item("j1", "jackets", 99.0));
        let ranked = rerank(&list, &[], 150, 3, &RerankSettings::default(), &["b1"]);
        assert_eq!(ids(&ranked), ["j1", "s3", "b2"]);
        let later = rerank(&list, &[], 200, 2, &RerankSettings::default(), &[]);
        assert_eq!(ids(&later), ["j1", "s2"]);
    }

    #[test]
    fn caps_may_leave_a_banner_short() {
        let list = vec![
            item("a", "x", 3.0),
            item("b", "x", 2.0),
            item("c", "x", 1.0),
        ];
        let settings = RerankSettings {
            max_per_category: 1,
            ..RerankSettings::default()
        };
        assert_eq!(ids(&rerank(&list, &[], 0, 3, &settings, &[])), ["a"]);
    }

    #[test]
    fn settings_are_checked() {
        assert_eq!(RerankSettings::default().problem(), None);
        let bad = RerankSettings {
            decay: 0.0,
            ..RerankSettings::default()
        };
        assert_eq!(bad.problem().map(|p| p.0), Some("decay"));
        let bad = RerankSettings {
            click_boost: f64::NAN,
            ..RerankSettings::default()
        };
        assert_eq!(bad.problem().map(|p| p.0), Some("click_boost"));
    }
}

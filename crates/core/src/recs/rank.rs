//! Ranking with a trained model: session inference (`tailor_model::candidates`) over the visitor's
//! cookie history, then the banner's rules — date windows, items already on the page, the
//! per-category cap — with the reason each item is there. The edge and `tailor eval` both
//! call [`rank`], so what is measured offline is what visitors get.

use super::Item;
use crate::identity::HistoryEntry;
use tailor_model::{candidates, HistoryItem, InteractionKind, ModelView, Reason, ScoreSettings};

/// Why an item is in a banner, for the debug header.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Why {
    /// The segment's trained list (cold start, or nothing closer).
    SegmentList,
    /// A trained neighbour of this item of the visitor's history.
    NeighbourOf(String),
}

impl std::fmt::Display for Why {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::SegmentList => f.write_str("segment list"),
            Self::NeighbourOf(item) => write!(f, "neighbour of {item}"),
        }
    }
}

/// One item chosen by the model, with its display data copied out of the blob.
#[derive(Debug, Clone, PartialEq)]
pub struct Picked {
    /// The item's display data; its `score` is the model's.
    pub item: Item,
    /// The model's ranking score (neighbour score + segment score).
    pub score: f64,
    /// Why the model chose it.
    pub why: Why,
}

/// The banner's rules applied after scoring.
#[derive(Debug, Clone, Copy)]
pub struct RankRules<'s> {
    /// The model's inference settings (`recs.model`, or the arm's).
    pub score: &'s ScoreSettings,
    /// At most this many items of one category (`recs.rerank.max_per_category`).
    pub max_per_category: usize,
}

/// The cookie history (oldest first) as the model reads it: kind, and age when the entry
/// carries its time.
pub fn history_items(history: &[HistoryEntry], now_s: i64) -> Vec<HistoryItem<'_>> {
    history
        .iter()
        .map(|entry| HistoryItem {
            item: &entry.item,
            kind: if entry.kind == 'c' {
                InteractionKind::Click
            } else {
                InteractionKind::View
            },
            age_s: entry.at_s.map(|at| {
                let age = now_s.saturating_sub(i64::try_from(at).unwrap_or(i64::MAX));
                u32::try_from(age.max(0)).unwrap_or(u32::MAX)
            }),
        })
        .collect()
}

/// Up to `n` items for a visitor of `segment` with `history` at `now_s`: the model's
/// candidates best first, skipping items outside their date window, listed in `skip`
/// (earlier slots of the page) or past the category cap. Items the visitor may not see again
/// (`reshow_viewed` / `reshow_clicked`) are left out by the scoring itself.
pub fn rank(
    views: &[ModelView<'_>],
    segment: &str,
    history: &[HistoryItem<'_>],
    now_s: i64,
    n: usize,
    rules: RankRules<'_>,
    skip: &[&str],
) -> Vec<Picked> {
    // Enough candidates that windows, skips and caps still leave `n`.
    let wanted = n
        .saturating_mul(4)
        .saturating_add(skip.len())
        .saturating_add(history.len());
    let settings = ScoreSettings {
        max_candidates: rules.score.max_candidates.max(wanted),
        ..rules.score.clone()
    };
    let mut chosen: Vec<Picked> = Vec::with_capacity(n);
    let mut per_category: Vec<(&str, usize)> = Vec::new();
    for candidate in candidates(views, segment, history, &settings) {
        if chosen.len() >= n {
            break;
        }
        let summary = candidate.item;
        let live =
            summary.starts.is_none_or(|s| now_s >= s) && summary.ends.is_none_or(|e| now_s < e);
        if !live || skip.contains(&summary.id) || chosen.iter().any(|c| c.item.id == summary.id) {
            continue;
        }
        let count = match per_category
            .iter()
            .position(|(c, _)| *c == summary.category)
        {
            Some(at) => per_category.get_mut(at).map(|(_, count)| count),
            None => {
                per_category.push((summary.category, 0));
                per_category.last_mut().map(|(_, count)| count)
            }
        };
        let Some(count) = count else { continue };
        if *count >= rules.max_per_category {
            continue;
        }
        let Some(display) = candidate.display() else {
            continue;
        };
        *count += 1;
        chosen.push(Picked {
            item: Item {
                id: display.id.to_owned(),
                title: display.title.to_owned(),
                url: display.url.to_owned(),
                image: display.image.to_owned(),
                category: display.category.to_owned(),
                score: f64::from(candidate.score),
                starts: display.starts,
                ends: display.ends,
            },
            score: f64::from(candidate.score),
            why: match candidate.reason {
                Reason::Segment => Why::SegmentList,
                Reason::Neighbour { of } => Why::NeighbourOf(of.to_owned()),
            },
        });
    }
    chosen
}

/// Whether the model can rank for `segment`: it holds that segment's list.
pub fn covers(views: &[ModelView<'_>], segment: &str) -> bool {
    views.first().and_then(|v| v.segment(segment)).is_some()
}

#[cfg(test)]
#[path = "rank_tests.rs"]
mod tests;

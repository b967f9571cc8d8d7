//! Evaluation protocols. Leave-last-out: per visitor, interactions ordered by timestamp
//! (ties keep input order), the last is the target and everything else trains. Session
//! next-item: the last share of the time range is test; each test session predicts item
//! i+1 from items ≤ i. In both, the ranker sees the history as the edge's cookie would.

use crate::input::{Interaction, Kind};
use std::collections::BTreeMap;
use tailor_model::{HistoryItem, InteractionKind};

/// One prediction to make.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Case {
    /// Oldest first: (item, kind, age in seconds at prediction time).
    pub history: Vec<(String, InteractionKind, u32)>,
    /// Items the ranker must leave out, sorted.
    pub exclude: Vec<String>,
    /// The item to predict.
    pub target: String,
}

impl Case {
    /// The history as a ranker takes it (every age known).
    pub fn history_items(&self) -> Vec<HistoryItem<'_>> {
        self.history
            .iter()
            .map(|(item, kind, age)| HistoryItem {
                item,
                kind: *kind,
                age_s: Some(*age),
            })
            .collect()
    }
}

/// A training set and the cases to test on.
#[derive(Debug, Clone, Default)]
pub struct Split {
    /// Interactions to train on.
    pub train: Vec<Interaction>,
    /// Cases to test on.
    pub cases: Vec<Case>,
}

fn edge_kind(kind: Kind) -> InteractionKind {
    match kind {
        Kind::View => InteractionKind::View,
        Kind::Click | Kind::Purchase => InteractionKind::Click,
    }
}

/// The history the sealed cookie would hold after `seen` (oldest first): a repeated item
/// moves to the newest place and stays a click if it ever was one; when over `keep`, the
/// oldest view goes first (as `identity::history::record` does at the edge).
pub fn cookie_history(
    seen: &[&Interaction],
    keep: usize,
    now_ms: i64,
) -> Vec<(String, InteractionKind, u32)> {
    let mut history: Vec<(String, InteractionKind, u32)> = Vec::with_capacity(keep + 1);
    for interaction in seen {
        let mut kind = edge_kind(interaction.kind);
        if let Some(at) = history.iter().position(|h| h.0 == interaction.item) {
            if history.remove(at).1 == InteractionKind::Click {
                kind = InteractionKind::Click;
            }
        }
        let age = ((now_ms - interaction.ts_ms).max(0) / 1000).min(i64::from(u32::MAX)) as u32;
        history.push((interaction.item.clone(), kind, age));
        while history.len() > keep.max(1) {
            let oldest_view = history
                .iter()
                .position(|h| h.1 == InteractionKind::View)
                .unwrap_or(0);
            history.remove(oldest_view);
        }
    }
    history
}

/// Orders ids numerically when both are integers, else by bytes.
fn id_order(a: &str, b: &str) -> std::cmp::Ordering {
    match (a.parse::<u64>(), b.parse::<u64>()) {
        (Ok(x), Ok(y)) => x.cmp(&y),
        _ => a.cmp(b),
    }
}

/// Per visitor, indices in time order; equal timestamps are ordered by item id (numeric
/// when both ids are integers), so the protocol does not depend on file order. (On
/// MovieLens-100K many ratings share a second; this is the order that reproduces the
/// published popularity baseline, HR@10 0.050.)
fn by_visitor(interactions: &[Interaction]) -> BTreeMap<&str, Vec<usize>> {
    let mut visitors: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    for (index, interaction) in interactions.iter().enumerate() {
        if let Some(visitor) = interaction.visitor.as_deref() {
            visitors.entry(visitor).or_default().push(index);
        }
    }
    for indices in visitors.values_mut() {
        indices.sort_by(|&a, &b| match (interactions.get(a), interactions.get(b)) {
            (Some(x), Some(y)) => x
                .ts_ms
                .cmp(&y.ts_ms)
                .then_with(|| id_order(&x.item, &y.item)),
            _ => a.cmp(&b),
        });
    }
    visitors
}

fn sorted_unique(items: impl Iterator<Item = String>) -> Vec<String> {
    let mut out: Vec<String> = items.collect();
    out.sort_unstable();
    out.dedup();
    out
}

/// Leave-last-out over every visitor with at least two interactions; the ranker sees the
/// last `history_len` as the cookie keeps them, and every item the visitor saw is excluded.
pub fn leave_last_out(interactions: &[Interaction], history_len: usize) -> Split {
    let mut held_out = vec![false; interactions.len()];
    let mut cases = Vec::new();
    for indices in by_visitor(interactions).values() {
        let Some((&last, earlier)) = indices.split_last() else {
            continue;
        };
        let (Some(target), false) = (interactions.get(last), earlier.is_empty()) else {
            continue;
        };
        let seen: Vec<&Interaction> = earlier
            .iter()
            .filter_map(|&i| interactions.get(i))
            .collect();
        cases.push(Case {
            history: cookie_history(&seen, history_len, target.ts_ms),
            exclude: sorted_unique(seen.iter().map(|i| i.item.clone())),
            target: target.item.clone(),
        });
        if let Some(flag) = held_out.get_mut(last) {
            *flag = true;
        }
    }
    // Training sees each visitor's interactions in the protocol's order, then those
    // without a visitor.
    let visitors = by_visitor(interactions);
    let ordered = visitors.values().flatten().copied();
    let anonymous = interactions
        .iter()
        .enumerate()
        .filter(|(_, i)| i.visitor.is_none());
    let train = ordered
        .chain(anonymous.map(|(index, _)| index))
        .filter(|&i| !held_out.get(i).copied().unwrap_or(true))
        .filter_map(|i| interactions.get(i).cloned())
        .collect();
    Split { train, cases }
}

/// Session next-item: interactions in the last `test_fraction` of the time range are test
/// (sessions split by `gap_s`), the rest train. With `repeats` false, items already in the
/// session are excluded and targets repeating one are skipped.
pub fn session_next_item(
    interactions: &[Interaction],
    test_fraction: f64,
    gap_s: u64,
    repeats: bool,
    history_len: usize,
) -> Split {
    let (low, high) = interactions
        .iter()
        .fold((i64::MAX, i64::MIN), |(lo, hi), i| {
            (lo.min(i.ts_ms), hi.max(i.ts_ms))
        });
    let cutoff = high - ((high - low) as f64 * test_fraction.clamp(0.0, 1.0)) as i64;
    let train = interactions
        .iter()
        .filter(|i| i.ts_ms < cutoff)
        .cloned()
        .collect();
    let gap_ms = i64::try_from(gap_s.saturating_mul(1000)).unwrap_or(i64::MAX);
    let mut cases = Vec::new();
    for indices in by_visitor(interactions).values() {
        let test: Vec<&Interaction> = indices
            .iter()
            .filter_map(|&i| interactions.get(i))
            .filter(|i| i.ts_ms >= cutoff)
            .collect();
        let mut start = 0;
        for end in 1..=test.len() {
            let split = match (test.get(end - 1), test.get(end)) {
                (Some(a), Some(b)) => gap_ms > 0 && b.ts_ms - a.ts_ms > gap_ms,
                _ => true,
            };
            if split {
                session_cases(
                    test.get(start..end).unwrap_or(&[]),
                    repeats,
                    history_len,
                    &mut cases,
                );
                start = end;
            }
        }
    }
    Split { train, cases }
}

fn session_cases(
    session: &[&Interaction],
    repeats: bool,
    history_len: usize,
    cases: &mut Vec<Case>,
) {
    for next in 1..session.len() {
        let (Some(seen), Some(target)) = (session.get(..next), session.get(next)) else {
            continue;
        };
        let earlier = sorted_unique(seen.iter().map(|i| i.item.clone()));
        let repeat = earlier.binary_search(&target.item).is_ok();
        if repeat && !repeats {
            continue;
        }
        cases.push(Case {
            history: cookie_history(seen, history_len, target.ts_ms),
            exclude: if repeats { Vec::new() } else { earlier },
            target: target.item.clone(),
        });
    }
}

/// Validation for tuning without touching test targets: apply this to a test split's
/// training set. Each visitor's last `depth` interactions become targets (each predicted
/// from everything before it, as leave-last-out does), the rest trains. Several targets per
/// visitor make the comparison of settings less noisy than one.
pub fn tail_validation(interactions: &[Interaction], depth: usize, history_len: usize) -> Split {
    let mut held_out = vec![false; interactions.len()];
    let mut cases = Vec::new();
    let visitors = by_visitor(interactions);
    for indices in visitors.values() {
        let first_target = indices.len().saturating_sub(depth).max(1);
        for at in first_target..indices.len() {
            let (Some(&target_index), Some(earlier)) = (indices.get(at), indices.get(..at)) else {
                continue;
            };
            let Some(target) = interactions.get(target_index) else {
                continue;
            };
            let seen: Vec<&Interaction> = earlier
                .iter()
                .filter_map(|&i| interactions.get(i))
                .collect();
            cases.push(Case {
                history: cookie_history(&seen, history_len, target.ts_ms),
                exclude: sorted_unique(seen.iter().map(|i| i.item.clone())),
                target: target.item.clone(),
            });
            if let Some(flag) = held_out.get_mut(target_index) {
                *flag = true;
            }
        }
    }
    let ordered = visitors.values().flatten().copied();
    let anonymous = interactions
        .iter()
        .enumerate()
        .filter(|(_, i)| i.visitor.is_none());
    let train = ordered
        .chain(anonymous.map(|(index, _)| index))
        .filter(|&i| !held_out.get(i).copied().unwrap_or(true))
        .filter_map(|i| interactions.get(i).cloned())
        .collect();
    Split { train, cases }
}

//! Offline evaluation: protocols that turn interactions into a training set and test
//! cases, rankers behind one trait (so Tailor's real edge ranking can be plugged in), and
//! HR / MRR / NDCG @k plus catalogue coverage for several rankers in the same run.

pub mod protocol;
pub mod rankers;
pub mod report;
pub mod run;

pub use protocol::{leave_last_out, session_next_item, tail_validation, Case, Split};
pub use rankers::{ModelRanker, PopularityRanker, ShardedRanker};
pub use report::{RankerResult, Report, Scores};

use rayon::prelude::*;
use std::collections::BTreeSet;
use tailor_model::HistoryItem;

/// Anything that ranks items for a visitor: the history as the edge's cookie holds it
/// (oldest first), ids it must leave out (sorted), and how many to return.
pub trait Ranker: Sync {
    /// Name in reports.
    fn name(&self) -> &str;
    /// Up to `k` item ids, best first.
    fn rank(&self, history: &[HistoryItem<'_>], exclude: &[String], k: usize) -> Vec<String>;
}

/// Whether a sorted exclusion list holds `id`.
pub fn excluded(exclude: &[String], id: &str) -> bool {
    exclude.binary_search_by(|e| e.as_str().cmp(id)).is_ok()
}

/// Runs every ranker on every case, for each cut-off in `ks`.
pub fn evaluate(
    protocol: &str,
    cases: &[Case],
    rankers: &[&dyn Ranker],
    ks: &[usize],
    catalogue_items: usize,
) -> Report {
    let deepest = ks.iter().copied().max().unwrap_or(10);
    let results = rankers
        .iter()
        .map(|ranker| {
            let ranked: Vec<(Option<usize>, Vec<String>)> = cases
                .par_iter()
                .map(|case| {
                    let history = case.history_items();
                    let list = ranker.rank(&history, &case.exclude, deepest);
                    let rank = list.iter().position(|id| *id == case.target);
                    (rank, list)
                })
                .collect();
            let scores = ks
                .iter()
                .map(|&k| {
                    let mut s = Scores::new(k);
                    let mut seen = BTreeSet::new();
                    for (rank, list) in &ranked {
                        s.add(*rank);
                        seen.extend(list.iter().take(k).map(String::as_str));
                    }
                    s.finish(ranked.len(), seen.len(), catalogue_items);
                    s
                })
                .collect();
            RankerResult {
                name: ranker.name().to_owned(),
                scores,
            }
        })
        .collect();
    Report {
        protocol: protocol.to_owned(),
        cases: cases.len(),
        catalogue_items,
        rankers: results,
    }
}

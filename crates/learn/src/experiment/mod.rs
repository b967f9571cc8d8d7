//! Experiment reports from the edge's event log: exposures fix each visitor's arm, clicks
//! and goals after it make the metrics, and `tailor-stats` compares the arms. Also the
//! Thompson-sampling weights the edge reads back from `experiments/weights`.
//!
//! [`aggregate`] streams the log (bounded memory per visitor), [`analyse`] turns the sums
//! into a [`Report`], [`markdown`] prints it for people, and [`bandit_weights`] computes the
//! next split.

pub mod aggregate;
pub mod analyse;
mod render;

pub use aggregate::{Aggregator, InputCounts, Tally};
pub use analyse::{analyse, Report, Settings};
pub use render::markdown;

use serde::Serialize;
use tailor_stats::{thompson_weights, BanditConfig};

/// The next split of one experiment.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ArmWeights {
    /// Experiment name.
    pub experiment: String,
    /// Metric the weights are drawn from ([`Settings::primary`]).
    pub metric: String,
    /// Arm → weight, control first.
    pub arms: Vec<(String, f64)>,
    /// Arm → share of draws in which it was best.
    pub best: Vec<(String, f64)>,
    /// Whether burn-in is over: [`BanditConfig::burn_in_per_arm`] visitors per arm on average.
    pub burn_in_complete: bool,
    /// Why the weights are not Thompson sampling's: during burn-in they are the equal split;
    /// without a usable metric (none in the log, a degenerate arm...) the split in force stays.
    pub reason: Option<String>,
}

/// Thompson-sampling weights per experiment from `metric`'s per-arm summaries (each period
/// weighted by its share of visitors when the split changed).
pub fn bandit_weights(
    tally: &Tally,
    settings: &Settings,
    config: &BanditConfig,
) -> Vec<ArmWeights> {
    let m = tally
        .metric_names
        .iter()
        .position(|n| *n == settings.primary);
    tally
        .experiments
        .iter()
        .map(|e| {
            let layout = analyse::layout(e, settings);
            let names: Vec<String> = layout
                .order
                .iter()
                .map(|&a| e.input.arms.get(a).cloned().unwrap_or_default())
                .collect();
            // Until there is something to go on, the split in force stays.
            let current = analyse::latest_weights(e, &layout);
            let mut out = ArmWeights {
                experiment: e.input.name.clone(),
                metric: settings.primary.clone(),
                arms: layout
                    .order
                    .iter()
                    .zip(&names)
                    .map(|(&a, n)| (n.clone(), current.get(a).copied().unwrap_or(0.0)))
                    .collect(),
                best: Vec::new(),
                burn_in_complete: false,
                reason: None,
            };
            let Some(m) = m else {
                out.reason = Some(format!(
                    "no metric '{}' in the log; the current split stays",
                    settings.primary
                ));
                return out;
            };
            let proportion = tally.metric_is_proportion.get(m).copied().unwrap_or(true);
            let periods = e.cells.get(m).map(Vec::as_slice).unwrap_or(&[]);
            let result = analyse::summaries(periods, &layout, proportion).and_then(|s| {
                let ordered: Vec<_> = layout
                    .order
                    .iter()
                    .filter_map(|&a| s.get(a).copied())
                    .collect();
                thompson_weights(&ordered, config)
            });
            match result {
                Ok(w) => {
                    out.arms = names.iter().cloned().zip(w.weights).collect();
                    out.best = names
                        .iter()
                        .cloned()
                        .zip(w.best_arm_probabilities)
                        .collect();
                    out.burn_in_complete = w.burn_in_complete;
                    if !w.burn_in_complete {
                        out.reason = Some(format!(
                            "burn-in: fewer than {} visitors per arm on average, so the equal split",
                            config.burn_in_per_arm
                        ));
                    }
                }
                Err(err) => {
                    out.reason = Some(format!("{}; the current split stays", analyse::reason(&err)));
                }
            }
            out
        })
        .collect()
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing)]
    use super::*;

    fn tally(visitors: u64) -> Tally {
        let mut agg = Aggregator::new();
        for v in 0..visitors {
            let arm = if v % 10 < 7 { "a" } else { "b" };
            agg.line(
                &format!(
                    r#"{{"event":"exposure","experiment":"e","arm":"{arm}","visitor":"v{v}","weights":{{"a":0.7,"b":0.3}},"ts_ms":{v}}}"#
                ),
                "t",
                v,
            );
            // b clicks twice as often.
            if v % if arm == "a" { 10 } else { 5 } == 0 || (arm == "b" && v % 10 == 8) {
                agg.line(
                    &format!(
                        r#"{{"event":"click","item":"x","visitor":"v{v}","ts_ms":{}}}"#,
                        v + 1
                    ),
                    "t",
                    v,
                );
            }
        }
        agg.finish()
    }

    #[test]
    fn weights_follow_the_better_arm_after_burn_in_and_keep_the_split_without_a_metric() {
        let config = BanditConfig::default();
        let w = &bandit_weights(&tally(4_000), &Settings::default(), &config)[0];
        assert!(w.burn_in_complete && w.reason.is_none(), "{w:?}");
        assert!(w.arms[1].1 > 0.9 && w.arms[0].1 >= config.floor, "{w:?}");

        let w = &bandit_weights(&tally(50), &Settings::default(), &config)[0];
        assert!(!w.burn_in_complete);
        assert_eq!(w.arms, [("a".to_owned(), 0.5), ("b".to_owned(), 0.5)]);

        let settings = Settings {
            primary: "purchase conversion".into(),
            ..Settings::default()
        };
        let w = &bandit_weights(&tally(4_000), &settings, &config)[0];
        assert_eq!(w.arms, [("a".to_owned(), 0.7), ("b".to_owned(), 0.3)]);
        assert!(w.reason.as_deref().unwrap().contains("current split"));
    }
}

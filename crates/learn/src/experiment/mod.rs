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
    pub experiment: String,
    pub metric: String,
    /// Arm → weight, control first.
    pub arms: Vec<(String, f64)>,
    /// Arm → share of draws in which it was best.
    pub best: Vec<(String, f64)>,
    pub burn_in_complete: bool,
    /// Why the weights are the equal split (no data for the metric, a degenerate arm...).
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
            let equal = 1.0 / names.len().max(1) as f64;
            let mut out = ArmWeights {
                experiment: e.input.name.clone(),
                metric: settings.primary.clone(),
                arms: names.iter().map(|n| (n.clone(), equal)).collect(),
                best: Vec::new(),
                burn_in_complete: false,
                reason: None,
            };
            let Some(m) = m else {
                out.reason = Some(format!("no metric '{}' in the log", settings.primary));
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
                            "burn-in: fewer than {} visitors per arm on average",
                            config.burn_in_per_arm
                        ));
                    }
                }
                Err(err) => out.reason = Some(analyse::reason(&err)),
            }
            out
        })
        .collect()
}

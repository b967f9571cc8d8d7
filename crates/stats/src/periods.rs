//! Arms observed over periods with different traffic splits (a bandit re-weights daily).
//!
//! Pooling visitors across periods would mix the arms' shares with whatever changed over time
//! (weekday, campaigns) and bias the comparison (Simpson's paradox). GrowthBook's bandits
//! therefore weight each period by its share of all visitors, the same for every arm: an arm's
//! mean is sum_p w_p * mean_p, its variance of the mean sum_p w_p^2 * var_p / n_p
//! (`weight_by_period`), and SRM is tested against the counts each period's weights predict.

use crate::error::{Result, StatsError};
use crate::sample::{ArmSummary, SampleStats};
use crate::srm::srm;

/// Per-arm summaries from `periods[p][arm]` sums, each period weighted by its share of visitors.
///
/// The variance is restated per visitor (variance of the mean times the arm's visitors) so the
/// summaries feed every comparison and [`crate::bandit::thompson_weights`] unchanged.
///
/// Difference from gbstats: where an arm had no visitors in a period, gbstats counts that
/// period's mean as 0; here the arm's weights are renormalised over the periods it was seen in
/// (an arm added later is not pulled towards 0). With visitors everywhere both agree.
pub fn weight_by_period(periods: &[Vec<SampleStats>]) -> Result<Vec<ArmSummary>> {
    let arms = check_shape(periods.iter().map(Vec::len))?;
    let period_totals: Vec<f64> = periods
        .iter()
        .map(|p| p.iter().map(|s| s.n() as f64).sum())
        .collect();
    let total: f64 = period_totals.iter().sum();
    if total == 0.0 {
        return Err(StatsError::NotEnoughData("no visitors in any period"));
    }
    let summaries = (0..arms)
        .map(|arm| {
            let cells = periods
                .iter()
                .zip(&period_totals)
                .filter_map(|(period, &count)| {
                    period
                        .get(arm)
                        .filter(|s| s.n() > 0)
                        .map(|s| (s, count / total))
                });
            weighted_arm(cells)
        })
        .collect();
    Ok(summaries)
}

/// SRM p-value when the intended split changed between periods: `visitors[p][arm]` against
/// `weights[p][arm]` (each period's weights need not sum to 1).
pub fn srm_over_periods(visitors: &[Vec<u64>], weights: &[Vec<f64>]) -> Result<f64> {
    if visitors.len() != weights.len() {
        return Err(StatsError::InvalidInput("one set of weights per period"));
    }
    let arms = check_shape(visitors.iter().map(Vec::len))?;
    check_shape(weights.iter().map(Vec::len).chain([arms]))?;
    let mut observed = vec![0_u64; arms];
    let mut expected = vec![0.0_f64; arms];
    for (counts, split) in visitors.iter().zip(weights) {
        let period_total: f64 = counts.iter().map(|&c| c as f64).sum();
        let split_total: f64 = split.iter().sum();
        if split.iter().any(|w| !w.is_finite() || *w < 0.0) || split_total <= 0.0 {
            return Err(StatsError::InvalidInput(
                "each period needs finite, non-negative weights",
            ));
        }
        for (arm, (&count, &w)) in counts.iter().zip(split).enumerate() {
            if let (Some(o), Some(e)) = (observed.get_mut(arm), expected.get_mut(arm)) {
                *o = o.saturating_add(count);
                *e += period_total * w / split_total;
            }
        }
    }
    srm(&observed, &expected)
}

/// Number of arms when every period has the same (non-zero) number of them.
fn check_shape(mut lengths: impl Iterator<Item = usize>) -> Result<usize> {
    let first = lengths
        .next()
        .ok_or(StatsError::NotEnoughData("no periods"))?;
    if first == 0 || lengths.any(|len| len != first) {
        return Err(StatsError::InvalidInput(
            "every period must list the same arms",
        ));
    }
    Ok(first)
}

/// One arm's period-weighted mean and per-visitor variance from (sums, period weight) cells.
fn weighted_arm<'a>(cells: impl Iterator<Item = (&'a SampleStats, f64)> + Clone) -> ArmSummary {
    let weight_seen: f64 = cells.clone().map(|(_, w)| w).sum();
    let n = cells
        .clone()
        .fold(0_u64, |total, (s, _)| total.saturating_add(s.n()));
    if weight_seen <= 0.0 {
        return ArmSummary {
            n,
            mean: 0.0,
            unadjusted_mean: 0.0,
            variance: 0.0,
        };
    }
    let mean: f64 = cells.clone().map(|(s, w)| w / weight_seen * s.mean()).sum();
    let variance_of_mean: f64 = cells
        .map(|(s, w)| (w / weight_seen).powi(2) * s.variance().max(0.0) / s.n() as f64)
        .sum();
    ArmSummary {
        n,
        mean,
        unadjusted_mean: mean,
        variance: variance_of_mean * n as f64,
    }
}

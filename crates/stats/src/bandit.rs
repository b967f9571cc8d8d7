//! Thompson-sampling traffic weights for a bandit, as GrowthBook's `Bandits.compute_result`:
//! a normal posterior per arm (proper prior N(0, 1e4)), seeded draws, the share of draws each
//! arm wins (optionally top-two), a floor per arm and a burn-in before any re-weighting.

use rand::{RngExt, SeedableRng};
use rand_distr::StandardNormal;
use rand_pcg::Pcg64;

use crate::error::{Result, StatsError};
use crate::sample::ArmSummary;

/// Most arms a bandit may have (bounds the per-arm buffers).
pub const MAX_ARMS: usize = 256;
/// Most draws per call (bounds the time spent).
pub const MAX_DRAWS: u32 = 1_000_000;

/// How the weights are drawn. `Default` is GrowthBook's setting with seed 0.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BanditConfig {
    /// Monte Carlo draws (GrowthBook: 10,000).
    pub draws: u32,
    /// Seed of the PCG generator: the same inputs and seed give the same weights.
    pub seed: u64,
    /// Smallest weight an arm keeps, so no arm stops learning (GrowthBook: 0.01).
    pub floor: f64,
    /// Visitors per arm (on average) before weights move from the equal split (GrowthBook: 100).
    pub burn_in_per_arm: u64,
    /// Count an arm when it is best or second best in a draw (top-two Thompson sampling; with
    /// two arms this always gives the even split).
    pub top_two: bool,
    /// Prior mean of every arm's metric mean (absolute scale; GrowthBook: 0).
    pub prior_mean: f64,
    /// Prior variance of every arm's metric mean (GrowthBook: 1e4, nearly flat).
    pub prior_variance: f64,
}

impl Default for BanditConfig {
    fn default() -> Self {
        Self {
            draws: 10_000,
            seed: 0,
            floor: 0.01,
            burn_in_per_arm: 100,
            top_two: false,
            prior_mean: 0.0,
            prior_variance: 1e4,
        }
    }
}

/// Traffic weights for the next period.
#[derive(Debug, Clone, PartialEq)]
pub struct BanditWeights {
    /// Weight per arm: sums to 1, none below the floor; the equal split during burn-in.
    pub weights: Vec<f64>,
    /// Share of draws in which each arm was the best.
    pub best_arm_probabilities: Vec<f64>,
    /// False while the experiment has fewer visitors than the burn-in asks for.
    pub burn_in_complete: bool,
}

/// Thompson-sampling weights for `arms` (use [`crate::periods::weight_by_period`] summaries
/// when past weights changed). Higher metric values are better.
pub fn thompson_weights(arms: &[ArmSummary], config: &BanditConfig) -> Result<BanditWeights> {
    check_config(arms.len(), config)?;
    let posteriors = arms
        .iter()
        .map(|arm| posterior(arm, config))
        .collect::<Result<Vec<(f64, f64)>>>()?;
    let (best, top_two) = count_wins(&posteriors, config);
    let draws = f64::from(config.draws);
    let best_arm_probabilities: Vec<f64> = best.iter().map(|&c| c as f64 / draws).collect();
    let visitors = arms
        .iter()
        .fold(0_u64, |total, a| total.saturating_add(a.n));
    let burn_in = config.burn_in_per_arm.saturating_mul(arms.len() as u64);
    let burn_in_complete = visitors >= burn_in;
    let weights = if !burn_in_complete {
        vec![1.0 / arms.len() as f64; arms.len()]
    } else if config.top_two {
        apply_floor(
            &top_two
                .iter()
                .map(|&c| c as f64 / (2.0 * draws))
                .collect::<Vec<_>>(),
            config.floor,
        )
    } else {
        apply_floor(&best_arm_probabilities, config.floor)
    };
    Ok(BanditWeights {
        weights,
        best_arm_probabilities,
        burn_in_complete,
    })
}

fn check_config(arms: usize, config: &BanditConfig) -> Result<()> {
    if !(2..=MAX_ARMS).contains(&arms) {
        return Err(StatsError::InvalidInput("a bandit needs 2 to 256 arms"));
    }
    if config.draws == 0 || config.draws > MAX_DRAWS {
        return Err(StatsError::InvalidInput("draws must lie in 1..=1,000,000"));
    }
    if !(config.floor >= 0.0 && config.floor * arms as f64 <= 1.0) {
        return Err(StatsError::InvalidInput(
            "the floor must be >= 0 and at most 1 / arms",
        ));
    }
    if !(config.prior_mean.is_finite() && config.prior_variance.is_finite())
        || config.prior_variance <= 0.0
    {
        return Err(StatsError::InvalidInput(
            "the prior must be finite with positive variance",
        ));
    }
    Ok(())
}

/// Posterior (mean, standard deviation) of an arm's mean; an arm without variance (no data, or
/// every visitor alike) contributes no data precision, as in GrowthBook.
fn posterior(arm: &ArmSummary, config: &BanditConfig) -> Result<(f64, f64)> {
    if !(arm.mean.is_finite() && arm.variance.is_finite()) {
        return Err(StatsError::InvalidInput("arm statistics must be finite"));
    }
    let prior_precision = 1.0 / config.prior_variance;
    let data_precision = if arm.variance > 0.0 {
        arm.n as f64 / arm.variance
    } else {
        0.0
    };
    let variance = 1.0 / (prior_precision + data_precision);
    let mean = variance * (prior_precision * config.prior_mean + data_precision * arm.mean);
    Ok((mean, variance.sqrt()))
}

/// Per arm: draws in which it was best, and draws in which it was best or second best.
fn count_wins(posteriors: &[(f64, f64)], config: &BanditConfig) -> (Vec<u64>, Vec<u64>) {
    let mut rng = Pcg64::seed_from_u64(config.seed);
    let mut best = vec![0_u64; posteriors.len()];
    let mut top_two = vec![0_u64; posteriors.len()];
    for _ in 0..config.draws {
        let (mut first, mut second) = (
            (usize::MAX, f64::NEG_INFINITY),
            (usize::MAX, f64::NEG_INFINITY),
        );
        for (arm, &(mean, sd)) in posteriors.iter().enumerate() {
            let z: f64 = rng.sample(StandardNormal);
            let value = mean + sd * z;
            if value > first.1 {
                second = first;
                first = (arm, value);
            } else if value > second.1 {
                second = (arm, value);
            }
        }
        increment(&mut best, first.0);
        increment(&mut top_two, first.0);
        increment(&mut top_two, second.0);
    }
    (best, top_two)
}

fn increment(counts: &mut [u64], arm: usize) {
    if let Some(c) = counts.get_mut(arm) {
        *c += 1;
    }
}

/// Raises arms below `floor` to it and shares the rest in proportion to the raw weights, so
/// the result sums to 1 and no arm is below the floor. (GrowthBook raises then renormalises,
/// which leaves floored arms slightly under the floor.)
pub(crate) fn apply_floor(raw: &[f64], floor: f64) -> Vec<f64> {
    let mut floored = vec![false; raw.len()];
    for _ in 0..=raw.len() {
        let fixed = floored.iter().filter(|&&f| f).count();
        let free_mass = (1.0 - floor * fixed as f64).max(0.0);
        let free: Vec<(usize, f64)> = raw
            .iter()
            .copied()
            .enumerate()
            .filter(|(i, _)| !floored.get(*i).copied().unwrap_or(true))
            .collect();
        let free_sum: f64 = free.iter().map(|(_, p)| p).sum();
        let free_count = free.len() as f64;
        let share = |p: f64| {
            if free_sum > 0.0 {
                p / free_sum * free_mass
            } else {
                free_mass / free_count
            }
        };
        let below: Vec<usize> = free
            .iter()
            .filter(|(_, p)| share(*p) < floor)
            .map(|(i, _)| *i)
            .collect();
        if below.is_empty() {
            let mut weights = vec![floor; raw.len()];
            for &(i, p) in &free {
                if let Some(w) = weights.get_mut(i) {
                    *w = share(p);
                }
            }
            return weights;
        }
        for i in below {
            if let Some(f) = floored.get_mut(i) {
                *f = true;
            }
        }
    }
    vec![1.0 / raw.len() as f64; raw.len()]
}

#[cfg(test)]
mod tests {
    use super::apply_floor;

    #[test]
    fn floored_arms_get_exactly_the_floor_and_the_rest_keeps_its_proportions() {
        // Raise-then-renormalise would give 0.01 / 1.01 = 0.0099 to the two small arms.
        let w = apply_floor(&[0.99, 0.005, 0.005], 0.01);
        let want = [0.98, 0.01, 0.01];
        assert!(
            w.iter().zip(want).all(|(g, w)| (g - w).abs() < 1e-15),
            "{w:?}"
        );
        let w = apply_floor(&[0.6, 0.3, 0.1, 0.0], 0.15);
        let want = [0.7 * 0.6 / 0.9, 0.7 * 0.3 / 0.9, 0.15, 0.15];
        assert!(
            w.iter().zip(want).all(|(g, w)| (g - w).abs() < 1e-15),
            "{w:?}"
        );
        assert_eq!(apply_floor(&[1.0, 0.0], 0.5), vec![0.5, 0.5]);
    }
}

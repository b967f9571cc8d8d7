//! Sample-ratio mismatch: a chi-square goodness-of-fit test of the visitors per arm against the
//! configured split, as gbstats' `check_srm`.

use crate::dist::chi_square_sf;
use crate::error::{Result, StatsError};

/// The p-value below which a split is reported as mismatched (GrowthBook's default).
pub const SRM_THRESHOLD: f64 = 0.001;

/// p-value of "visitors were split as `expected_weights` says" given `observed` visitors per
/// arm (weights need not sum to 1).
///
/// As gbstats, arms whose weight is 0 are left out of the statistic but still count towards
/// the degrees of freedom (arms - 1). Errors: fewer than 2 arms, lengths that differ, weights
/// that are negative, non-finite or all 0, and no visitors at all.
pub fn srm(observed: &[u64], expected_weights: &[f64]) -> Result<f64> {
    if observed.len() != expected_weights.len() {
        return Err(StatsError::InvalidInput("one weight per arm"));
    }
    if observed.len() < 2 {
        return Err(StatsError::InvalidInput("SRM needs at least 2 arms"));
    }
    if expected_weights.iter().any(|w| !w.is_finite() || *w < 0.0) {
        return Err(StatsError::InvalidInput(
            "weights must be finite and non-negative",
        ));
    }
    let total_weight: f64 = expected_weights.iter().sum();
    if total_weight <= 0.0 {
        return Err(StatsError::InvalidInput(
            "at least one weight must be positive",
        ));
    }
    let total: f64 = observed.iter().map(|&o| o as f64).sum();
    if total == 0.0 {
        return Err(StatsError::NotEnoughData("no visitors yet"));
    }
    let statistic: f64 = observed
        .iter()
        .zip(expected_weights)
        .filter(|(_, &w)| w > 0.0)
        .map(|(&o, &w)| {
            let expected = w / total_weight * total;
            (o as f64 - expected).powi(2) / expected
        })
        .sum();
    chi_square_sf(statistic, (observed.len() - 1) as f64)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn a_half_percent_skew_at_200k_visitors_is_flagged() {
        let p = srm(&[101_000, 99_000], &[0.5, 0.5]).unwrap();
        assert!(p < SRM_THRESHOLD, "{p}");
        assert!(srm(&[100_000, 100_000], &[1.0, 1.0]).unwrap() > 0.999);
    }

    #[test]
    fn degenerate_inputs_are_errors() {
        assert!(srm(&[0, 0], &[0.5, 0.5]).is_err());
        assert!(srm(&[5], &[1.0]).is_err());
        assert!(srm(&[5, 6], &[1.0]).is_err());
        assert!(srm(&[5, 6], &[0.0, 0.0]).is_err());
        assert!(srm(&[5, 6], &[f64::NAN, 1.0]).is_err());
    }
}

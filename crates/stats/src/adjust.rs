//! Multiple-comparison corrections of p-values across arms x metrics: Holm-Bonferroni (family-
//! wise error) and Benjamini-Hochberg (false discovery rate), as GrowthBook's
//! `adjustPValuesHolmBonferroni` and `adjustPValuesBenjaminiHochberg`.

use crate::error::{Result, StatsError};

/// Holm-adjusted p-values, in the order given: the k-th smallest is multiplied by (m - k + 1),
/// capped at 1, then made non-decreasing in rank.
pub fn holm(p_values: &[f64]) -> Result<Vec<f64>> {
    let order = ranked(p_values, false)?;
    let m = p_values.len() as f64;
    let mut adjusted = vec![0.0; p_values.len()];
    let mut running_max = 0.0_f64;
    for (rank, (index, p)) in order.into_iter().enumerate() {
        running_max = running_max.max((p * (m - rank as f64)).min(1.0));
        if let Some(slot) = adjusted.get_mut(index) {
            *slot = running_max;
        }
    }
    Ok(adjusted)
}

/// Benjamini-Hochberg-adjusted p-values (q-values), in the order given: the k-th smallest is
/// multiplied by m / k, capped at 1, then made non-increasing from the largest down.
pub fn benjamini_hochberg(p_values: &[f64]) -> Result<Vec<f64>> {
    let order = ranked(p_values, true)?;
    let m = p_values.len() as f64;
    let mut adjusted = vec![0.0; p_values.len()];
    let mut running_min = 1.0_f64;
    for (from_top, (index, p)) in order.into_iter().enumerate() {
        running_min = running_min.min((p * m / (m - from_top as f64)).min(1.0));
        if let Some(slot) = adjusted.get_mut(index) {
            *slot = running_min;
        }
    }
    Ok(adjusted)
}

/// (original index, p) sorted ascending, or descending when `descending`; refuses p outside
/// [0, 1] or NaN.
fn ranked(p_values: &[f64], descending: bool) -> Result<Vec<(usize, f64)>> {
    if p_values.iter().any(|p| !(0.0..=1.0).contains(p)) {
        return Err(StatsError::InvalidInput("p-values must lie in [0, 1]"));
    }
    let mut order: Vec<(usize, f64)> = p_values.iter().copied().enumerate().collect();
    order.sort_by(|a, b| a.1.total_cmp(&b.1));
    if descending {
        order.reverse();
    }
    Ok(order)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn textbook_example() {
        let p = [0.01, 0.04, 0.03, 0.005];
        let h = holm(&p).unwrap();
        let want = [0.03, 0.06, 0.06, 0.02];
        for (got, want) in h.iter().zip(want) {
            assert!((got - want).abs() < 1e-15);
        }
        let bh = benjamini_hochberg(&p).unwrap();
        let want = [0.02, 0.04, 0.04, 0.02];
        for (got, want) in bh.iter().zip(want) {
            assert!((got - want).abs() < 1e-15);
        }
    }

    #[test]
    fn empty_and_invalid() {
        assert_eq!(holm(&[]).unwrap(), Vec::<f64>::new());
        assert!(holm(&[0.5, f64::NAN]).is_err());
        assert!(benjamini_hochberg(&[1.5]).is_err());
    }
}

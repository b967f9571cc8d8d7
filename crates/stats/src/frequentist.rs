//! Fixed-horizon two-sided Welch t-test of the uplift, as gbstats' `TwoSidedTTest`.

use crate::dist::{t_quantile, t_sf};
use crate::effect::{effect, Estimate, Scale};
use crate::error::{check_alpha, finite, Result};
use crate::sample::ArmSummary;

/// Compares `treatment` with `control`: uplift, (1 - alpha) confidence interval and p-value,
/// with Welch-Satterthwaite degrees of freedom.
///
/// Valid when read once, at a horizon fixed in advance; for daily reading use
/// [`crate::sequential::sequential`].
pub fn frequentist(
    control: &ArmSummary,
    treatment: &ArmSummary,
    alpha: f64,
    scale: Scale,
) -> Result<Estimate> {
    check_alpha(alpha)?;
    let effect = effect(control, treatment, scale)?;
    let std_error = effect.variance.sqrt();
    let dof = welch_dof(control, treatment)?;
    let statistic = effect.point / std_error;
    // 2 * sf(|t|) rather than gbstats' 2 * (1 - cdf(|t|)): equal, but keeps digits in the tail.
    let p_value = (2.0 * t_sf(statistic.abs(), dof)?).min(1.0);
    let width = t_quantile(1.0 - alpha / 2.0, dof)? * std_error;
    Estimate {
        point: effect.point,
        ci: (effect.point - width, effect.point + width),
        p_value,
        std_error,
    }
    .checked()
}

/// Welch-Satterthwaite degrees of freedom (arms already checked: n >= 2, variance > 0).
fn welch_dof(a: &ArmSummary, b: &ArmSummary) -> Result<f64> {
    let (n_a, n_b) = (a.n as f64, b.n as f64);
    let (s_a, s_b) = (a.variance / n_a, b.variance / n_b);
    let dof = (s_a + s_b).powi(2) / (s_b.powi(2) / (n_b - 1.0) + s_a.powi(2) / (n_a - 1.0));
    finite(dof, "degrees of freedom")
}

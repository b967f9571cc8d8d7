//! Always-valid (sequential) interval and p-value, as gbstats' `SequentialTwoSidedTTest`: the
//! asymptotic confidence sequence of Waudby-Smith et al. (2023, eq. 9; rho from eq. 161,
//! p-value from eq. 155). Reading it every day does not inflate false positives.

use crate::effect::{effect, Estimate, Scale};
use crate::error::{check_alpha, Result, StatsError};
use crate::sample::ArmSummary;

/// gbstats' default tuning parameter: the total sample size at which the interval is tightest.
pub const DEFAULT_TUNING: f64 = 5000.0;

/// Compares `treatment` with `control` with an interval and p-value valid at any sample size.
///
/// `tuning` is the total number of visitors (both arms) around which the interval is
/// narrowest; [`DEFAULT_TUNING`] is gbstats' default.
pub fn sequential(
    control: &ArmSummary,
    treatment: &ArmSummary,
    alpha: f64,
    scale: Scale,
    tuning: f64,
) -> Result<Estimate> {
    check_alpha(alpha)?;
    if !(tuning.is_finite() && tuning > 0.0) {
        return Err(StatsError::InvalidInput(
            "the tuning parameter must be positive",
        ));
    }
    let effect = effect(control, treatment, scale)?;
    // In floats: two u64 counts may not add up in u64.
    let total = control.n as f64 + treatment.n as f64;
    let rho2 = (-2.0 * alpha.ln() + (-2.0 * alpha.ln() + 1.0).ln()) / tuning;
    let spread = total * rho2 + 1.0;
    let s2 = effect.variance * total;
    let width = (s2 * 2.0 * spread * (spread.sqrt() / alpha).ln() / (total * total * rho2)).sqrt();
    // p = min(1 / e-value, 1) with e = exp(rho^2 st^2 / (2 spread)) / sqrt(spread), in logs.
    let st2 = effect.point.powi(2) * total / effect.variance;
    let log_e_value = rho2 * st2 / (2.0 * spread) - 0.5 * spread.ln();
    let p_value = (-log_e_value).exp().min(1.0);
    Estimate {
        point: effect.point,
        ci: (effect.point - width, effect.point + width),
        p_value,
        std_error: effect.variance.sqrt(),
    }
    .checked()
}

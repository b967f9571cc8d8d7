//! The uplift of a treatment over control and the variance of that estimate, absolute or
//! relative (delta method), shared by every test: gbstats' `frequentist_diff` and
//! `frequentist_variance`.

use crate::error::{finite, Result, StatsError};
use crate::sample::ArmSummary;

/// Whether an uplift is a difference of means or a difference relative to control.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scale {
    /// treatment mean - control mean.
    Absolute,
    /// (treatment mean - control mean) / control mean, e.g. 0.05 for +5 %.
    Relative,
}

/// A frequentist (fixed-horizon or sequential) comparison of a treatment with control.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Estimate {
    /// Estimated uplift on the requested scale.
    pub point: f64,
    /// Confidence interval of the uplift (always-valid for the sequential test).
    pub ci: (f64, f64),
    /// Two-sided p-value of "no uplift" (always-valid for the sequential test).
    pub p_value: f64,
    /// Standard error of `point`.
    pub std_error: f64,
}

impl Estimate {
    /// Passes the estimate through if every number in it is finite (extreme inputs can
    /// overflow an interval bound), else reports a numerical failure.
    pub(crate) fn checked(self) -> Result<Self> {
        let values = [
            self.point,
            self.ci.0,
            self.ci.1,
            self.p_value,
            self.std_error,
        ];
        if values.iter().all(|v| v.is_finite()) {
            Ok(self)
        } else {
            Err(StatsError::Numerical("estimate overflowed"))
        }
    }
}

/// Point estimate and its variance.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Effect {
    pub point: f64,
    pub variance: f64,
}

/// Refuses an arm that cannot carry a comparison: fewer than 2 visitors, non-finite numbers
/// or no variance.
pub(crate) fn check_arm(arm: &ArmSummary) -> Result<()> {
    if arm.n < 2 {
        return Err(StatsError::NotEnoughData(
            "each arm needs at least 2 visitors",
        ));
    }
    if !(arm.mean.is_finite() && arm.unadjusted_mean.is_finite() && arm.variance.is_finite()) {
        return Err(StatsError::InvalidInput("arm statistics must be finite"));
    }
    if arm.variance <= 0.0 {
        return Err(StatsError::ZeroVariance);
    }
    Ok(())
}

/// Uplift of `treatment` over `control` and the variance of that estimate.
///
/// Relative: (m_b - m_a) / u_a with variance v_b / (u_a^2 n_b) + v_a u_b^2 / (u_a^4 n_a), where
/// m are (possibly CUPED-adjusted) means and u unadjusted ones.
pub(crate) fn effect(control: &ArmSummary, treatment: &ArmSummary, scale: Scale) -> Result<Effect> {
    if scale == Scale::Relative && (control.mean == 0.0 || control.unadjusted_mean == 0.0) {
        return Err(StatsError::ZeroBaseline);
    }
    check_arm(control)?;
    check_arm(treatment)?;
    let (n_a, n_b) = (control.n as f64, treatment.n as f64);
    let (v_a, v_b) = (control.variance, treatment.variance);
    let (point, variance) = match scale {
        Scale::Absolute => (treatment.mean - control.mean, v_b / n_b + v_a / n_a),
        Scale::Relative => {
            let (u_a, u_b) = (control.unadjusted_mean, treatment.unadjusted_mean);
            (
                (treatment.mean - control.mean) / u_a,
                v_b / (u_a.powi(2) * n_b) + v_a * u_b.powi(2) / (u_a.powi(4) * n_a),
            )
        }
    };
    let variance = finite(variance, "variance of the uplift")?;
    if variance <= 0.0 {
        return Err(StatsError::ZeroVariance);
    }
    Ok(Effect {
        point: finite(point, "uplift")?,
        variance,
    })
}

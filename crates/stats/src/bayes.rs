//! Bayesian comparison with a Gaussian prior on the uplift, as gbstats' `EffectBayesianABTest`:
//! chance to beat control, credible interval and the expected loss (risk) of either choice.

use crate::dist::{normal_cdf, normal_pdf, normal_quantile};
use crate::effect::{effect, Scale};
use crate::error::{check_alpha, finite, Result, StatsError};
use crate::sample::ArmSummary;

/// A normal prior on the uplift, stated on the relative scale (0.0 and 0.01 mean "most likely
/// no change, rarely more than ±20 %"), as gbstats' metric prior (`prior_type="relative"`).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct GaussianPrior {
    /// Prior mean of the relative uplift.
    pub mean: f64,
    /// Prior variance of the relative uplift (gbstats default: 0.1^2).
    pub variance: f64,
}

/// Posterior summary of the uplift of a treatment over control.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BayesEstimate {
    /// Posterior mean of the uplift.
    pub expected: f64,
    /// Central (1 - alpha) credible interval.
    pub ci: (f64, f64),
    /// Posterior standard deviation.
    pub std_dev: f64,
    /// Posterior probability that the uplift is positive.
    pub chance_to_win: f64,
    /// Expected loss of keeping control: E[max(uplift, 0)].
    pub risk_control: f64,
    /// Expected loss of shipping the treatment: E[max(-uplift, 0)].
    pub risk_treatment: f64,
}

/// Posterior of the uplift: the normal likelihood of the estimate combined with `prior`
/// (`None`: flat, the posterior is the estimate itself).
pub fn bayesian(
    control: &ArmSummary,
    treatment: &ArmSummary,
    scale: Scale,
    prior: Option<GaussianPrior>,
    alpha: f64,
) -> Result<BayesEstimate> {
    check_alpha(alpha)?;
    let data = effect(control, treatment, scale)?;
    let (mean, precision) = match prior {
        None => (data.point, 1.0 / data.variance),
        Some(relative) => {
            let prior = on_scale(relative, control.unadjusted_mean, scale)?;
            let precision = 1.0 / data.variance + 1.0 / prior.variance;
            let weighted = data.point / data.variance + prior.mean / prior.variance;
            (weighted / precision, precision)
        }
    };
    let std_dev = finite((1.0 / precision).sqrt(), "posterior standard deviation")?;
    let mean = finite(mean, "posterior mean")?;
    let z = normal_quantile(1.0 - alpha / 2.0)?;
    let ratio = mean / std_dev;
    let chance_to_win = normal_cdf(ratio)?;
    let density = std_dev * normal_pdf(ratio)?;
    let estimate = BayesEstimate {
        expected: mean,
        ci: (mean - z * std_dev, mean + z * std_dev),
        std_dev,
        chance_to_win,
        risk_control: mean * chance_to_win + density,
        risk_treatment: density - mean * normal_cdf(-ratio)?,
    };
    let values = [
        estimate.ci.0,
        estimate.ci.1,
        estimate.risk_control,
        estimate.risk_treatment,
    ];
    if values.iter().all(|v| v.is_finite()) {
        Ok(estimate)
    } else {
        Err(StatsError::Numerical("posterior overflowed"))
    }
}

/// The relative prior restated on the requested scale (absolute: times |control mean|).
fn on_scale(prior: GaussianPrior, control_mean: f64, scale: Scale) -> Result<GaussianPrior> {
    let scaled = match scale {
        Scale::Relative => prior,
        Scale::Absolute => GaussianPrior {
            mean: prior.mean * control_mean.abs(),
            variance: prior.variance * control_mean.powi(2),
        },
    };
    if !(scaled.mean.is_finite() && scaled.variance.is_finite()) {
        return Err(StatsError::InvalidInput("the prior must be finite"));
    }
    if scaled.variance <= 0.0 {
        return Err(if prior.variance > 0.0 {
            StatsError::ZeroBaseline
        } else {
            StatsError::InvalidInput("the prior variance must be positive")
        });
    }
    Ok(scaled)
}

//! The one error type of the crate: why a statistic could not be computed.

/// Why a comparison, check or weight could not be computed.
///
/// Degenerate data is reported here rather than as a NaN or a made-up number, so a report can
/// print "not enough data" (or the reason) for that cell and carry on with the others.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum StatsError {
    /// Too few visitors (or none) in an arm or in the whole experiment.
    #[error("not enough data: {0}")]
    NotEnoughData(&'static str),
    /// An arm's metric has no spread (every visitor has the same value, e.g. all converted).
    #[error("an arm has zero variance, so its uncertainty cannot be estimated")]
    ZeroVariance,
    /// The control mean is zero, so an uplift relative to it is undefined.
    #[error("the control mean is zero, so a relative uplift is undefined")]
    ZeroBaseline,
    /// An argument is outside its domain (NaN, infinite, negative count, alpha outside (0, 1)...).
    #[error("invalid input: {0}")]
    InvalidInput(&'static str),
    /// A computation produced a non-finite number from finite inputs (overflow).
    #[error("numerical failure: {0}")]
    Numerical(&'static str),
}

/// Result alias used throughout the crate.
pub type Result<T> = std::result::Result<T, StatsError>;

/// Passes `value` through if it is finite, else reports `what` as a numerical failure.
pub(crate) fn finite(value: f64, what: &'static str) -> Result<f64> {
    if value.is_finite() {
        Ok(value)
    } else {
        Err(StatsError::Numerical(what))
    }
}

/// Checks a significance level: it must lie strictly between 0 and 1.
pub(crate) fn check_alpha(alpha: f64) -> Result<()> {
    if alpha > 0.0 && alpha < 1.0 {
        Ok(())
    } else {
        Err(StatsError::InvalidInput(
            "alpha must lie strictly between 0 and 1",
        ))
    }
}

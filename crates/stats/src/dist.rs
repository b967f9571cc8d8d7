//! Distribution functions (normal, Student's t, chi-square) behind checked, panic-free wrappers.
//!
//! statrs supplies the normal and chi-square functions and the t CDF for moderate degrees of
//! freedom. Its t quantile is not used: it drifts (1.9563 instead of 1.95996 at 3e6 degrees of
//! freedom) and loops without end near 1e8, and its t CDF loses digits above ~1e5 degrees of
//! freedom. Welch degrees of freedom reach millions in a large experiment, so large ones use the
//! Cornish-Fisher expansion of the t quantile in terms of the normal one (Abramowitz & Stegun
//! 26.7.5), whose first omitted term is below 1e-12 there.

use statrs::distribution::{ChiSquared, Continuous, ContinuousCDF, Normal, StudentsT};

use crate::error::{finite, Result, StatsError};

/// Degrees of freedom from which the t distribution is computed through the expansion.
const LARGE_DOF: f64 = 1e4;

fn standard_normal() -> Result<Normal> {
    Normal::new(0.0, 1.0).map_err(|_| StatsError::Numerical("standard normal"))
}

/// P(Z <= x) for a standard normal Z.
pub(crate) fn normal_cdf(x: f64) -> Result<f64> {
    Ok(standard_normal()?.cdf(finite(x, "normal cdf argument")?))
}

/// Density of the standard normal at x.
pub(crate) fn normal_pdf(x: f64) -> Result<f64> {
    Ok(standard_normal()?.pdf(finite(x, "normal pdf argument")?))
}

/// The x with P(Z <= x) = p, for p strictly inside (0, 1).
pub(crate) fn normal_quantile(p: f64) -> Result<f64> {
    if !(p > 0.0 && p < 1.0) {
        return Err(StatsError::InvalidInput(
            "probability must lie strictly inside (0, 1)",
        ));
    }
    finite(standard_normal()?.inverse_cdf(p), "normal quantile")
}

/// P(X > x) for X chi-square distributed with `dof` degrees of freedom.
pub(crate) fn chi_square_sf(x: f64, dof: f64) -> Result<f64> {
    let dist = ChiSquared::new(dof).map_err(|_| StatsError::InvalidInput("chi-square dof"))?;
    finite(
        dist.sf(finite(x, "chi-square statistic")?),
        "chi-square tail",
    )
}

fn check_dof(dof: f64) -> Result<f64> {
    if dof.is_finite() && dof > 0.0 {
        Ok(dof)
    } else {
        Err(StatsError::Numerical("degrees of freedom"))
    }
}

fn students_t(dof: f64) -> Result<StudentsT> {
    StudentsT::new(0.0, 1.0, dof).map_err(|_| StatsError::Numerical("t distribution"))
}

/// P(T > x) for T Student-t distributed with `dof` degrees of freedom.
pub(crate) fn t_sf(x: f64, dof: f64) -> Result<f64> {
    let dof = check_dof(dof)?;
    let x = finite(x, "t statistic")?;
    if dof >= LARGE_DOF {
        return normal_cdf(-normal_equivalent(x, dof));
    }
    finite(students_t(dof)?.sf(x), "t tail")
}

/// The x with P(T <= x) = p, for p strictly inside (0, 1).
pub(crate) fn t_quantile(p: f64, dof: f64) -> Result<f64> {
    let dof = check_dof(dof)?;
    let z = normal_quantile(p)?;
    let guess = cornish_fisher(z, dof);
    if dof >= LARGE_DOF {
        return finite(guess, "t quantile");
    }
    invert_t_cdf(p, dof, guess)
}

/// t quantile from the normal one: A&S 26.7.5, t = z + g1/v + g2/v^2 + g3/v^3 + g4/v^4.
fn cornish_fisher(z: f64, dof: f64) -> f64 {
    let [g1, g2, g3, g4] = cornish_fisher_terms(z);
    z + g1 / dof + g2 / dof.powi(2) + g3 / dof.powi(3) + g4 / dof.powi(4)
}

fn cornish_fisher_terms(z: f64) -> [f64; 4] {
    let z2 = z * z;
    let z3 = z2 * z;
    let z5 = z3 * z2;
    let z7 = z5 * z2;
    let z9 = z7 * z2;
    [
        (z3 + z) / 4.0,
        (5.0 * z5 + 16.0 * z3 + 3.0 * z) / 96.0,
        (3.0 * z7 + 19.0 * z5 + 17.0 * z3 - 15.0 * z) / 384.0,
        (79.0 * z9 + 776.0 * z7 + 1482.0 * z5 - 1920.0 * z3 - 945.0 * z) / 92160.0,
    ]
}

/// Derivative of `cornish_fisher` in z, for Newton steps.
fn cornish_fisher_slope(z: f64, dof: f64) -> f64 {
    let z2 = z * z;
    let z4 = z2 * z2;
    let z6 = z4 * z2;
    let z8 = z6 * z2;
    let d1 = (3.0 * z2 + 1.0) / 4.0;
    let d2 = (25.0 * z4 + 48.0 * z2 + 3.0) / 96.0;
    let d3 = (21.0 * z6 + 95.0 * z4 + 51.0 * z2 - 15.0) / 384.0;
    let d4 = (711.0 * z8 + 5432.0 * z6 + 7410.0 * z4 - 5760.0 * z2 - 945.0) / 92160.0;
    1.0 + d1 / dof + d2 / dof.powi(2) + d3 / dof.powi(3) + d4 / dof.powi(4)
}

/// The normal deviate z whose t quantile (by the expansion) is x, found by Newton's method;
/// then P(T <= x) = P(Z <= z). The expansion is increasing in z for large dof.
fn normal_equivalent(x: f64, dof: f64) -> f64 {
    let mut z = x;
    for _ in 0..50 {
        let step = (cornish_fisher(z, dof) - x) / cornish_fisher_slope(z, dof);
        z -= step;
        if step.abs() <= 1e-15 * (1.0 + z.abs()) {
            break;
        }
    }
    z
}

/// Solves P(T <= x) = p by bracketing then Newton steps kept inside the bracket (bounded loop).
fn invert_t_cdf(p: f64, dof: f64, guess: f64) -> Result<f64> {
    let dist = students_t(dof)?;
    let (mut lo, mut hi) = (guess.min(0.0) - 1.0, guess.max(0.0) + 1.0);
    for _ in 0..1100 {
        if dist.cdf(lo) <= p {
            break;
        }
        lo *= 2.0;
    }
    for _ in 0..1100 {
        if dist.cdf(hi) >= p {
            break;
        }
        hi *= 2.0;
    }
    let mut x = guess.clamp(lo, hi);
    for _ in 0..200 {
        let gap = dist.cdf(x) - p;
        if gap > 0.0 {
            hi = x;
        } else {
            lo = x;
        }
        let newton = x - gap / dist.pdf(x);
        let next = if newton > lo && newton < hi {
            newton
        } else {
            0.5 * (lo + hi)
        };
        if (next - x).abs() <= 1e-14 * (1.0 + x.abs()) {
            return finite(next, "t quantile");
        }
        x = next;
    }
    finite(x, "t quantile")
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::excessive_precision)]
    use super::*;

    #[test]
    fn t_quantile_matches_scipy_across_degrees_of_freedom() {
        // scipy.stats.t.ppf(0.975, dof)
        let cases = [
            (3.0, 3.182_446_305_283_707_75),
            (57.3, 2.002_238_268_231_335_99),
            (39_999.7, 1.960_023_293_529_743_47),
            (3e6, 1.959_964_775_297_444_28),
            (1e8, 1.959_964_008_262_766_29),
        ];
        for (dof, want) in cases {
            let got = t_quantile(0.975, dof).unwrap();
            assert!((got - want).abs() < 1e-10, "dof {dof}: {got} vs {want}");
        }
    }

    #[test]
    fn t_tail_matches_scipy_on_both_sides_of_the_switch() {
        // scipy.stats.t.sf(4.5, dof)
        let cases = [
            (10.5, 5.059_467_730_827_015_44e-4),
            (4e5, 3.398_628_505_735_421_44e-6),
        ];
        for (dof, want) in cases {
            let got = t_sf(4.5, dof).unwrap();
            assert!(
                ((got - want) / want).abs() < 1e-9,
                "dof {dof}: {got} vs {want}"
            );
        }
    }

    #[test]
    fn bad_arguments_are_errors_not_panics() {
        assert!(normal_quantile(1.0).is_err());
        assert!(normal_quantile(f64::NAN).is_err());
        assert!(t_quantile(0.5, f64::NAN).is_err());
        assert!(t_sf(f64::INFINITY, 5.0).is_err());
        assert!(chi_square_sf(3.0, 0.0).is_err());
    }
}

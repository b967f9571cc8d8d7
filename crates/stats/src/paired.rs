//! Helpers for two values summed per visitor (ratio numerator/denominator, CUPED metric/covariate):
//! their covariance and all-or-nothing updates.

use crate::error::{Result, StatsError};
use crate::sample::SampleStats;

/// Sample covariance of two per-visitor values from their sums; 0 when n <= 1 (as gbstats).
pub(crate) fn covariance(n: u64, sum_x: f64, sum_y: f64, sum_products: f64) -> f64 {
    if n <= 1 {
        return 0.0;
    }
    let n = n as f64;
    (sum_products - sum_x * sum_y / n) / (n - 1.0)
}

/// Adds one visitor's pair of values to two sums and their cross product, all or nothing.
pub(crate) fn push_pair(
    x: &mut SampleStats,
    y: &mut SampleStats,
    sum_products: &mut f64,
    (vx, vy): (f64, f64),
) -> Result<()> {
    let (mut nx, mut ny) = (*x, *y);
    nx.push(vx)?;
    ny.push(vy)?;
    let products = *sum_products + vx * vy;
    if !products.is_finite() {
        return Err(StatsError::Numerical("sum of products overflowed"));
    }
    (*x, *y, *sum_products) = (nx, ny, products);
    Ok(())
}

/// Adds another shard's paired sums to these, all or nothing.
pub(crate) fn merge_pair(
    (x, y, sum_products): (&mut SampleStats, &mut SampleStats, &mut f64),
    (ox, oy, other_products): (&SampleStats, &SampleStats, f64),
) -> Result<()> {
    let (mut nx, mut ny) = (*x, *y);
    nx.merge(ox)?;
    ny.merge(oy)?;
    let products = *sum_products + other_products;
    if !products.is_finite() {
        return Err(StatsError::Numerical("sum of products overflowed"));
    }
    (*x, *y, *sum_products) = (nx, ny, products);
    Ok(())
}

/// Checks that two sums describe the same visitors and that their cross product is finite.
pub(crate) fn check_pair(x: &SampleStats, y: &SampleStats, sum_products: f64) -> Result<()> {
    if x.n() != y.n() {
        return Err(StatsError::InvalidInput(
            "paired sums must count the same visitors",
        ));
    }
    if !sum_products.is_finite() {
        return Err(StatsError::InvalidInput("sum of products must be finite"));
    }
    Ok(())
}

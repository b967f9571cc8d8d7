//! Per-arm sufficient statistics of one metric (count, sum, sum of squares), built by streaming
//! per-visitor values, and the summary (mean, variance) that every comparison reads.

use crate::error::{Result, StatsError};

/// How a metric's per-visitor values are distributed, which decides its variance formula.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MetricKind {
    /// 0/1 per visitor (clicked, converted): variance p(1 - p), as gbstats' `ProportionStatistic`.
    Proportion,
    /// Any real value per visitor (clicks, revenue): sample variance with n - 1, as gbstats'
    /// `SampleMeanStatistic`.
    Mean,
}

/// Running sums of one metric over the visitors of one arm.
///
/// Sums (not running means) so that arms, days and shards merge by addition, exactly as
/// gbstats receives them from SQL.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SampleStats {
    kind: MetricKind,
    n: u64,
    sum: f64,
    sum_squares: f64,
}

/// What a comparison needs to know about one arm.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ArmSummary {
    /// Visitors in the arm.
    pub n: u64,
    /// Mean per visitor (CUPED-adjusted where it came from [`crate::cuped()`]).
    pub mean: f64,
    /// Mean per visitor before any adjustment: the base of relative uplifts.
    pub unadjusted_mean: f64,
    /// Variance of the per-visitor value (of the adjusted value, for CUPED).
    pub variance: f64,
}

impl SampleStats {
    /// An empty arm.
    pub fn new(kind: MetricKind) -> Self {
        Self {
            kind,
            n: 0,
            sum: 0.0,
            sum_squares: 0.0,
        }
    }

    /// An arm from sums computed elsewhere (a database, another shard).
    ///
    /// Rejects non-finite or negative sums of squares, and for proportions a sum outside 0..=n
    /// or a sum of squares other than the sum (0/1 values square to themselves).
    pub fn from_sums(kind: MetricKind, n: u64, sum: f64, sum_squares: f64) -> Result<Self> {
        if !sum.is_finite() || !sum_squares.is_finite() || sum_squares < 0.0 {
            return Err(StatsError::InvalidInput(
                "sums must be finite, squares non-negative",
            ));
        }
        if kind == MetricKind::Proportion
            && (!(0.0..=n as f64).contains(&sum) || sum_squares != sum)
        {
            return Err(StatsError::InvalidInput(
                "a proportion's sum must lie in 0..=n and equal its sum of squares",
            ));
        }
        Ok(Self {
            kind,
            n,
            sum,
            sum_squares,
        })
    }

    /// Adds one visitor's value. Proportions take exactly 0 or 1; NaN and infinities are refused.
    pub fn push(&mut self, value: f64) -> Result<()> {
        if !value.is_finite() {
            return Err(StatsError::InvalidInput("a visitor's value must be finite"));
        }
        if self.kind == MetricKind::Proportion && value != 0.0 && value != 1.0 {
            return Err(StatsError::InvalidInput(
                "a proportion takes 0 or 1 per visitor",
            ));
        }
        let square = value * value;
        if !(self.sum + value).is_finite() || !(self.sum_squares + square).is_finite() {
            return Err(StatsError::Numerical("sum overflowed"));
        }
        self.n = self
            .n
            .checked_add(1)
            .ok_or(StatsError::Numerical("too many visitors"))?;
        self.sum += value;
        self.sum_squares += square;
        Ok(())
    }

    /// Adds another arm's sums (another day, shard or period) of the same kind of metric.
    pub fn merge(&mut self, other: &SampleStats) -> Result<()> {
        if self.kind != other.kind {
            return Err(StatsError::InvalidInput(
                "cannot merge different kinds of metric",
            ));
        }
        *self = Self::from_sums(
            self.kind,
            self.n.saturating_add(other.n),
            self.sum + other.sum,
            self.sum_squares + other.sum_squares,
        )?;
        Ok(())
    }

    /// The kind of metric.
    pub fn kind(&self) -> MetricKind {
        self.kind
    }

    /// Visitors counted.
    pub fn n(&self) -> u64 {
        self.n
    }

    /// Sum of the values.
    pub fn sum(&self) -> f64 {
        self.sum
    }

    /// Sum of the squared values.
    pub fn sum_squares(&self) -> f64 {
        self.sum_squares
    }

    /// Mean per visitor; 0 for an empty arm (as gbstats).
    pub fn mean(&self) -> f64 {
        if self.n == 0 {
            0.0
        } else {
            self.sum / self.n as f64
        }
    }

    /// Variance per visitor by the kind's formula; 0 when it cannot be estimated (n <= 1 for
    /// means), as gbstats. May be slightly negative from rounding: callers treat <= 0 as none.
    pub fn variance(&self) -> f64 {
        match self.kind {
            MetricKind::Proportion => {
                let p = self.mean();
                p * (1.0 - p)
            }
            MetricKind::Mean if self.n <= 1 => 0.0,
            MetricKind::Mean => {
                let n = self.n as f64;
                (self.sum_squares - self.sum * self.sum / n) / (n - 1.0)
            }
        }
    }

    /// Mean and variance for the comparisons.
    pub fn summary(&self) -> ArmSummary {
        let mean = self.mean();
        ArmSummary {
            n: self.n,
            mean,
            unadjusted_mean: mean,
            variance: self.variance(),
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn streaming_values_equals_sums_given_at_once() {
        let mut arm = SampleStats::new(MetricKind::Mean);
        for v in [1.0, 2.0, 4.0, 0.0] {
            arm.push(v).unwrap();
        }
        let direct = SampleStats::from_sums(MetricKind::Mean, 4, 7.0, 21.0).unwrap();
        assert_eq!(arm, direct);
        assert!((arm.variance() - (21.0 - 49.0 / 4.0) / 3.0).abs() < 1e-15);
    }

    #[test]
    fn merging_two_shards_equals_one_stream() {
        let (mut a, mut b, mut all) = (
            SampleStats::new(MetricKind::Proportion),
            SampleStats::new(MetricKind::Proportion),
            SampleStats::new(MetricKind::Proportion),
        );
        for (i, v) in [1.0, 0.0, 0.0, 1.0, 1.0].into_iter().enumerate() {
            if i < 2 {
                a.push(v).unwrap()
            } else {
                b.push(v).unwrap()
            }
            all.push(v).unwrap();
        }
        a.merge(&b).unwrap();
        assert_eq!(a, all);
        assert!((all.variance() - 0.24).abs() < 1e-15);
    }

    #[test]
    fn bad_values_are_refused() {
        let mut p = SampleStats::new(MetricKind::Proportion);
        assert!(p.push(0.5).is_err());
        assert!(p.push(f64::NAN).is_err());
        let mut m = SampleStats::new(MetricKind::Mean);
        assert!(m.push(f64::INFINITY).is_err());
        assert!(m.merge(&p).is_err());
        assert_eq!(m.n(), 0);
        assert!(SampleStats::from_sums(MetricKind::Proportion, 3, 4.0, 4.0).is_err());
    }
}

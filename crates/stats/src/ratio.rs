//! Ratio metrics (e.g. revenue per order): numerator and denominator summed per visitor, the
//! ratio's variance by the delta method, as gbstats' `RatioStatistic`.

use crate::error::Result;
use crate::paired::{check_pair, covariance, merge_pair, push_pair};
use crate::sample::{ArmSummary, MetricKind, SampleStats};

/// Running sums of a numerator and a denominator over the visitors of one arm.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RatioStats {
    numerator: SampleStats,
    denominator: SampleStats,
    sum_products: f64,
}

impl RatioStats {
    /// An empty arm.
    pub fn new(numerator: MetricKind, denominator: MetricKind) -> Self {
        Self {
            numerator: SampleStats::new(numerator),
            denominator: SampleStats::new(denominator),
            sum_products: 0.0,
        }
    }

    /// An arm from sums computed elsewhere; both sides must count the same visitors.
    pub fn from_parts(
        numerator: SampleStats,
        denominator: SampleStats,
        sum_products: f64,
    ) -> Result<Self> {
        check_pair(&numerator, &denominator, sum_products)?;
        Ok(Self {
            numerator,
            denominator,
            sum_products,
        })
    }

    /// Adds one visitor's numerator and denominator (all or nothing).
    pub fn push(&mut self, numerator: f64, denominator: f64) -> Result<()> {
        push_pair(
            &mut self.numerator,
            &mut self.denominator,
            &mut self.sum_products,
            (numerator, denominator),
        )
    }

    /// Adds another shard's (day's, worker's) sums of the same arm.
    pub fn merge(&mut self, other: &RatioStats) -> Result<()> {
        merge_pair(
            (
                &mut self.numerator,
                &mut self.denominator,
                &mut self.sum_products,
            ),
            (&other.numerator, &other.denominator, other.sum_products),
        )
    }

    /// Ratio of sums and its delta-method variance (both 0 when the denominator sums to 0, so
    /// comparisons report zero variance).
    pub fn summary(&self) -> ArmSummary {
        let (m, d) = (&self.numerator, &self.denominator);
        let mean = if d.sum() == 0.0 {
            0.0
        } else {
            m.sum() / d.sum()
        };
        let (mm, dm) = (m.mean(), d.mean());
        let variance = if dm == 0.0 || m.n() <= 1 {
            0.0
        } else {
            let cov = covariance(m.n(), m.sum(), d.sum(), self.sum_products);
            m.variance() / dm.powi(2) - 2.0 * cov * mm / dm.powi(3)
                + mm.powi(2) * d.variance() / dm.powi(4)
        };
        ArmSummary {
            n: m.n(),
            mean,
            unadjusted_mean: mean,
            variance,
        }
    }
}

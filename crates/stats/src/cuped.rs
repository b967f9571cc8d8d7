//! CUPED (regression adjustment on a pre-exposure covariate), as gbstats'
//! `RegressionAdjustedStatistic` and `compute_theta`: one theta from both arms pooled, then each
//! arm's mean and variance adjusted by it.

use crate::error::Result;
use crate::paired::{check_pair, covariance, merge_pair, push_pair};
use crate::sample::{ArmSummary, MetricKind, SampleStats};

/// Running sums of a metric, its pre-exposure value and their product over one arm's visitors.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CupedStats {
    post: SampleStats,
    pre: SampleStats,
    sum_products: f64,
}

/// Both arms of a comparison after adjustment, ready for the tests.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CupedPair {
    /// The regression coefficient used (0 when the pooled data had no variance to use).
    pub theta: f64,
    /// Control arm, adjusted.
    pub control: ArmSummary,
    /// Treatment arm, adjusted.
    pub treatment: ArmSummary,
}

impl CupedStats {
    /// An empty arm; the covariate may be of another kind than the metric.
    pub fn new(post: MetricKind, pre: MetricKind) -> Self {
        Self {
            post: SampleStats::new(post),
            pre: SampleStats::new(pre),
            sum_products: 0.0,
        }
    }

    /// An arm from sums computed elsewhere; both sides must count the same visitors.
    pub fn from_parts(post: SampleStats, pre: SampleStats, sum_products: f64) -> Result<Self> {
        check_pair(&post, &pre, sum_products)?;
        Ok(Self {
            post,
            pre,
            sum_products,
        })
    }

    /// Adds one visitor's metric value and pre-exposure value (all or nothing).
    pub fn push(&mut self, post: f64, pre: f64) -> Result<()> {
        push_pair(
            &mut self.post,
            &mut self.pre,
            &mut self.sum_products,
            (post, pre),
        )
    }

    /// Adds another shard's (day's, worker's) sums of the same arm.
    pub fn merge(&mut self, other: &CupedStats) -> Result<()> {
        merge_pair(
            (&mut self.post, &mut self.pre, &mut self.sum_products),
            (&other.post, &other.pre, other.sum_products),
        )
    }

    /// The metric's own sums (what an unadjusted comparison reads).
    pub fn post(&self) -> &SampleStats {
        &self.post
    }

    fn covariance(&self) -> f64 {
        covariance(
            self.post.n(),
            self.post.sum(),
            self.pre.sum(),
            self.sum_products,
        )
    }

    fn adjusted(&self, theta: f64) -> ArmSummary {
        let variance = if self.post.n() <= 1 {
            0.0
        } else {
            self.post.variance() + theta * theta * self.pre.variance()
                - 2.0 * theta * self.covariance()
        };
        ArmSummary {
            n: self.post.n(),
            mean: self.post.mean() - theta * self.pre.mean(),
            unadjusted_mean: self.post.mean(),
            variance,
        }
    }
}

/// Adjusts both arms with the theta of the pooled data (gbstats `compute_theta`).
///
/// When the pooled metric or covariate has no variance, theta is 0 and the arms are returned
/// unadjusted, as gbstats does.
pub fn cuped(control: &CupedStats, treatment: &CupedStats) -> Result<CupedPair> {
    let mut post = control.post;
    post.merge(&treatment.post)?;
    let mut pre = control.pre;
    pre.merge(&treatment.pre)?;
    let theta = if post.variance() <= 0.0 || pre.variance() <= 0.0 {
        0.0
    } else {
        let sum_products = control.sum_products + treatment.sum_products;
        covariance(post.n(), post.sum(), pre.sum(), sum_products) / pre.variance()
    };
    Ok(CupedPair {
        theta,
        control: control.adjusted(theta),
        treatment: treatment.adjusted(theta),
    })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn a_covariate_equal_to_the_metric_removes_all_variance() {
        let (mut a, mut b) = (
            CupedStats::new(MetricKind::Mean, MetricKind::Mean),
            CupedStats::new(MetricKind::Mean, MetricKind::Mean),
        );
        for v in [1.0, 3.0, 4.0, 8.0] {
            a.push(v, v).unwrap();
            b.push(v + 1.0, v + 1.0).unwrap();
        }
        let pair = cuped(&a, &b).unwrap();
        assert!((pair.theta - 1.0).abs() < 1e-12);
        assert!(pair.control.variance.abs() < 1e-12);
        assert_eq!(pair.treatment.unadjusted_mean, 5.0);
    }

    #[test]
    fn a_constant_covariate_leaves_the_arms_unadjusted() {
        let (mut a, mut b) = (
            CupedStats::new(MetricKind::Mean, MetricKind::Mean),
            CupedStats::new(MetricKind::Mean, MetricKind::Mean),
        );
        for v in [1.0, 3.0, 4.0] {
            a.push(v, 2.0).unwrap();
            b.push(v * 2.0, 2.0).unwrap();
        }
        let pair = cuped(&a, &b).unwrap();
        assert_eq!(pair.theta, 0.0);
        assert_eq!(pair.control, a.post().summary());
    }

    #[test]
    fn merged_shards_equal_one_stream() {
        let kinds = (MetricKind::Mean, MetricKind::Mean);
        let (mut first, mut second, mut all) = (
            CupedStats::new(kinds.0, kinds.1),
            CupedStats::new(kinds.0, kinds.1),
            CupedStats::new(kinds.0, kinds.1),
        );
        for (i, (post, pre)) in [(1.0, 2.0), (3.0, 1.0), (4.0, 4.0), (0.5, 1.5)]
            .into_iter()
            .enumerate()
        {
            if i < 2 {
                first.push(post, pre).unwrap()
            } else {
                second.push(post, pre).unwrap()
            }
            all.push(post, pre).unwrap();
        }
        first.merge(&second).unwrap();
        assert_eq!(first, all);
    }

    #[test]
    fn a_failed_push_changes_nothing() {
        let mut a = CupedStats::new(MetricKind::Proportion, MetricKind::Mean);
        assert!(a.push(1.0, f64::NAN).is_err());
        assert_eq!(a, CupedStats::new(MetricKind::Proportion, MetricKind::Mean));
    }
}

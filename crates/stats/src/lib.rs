//! Experiment statistics for Tailor's `tailor report` and bandit weights: plain numbers in,
//! plain numbers out, no I/O. Formulas follow GrowthBook's gbstats 0.8.0 and are checked
//! against it (tests/oracle.rs); README.md maps each function to its gbstats counterpart.
//!
//! Stream per-visitor values into [`SampleStats`] (one per arm and metric), then compare:
//!
//! ```
//! use tailor_stats::{frequentist, sequential, srm, MetricKind, SampleStats, Scale};
//!
//! let (mut control, mut treatment) =
//!     (SampleStats::new(MetricKind::Proportion), SampleStats::new(MetricKind::Proportion));
//! for i in 0..20_000 {
//!     control.push(if i % 10 == 0 { 1.0 } else { 0.0 })?; // 10 % clicked
//!     treatment.push(if i % 9 == 0 { 1.0 } else { 0.0 })?; // 11.1 % clicked
//! }
//! let (a, b) = (control.summary(), treatment.summary());
//! let fixed = frequentist(&a, &b, 0.05, Scale::Relative)?;
//! let daily = sequential(&a, &b, 0.05, Scale::Relative, tailor_stats::sequential::DEFAULT_TUNING)?;
//! assert!(fixed.ci.0 > 0.0 && fixed.p_value < 0.001);
//! assert!(daily.ci.1 - daily.ci.0 > fixed.ci.1 - fixed.ci.0);
//! assert!(srm(&[a.n, b.n], &[0.5, 0.5])? > 0.001);
//! # Ok::<(), tailor_stats::StatsError>(())
//! ```
#![warn(missing_docs)]

pub mod adjust;
pub mod bandit;
pub mod bayes;
pub mod cuped;
mod dist;
pub mod effect;
pub mod error;
pub mod frequentist;
mod paired;
pub mod periods;
pub mod ratio;
pub mod sample;
pub mod sequential;
pub mod srm;

pub use adjust::{benjamini_hochberg, holm};
pub use bandit::{thompson_weights, BanditConfig, BanditWeights};
pub use bayes::{bayesian, BayesEstimate, GaussianPrior};
pub use cuped::{cuped, CupedPair, CupedStats};
pub use effect::{Estimate, Scale};
pub use error::StatsError;
pub use frequentist::frequentist;
pub use periods::{srm_over_periods, weight_by_period};
pub use ratio::RatioStats;
pub use sample::{ArmSummary, MetricKind, SampleStats};
pub use sequential::sequential;
pub use srm::srm;

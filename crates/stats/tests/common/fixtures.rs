//! Types of tests/fixtures/gbstats.json (written by oracle/make_fixtures.py) and their
//! conversion to the crate's inputs.

use serde::Deserialize;
use tailor_stats::cuped::{cuped, CupedStats};
use tailor_stats::ratio::RatioStats;
use tailor_stats::sample::{ArmSummary, MetricKind, SampleStats};

#[derive(Deserialize)]
pub(crate) struct Fixtures {
    pub versions: serde_json::Value,
    pub comparisons: Vec<Comparison>,
    pub srm: Vec<SrmCase>,
    pub adjustments: Vec<AdjustmentCase>,
    pub periods: Periods,
    pub bandits: Vec<BanditCase>,
}

pub(crate) fn load() -> Fixtures {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/gbstats.json");
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

#[derive(Deserialize, Clone, Copy)]
#[serde(tag = "type", rename_all = "lowercase")]
pub(crate) enum Base {
    Proportion { n: u64, sum: f64 },
    Mean { n: u64, sum: f64, sum_squares: f64 },
}

impl Base {
    pub(crate) fn stats(&self) -> SampleStats {
        match *self {
            Base::Proportion { n, sum } => {
                SampleStats::from_sums(MetricKind::Proportion, n, sum, sum)
            }
            Base::Mean {
                n,
                sum,
                sum_squares,
            } => SampleStats::from_sums(MetricKind::Mean, n, sum, sum_squares),
        }
        .unwrap()
    }
}

#[derive(Deserialize)]
#[serde(tag = "type", rename_all = "lowercase")]
pub(crate) enum Arm {
    Proportion {
        n: u64,
        sum: f64,
    },
    Mean {
        n: u64,
        sum: f64,
        sum_squares: f64,
    },
    Ratio {
        numerator: Base,
        denominator: Base,
        sum_products: f64,
    },
    Cuped {
        post: Base,
        pre: Base,
        sum_products: f64,
    },
}

impl Arm {
    fn base(&self) -> Option<Base> {
        match *self {
            Arm::Proportion { n, sum } => Some(Base::Proportion { n, sum }),
            Arm::Mean {
                n,
                sum,
                sum_squares,
            } => Some(Base::Mean {
                n,
                sum,
                sum_squares,
            }),
            _ => None,
        }
    }

    fn cuped(&self) -> Option<CupedStats> {
        match self {
            Arm::Cuped {
                post,
                pre,
                sum_products,
            } => Some(CupedStats::from_parts(post.stats(), pre.stats(), *sum_products).unwrap()),
            _ => None,
        }
    }

    fn summary(&self) -> ArmSummary {
        match self {
            Arm::Ratio {
                numerator,
                denominator,
                sum_products,
            } => RatioStats::from_parts(numerator.stats(), denominator.stats(), *sum_products)
                .unwrap()
                .summary(),
            other => other.base().unwrap().stats().summary(),
        }
    }
}

/// Control and treatment summaries as the tests see them, with theta for CUPED pairs.
pub(crate) fn summaries(control: &Arm, treatment: &Arm) -> (ArmSummary, ArmSummary, Option<f64>) {
    match (control.cuped(), treatment.cuped()) {
        (Some(a), Some(b)) => {
            let pair = cuped(&a, &b).unwrap();
            (pair.control, pair.treatment, Some(pair.theta))
        }
        _ => (control.summary(), treatment.summary(), None),
    }
}

#[derive(Deserialize)]
pub(crate) struct Comparison {
    pub name: String,
    pub control: Arm,
    pub treatment: Arm,
    pub arms: ArmsExpected,
    pub runs: Vec<Run>,
}

#[derive(Deserialize)]
pub(crate) struct ArmsExpected {
    pub theta: Option<f64>,
    pub control: SummaryExpected,
    pub treatment: SummaryExpected,
}

#[derive(Deserialize)]
pub(crate) struct SummaryExpected {
    pub mean: f64,
    pub unadjusted_mean: f64,
    pub variance: f64,
}

#[derive(Deserialize)]
pub(crate) struct Run {
    pub setting: Setting,
    pub expected: std::collections::BTreeMap<String, serde_json::Value>,
}

#[derive(Deserialize)]
pub(crate) struct Setting {
    pub alpha: f64,
    pub tuning: f64,
    pub prior: Option<PriorExpected>,
}

#[derive(Deserialize)]
pub(crate) struct PriorExpected {
    pub mean: f64,
    pub variance: f64,
}

#[derive(Deserialize)]
pub(crate) struct SrmCase {
    pub observed: Vec<u64>,
    pub weights: Vec<f64>,
    pub p_value: f64,
}

#[derive(Deserialize)]
pub(crate) struct AdjustmentCase {
    pub p_values: Vec<f64>,
    pub holm: Vec<f64>,
    pub benjamini_hochberg: Vec<f64>,
}

#[derive(Deserialize)]
pub(crate) struct Periods {
    pub weighting: Vec<PeriodCase>,
    pub srm: Vec<PeriodSrmCase>,
}

#[derive(Deserialize)]
pub(crate) struct PeriodCase {
    pub periods: Vec<Vec<Base>>,
    pub arms: Vec<PeriodArm>,
}

#[derive(Deserialize)]
pub(crate) struct PeriodArm {
    pub n: u64,
    pub mean: f64,
    pub variance: f64,
}

#[derive(Deserialize)]
pub(crate) struct PeriodSrmCase {
    pub visitors: Vec<Vec<u64>>,
    pub weights: Vec<Vec<f64>>,
    pub p_value: f64,
}

#[derive(Deserialize)]
pub(crate) struct BanditCase {
    pub arms: Vec<PeriodArm>,
    pub best_arm_probabilities: Vec<f64>,
    pub top_two_weights: Vec<f64>,
}

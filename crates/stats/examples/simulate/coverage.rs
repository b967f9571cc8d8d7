//! (a) Coverage: A/B tests with a known true uplift; how often the 95 % intervals contain it.

use rand::{RngExt, SeedableRng};
use rand_distr::LogNormal;
use rand_pcg::Pcg64;
use tailor_stats::bayes::bayesian;
use tailor_stats::effect::Scale;
use tailor_stats::frequentist::frequentist;
use tailor_stats::sample::{MetricKind, SampleStats};
use tailor_stats::sequential::{sequential, DEFAULT_TUNING};

use crate::Share;

const VISITORS_PER_ARM: u32 = 20_000;
const RATES: [f64; 2] = [0.10, 0.105];
/// Order value: log-normal, median e^3.5 = 33, mean 46.
const LOG_MU: f64 = 3.5;
const LOG_SIGMA: f64 = 0.8;

/// One experiment: per-visitor conversion (0/1) and revenue (order value or 0) for each arm.
fn experiment(rng: &mut Pcg64) -> [[SampleStats; 2]; 2] {
    let order_value = LogNormal::new(LOG_MU, LOG_SIGMA).unwrap();
    let mut conversion = [SampleStats::new(MetricKind::Proportion); 2];
    let mut revenue = [SampleStats::new(MetricKind::Mean); 2];
    for arm in 0..2 {
        for _ in 0..VISITORS_PER_ARM {
            let bought = rng.random_bool(RATES[arm]);
            let value = if bought { rng.sample(order_value) } else { 0.0 };
            conversion[arm].push(f64::from(u8::from(bought))).unwrap();
            revenue[arm].push(value).unwrap();
        }
    }
    [conversion, revenue]
}

pub(crate) fn run(experiments: u32, seed: u64, se: f64) {
    let mean_order = (LOG_MU + LOG_SIGMA * LOG_SIGMA / 2.0).exp();
    let truths = [
        (
            "conversion 10 % → 10.5 %",
            RATES[1] - RATES[0],
            RATES[1] / RATES[0] - 1.0,
        ),
        (
            "revenue per visitor (+5 %)",
            (RATES[1] - RATES[0]) * mean_order,
            RATES[1] / RATES[0] - 1.0,
        ),
    ];
    // [metric][scale][test]: fixed-horizon, sequential, Bayesian (flat prior).
    let mut covered = [[[Share::default(); 3]; 2]; 2];
    let mut rng = Pcg64::seed_from_u64(seed);
    for _ in 0..experiments {
        let metrics = experiment(&mut rng);
        for (m, [control, treatment]) in metrics.iter().enumerate() {
            let (a, b) = (control.summary(), treatment.summary());
            for (s, scale) in [Scale::Absolute, Scale::Relative].into_iter().enumerate() {
                let truth = if s == 0 { truths[m].1 } else { truths[m].2 };
                let inside = |ci: (f64, f64)| ci.0 <= truth && truth <= ci.1;
                let cis = [
                    frequentist(&a, &b, 0.05, scale).unwrap().ci,
                    sequential(&a, &b, 0.05, scale, DEFAULT_TUNING).unwrap().ci,
                    bayesian(&a, &b, scale, None, 0.05).unwrap().ci,
                ];
                for (t, ci) in cis.into_iter().enumerate() {
                    covered[m][s][t].add(inside(ci));
                }
            }
        }
    }
    println!("## (a) Coverage of the true uplift by 95 % intervals\n");
    println!("{experiments} A/B tests, {VISITORS_PER_ARM} visitors per arm; Monte Carlo standard error of a 95 % coverage: {se:.2} points.\n");
    println!("| metric | scale | true uplift | fixed-horizon t | sequential | Bayesian (flat) |");
    println!("|---|---|---:|---:|---:|---:|");
    for (m, (name, abs, rel)) in truths.iter().enumerate() {
        for (s, (scale, truth)) in [("absolute", abs), ("relative", rel)]
            .into_iter()
            .enumerate()
        {
            let [f, q, b] = covered[m][s];
            println!("| {name} | {scale} | {truth:.5} | {f} | {q} | {b} |");
        }
    }
    println!();
}

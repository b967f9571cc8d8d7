//! (d) CUPED: variance of the uplift estimate with a pre-exposure covariate of correlation 0.5.

use rand::{RngExt, SeedableRng};
use rand_distr::StandardNormal;
use rand_pcg::Pcg64;
use tailor_stats::cuped::{cuped, CupedStats};
use tailor_stats::effect::Scale;
use tailor_stats::frequentist::frequentist;
use tailor_stats::sample::MetricKind;

use crate::Share;

const RHO: f64 = 0.5;
const VISITORS_PER_ARM: u32 = 5_000;
const EFFECT: f64 = 0.05;

fn variance(values: &[f64]) -> f64 {
    let n = values.len() as f64;
    let mean = values.iter().sum::<f64>() / n;
    values.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / (n - 1.0)
}

pub(crate) fn run(experiments: u32, seed: u64) {
    let mut rng = Pcg64::seed_from_u64(seed);
    let (mut plain, mut adjusted) = (Vec::new(), Vec::new());
    let (mut se_ratio, mut plain_cover, mut cuped_cover) =
        (0.0, Share::default(), Share::default());
    for _ in 0..experiments {
        let mut arms = [CupedStats::new(MetricKind::Mean, MetricKind::Mean); 2];
        for (i, arm) in arms.iter_mut().enumerate() {
            for _ in 0..VISITORS_PER_ARM {
                let pre: f64 = rng.sample(StandardNormal);
                let noise: f64 = rng.sample(StandardNormal);
                let post = RHO * pre + (1.0 - RHO * RHO).sqrt() * noise + EFFECT * i as f64;
                arm.push(post, pre).unwrap();
            }
        }
        let (a, b) = (arms[0].post().summary(), arms[1].post().summary());
        let unadjusted = frequentist(&a, &b, 0.05, Scale::Absolute).unwrap();
        let pair = cuped(&arms[0], &arms[1]).unwrap();
        let with_cuped =
            frequentist(&pair.control, &pair.treatment, 0.05, Scale::Absolute).unwrap();
        plain.push(unadjusted.point);
        adjusted.push(with_cuped.point);
        se_ratio += (with_cuped.std_error / unadjusted.std_error).powi(2) / f64::from(experiments);
        plain_cover.add(unadjusted.ci.0 <= EFFECT && EFFECT <= unadjusted.ci.1);
        cuped_cover.add(with_cuped.ci.0 <= EFFECT && EFFECT <= with_cuped.ci.1);
    }
    let empirical = variance(&adjusted) / variance(&plain);
    println!("## (d) CUPED with a covariate of correlation ρ = {RHO}\n");
    println!("{experiments} A/B tests, {VISITORS_PER_ARM} visitors per arm, true absolute uplift {EFFECT}; theory: variance × (1 − ρ²) = × {:.3}.\n", 1.0 - RHO * RHO);
    println!("| measure | value |");
    println!("|---|---:|");
    println!("| variance of CUPED estimates / variance of plain estimates (across experiments) | {empirical:.3} |");
    println!("| mean (CUPED standard error / plain standard error)² | {se_ratio:.3} |");
    println!(
        "| variance reduction | {:.1} % |",
        100.0 * (1.0 - empirical)
    );
    println!("| 95 % coverage, plain / CUPED | {plain_cover} / {cuped_cover} |");
}

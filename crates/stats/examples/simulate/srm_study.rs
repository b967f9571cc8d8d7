//! (c) SRM: a 50.5/49.5 split at 200k visitors, exactly and as random assignments.

use rand::{RngExt, SeedableRng};
use rand_distr::Binomial;
use rand_pcg::Pcg64;
use tailor_stats::srm::{srm, SRM_THRESHOLD};

use crate::Share;

const VISITORS: u64 = 200_000;

pub(crate) fn run(experiments: u32, seed: u64) {
    let exact = srm(&[101_000, 99_000], &[0.5, 0.5]).unwrap();
    let mut rng = Pcg64::seed_from_u64(seed);
    let mut flagged = |p_control: f64| {
        let assign = Binomial::new(VISITORS, p_control).unwrap();
        let mut share = Share::default();
        for _ in 0..experiments {
            let control: u64 = rng.sample(assign);
            share.add(srm(&[control, VISITORS - control], &[0.5, 0.5]).unwrap() < SRM_THRESHOLD);
        }
        share
    };
    let (skewed, fair) = (flagged(0.505), flagged(0.5));
    println!("## (c) Sample-ratio mismatch (flag at p < {SRM_THRESHOLD})\n");
    println!("| split at {VISITORS} visitors, configured 50/50 | result |");
    println!("|---|---:|");
    println!(
        "| exactly 101,000 / 99,000 | p = {exact:.2e}, flagged: {} |",
        exact < SRM_THRESHOLD
    );
    println!("| {experiments} random assignments with P(control) = 50.5 % | flagged {skewed} |");
    println!("| {experiments} random assignments with P(control) = 50 % | flagged {fair} |");
    println!();
}

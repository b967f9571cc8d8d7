//! (b) Peeking: A/A tests read every day for 14 days; how often any day looks significant.

use rand::{RngExt, SeedableRng};
use rand_pcg::Pcg64;
use tailor_stats::effect::Scale;
use tailor_stats::frequentist::frequentist;
use tailor_stats::sample::{MetricKind, SampleStats};
use tailor_stats::sequential::{sequential, DEFAULT_TUNING};

use crate::Share;

const DAYS: u32 = 14;
const VISITORS_PER_ARM_PER_DAY: u32 = 1_500;
const RATE: f64 = 0.10;

pub(crate) fn run(experiments: u32, seed: u64) {
    let mut rng = Pcg64::seed_from_u64(seed);
    // [any day, last day only] for fixed-horizon and sequential.
    let (mut fixed, mut seq) = ([Share::default(); 2], [Share::default(); 2]);
    for _ in 0..experiments {
        let mut arms = [SampleStats::new(MetricKind::Proportion); 2];
        let (mut fixed_any, mut seq_any) = (false, false);
        for day in 1..=DAYS {
            for arm in &mut arms {
                for _ in 0..VISITORS_PER_ARM_PER_DAY {
                    arm.push(f64::from(u8::from(rng.random_bool(RATE))))
                        .unwrap();
                }
            }
            let (a, b) = (arms[0].summary(), arms[1].summary());
            let f = frequentist(&a, &b, 0.05, Scale::Relative).unwrap().p_value < 0.05;
            let s = sequential(&a, &b, 0.05, Scale::Relative, DEFAULT_TUNING)
                .unwrap()
                .p_value
                < 0.05;
            fixed_any |= f;
            seq_any |= s;
            if day == DAYS {
                fixed[1].add(f);
                seq[1].add(s);
            }
        }
        fixed[0].add(fixed_any);
        seq[0].add(seq_any);
    }
    println!("## (b) False positives when peeking daily (no true difference)\n");
    println!(
        "{experiments} A/A tests, conversion {:.0} %, {VISITORS_PER_ARM_PER_DAY} visitors per arm per day, read on each of {DAYS} days at alpha 0.05 (relative uplift; sequential tuning {DEFAULT_TUNING}).\n",
        RATE * 100.0
    );
    println!("| interval | significant on any day | significant on day {DAYS} only |");
    println!("|---|---:|---:|");
    println!("| sequential (always valid) | {} | {} |", seq[0], seq[1]);
    println!(
        "| fixed-horizon t (for contrast) | {} | {} |",
        fixed[0], fixed[1]
    );
    println!();
}

//! The simulation study of issue 18, deterministic from a seed: interval coverage with a known
//! uplift, false positives when peeking daily (sequential vs fixed horizon), SRM on a
//! 50.5/49.5 split and CUPED's variance reduction. Prints Markdown.
//!
//!     cargo run --release --example simulate [-- EXPERIMENTS [SEED]]
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod coverage;
mod cuped_study;
mod peeking;
mod srm_study;

use std::time::Instant;

/// A share with its count, printed as a percentage.
#[derive(Debug, Default, Clone, Copy)]
pub struct Share {
    pub hits: u32,
    pub total: u32,
}

impl Share {
    pub fn add(&mut self, hit: bool) {
        self.hits += u32::from(hit);
        self.total += 1;
    }

    pub fn percent(&self) -> f64 {
        100.0 * f64::from(self.hits) / f64::from(self.total.max(1))
    }
}

impl std::fmt::Display for Share {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:.1} % ({}/{})", self.percent(), self.hits, self.total)
    }
}

fn main() {
    let mut args = std::env::args().skip(1);
    let experiments: u32 = args
        .next()
        .map_or(1000, |a| a.parse().expect("EXPERIMENTS"));
    let seed: u64 = args.next().map_or(18, |a| a.parse().expect("SEED"));
    let started = Instant::now();
    println!("# tailor-stats simulation ({experiments} experiments per study, seed {seed})\n");
    let se = 100.0 * (0.95 * 0.05 / f64::from(experiments)).sqrt();
    coverage::run(experiments, seed, se);
    peeking::run(experiments, seed.wrapping_add(1));
    srm_study::run(experiments, seed.wrapping_add(2));
    cuped_study::run(experiments, seed.wrapping_add(3));
    println!("\nTotal time: {:.1} s", started.elapsed().as_secs_f64());
}

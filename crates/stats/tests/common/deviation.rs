//! Records how far Rust results are from the oracle's, per quantity, and fails on any value
//! off by more than the tolerance both absolutely and relatively.

use std::collections::BTreeMap;

/// The agreement required with gbstats: 1e-6, absolute or relative.
pub(crate) const TOLERANCE: f64 = 1e-6;

#[derive(Default)]
pub(crate) struct Deviations {
    worst: BTreeMap<String, (f64, f64, usize)>,
    failures: Vec<String>,
}

impl Deviations {
    /// Compares `got` with `want` for `quantity` (in case `case`).
    pub(crate) fn check(&mut self, quantity: &str, case: &str, got: f64, want: f64) {
        self.check_within(quantity, case, got, want, TOLERANCE);
    }

    /// As `check` with another tolerance (Monte Carlo comparisons).
    pub(crate) fn check_within(
        &mut self,
        quantity: &str,
        case: &str,
        got: f64,
        want: f64,
        tol: f64,
    ) {
        let abs = (got - want).abs();
        let rel = if want != 0.0 { abs / want.abs() } else { abs };
        let entry = self
            .worst
            .entry(quantity.to_string())
            .or_insert((0.0, 0.0, 0));
        entry.0 = entry.0.max(abs);
        entry.1 = entry.1.max(rel);
        entry.2 += 1;
        if !(abs <= tol || rel <= tol) || got.is_nan() != want.is_nan() {
            self.failures
                .push(format!("{case} {quantity}: got {got:e}, gbstats {want:e}"));
        }
    }

    /// Records a case where gbstats gives no result and Rust must give an error.
    pub(crate) fn check_error<T: std::fmt::Debug, E>(
        &mut self,
        quantity: &str,
        case: &str,
        got: &Result<T, E>,
    ) {
        let entry = self
            .worst
            .entry(format!("{quantity} (error cases)"))
            .or_insert((0.0, 0.0, 0));
        entry.2 += 1;
        if let Ok(value) = got {
            self.failures.push(format!(
                "{case} {quantity}: gbstats refuses, Rust gave {value:?}"
            ));
        }
    }

    /// Prints the table of maximum deviations and fails if any value was out of tolerance.
    pub(crate) fn finish(self, title: &str) {
        println!(
            "\n{title}\n| quantity | values | max abs dev | max rel dev |\n|---|---:|---:|---:|"
        );
        for (quantity, (abs, rel, count)) in &self.worst {
            println!("| {quantity} | {count} | {abs:.1e} | {rel:.1e} |");
        }
        assert!(
            self.failures.is_empty(),
            "{} off tolerance:\n{}",
            self.failures.len(),
            self.failures.join("\n")
        );
    }
}

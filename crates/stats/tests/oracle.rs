//! Every statistic against GrowthBook's gbstats (tests/fixtures/gbstats.json, written by
//! oracle/make_fixtures.py): agreement within 1e-6, absolute or relative. Run with
//! `cargo test --test oracle -- --nocapture` to see the maximum deviation per quantity.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod common;

use common::deviation::Deviations;
use common::fixtures::{load, summaries, Comparison, Run};
use serde_json::Value;
use tailor_stats::adjust::{benjamini_hochberg, holm};
use tailor_stats::bandit::{thompson_weights, BanditConfig};
use tailor_stats::bayes::{bayesian, GaussianPrior};
use tailor_stats::effect::{Estimate, Scale};
use tailor_stats::frequentist::frequentist;
use tailor_stats::periods::{srm_over_periods, weight_by_period};
use tailor_stats::sample::{ArmSummary, SampleStats};
use tailor_stats::sequential::sequential;
use tailor_stats::srm::srm;

fn num(v: &Value, key: &str) -> f64 {
    v[key]
        .as_f64()
        .unwrap_or_else(|| panic!("{key} missing in {v}"))
}

fn check_estimate(dev: &mut Deviations, test: &str, case: &str, got: Estimate, want: &Value) {
    dev.check(
        &format!("{test}.point"),
        case,
        got.point,
        num(want, "point"),
    );
    dev.check(
        &format!("{test}.ci"),
        case,
        got.ci.0,
        want["ci"][0].as_f64().unwrap(),
    );
    dev.check(
        &format!("{test}.ci"),
        case,
        got.ci.1,
        want["ci"][1].as_f64().unwrap(),
    );
    dev.check(
        &format!("{test}.p_value"),
        case,
        got.p_value,
        num(want, "p_value"),
    );
    dev.check(
        &format!("{test}.std_error"),
        case,
        got.std_error,
        num(want, "std_error"),
    );
}

fn check_run(dev: &mut Deviations, c: &Comparison, run: &Run, arms: (ArmSummary, ArmSummary)) {
    let (a, b) = arms;
    let s = &run.setting;
    let prior = s.prior.as_ref().map(|p| GaussianPrior {
        mean: p.mean,
        variance: p.variance,
    });
    for (scale, label) in [(Scale::Relative, "relative"), (Scale::Absolute, "absolute")] {
        let case = format!("{} alpha={} {label}", c.name, s.alpha);
        let tests = [
            ("frequentist", frequentist(&a, &b, s.alpha, scale)),
            ("sequential", sequential(&a, &b, s.alpha, scale, s.tuning)),
        ];
        for (test, got) in tests {
            let want = &run.expected[&format!("{test}_{label}")];
            match want.get("error") {
                Some(_) => dev.check_error(test, &case, &got),
                None => check_estimate(dev, test, &case, got.unwrap(), want),
            }
        }
        let got = bayesian(&a, &b, scale, prior, s.alpha);
        let want = &run.expected[&format!("bayesian_{label}")];
        if want.get("error").is_some() {
            dev.check_error("bayesian", &case, &got);
            continue;
        }
        let got = got.unwrap();
        dev.check(
            "bayesian.expected",
            &case,
            got.expected,
            num(want, "expected"),
        );
        dev.check(
            "bayesian.ci",
            &case,
            got.ci.0,
            want["ci"][0].as_f64().unwrap(),
        );
        dev.check(
            "bayesian.ci",
            &case,
            got.ci.1,
            want["ci"][1].as_f64().unwrap(),
        );
        dev.check("bayesian.std_dev", &case, got.std_dev, num(want, "std_dev"));
        dev.check(
            "bayesian.chance_to_win",
            &case,
            got.chance_to_win,
            num(want, "chance_to_win"),
        );
        dev.check(
            "bayesian.risk",
            &case,
            got.risk_control,
            want["risk"][0].as_f64().unwrap(),
        );
        dev.check(
            "bayesian.risk",
            &case,
            got.risk_treatment,
            want["risk"][1].as_f64().unwrap(),
        );
    }
}

#[test]
fn comparisons_match_gbstats() {
    let fixtures = load();
    let mut dev = Deviations::default();
    for c in &fixtures.comparisons {
        let (a, b, theta) = summaries(&c.control, &c.treatment);
        let family = if theta.is_some() { "cuped" } else { "arm" };
        if let (Some(got), Some(want)) = (theta, c.arms.theta) {
            dev.check("cuped.theta", &c.name, got, want);
        }
        for (got, want) in [(a, &c.arms.control), (b, &c.arms.treatment)] {
            dev.check(&format!("{family}.mean"), &c.name, got.mean, want.mean);
            dev.check(
                &format!("{family}.unadjusted_mean"),
                &c.name,
                got.unadjusted_mean,
                want.unadjusted_mean,
            );
            dev.check(
                &format!("{family}.variance"),
                &c.name,
                got.variance,
                want.variance,
            );
        }
        for run in &c.runs {
            check_run(&mut dev, c, run, (a, b));
        }
    }
    dev.finish(&format!("gbstats comparisons ({})", fixtures.versions));
}

#[test]
fn srm_and_adjustments_match_the_references() {
    let fixtures = load();
    let mut dev = Deviations::default();
    for case in &fixtures.srm {
        let name = format!("{:?}", case.observed);
        dev.check(
            "srm.p_value",
            &name,
            srm(&case.observed, &case.weights).unwrap(),
            case.p_value,
        );
    }
    for case in &fixtures.adjustments {
        let name = format!("{:?}", case.p_values);
        let pairs = [
            (
                "holm (statsmodels)",
                holm(&case.p_values).unwrap(),
                &case.holm,
            ),
            (
                "benjamini_hochberg (statsmodels)",
                benjamini_hochberg(&case.p_values).unwrap(),
                &case.benjamini_hochberg,
            ),
        ];
        for (label, got, want) in pairs {
            assert_eq!(got.len(), want.len());
            for (g, w) in got.iter().zip(want) {
                dev.check(label, &name, *g, *w);
            }
        }
    }
    dev.finish("SRM (gbstats check_srm) and p-value adjustments (statsmodels multipletests)");
}

#[test]
fn period_weighting_matches_the_reference() {
    let fixtures = load();
    let mut dev = Deviations::default();
    for (i, case) in fixtures.periods.weighting.iter().enumerate() {
        let periods: Vec<Vec<SampleStats>> = case
            .periods
            .iter()
            .map(|p| p.iter().map(|b| b.stats()).collect())
            .collect();
        let got = weight_by_period(&periods).unwrap();
        for (g, w) in got.iter().zip(&case.arms) {
            assert_eq!(g.n, w.n);
            dev.check("periods.mean", &format!("case {i}"), g.mean, w.mean);
            dev.check(
                "periods.variance",
                &format!("case {i}"),
                g.variance,
                w.variance,
            );
        }
    }
    for (i, case) in fixtures.periods.srm.iter().enumerate() {
        let got = srm_over_periods(&case.visitors, &case.weights).unwrap();
        dev.check("periods.srm", &format!("case {i}"), got, case.p_value);
    }
    dev.finish("Period weighting (formulas of GrowthBook's bandits, written out with numpy)");
}

#[test]
fn thompson_shares_converge_to_the_exact_probabilities() {
    const DRAWS: u32 = 400_000;
    let fixtures = load();
    let mut dev = Deviations::default();
    for (i, case) in fixtures.bandits.iter().enumerate() {
        let arms: Vec<ArmSummary> = case
            .arms
            .iter()
            .map(|a| ArmSummary {
                n: a.n,
                mean: a.mean,
                unadjusted_mean: a.mean,
                variance: a.variance,
            })
            .collect();
        for top_two in [false, true] {
            let config = BanditConfig {
                draws: DRAWS,
                seed: 7 + i as u64,
                floor: 0.0,
                top_two,
                ..Default::default()
            };
            let got = thompson_weights(&arms, &config).unwrap();
            let want = if top_two {
                &case.top_two_weights
            } else {
                &case.best_arm_probabilities
            };
            for (j, (g, w)) in got.weights.iter().zip(want).enumerate() {
                // Five binomial standard errors of a share estimated from DRAWS draws.
                let tol = 5.0 * (w * (1.0 - w) / f64::from(DRAWS)).sqrt() + 1e-9;
                let label = if top_two {
                    "bandit.top_two_share"
                } else {
                    "bandit.best_arm_share"
                };
                dev.check_within(label, &format!("case {i} arm {j}"), *g, *w, tol);
            }
        }
    }
    dev.finish("Thompson sampling (400k draws) vs exact integrals: tolerance 5 standard errors");
}

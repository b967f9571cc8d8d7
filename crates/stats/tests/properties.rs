//! Properties every result must have whatever the data: symmetric intervals, intervals and
//! p-values that agree, corrections that only raise p-values, bandit weights that sum to 1
//! above their floor, and errors (never panics or NaN) on degenerate input.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use rand::{RngExt, SeedableRng};
use rand_pcg::Pcg64;
use tailor_stats::adjust::{benjamini_hochberg, holm};
use tailor_stats::bandit::{thompson_weights, BanditConfig};
use tailor_stats::bayes::{bayesian, GaussianPrior};
use tailor_stats::effect::Scale;
use tailor_stats::frequentist::frequentist;
use tailor_stats::periods::srm_over_periods;
use tailor_stats::sample::ArmSummary;
use tailor_stats::sequential::{sequential, DEFAULT_TUNING};
use tailor_stats::srm::srm;

fn arm(n: u64, mean: f64, variance: f64) -> ArmSummary {
    ArmSummary {
        n,
        mean,
        unadjusted_mean: mean,
        variance,
    }
}

/// Random but reproducible pairs of arms, proportions and means, small and large.
fn random_pairs(count: usize) -> Vec<(ArmSummary, ArmSummary)> {
    let mut rng = Pcg64::seed_from_u64(1);
    (0..count)
        .map(|_| {
            let (n_a, n_b) = (
                rng.random_range(2..2_000_000),
                rng.random_range(2..2_000_000),
            );
            let p: f64 = rng.random_range(0.01..0.9);
            let q: f64 = (p * rng.random_range(0.8..1.2)).min(0.99);
            if rng.random_bool(0.5) {
                (arm(n_a, p, p * (1.0 - p)), arm(n_b, q, q * (1.0 - q)))
            } else {
                let m: f64 = rng.random_range(0.1..100.0);
                (
                    arm(n_a, m, m * m),
                    arm(n_b, m * rng.random_range(0.9..1.1), m * m * 1.5),
                )
            }
        })
        .collect()
}

#[test]
fn intervals_are_symmetric_about_the_estimate() {
    for (a, b) in random_pairs(300) {
        for scale in [Scale::Absolute, Scale::Relative] {
            let f = frequentist(&a, &b, 0.05, scale).unwrap();
            let s = sequential(&a, &b, 0.05, scale, DEFAULT_TUNING).unwrap();
            let bayes = bayesian(&a, &b, scale, None, 0.05).unwrap();
            for (lo, hi, point) in [
                (f.ci.0, f.ci.1, f.point),
                (s.ci.0, s.ci.1, s.point),
                (bayes.ci.0, bayes.ci.1, bayes.expected),
            ] {
                let tol = 1e-9 * (1.0 + point.abs() + (hi - lo));
                assert!(((hi - point) - (point - lo)).abs() < tol);
                assert!(lo < point && point < hi);
            }
        }
    }
}

#[test]
fn zero_is_outside_the_interval_exactly_when_p_is_below_alpha() {
    for (a, b) in random_pairs(300) {
        for alpha in [0.01, 0.05, 0.2] {
            let f = frequentist(&a, &b, alpha, Scale::Absolute).unwrap();
            let s = sequential(&a, &b, alpha, Scale::Absolute, DEFAULT_TUNING).unwrap();
            for e in [f, s] {
                let excludes_zero = e.ci.0 > 0.0 || e.ci.1 < 0.0;
                let near_edge = (e.p_value - alpha).abs() < 1e-9;
                assert!(
                    near_edge || excludes_zero == (e.p_value < alpha),
                    "{e:?} alpha {alpha}"
                );
                assert!((0.0..=1.0).contains(&e.p_value));
            }
        }
    }
}

#[test]
fn the_sequential_interval_is_wider_than_the_fixed_horizon_one() {
    for (a, b) in random_pairs(300) {
        let f = frequentist(&a, &b, 0.05, Scale::Relative).unwrap();
        let s = sequential(&a, &b, 0.05, Scale::Relative, DEFAULT_TUNING).unwrap();
        assert!(s.ci.1 - s.ci.0 > f.ci.1 - f.ci.0);
        assert!(s.p_value >= f.p_value);
    }
}

#[test]
fn swapping_arms_mirrors_the_absolute_results() {
    for (a, b) in random_pairs(100) {
        let (ab, ba) = (
            frequentist(&a, &b, 0.05, Scale::Absolute).unwrap(),
            frequentist(&b, &a, 0.05, Scale::Absolute).unwrap(),
        );
        assert!((ab.point + ba.point).abs() < 1e-12 * (1.0 + ab.point.abs()));
        assert!((ab.p_value - ba.p_value).abs() < 1e-12);
        let (x, y) = (
            bayesian(&a, &b, Scale::Absolute, None, 0.05).unwrap(),
            bayesian(&b, &a, Scale::Absolute, None, 0.05).unwrap(),
        );
        assert!((x.chance_to_win + y.chance_to_win - 1.0).abs() < 1e-9);
        assert!((x.risk_control - y.risk_treatment).abs() < 1e-12 * (1.0 + x.risk_control));
    }
}

#[test]
fn a_proper_prior_pulls_the_estimate_towards_its_mean() {
    for (a, b) in random_pairs(100) {
        let flat = bayesian(&a, &b, Scale::Relative, None, 0.05).unwrap();
        let prior = GaussianPrior {
            mean: 0.0,
            variance: 0.01,
        };
        let shrunk = bayesian(&a, &b, Scale::Relative, Some(prior), 0.05).unwrap();
        assert!(shrunk.expected.abs() <= flat.expected.abs() + 1e-15);
        assert!(shrunk.std_dev <= flat.std_dev);
    }
}

#[test]
fn corrections_raise_p_values_and_keep_their_order() {
    let mut rng = Pcg64::seed_from_u64(2);
    for len in [1_usize, 2, 5, 12, 40] {
        let raw: Vec<f64> = (0..len)
            .map(|_| rng.random_range(0.0..0.3_f64).powi(2))
            .collect();
        let (h, bh) = (holm(&raw).unwrap(), benjamini_hochberg(&raw).unwrap());
        for i in 0..len {
            assert!(h[i] >= raw[i] && bh[i] >= raw[i] && h[i] <= 1.0 && bh[i] <= h[i] + 1e-15);
            for j in 0..len {
                if raw[i] <= raw[j] {
                    assert!(h[i] <= h[j] && bh[i] <= bh[j], "order broken at {i}, {j}");
                }
            }
        }
    }
}

#[test]
fn bandit_weights_sum_to_one_above_the_floor_and_repeat_with_the_seed() {
    let arms = [
        arm(4000, 0.10, 0.09),
        arm(4000, 0.13, 0.113),
        arm(4000, 0.09, 0.082),
        arm(4000, 0.131, 0.114),
    ];
    for floor in [0.0, 0.01, 0.05, 0.2, 0.25] {
        for top_two in [false, true] {
            let config = BanditConfig {
                floor,
                top_two,
                seed: 11,
                ..Default::default()
            };
            let w = thompson_weights(&arms, &config).unwrap();
            assert!((w.weights.iter().sum::<f64>() - 1.0).abs() < 1e-12, "{w:?}");
            assert!(
                w.weights.iter().all(|&x| x >= floor - 1e-12),
                "floor {floor}: {w:?}"
            );
            assert_eq!(w, thompson_weights(&arms, &config).unwrap());
        }
    }
    let too_high = BanditConfig {
        floor: 0.3,
        ..Default::default()
    };
    assert!(thompson_weights(&arms, &too_high).is_err());
}

#[test]
fn bandit_weights_stay_equal_during_burn_in() {
    let arms = [arm(50, 0.1, 0.09), arm(60, 0.3, 0.21)];
    let w = thompson_weights(&arms, &BanditConfig::default()).unwrap();
    assert!(!w.burn_in_complete);
    assert_eq!(w.weights, vec![0.5, 0.5]);
    assert!(w.best_arm_probabilities[1] > 0.9);
}

#[test]
fn srm_with_an_unchanged_split_equals_plain_srm() {
    let visitors = vec![vec![500, 520], vec![700, 650], vec![300, 330]];
    let same = vec![vec![0.5, 0.5]; 3];
    let got = srm_over_periods(&visitors, &same).unwrap();
    let want = srm(&[1500, 1500], &[0.5, 0.5]).unwrap();
    assert!((got - want).abs() < 1e-15);
}

#[test]
fn degenerate_inputs_give_errors_never_panics_or_nan() {
    let weird = [
        arm(0, 0.0, 0.0),
        arm(1, 3.0, 0.0),
        arm(10, 0.0, 0.0),
        arm(10, 1.0, 0.0),
        arm(10, f64::NAN, 1.0),
        arm(10, 1.0, f64::INFINITY),
        arm(10, 1.0, -1e-18),
        arm(u64::MAX, 1e300, 1e300),
        arm(10, 1e-300, 1e-300),
    ];
    let fine = arm(1000, 0.1, 0.09);
    for (a, b) in weird.iter().flat_map(|w| [(*w, fine), (fine, *w)]) {
        for scale in [Scale::Absolute, Scale::Relative] {
            let results = [
                frequentist(&a, &b, 0.05, scale),
                sequential(&a, &b, 0.05, scale, DEFAULT_TUNING),
            ];
            for r in results.iter().flatten() {
                assert!(
                    r.point.is_finite()
                        && r.ci.0.is_finite()
                        && r.ci.1.is_finite()
                        && r.p_value.is_finite(),
                    "{a:?} {b:?} {r:?}"
                );
            }
            if let Ok(r) = bayesian(
                &a,
                &b,
                scale,
                Some(GaussianPrior {
                    mean: 0.0,
                    variance: 0.01,
                }),
                0.05,
            ) {
                assert!(
                    r.expected.is_finite()
                        && r.chance_to_win.is_finite()
                        && r.risk_control.is_finite(),
                    "{r:?}"
                );
            }
        }
        let _ = thompson_weights(&[a, b], &BanditConfig::default());
    }
    assert!(frequentist(&fine, &fine, f64::NAN, Scale::Absolute).is_err());
    assert!(sequential(&fine, &fine, 0.05, Scale::Absolute, 0.0).is_err());
    assert!(frequentist(&arm(0, 0.0, 0.0), &fine, 0.05, Scale::Absolute).is_err());
}

#[test]
fn sequential_total_of_huge_arms_does_not_overflow() {
    // Two counts near u64::MAX used to be added in u64 before the float conversion.
    let huge = arm(u64::MAX, 1.0, 1.0);
    let other = arm(u64::MAX - 1, 1.1, 1.0);
    let got = sequential(&huge, &other, 0.05, Scale::Absolute, DEFAULT_TUNING).unwrap();
    assert!(got.p_value.is_finite());
}

#[test]
fn an_overflowing_interval_is_an_error_not_infinity() {
    // Variance 1e300 over u64::MAX visitors used to give a sequential interval of (-inf, inf).
    let extreme = arm(u64::MAX, 1e300, 1e300);
    let fine = arm(1000, 0.1, 0.09);
    let got = sequential(&extreme, &fine, 0.05, Scale::Absolute, DEFAULT_TUNING);
    assert!(
        matches!(got, Err(tailor_stats::error::StatsError::Numerical(_))),
        "{got:?}"
    );
}

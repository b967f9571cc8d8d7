"""Reference values beside the comparisons: gbstats' check_srm, statsmodels' Holm and
Benjamini-Hochberg, and (gbstats 0.8.0 has no bandit code) the period weighting of bandit arms
and exact Thompson-sampling probabilities, written out here."""

import numpy as np
from scipy import integrate, stats
from statsmodels.stats.multitest import multipletests

from gbstats.frequentist.tests import FrequentistConfig, TwoSidedTTest
from gbstats.utils import check_srm

from inputs import MULTI_ARM, RNG, base_of, gb_base, gb_stat


def multi_arm_p_values():
    """Fixed-horizon relative p-values of 3 arms x 2 metrics, as a report would adjust them."""
    ps = []
    for arms in MULTI_ARM.values():
        for arm in arms[1:]:
            res = TwoSidedTTest(
                gb_stat(arms[0]), gb_stat(arm), FrequentistConfig()
            ).compute_result()
            ps.append(float(res.p_value))
    return ps


# ---- SRM, adjustments, periods, bandits ------------------------------------------------------


def srm_cases():
    inputs = [
        ([101_000, 99_000], [0.5, 0.5]),
        ([100_000, 100_000], [0.5, 0.5]),
        ([10_050, 9_950], [1, 1]),
        ([5012, 2490, 2498], [0.5, 0.25, 0.25]),
        ([5200, 2400, 2400], [2, 1, 1]),
        ([12, 9], [0.5, 0.5]),
        ([300, 0, 310], [0.5, 0.0, 0.5]),
        ([60_000, 40_000], [0.5, 0.5]),
        ([25_100, 24_950, 25_020, 24_930], [1, 1, 1, 1]),
    ]
    return [
        {"observed": o, "weights": [float(x) for x in w], "p_value": float(check_srm(o, w))}
        for o, w in inputs
    ]


def adjustment_cases():
    vectors = [
        [0.01, 0.04, 0.03, 0.005],
        [0.5],
        [0.0, 1.0, 0.2, 0.2, 0.049],
        list(RNG.uniform(0, 0.2, 12)),
        list(RNG.uniform(0, 1, 7)),
        [0.001, 0.001, 0.001, 0.9],
        multi_arm_p_values(),
    ]
    return [
        {
            "p_values": [float(p) for p in ps],
            "holm": [float(x) for x in multipletests(ps, method="holm")[1]],
            "benjamini_hochberg": [float(x) for x in multipletests(ps, method="fdr_bh")[1]],
        }
        for ps in vectors
    ]


def period_case(kind, n_by_period, means, sd):
    """Per-period sums for each arm and the period-weighted summaries; an arm may be absent
    (n = 0) from a period and is then weighted over the periods it was seen in."""
    periods = []
    for p, ns in enumerate(n_by_period):
        row = []
        for a, n in enumerate(ns):
            if kind == "proportion":
                v = (RNG.random(n) < means[p][a]).astype(float)
            else:
                v = RNG.normal(means[p][a], sd, n)
            row.append(base_of(v, kind))
        periods.append(row)
    totals = [sum(arm["n"] for arm in row) for row in periods]
    grand = sum(totals)
    arms = []
    for a in range(len(periods[0])):
        seen = [(row[a], totals[p] / grand) for p, row in enumerate(periods) if row[a]["n"] > 0]
        w_seen = sum(w for _, w in seen)
        n = sum(c["n"] for c, _ in seen)
        mean = sum(w / w_seen * gb_base(c).mean for c, w in seen)
        var_mean = sum((w / w_seen) ** 2 * gb_base(c).variance / c["n"] for c, w in seen)
        arms.append({"n": n, "mean": float(mean), "variance": float(var_mean * n)})
    return {"kind": kind, "periods": periods, "arms": arms}


def period_srm_case(visitors, weights):
    visitors, weights = np.array(visitors, float), np.array(weights, float)
    expected = (
        visitors.sum(axis=1, keepdims=True) * weights / weights.sum(axis=1, keepdims=True)
    ).sum(axis=0)
    observed = visitors.sum(axis=0)
    statistic = float(((observed - expected) ** 2 / expected).sum())
    p = float(stats.chi2.sf(statistic, visitors.shape[1] - 1))
    return {"visitors": visitors.astype(int).tolist(), "weights": weights.tolist(), "p_value": p}


def period_cases():
    return {
        "weighting": [
            period_case(
                "mean",
                [[1000, 1000, 1000], [600, 1600, 800], [300, 2400, 300]],
                [[10, 10.5, 10], [12, 12.5, 12], [9, 9.5, 9]],
                3.0,
            ),
            period_case(
                "proportion",
                [[2000, 2000], [1500, 3500], [800, 4200]],
                [[0.10, 0.11], [0.20, 0.22], [0.05, 0.06]],
                0.0,
            ),
            period_case(
                "mean", [[500, 500, 0], [400, 400, 400]], [[5, 5.2, 5], [6, 6.2, 6.5]], 2.0
            ),
        ],
        "srm": [
            period_srm_case(
                [[5000, 5000], [2000, 8000], [1000, 9000]], [[0.5, 0.5], [0.2, 0.8], [0.1, 0.9]]
            ),
            period_srm_case(
                [[5000, 5000], [2000, 8000], [1000, 9000]], [[0.5, 0.5], [0.5, 0.5], [0.5, 0.5]]
            ),
            period_srm_case([[3400, 3300, 3300], [2100, 5800, 2100]], [[1, 1, 1], [0.2, 0.6, 0.2]]),
        ],
    }


def best_and_top_two(means, sds):
    """Exact P(arm is best) and P(arm is best or second) for independent normal posteriors."""
    k = len(means)
    lo, hi = min(means) - 12 * max(sds), max(means) + 12 * max(sds)
    cdf = [lambda x, j=j: stats.norm.cdf(x, means[j], sds[j]) for j in range(k)]

    def integral(i, below_except):
        def f(x):
            value = stats.norm.pdf(x, means[i], sds[i])
            for j in range(k):
                if j == i:
                    continue
                value *= (1 - cdf[j](x)) if j == below_except else cdf[j](x)
            return value

        return integrate.quad(f, lo, hi, points=sorted(means), limit=500, epsabs=1e-13)[0]

    best = [integral(i, None) for i in range(k)]
    second = [sum(integral(i, j) for j in range(k) if j != i) for i in range(k)]
    return best, [(b + s) / 2 for b, s in zip(best, second)]


def bandit_cases():
    inputs = [
        [(5000, 0.10, 0.09), (5000, 0.11, 0.0979), (5000, 0.105, 0.094)],
        [(300, 0.10, 0.09), (300, 0.12, 0.1056)],
        [(2000, 49.0, 400.0), (2100, 50.0, 410.0), (1900, 51.5, 390.0), (2000, 47.0, 380.0)],
    ]
    out = []
    for arms in inputs:
        prior_precision = 1 / 1e4
        means, sds = [], []
        for n, m, v in arms:
            precision = prior_precision + n / v
            means.append((n / v) * m / precision)
            sds.append(float(np.sqrt(1 / precision)))
        best, top_two = best_and_top_two(means, sds)
        out.append(
            {
                "arms": [{"n": n, "mean": m, "variance": v} for n, m, v in arms],
                "best_arm_probabilities": best,
                "top_two_weights": top_two,
            }
        )
    return out

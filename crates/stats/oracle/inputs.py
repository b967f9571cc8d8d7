"""Inputs of the gbstats fixtures: arms as plain sums (the JSON form), the data they are drawn
from (seeded), and their conversion to gbstats statistics."""

import numpy as np

from gbstats.models.statistics import (
    ProportionStatistic,
    RatioStatistic,
    RegressionAdjustedStatistic,
    SampleMeanStatistic,
)

RNG = np.random.default_rng(20240601)


# ---- arms as plain sums (the JSON form) ------------------------------------------------------


def prop(n, s):
    return {"type": "proportion", "n": int(n), "sum": float(s)}


def mean_of(values):
    v = np.asarray(values, dtype=float)
    return {
        "type": "mean",
        "n": int(v.size),
        "sum": float(v.sum()),
        "sum_squares": float((v * v).sum()),
    }


def base_of(values, kind):
    v = np.asarray(values, dtype=float)
    return prop(v.size, v.sum()) if kind == "proportion" else mean_of(v)


def ratio_of(num, den, num_kind="mean", den_kind="mean"):
    return {
        "type": "ratio",
        "numerator": base_of(num, num_kind),
        "denominator": base_of(den, den_kind),
        "sum_products": float(np.dot(num, den)),
    }


def cuped_of(post, pre, post_kind="mean", pre_kind="mean"):
    return {
        "type": "cuped",
        "post": base_of(post, post_kind),
        "pre": base_of(pre, pre_kind),
        "sum_products": float(np.dot(post, pre)),
    }


def gb_base(arm):
    if arm["type"] == "proportion":
        return ProportionStatistic(n=arm["n"], sum=arm["sum"])
    return SampleMeanStatistic(n=arm["n"], sum=arm["sum"], sum_squares=arm["sum_squares"])


def gb_stat(arm):
    """A fresh gbstats statistic (tests mutate theta, so never reuse one)."""
    if arm["type"] == "ratio":
        return RatioStatistic(
            n=arm["numerator"]["n"],
            m_statistic=gb_base(arm["numerator"]),
            d_statistic=gb_base(arm["denominator"]),
            m_d_sum_of_products=arm["sum_products"],
        )
    if arm["type"] == "cuped":
        return RegressionAdjustedStatistic(
            n=arm["post"]["n"],
            post_statistic=gb_base(arm["post"]),
            pre_statistic=gb_base(arm["pre"]),
            post_pre_sum_of_products=arm["sum_products"],
            theta=0,
        )
    return gb_base(arm)


# ---- inputs ----------------------------------------------------------------------------------


def revenue(n, buy_rate, mu, sigma):
    return (RNG.random(n) < buy_rate) * RNG.lognormal(mu, sigma, n)


def correlated(n, rho, effect, base=10.0, sd=3.0):
    pre = RNG.normal(base, sd, n)
    post = base + effect + rho * (pre - base) + np.sqrt(1 - rho**2) * RNG.normal(0, sd, n)
    return post, pre


def comparison_inputs():
    cases = [
        ("ctr_20k_10pct_vs_10_5pct", prop(20000, 2000), prop(20000, 2100)),
        ("conversion_small_n", prop(100, 10), prop(120, 18)),
        ("conversion_unequal_n", prop(50000, 1500), prop(10000, 320)),
        ("conversion_rare_1m_per_arm", prop(1_000_000, 1000), prop(1_000_000, 1100)),
        ("conversion_high_rate_negative", prop(5000, 4500), prop(5000, 4400)),
        ("conversion_tiny_p_value", prop(200_000, 20_000), prop(200_000, 21_500)),
        (
            "clicks_per_visitor_poisson",
            mean_of(RNG.poisson(0.30, 20000)),
            mean_of(RNG.poisson(0.31, 20000)),
        ),
        (
            "revenue_per_visitor_zero_inflated",
            mean_of(revenue(20000, 0.10, 3.5, 0.8)),
            mean_of(revenue(20000, 0.105, 3.5, 0.8)),
        ),
        ("mean_small_n", mean_of(RNG.normal(10, 3, 30)), mean_of(RNG.normal(11, 3, 25))),
        (
            "mean_unequal_variance",
            mean_of(RNG.normal(5, 1, 1000)),
            mean_of(RNG.normal(5.2, 4, 300)),
        ),
        (
            "mean_negative_control",
            mean_of(RNG.normal(-2, 1, 500)),
            mean_of(RNG.normal(-1.9, 1, 500)),
        ),
    ]
    orders_a, orders_b = RNG.poisson(0.2, 8000), RNG.poisson(0.2, 8000)
    cases.append(
        (
            "ratio_revenue_per_order",
            ratio_of(orders_a * RNG.lognormal(3.0, 0.5, 8000), orders_a),
            ratio_of(orders_b * RNG.lognormal(3.05, 0.5, 8000), orders_b),
        )
    )
    for name, rho, n in (("cuped_rho_0_5", 0.5, 5000), ("cuped_rho_0_9", 0.9, 3000)):
        cases.append((name, cuped_of(*correlated(n, rho, 0.0)), cuped_of(*correlated(n, rho, 0.2))))
    pre_a, pre_b = RNG.poisson(2.0, 10000), RNG.poisson(2.0, 10000)
    conv_a = (RNG.random(10000) < 0.05 + 0.02 * np.minimum(pre_a, 4)).astype(float)
    conv_b = (RNG.random(10000) < 0.055 + 0.02 * np.minimum(pre_b, 4)).astype(float)
    cases.append(
        (
            "cuped_proportion_metric_count_covariate",
            cuped_of(conv_a, pre_a, "proportion", "mean"),
            cuped_of(conv_b, pre_b, "proportion", "mean"),
        )
    )
    post_a, post_b = RNG.normal(10, 2, 400), RNG.normal(10.3, 2, 400)
    cases.append(
        (
            "cuped_constant_covariate",
            cuped_of(post_a, np.full(400, 3.0)),
            cuped_of(post_b, np.full(400, 3.0)),
        )
    )
    cases += multi_arm_cases()
    cases += [
        ("error_all_converted", prop(100, 100), prop(100, 90)),
        ("error_control_no_conversions", prop(1000, 0), prop(1000, 5)),
        ("error_single_visitor", mean_of([5.0]), mean_of(RNG.normal(5, 1, 10))),
        ("error_empty_treatment", prop(100, 10), prop(0, 0)),
    ]
    return cases


MULTI_ARM = {
    "conversion": [prop(30000, 3000), prop(30000, 3090), prop(30000, 3210), prop(30000, 2950)],
    "revenue": [mean_of(revenue(30000, 0.10, 3.5, 0.8 + 0.01 * i)) for i in range(4)],
}


def multi_arm_cases():
    out = []
    for metric, arms in MULTI_ARM.items():
        for i, arm in enumerate(arms[1:], start=1):
            out.append((f"multi_arm_{metric}_arm{i}_vs_control", arms[0], arm))
    return out

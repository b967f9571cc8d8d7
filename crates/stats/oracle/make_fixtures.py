"""Reference values for tailor-stats, computed with GrowthBook's stats engine gbstats.

Pinned: gbstats==0.8.0 (the latest release on PyPI, June 2024) with the versions in
oracle/requirements.txt; the JSON records the versions that produced it.

    python3 -m venv .venv-oracle
    .venv-oracle/bin/pip install -r oracle/requirements.txt
    .venv-oracle/bin/python oracle/make_fixtures.py      # writes tests/fixtures/gbstats.json

The inputs (seeded data reduced to per-arm sums) are in inputs.py, the references that are not
gbstats comparisons in references.py. Where each expected value comes from:

* gbstats 0.8.0 itself: ProportionStatistic, SampleMeanStatistic, RatioStatistic and
  RegressionAdjustedStatistic (CUPED, with compute_theta), TwoSidedTTest,
  SequentialTwoSidedTTest, EffectBayesianABTest (the metric prior is relative, as gbstats'
  runner sets it) and utils.check_srm.
* statsmodels' multipletests ("holm", "fdr_bh") for Holm and Benjamini-Hochberg: gbstats has no
  p-value adjustment (GrowthBook adjusts in its TypeScript back end, with the same formulas).
* Written out here, because gbstats 0.8.0 has no bandit code (GrowthBook added it to its
  repository later, unreleased on PyPI): the period weighting of bandit arms (each period
  weighted by its share of visitors) with SRM against the counts each period's split predicts,
  and the exact best-arm and top-two probabilities of Thompson sampling by numerical
  integration, against which the Rust Monte Carlo is checked at its sampling error.
"""

import importlib.metadata
import json
import pathlib
import sys

from gbstats.bayesian.tests import EffectBayesianABTest, EffectBayesianConfig, GaussianPrior
from gbstats.frequentist.tests import (
    FrequentistConfig,
    SequentialConfig,
    SequentialTwoSidedTTest,
    TwoSidedTTest,
)
from gbstats.models.statistics import compute_theta

from inputs import comparison_inputs, gb_stat
from references import adjustment_cases, bandit_cases, period_cases, srm_cases

OUT = pathlib.Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "gbstats.json"

# Each comparison runs under each of these settings, on both scales.
SETTINGS = [
    {"alpha": 0.05, "tuning": 5000.0, "prior": None},
    {"alpha": 0.1, "tuning": 1000.0, "prior": {"mean": 0.0, "variance": 0.01}},
    {"alpha": 0.01, "tuning": 50000.0, "prior": {"mean": 0.02, "variance": 0.0025}},
]


# ---- gbstats runs ----------------------------------------------------------------------------


def frequentist_result(res):
    if res.error_message:
        return {"error": res.error_message}
    return {
        "point": float(res.expected),
        "ci": [float(res.ci[0]), float(res.ci[1])],
        "p_value": float(res.p_value),
        "std_error": float(res.uplift.stddev),
    }


def bayesian_result(res):
    if res.error_message:
        return {"error": res.error_message}
    return {
        "expected": float(res.expected),
        "ci": [float(res.ci[0]), float(res.ci[1])],
        "std_dev": float(res.uplift.stddev),
        "chance_to_win": float(res.chance_to_win),
        "risk": [float(res.risk[0]), float(res.risk[1])],
    }


def run_tests(control, treatment, setting):
    out = {}
    for scale in ("relative", "absolute"):
        freq = FrequentistConfig(alpha=setting["alpha"], difference_type=scale)
        out[f"frequentist_{scale}"] = frequentist_result(
            TwoSidedTTest(gb_stat(control), gb_stat(treatment), freq).compute_result()
        )
        seq = SequentialConfig(
            alpha=setting["alpha"],
            difference_type=scale,
            sequential_tuning_parameter=setting["tuning"],
        )
        out[f"sequential_{scale}"] = frequentist_result(
            SequentialTwoSidedTTest(gb_stat(control), gb_stat(treatment), seq).compute_result()
        )
        prior = setting["prior"]
        gaussian = (
            GaussianPrior(mean=prior["mean"], variance=prior["variance"], proper=True)
            if prior
            else GaussianPrior(proper=False)
        )
        bayes = EffectBayesianConfig(
            alpha=setting["alpha"],
            difference_type=scale,
            prior_effect=gaussian,
            prior_type="relative",
        )
        out[f"bayesian_{scale}"] = bayesian_result(
            EffectBayesianABTest(gb_stat(control), gb_stat(treatment), bayes).compute_result()
        )
    return out


def arm_summaries(control, treatment):
    """Mean, unadjusted mean and variance per arm as gbstats' tests see them (CUPED: after
    compute_theta, with gbstats' fallback to the unadjusted metric when theta is 0)."""
    a, b = gb_stat(control), gb_stat(treatment)
    theta = None
    if control["type"] == "cuped":
        theta = float(compute_theta(a, b))
        if theta == 0:
            a, b = a.post_statistic, b.post_statistic
        else:
            a.theta = b.theta = theta

    def summary(s):
        return {
            "mean": float(s.mean),
            "unadjusted_mean": float(s.unadjusted_mean),
            "variance": float(s.variance),
        }

    return {"theta": theta, "control": summary(a), "treatment": summary(b)}


def comparison(name, control, treatment):
    return {
        "name": name,
        "control": control,
        "treatment": treatment,
        "arms": arm_summaries(control, treatment),
        "runs": [dict(setting=s, expected=run_tests(control, treatment, s)) for s in SETTINGS],
    }


def main():
    versions = {
        p: importlib.metadata.version(p)
        for p in ("gbstats", "numpy", "scipy", "pandas", "statsmodels")
    }
    fixtures = {
        "generated_by": "oracle/make_fixtures.py",
        "versions": {**versions, "python": sys.version.split()[0]},
        "comparisons": [comparison(*c) for c in comparison_inputs()],
        "srm": srm_cases(),
        "adjustments": adjustment_cases(),
        "periods": period_cases(),
        "bandits": bandit_cases(),
    }
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(fixtures, indent=1) + "\n")
    print(f"wrote {OUT} ({len(fixtures['comparisons'])} comparisons)")


if __name__ == "__main__":
    main()

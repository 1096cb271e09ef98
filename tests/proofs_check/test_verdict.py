"""Verdict bookkeeping and the rate fit."""

import numpy as np
import pytest

from larscheck.proofs_check.verdict import RATIO_RTOL, Verdict, fit_rate, worst_case


def test_only_cases_inside_the_hypotheses_decide():
    ratio = np.array([0.5, 5.0, 0.9])
    inside = np.array([True, False, True])
    verdict, cases, worst, witness = worst_case(ratio, inside, {"lam": np.array([1, 2, 3])},
                                                seed=7)
    assert (verdict, cases, worst) == ("holds", 2, 0.9)
    assert witness == {"seed": 7, "index": 2, "parameters": {"lam": 3}, "ratio": 0.9}


def test_a_ratio_above_one_is_a_violation_with_its_witness():
    ratio = np.array([0.5, 1.0 + 10 * RATIO_RTOL, np.nan])
    verdict, cases, _, witness = worst_case(ratio, np.ones(3, bool), {"k": np.arange(3)},
                                                seed=0, observed=np.array([1.0, 2.0, 3.0]),
                                                bound=np.array([2.0, 2.0, 2.0]))
    assert verdict == "violated" and cases == 2
    assert witness["index"] == 1 and witness["observed"] == 2.0 and witness["bound"] == 2.0


def test_no_case_inside_is_inconclusive():
    assert worst_case(np.array([2.0]), np.array([False]), {}, seed=0)[0] == "inconclusive"


def test_unknown_verdict_is_rejected():
    with pytest.raises(ValueError, match="verdict must be one of"):
        Verdict("maybe", 0, None, "")


def test_fit_rate_recovers_a_power_law_per_group():
    rng = np.random.default_rng(0)
    x = np.tile(np.geomspace(1, 1e3, 8), 5)
    groups = np.repeat(np.arange(5), 8)
    y = np.exp(rng.normal(size=5))[groups] * x**1.5 * np.exp(0.01 * rng.normal(size=x.size))
    rate = fit_rate(x, y, expected=2.0, groups=groups)
    assert rate.ci[0] < 1.5 < rate.ci[1]
    assert rate.ci[1] - rate.ci[0] < 0.05
    assert "statement: 2" in rate.describe()

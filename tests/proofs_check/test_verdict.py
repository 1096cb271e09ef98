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
    assert verdict == "violated" and cases == 3  # the NaN case counts too
    assert witness["nan_cases"] == 1
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


def test_a_diverged_case_inside_is_a_violation_and_counted():
    from larscheck.proofs_check.verdict import describe_ratio

    ratio = np.array([0.5, np.inf, 0.7, np.inf])
    inside = np.array([True, True, True, False])
    verdict, cases, worst, witness = worst_case(ratio, inside, {"i": np.arange(4)}, seed=1)
    assert (verdict, cases, witness["index"]) == ("violated", 3, 1)
    assert np.isinf(worst) and witness["unbounded"]
    assert "VIOLATED" in describe_ratio(worst)


def test_a_nan_ratio_inside_is_inconclusive_with_the_reason_named():
    from larscheck.proofs_check.verdict import describe_ratio

    ratio = np.array([0.5, np.nan, 0.7])
    verdict, cases, worst, witness = worst_case(ratio, np.ones(3, bool), {"i": np.arange(3)},
                                                seed=0)
    assert (verdict, cases, witness["index"], witness["nan_cases"]) == ("inconclusive", 3, 1, 1)
    assert np.isnan(worst) and "NaN" in witness["reason"]
    assert "INCONCLUSIVE" in describe_ratio(worst)
    # a violation elsewhere still decides (it is a finding), the NaN is still named
    verdict, _, worst, witness = worst_case(np.array([2.0, np.nan]), np.ones(2, bool),
                                            {"i": np.arange(2)}, seed=0)
    assert verdict == "violated" and worst == 2.0 and witness["nan_cases"] == 1


def test_tightness_needs_the_nontrivial_cases_near_one():
    from larscheck.proofs_check.verdict import TIGHT_RTOL, attained, tightness

    ratio = np.array([1.0, 0.95, 0.999])
    trivial = np.array([True, False, False])
    assert tightness("holds", ratio, ~trivial) == ("holds", 0.999)
    assert tightness("holds", ratio[:2], ~trivial[:2]) == ("not tight", 0.95)
    assert tightness("violated", ratio[:2], ~trivial[:2])[0] == "violated"
    assert tightness("holds", ratio, np.zeros(3, bool)) == ("inconclusive", None)
    assert tightness("holds", np.array([1 - 0.5 * TIGHT_RTOL]), np.ones(1, bool))[0] == "holds"
    verdict, text, details = attained("holds", ratio[:2], ~trivial[:2], 1.0, "kappa = 1")
    assert verdict == "not tight" and "NOT TIGHT" in text and "trivial cases (kappa = 1)" in text
    assert "1x the worst case" not in text and details["worst_ratio_nontrivial"] == 0.95
    assert Verdict("not tight", 1, 0.9, "").verdict == "not tight"

"""Tightness claims, diverging rules and NaN statistics fail for the right reason.

- a bound claimed to be attained, made 5 % looser, is ``not tight`` (and ``larscheck
  verify --quick`` reports it and exits 1);
- a rule that diverges inside the hypotheses is a violation, the diverged cases counted;
- a statistic that comes out NaN makes the verdict ``inconclusive``, the reason named.
"""

import json

import numpy as np
import pytest

from larscheck.cli import main
from larscheck.proofs_check.checks import beyond as checks_beyond
from larscheck.proofs_check.checks import lemma1 as checks_lemma1
from larscheck.proofs_check.checks import one_d_orbits as checks_one_d
from larscheck.proofs_check.checks import rates as checks_rates
from larscheck.proofs_check.context import Context
from larscheck.theory import bounds, recursion

LOOSER = 1.05


def _loose_cos(monkeypatch):
    tight = bounds.cos_lower_bound
    monkeypatch.setattr(bounds, "cos_lower_bound", lambda mu, L, variant="tight": (
        tight(mu, L, variant) / LOOSER if variant == "tight" else tight(mu, L, variant)))


def _loose_radius(monkeypatch):
    radius = bounds.lemma1_radius
    monkeypatch.setattr(bounds, "lemma1_radius", lambda *a, variant="tight": (
        radius(*a, variant=variant) * (LOOSER if variant == "tight" else 1.0)))


def _loose_recursion(monkeypatch):
    closed = recursion.recursion_bound
    monkeypatch.setattr(recursion, "recursion_bound", lambda *a: closed(*a) * LOOSER)


@pytest.mark.parametrize(("sid", "loosen"), [("cos_bound.tight", _loose_cos),
                                             ("lemma1.explicit_radius", _loose_radius),
                                             ("theorem2.contraction", _loose_recursion)])
def test_verify_reports_a_looser_bound_as_not_tight(sid, loosen, monkeypatch, tmp_path):
    out = tmp_path / "r.json"
    assert main(["verify", "--quick", "--only", sid, "--json", str(out)]) == 0
    assert json.loads(out.read_text())["statements"][0]["verdict"] == "holds"
    loosen(monkeypatch)
    assert main(["verify", "--quick", "--only", sid, "--json", str(out)]) == 1
    record = json.loads(out.read_text())["statements"][0]
    assert record["verdict"] == "not tight", record["finding"]
    assert "NOT TIGHT" in record["finding"]
    assert record["details"]["worst_ratio_nontrivial"] < 1 / LOOSER + 1e-9


class _Overshooting:
    """A context whose LARS runs use 1e3 times the rate: a rule that diverges."""

    def __init__(self, seed=3):
        self.ctx = Context(seed=seed, quick=True)
        plain = self.ctx.simulate

        def simulate(problem, rule, x0, steps, schedule, **options):
            return plain(problem, rule, x0, steps, np.asarray(schedule) * 1e3, **options)

        self.ctx.simulate = simulate


@pytest.mark.parametrize("check", [checks_rates.check_theorem1, checks_beyond.check_contraction,
                                   checks_one_d.check_large_lambda],
                         ids=["theorem1", "contraction", "large_lambda"])
def test_a_diverging_rule_is_a_violation_and_every_case_counts(check, quick_ctx):
    right = check(quick_ctx)
    wrong = check(_Overshooting().ctx)
    assert wrong.verdict == "violated", wrong.finding
    assert wrong.cases == right.cases  # the diverged cases are counted, not dropped
    assert wrong.witness is not None and wrong.witness["ratio"] == np.inf


def test_an_escaping_S_lambda_inside_is_a_violation(quick_ctx, monkeypatch):
    from larscheck.proofs_check import measure

    real = checks_lemma1.sup_S_on_rays

    def escaping(problem, lam, dirs, **kw):
        sup, unbounded, pts = real(problem, lam, dirs, **kw)
        return sup, np.ones_like(unbounded), pts

    assert measure is not None
    monkeypatch.setattr(checks_lemma1, "sup_S_on_rays", escaping)
    v = checks_lemma1.check_explicit_radius(Context(seed=4, quick=True))
    assert v.verdict == "violated" and v.details["unbounded_inside"] == v.cases


def test_a_nan_bound_is_inconclusive(quick_ctx):
    v = checks_lemma1.check_cos_bound(quick_ctx, cos_bound=lambda mu, L: np.full_like(mu, np.nan))
    assert v.verdict == "inconclusive" and "NaN" in v.finding
    assert "NaN" in v.witness["reason"]


def test_large_lambda_growth_rate_that_is_nan_is_inconclusive(monkeypatch):
    """Every lambda > 2 orbit recorded as NaN (as after divergence): the growth factor is
    not measured, which must not pass ("nan > tol" is False)."""
    real = checks_one_d.orbits

    def nan_growth(ctx, problem, x0, lam, steps):
        path = real(ctx, problem, x0, lam, steps)
        return np.full_like(path, np.nan) if np.min(lam) > 2 else path

    monkeypatch.setattr(checks_one_d, "orbits", nan_growth)
    v = checks_one_d.check_large_lambda(Context(seed=5, quick=True))
    assert v.verdict == "inconclusive", v.finding
    assert "NOT MEASURED" in v.finding and np.isnan(v.details["growth_rel_error"])

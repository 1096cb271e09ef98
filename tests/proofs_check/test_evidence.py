"""Evidence: every statement declares what its verdict rests on; conjecture1's refutation
is "proved" exactly when its certificate goes through; the tight constants are proved and
a wrong constant is not."""

import numpy as np
import pytest
import sympy as sp

from larscheck.proofs_check import registry
from larscheck.proofs_check.checks import conjecture as checks_conjecture
from larscheck.proofs_check.checks import lemma1 as checks_lemma1
from larscheck.proofs_check.report import Report, Result
from larscheck.proofs_check.verdict import EVIDENCE, Verdict, verdict_label
from larscheck.sims.convex_family import ATOMS, Atom
from larscheck.theory.formulas import L, mu


def test_every_statement_declares_valid_evidence():
    entries = registry.statements()
    assert all(s.evidence in EVIDENCE for s in entries)
    # simulation-only checks must not claim more than sampling
    assert {s.id: s.evidence for s in entries}["theorem2"] == "sampled"
    with pytest.raises(ValueError, match="evidence"):
        registry.Statement(**{**entries[0].__dict__, "evidence": "certain"})
    with pytest.raises(ValueError, match="evidence"):
        Verdict("holds", 1, None, "x", evidence="certain")


def test_labels_say_how_a_refutation_is_known():
    assert verdict_label("refuted", "proof") == "refuted (proved)"
    assert verdict_label("refuted", "sampled") == "refuted (numerical)"
    assert verdict_label("holds", "proof") == "holds"
    entry = registry.statements("conjecture1")[0]
    report = Report(0, True, [Result(entry, Verdict("refuted", 1, None, "f"), 0.0)])
    assert report.rows()[1][3] == "refuted (numerical)"  # declared sampled, no override
    assert report.to_dict()["statements"][0]["evidence"] == "sampled"


def _witness(kinds):
    """A two-atom member on R^2 (the first atom along e1) and points on x* + t e2 +
    sqrt(t) e1, claimed verified (the check certifies it regardless)."""
    function = {"mu": 0.0, "xstar": [0.5, -1.0],
                "atoms": [{"kind": kinds[0], "weight": 2.0, "direction": [1.0, 0.0]},
                          {"kind": kinds[1], "weight": 0.5, "direction": [0.0, 1.0]}]}
    t = np.geomspace(1e2, 1e8, 7)
    points = np.array(function["xstar"]) + np.column_stack([np.sqrt(t), t])
    return {"function": function, "points": points.tolist(),
            "cos_alpha": (1 / np.sqrt(t)).tolist(),
            "verified": {"refutes": True, "trend": {"slope": -0.5}}}


def _check_with(ctx, witness, monkeypatch):
    monkeypatch.setattr(checks_conjecture, "RADII", np.geomspace(10, 1e3, 4))
    member = checks_conjecture.random_members(ctx.rng("evidence"), 2, 1)
    registry.statements()
    built_in = registry.plugged_search("conjecture1")
    registry.plug_search("conjecture1", lambda _ctx: witness)
    try:
        return checks_conjecture.check_conjecture(ctx, members=[member])
    finally:
        registry.plug_search("conjecture1", built_in)


def test_certified_witness_is_refuted_proved(quick_ctx, monkeypatch):
    verdict = _check_with(quick_ctx, _witness(("quadratic", "log_cosh")), monkeypatch)
    assert verdict.verdict == "refuted" and verdict.witness["source"] == "search"
    assert verdict.evidence == "proof" and verdict.certificate["proved"]
    assert verdict.certificate["check"]["agrees"]
    assert set(verdict.certificate["obligations"]) == {"convexity", "smoothness",
                                                       "uniqueness", "decay"}
    assert verdict.finding.startswith("REFUTED (proved)")


def test_uncertified_witness_stays_numerical_and_names_the_obligation(quick_ctx, monkeypatch):
    # a user atom (registered numerically, no SymPy form): the numerical verification
    # refutes, but convexity cannot be proved, and with it nothing else
    monkeypatch.setitem(ATOMS, "user_quadratic",
                        Atom("user_quadratic", lambda t: 0.5 * t * t, lambda t: 1.0 * t, 1.0))
    verdict = _check_with(quick_ctx, _witness(("user_quadratic", "log_cosh")), monkeypatch)
    assert verdict.verdict == "refuted" and verdict.witness["source"] == "search"
    assert verdict.evidence == "sampled" and "convexity" in verdict.certificate["failed"]
    assert "REFUTED (numerical)" in verdict.finding
    assert "no symbolic expression for atom kind 'user_quadratic'" in verdict.finding


def test_tight_cos_bound_is_proved(quick_ctx):
    verdict = checks_lemma1.check_cos_bound(quick_ctx)
    assert verdict.verdict == "holds" and verdict.evidence == "proof"
    assert verdict.certificate["proved"]


def test_wrong_cos_constant_is_not_proved(quick_ctx):
    # sqrt(mu/L) is below the minimum: the samples say the bound holds but is not
    # attained, and the proof of tightness fails at the attaining point
    verdict = checks_lemma1.check_cos_bound(quick_ctx, constant=sp.sqrt(mu / L))
    assert verdict.verdict == "not tight" and verdict.evidence == "sampled"
    assert verdict.certificate["failed"] == ["attained"] and "FAILED: attained" in verdict.finding


def test_explicit_radius_is_proved_and_a_wrong_constant_is_not(quick_ctx):
    good = checks_lemma1.check_explicit_radius(quick_ctx)
    assert good.evidence == "proof" and good.certificate["proved"]
    wrong = checks_lemma1.check_explicit_radius(quick_ctx, constant=sp.sqrt(mu / L))
    assert wrong.evidence == "sampled" and wrong.certificate["failed"] == ["attained"]

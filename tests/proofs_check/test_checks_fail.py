"""Every check can fail: fed a deliberately wrong bound it reports ``violated`` with a witness.

Each test runs the quick-sized check twice on the same (cached) runs: with the
theory's bound it holds, with a wrong one it is violated, and the witness names
a case that reproduces it.
"""

import numpy as np
import pytest

from larscheck.proofs_check.checks import beyond as checks_beyond
from larscheck.proofs_check.checks import decaying as checks_decaying
from larscheck.proofs_check.checks import lemma1 as checks_lemma1
from larscheck.proofs_check.checks import one_d as checks_one_d
from larscheck.proofs_check.checks import one_d_orbits as checks_one_d_orbits
from larscheck.proofs_check.checks import rates as checks_rates
from larscheck.theory import bounds, one_d, recursion


def _assert_violated(verdict):
    assert verdict.verdict == "violated", verdict.finding
    assert verdict.witness is not None and "parameters" in verdict.witness
    if verdict.worst_ratio is not None:
        assert verdict.worst_ratio > 1


def _halved(fn, **fixed):
    return lambda *args: 0.5 * fn(*args, **fixed)


CASES = {
    "lemma1 radius halved": (checks_lemma1.check_lemma1,
                             dict(radius=_halved(bounds.lemma1_radius, variant="paper"))),
    "explicit radius halved": (checks_lemma1.check_explicit_radius,
                               dict(radius=_halved(bounds.lemma1_radius, variant="tight"))),
    "cos bound doubled": (checks_lemma1.check_cos_bound,
                          dict(cos_bound=lambda mu, L: 2 * bounds.cos_lower_bound(mu, L))),
    "theorem1 D halved": (checks_rates.check_theorem1,
                          dict(D=_halved(bounds.theorem1_D, variant="paper"))),
    "theorem2 bound / 1e6": (checks_rates.check_theorem2,
                             dict(bound=lambda *a: 1e-6 * bounds.theorem2_bound(*a,
                                                                               variant="paper"))),
    "corollary bound / 1e6": (checks_rates.check_corollary, dict(
        bound=lambda *a, **k: tuple(1e-6 * v for v in bounds.corollary21(*a, **k,
                                                                          variant="paper")))),
    "theorem3 bound / 1e6": (checks_decaying.check_theorem3, dict(scale=1e-6)),
    "recursion / 1e6": (checks_beyond.check_contraction,
                        dict(bound=lambda *a: 1e-6 * recursion.recursion_bound(*a))),
    "stability threshold x 100": (checks_beyond.check_stability, dict(
        threshold=lambda mu, L: 100 * bounds.lemma1_threshold(mu, L, "tight"))),
    "percentdelta bounds halved": (checks_beyond.check_percentdelta, dict(scale=0.5)),
    "1-D update without the sign": (checks_one_d.check_update, dict(
        law=lambda x, xs, lam: one_d.ITERATE_DOWN(1.0, x, lam))),
    "1-D interval shrunk": (checks_one_d.check_interval, dict(
        interval=lambda xs, lam: tuple(np.asarray(v) for v in (
            (xs - 0.5 * lam * np.abs(xs)), (xs + 0.5 * lam * np.abs(xs)))))),
    "1-D steps off by one": (checks_one_d.check_steps, dict(
        law=lambda x0, xs, lam: np.where(x0 > one_d.INTERVAL_HI(xs, lam),
                                         one_d.STEPS_FROM_ABOVE(x0, xs, lam),
                                         one_d.STEPS_FROM_BELOW(x0, xs, lam)) + 1)),
    "1-D origin law with a wrong rate": (checks_one_d_orbits.check_origin, dict(
        law=lambda k, x0, lam: one_d.ITERATE_DOWN(k, x0, 1.01 * lam))),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_check_holds_with_theory_and_fails_with_a_wrong_bound(name, quick_ctx):
    check, wrong = CASES[name]
    right = check(quick_ctx)
    assert right.verdict == "holds", right.finding
    assert right.cases > 0
    _assert_violated(check(quick_ctx, **wrong))


def _plugged(search, ctx, member):
    from larscheck.proofs_check import registry
    from larscheck.proofs_check.checks import conjecture as checks_conjecture

    registry.statements()  # loads the checks, which plug the built-in search
    built_in = registry.plugged_search("conjecture1")
    registry.plug_search("conjecture1", search)
    try:
        return checks_conjecture.check_conjecture(ctx, members=[member])
    finally:
        registry.plug_search("conjecture1", built_in)
        assert registry.plugged_search("conjecture1") is built_in


@pytest.mark.parametrize("lying", [False, True])
def test_conjecture_check_reverifies_a_plugged_search(quick_ctx, monkeypatch, lying):
    """A plugged search's witness counts only when the verifier confirms it; its own
    ``verified`` flag (here always "refutes") is ignored."""
    from larscheck.proofs_check.checks import conjecture as checks_conjecture
    from larscheck.sims.convex_family import ConvexFamily

    monkeypatch.setattr(checks_conjecture, "RADII", np.geomspace(10, 1e3, 4))
    sampled = checks_conjecture.random_members(quick_ctx.rng("t"), 2, 1)
    good = ConvexFamily(["pseudo_huber", "quadratic"], [1.0, 1.0], [[1, 0], [0, 1]], [0, 0])
    radii = np.geomspace(1e2, 1e6, 9)
    found = {"function": good.to_dict(), "points": np.stack([radii, np.sqrt(radii)], 1).tolist(),
             "cos_alpha": [0.5] * 9, "verified": {"refutes": True, "trend": {"slope": -0.7}}}
    if lying:
        found["L"] = 0.5  # the true L is 1
    calls = []

    def search(ctx):
        calls.append(ctx.seed)
        return found

    verdict = _plugged(search, quick_ctx, sampled)
    assert calls == [quick_ctx.seed]
    if lying:
        assert verdict.witness is None or verdict.witness["source"] != "search"
    else:
        assert verdict.verdict == "refuted" and verdict.witness["source"] == "search"
        assert verdict.witness["verified"]["refutes"] and "lars" in verdict.witness
        assert "REFUTED" in verdict.finding

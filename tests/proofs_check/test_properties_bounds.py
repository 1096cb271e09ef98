"""One Hypothesis property per proved n-D statement: observed <= bound, targeted at the
worst observed/bound ratio (``hypothesis.target``); a violation shrinks to a minimal case.

The specs (draw + measure) live in :mod:`larscheck.proofs_check.search_bounds`; the bounds
come from :mod:`larscheck.theory`. Run with ``HYPOTHESIS_PROFILE=deep`` for long searches.
"""

import numpy as np
import pytest
from hypothesis import Phase, given, settings, target
from larscheck.proofs_check.search_bounds import SPECS, VIOLATION_RTOL, BoundSpec

#: Examples per property under the active profile, capped for the simulation-based
#: statements (each example runs LARS for ``STEPS`` steps).
SIMULATED = {"theorem1", "theorem2", "theorem2.contraction", "corollary2_1", "theorem3"}


def holds(spec: BoundSpec, max_examples: int | None = None, shrink: bool = True):
    """The property test of ``spec``: ratio <= 1 + VIOLATION_RTOL, targeting the ratio
    (``shrink=False`` when only *whether* it fails matters: shrinking costs seconds)."""
    kwargs = {} if max_examples is None else {"max_examples": max_examples}
    if not shrink:
        kwargs["phases"] = (Phase.explicit, Phase.reuse, Phase.generate, Phase.target)

    @settings(**kwargs)
    @given(spec.cases())
    def check(case):
        ratio = spec.ratio(case)
        if np.isfinite(ratio):
            target(ratio, label=spec.id)
            assert ratio <= 1.0 + VIOLATION_RTOL, (spec.id, ratio, case.describe())

    return check


@pytest.mark.parametrize("sid", sorted(set(SPECS) - SIMULATED))
def test_geometric_statement_holds(sid):
    holds(SPECS[sid])()


#: A finding of this search (reported to the theory owner): ``theory.recursion_bound``
#: evaluates ``q^k (e0 - B lambda) + B lambda`` as written, which cancels
#: catastrophically when ``B lambda >> e0`` and ``q^k ~ 1`` (lambda near ``2c``: ``D`` and
#: ``B`` huge). The property finds "violations" of 0.1-1 % that are rounding: with
#: ``q^k e0 + B lambda (1 - q^k)``, ``1 - q^k = -expm1(k log1p(-lambda delta / D))``, the
#: same cases give ratio <= 1. Strict: this fails loudly once the formula is fixed.
RECURSION_CANCELLATION = pytest.mark.xfail(
    strict=True, raises=AssertionError,
    reason="theory.recursion_bound loses all digits when B*lambda >> e0 (rounding, not math)")


@pytest.mark.parametrize("sid", [
    pytest.param(s, marks=RECURSION_CANCELLATION) if s == "theorem2.contraction" else s
    for s in sorted(SIMULATED)])
def test_simulated_statement_holds(sid):
    holds(SPECS[sid], max_examples=12, shrink=sid != "theorem2.contraction")()


@pytest.mark.parametrize("sid", ["cos_bound.tight", "lemma1.explicit_radius"])
def test_a_wrong_bound_is_caught(sid):
    """The machinery can fail: the same statement with its bound made 1 % too strong."""
    spec = SPECS[sid]

    def too_strong(case, z):
        observed, bound = spec.evaluate(case, z)
        # a lower bound is passed as (c, cos): strengthen c; an upper bound: shrink it
        return (observed * 1.01, bound) if sid.startswith("cos") else (observed, bound * 0.99)

    wrong = BoundSpec(sid + ".wrong", spec.description, spec.cases, too_strong)
    with pytest.raises(AssertionError):
        holds(wrong, max_examples=200, shrink=False)()

"""Reliability: bad arguments to the public API are refused, naming the argument.

Each case is ``(call, exception, needle)``: ``call()`` must raise ``exception``
(``ValueError`` or ``TypeError``) whose message contains ``needle`` (the
argument's name and, where there is one, the accepted range). Cases marked in
issue 18 were accepted, or failed with a message naming nothing, before.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import larscheck
import larscheck.strategies as lst
from larscheck.proofs_check.sweep.grid import spec_from_mapping
from larscheck.proofs_check.sweep.run import run_sweep
from larscheck.sims import (
    LARS,
    Adam,
    GradientDescent,
    Momentum,
    PercentDelta,
    Quadratic,
    SmoothProblem,
    make_rule,
    random_quadratics,
    simulate,
)
from larscheck.sims.schedules import as_schedule
from larscheck.theory import one_d_exact

RNG = np.random.default_rng(0)
Q = Quadratic([[1.0, 2.0]], [[1.0, 1.0]])
X0 = [[3.0, 3.0]]


def _sim(**kw):
    steps = kw.pop("steps", 5)
    return lambda: simulate(kw.pop("problem", Q), kw.pop("rule", LARS()), kw.pop("x0", X0),
                            steps, kw.pop("schedule", 0.1), **kw)


def _smooth(**kw):
    base = dict(value=lambda x: x[:, 0], grad=lambda x: x, batch=1, dim=1)
    base.update(kw)
    return lambda: SmoothProblem(base.pop("value"), base.pop("grad"), base.pop("batch"),
                                 base.pop("dim"), **base)


SKEW = [[[1.0, 1.0], [0.0, 1.0]]]
SPEC = spec_from_mapping({"kappa": [1.0], "dim": [2], "steps": [3], "batch": 1})

CASES = {
    # simulate (issue 18: checkpoints, ball_radius, gap_thresholds, steps=nan / 'a')
    "simulate-checkpoints-negative": (_sim(checkpoints=-1), ValueError, "checkpoints must be"),
    "simulate-checkpoints-zero": (_sim(checkpoints=0), ValueError, "checkpoints must be"),
    "simulate-checkpoints-float": (_sim(checkpoints=2.5), ValueError, "checkpoints must be"),
    "simulate-checkpoints-str": (_sim(checkpoints="5"), TypeError, "checkpoints must be"),
    "simulate-ball-negative": (_sim(ball_radius=-1), ValueError, "ball_radius must be >= 0"),
    "simulate-ball-nan": (_sim(ball_radius=float("nan")), ValueError, "ball_radius must be"),
    "simulate-threshold-negative": (_sim(gap_thresholds=[-1]), ValueError,
                                    "gap_thresholds must be >= 0"),
    "simulate-threshold-inf": (_sim(gap_thresholds=[np.inf]), ValueError, "gap_thresholds"),
    "simulate-threshold-text": (_sim(gap_thresholds=["a"]), TypeError, "gap_thresholds"),
    "simulate-steps-nan": (_sim(steps=float("nan")), ValueError, "steps must be an integer"),
    "simulate-steps-inf": (_sim(steps=float("inf")), ValueError, "steps must be an integer"),
    "simulate-steps-str": (_sim(steps="a"), TypeError, "steps must be an integer"),
    "simulate-steps-negative": (_sim(steps=-1), ValueError, "steps must be an integer >= 0"),
    "simulate-steps-fraction": (_sim(steps=2.5), ValueError, "steps must be an integer"),
    "simulate-steps-bool": (_sim(steps=True), TypeError, "steps must be an integer"),
    "simulate-divergence-zero": (_sim(divergence_factor=0), ValueError, "divergence_factor"),
    "simulate-x0-shape": (_sim(x0=[[1.0, 2.0, 3.0]]), ValueError, "x0 must have shape"),
    "simulate-x0-nan": (_sim(x0=[[np.nan, 1.0]]), ValueError, "x0 must be finite"),
    "simulate-problem-type": (_sim(problem="quadratic"), TypeError, "problem must be"),
    "simulate-rule-type": (_sim(rule="lars"), TypeError, "rule must be"),
    "simulate-blocks-sum": (_sim(blocks=[1, 2]), ValueError, "block sizes (1, 2) must sum"),
    # problems (issue 18: non-orthogonal basis, SmoothProblem(mu=-1), batch='a')
    "quadratic-basis-skew": (lambda: Quadratic([[1.0, 2.0]], [[1.0, 1.0]], SKEW), ValueError,
                             "basis must be orthogonal"),
    "quadratic-basis-scaled": (lambda: Quadratic([[1.0, 2.0]], [[1.0, 1.0]],
                                                 2 * np.eye(2)[None]), ValueError,
                               "basis must be orthogonal"),
    "quadratic-basis-shape": (lambda: Quadratic([[1.0, 2.0]], [[1.0, 1.0]], np.eye(3)[None]),
                              ValueError, "basis must have shape"),
    "quadratic-basis-nan": (lambda: Quadratic([[1.0, 2.0]], [[1.0, 1.0]],
                                              np.full((1, 2, 2), np.nan)), ValueError, "basis"),
    "quadratic-eigs-zero": (lambda: Quadratic([[0.0, 2.0]], [[1.0, 1.0]]), ValueError, "eigs"),
    "quadratic-eigs-negative": (lambda: Quadratic([[-1.0, 2.0]], [[1.0, 1.0]]), ValueError,
                                "eigs must be > 0"),
    "quadratic-eigs-3d": (lambda: Quadratic(np.ones((1, 1, 2)), [[1.0, 1.0]]), ValueError,
                          "eigs must have shape"),
    "quadratic-xstar-shape": (lambda: Quadratic([[1.0, 2.0]], [[1.0]]), ValueError, "xstar"),
    "quadratic-eigs-text": (lambda: Quadratic([["a", "b"]], [[1.0, 1.0]]), TypeError, "eigs"),
    "quadratic-fstar-nan": (lambda: Quadratic([[1.0]], [[1.0]], fstar=np.nan), ValueError,
                            "fstar"),
    "smooth-mu-negative": (_smooth(mu=-1), ValueError, "mu must be >= 0"),
    "smooth-L-negative": (_smooth(L=-1), ValueError, "L must be >= 0"),
    "smooth-mu-above-L": (_smooth(mu=2, L=1), ValueError, "mu must be <= L"),
    "smooth-batch-text": (_smooth(batch="a"), TypeError, "batch must be an integer"),
    "smooth-batch-zero": (_smooth(batch=0), ValueError, "batch must be an integer >= 1"),
    "smooth-dim-fraction": (_smooth(dim=1.5), ValueError, "dim must be an integer"),
    "smooth-value-not-callable": (_smooth(value=3), TypeError, "callables"),
    "smooth-xstar-shape": (_smooth(xstar=[1.0, 2.0]), ValueError, "xstar"),
    "random-batch-text": (lambda: random_quadratics(RNG, "a", 2), TypeError,
                          "batch must be an integer"),
    "random-batch-zero": (lambda: random_quadratics(RNG, 0, 2), ValueError, "batch must be"),
    "random-dim-fraction": (lambda: random_quadratics(RNG, 2, 2.5), ValueError, "dim must be"),
    "random-mu-negative": (lambda: random_quadratics(RNG, 2, 2, mu=-1), ValueError, "mu"),
    "random-L-below-mu": (lambda: random_quadratics(RNG, 2, 2, mu=2, L=1), ValueError, "L"),
    "random-shape-unknown": (lambda: random_quadratics(RNG, 2, 2, shape="flat"), ValueError,
                             "shape"),
    "random-dim1-kappa": (lambda: random_quadratics(RNG, 2, 1, mu=1, L=2), ValueError,
                          "dimension 1"),
    # update rules and schedules
    "lars-eps-negative": (lambda: LARS(eps=-1), ValueError, "eps"),
    "lars-momentum-one": (lambda: LARS(momentum=1.0), ValueError, "momentum"),
    "lars-weight-decay-nan": (lambda: LARS(weight_decay=np.nan), ValueError, "weight_decay"),
    "lars-switch-zero": (lambda: LARS(switch_threshold=0), ValueError, "switch_threshold"),
    "percentdelta-eps-negative": (lambda: PercentDelta(eps=-1), ValueError, "eps"),
    "momentum-beta-negative": (lambda: Momentum(momentum=-0.1), ValueError, "momentum"),
    "adam-beta1-one": (lambda: Adam(beta1=1.0), ValueError, "beta1"),
    "adam-eps-zero": (lambda: Adam(eps=0), ValueError, "eps"),
    "gd-extra-argument": (lambda: GradientDescent(momentum=0.5), TypeError, "momentum"),
    "make-rule-unknown": (lambda: make_rule("sgd"), ValueError, "sgd"),
    "schedule-negative-rate": (lambda: as_schedule(-0.1), ValueError, "lam must be"),
    "schedule-nan-rate": (lambda: as_schedule(np.nan), ValueError, "lam must be"),
    "schedule-unknown-kind": (lambda: as_schedule(0.1, "cosine", steps=10), ValueError,
                              "cosine"),
    # theory
    "steps-to-interval-lam-negative": (lambda: one_d_exact.steps_to_interval(1.0, 2.0, -0.1),
                                       ValueError, "lam must be"),
    "steps-to-interval-lam-nan": (lambda: one_d_exact.steps_to_interval(1.0, 2.0, np.nan),
                                  ValueError, "lam must be"),
    "steps-to-interval-x0-text": (lambda: one_d_exact.steps_to_interval("a", 2.0, 0.1), TypeError,
                                  "x0"),
    "regime-lam-zero": (lambda: one_d_exact.regime(0.0), ValueError, "lam must be"),
    "lemma1-threshold-mu-negative": (lambda: larscheck.lemma1_threshold(-1.0, 2.0),
                                     ValueError, "mu"),
    "lemma1-threshold-variant": (lambda: larscheck.lemma1_threshold(1.0, 2.0, "loose"),
                                 ValueError, "variant"),
    "theorem1-D-L-below-mu": (lambda: larscheck.theorem1_D(0.1, larscheck.ProblemConstants(
        mu=2.0, L=1.0, xstar_norm=1.0, dist0=1.0)), ValueError, "mu must be <= L"),
    # the sweep (issue 18: workers=0 meant all cores; a dict spec raised AttributeError)
    "run-sweep-workers-zero": (lambda: run_sweep(SPEC, "never.jsonl", workers=0), ValueError,
                               "workers must be an integer >= 1"),
    "run-sweep-workers-negative": (lambda: run_sweep(SPEC, "never.jsonl", workers=-2),
                                   ValueError, "workers must be"),
    "run-sweep-workers-text": (lambda: run_sweep(SPEC, "never.jsonl", workers="2"), TypeError,
                               "workers must be"),
    "run-sweep-dict-spec": (lambda: run_sweep({"kappa": [1.0]}, "never.jsonl"), TypeError,
                            "spec must be a SweepSpec"),
    "spec-kappa-below-one": (lambda: spec_from_mapping({"kappa": [0.5]}), ValueError,
                             "kappa"),
    "spec-unknown-key": (lambda: spec_from_mapping({"kapa": [1]}), ValueError, "kapa"),
    "spec-steps-zero": (lambda: spec_from_mapping({"steps": [0]}), ValueError, "steps"),
    "spec-batch-text": (lambda: spec_from_mapping({"batch": "a"}), ValueError, "batch"),
    # verify (issue 18: seed=-1 ran while the CLI refused it)
    "verify-seed-negative": (lambda: larscheck.verify(["lemma1"], seed=-1), ValueError,
                             "seed must be an integer >= 0"),
    "verify-seed-fraction": (lambda: larscheck.verify(["lemma1"], seed=0.5), ValueError,
                             "seed must be an integer"),
    "verify-seed-text": (lambda: larscheck.verify(["lemma1"], seed="0"), TypeError,
                         "seed must be an integer"),
    "verify-unknown-id": (lambda: larscheck.verify(["nope"], quick=True), ValueError, "nope"),
    # strategies (issue 18: Hypothesis internals or an unrelated TypeError)
    "strategy-unit-vectors-zero": (lambda: lst.unit_vectors(0), ValueError,
                                   "dim must be an integer >= 1"),
    "strategy-unit-vectors-text": (lambda: lst.unit_vectors("3"), TypeError, "dim must be"),
    "strategy-spectra-dim-negative": (lambda: lst.spectra(-1), ValueError, "dim must be"),
    "strategy-spectra-mu-negative": (lambda: lst.spectra(2, mu=-1.0), ValueError,
                                     "mu must be > 0"),
    "strategy-spectra-kappa-below-one": (lambda: lst.spectra(2, kappa=0.5), ValueError,
                                         "kappa must be >= 1"),
    "strategy-spectra-shape": (lambda: lst.spectra(2, shapes=["flat"]), ValueError,
                               "shapes: unknown ['flat']"),
    "strategy-spectra-shapes-str": (lambda: lst.spectra(2, shapes="uniform"), TypeError,
                                    "shapes must be a non-empty sequence"),
    "strategy-quadratics-dim-zero": (lambda: lst.quadratics(dim=0), ValueError, "dim must be"),
    "strategy-quadratics-norm-zero": (lambda: lst.quadratics(xstar_norm=0.0), ValueError,
                                      "xstar_norm must be > 0"),
    "strategy-quadratics-rotate-int": (lambda: lst.quadratics(rotate=1), TypeError,
                                       "rotate must be a bool"),
    "strategy-quadratics-mu-nan": (lambda: lst.quadratics(mu=np.nan), ValueError,
                                   "mu must be finite"),
    "strategy-starts-not-problem": (lambda: lst.starts(None), TypeError,
                                    "problem must be a larscheck Problem"),
    "strategy-starts-kind": (lambda: lst.starts(Q, kinds=["inside"]), ValueError,
                             "kinds: unknown ['inside']"),
    "strategy-starts-distance": (lambda: lst.starts(Q, distance=-1.0), ValueError,
                                 "distance must be > 0"),
    "strategy-rates-threshold-text": (lambda: lst.rates("a"), TypeError,
                                      "threshold must be a real number"),
    "strategy-rates-threshold-zero": (lambda: lst.rates(0.0), ValueError,
                                      "threshold must be > 0"),
    "strategy-rates-lo-above-hi": (lambda: lst.rates(1.0, lo=0.5, hi=0.1), ValueError,
                                   "0 < lo <= hi <= 1"),
    "strategy-rates-hi-above-one": (lambda: lst.rates(1.0, hi=2.0), ValueError,
                                    "0 < lo <= hi <= 1"),
    "strategy-log-uniform-order": (lambda: lst.log_uniform(2.0, 1.0), ValueError,
                                   "lo <= hi"),
    "strategy-log-uniform-zero": (lambda: lst.log_uniform(0.0, 1.0), ValueError,
                                  "lo must be > 0"),
    "strategy-log-uniform-inf": (lambda: lst.log_uniform(1.0, np.inf), ValueError,
                                 "hi must be finite"),
    "strategy-convex-atoms-zero": (lambda: lst.convex_functions(atoms=0), ValueError,
                                   "atoms must be an integer >= 1"),
    "strategy-convex-mu-negative": (lambda: lst.convex_functions(mu=-1.0), ValueError,
                                    "mu must be >= 0"),
    "strategy-convex-kind": (lambda: lst.convex_functions(kinds=["sine"]), ValueError,
                             "kinds: unknown ['sine']"),
    "strategy-convex-weights": (lambda: lst.convex_functions(weights=[1.0]), TypeError,
                                "weights must be a strategy"),
}


def test_enough_cases():
    assert len(CASES) >= 100


@pytest.mark.parametrize("name", sorted(CASES))
def test_bad_call_is_refused_naming_the_argument(name):
    call, exc, needle = CASES[name]
    with pytest.raises(exc) as info:
        call()
    assert needle in str(info.value), str(info.value)
    assert len(str(info.value).splitlines()) == 1


def test_a_refused_sweep_writes_nothing(tmp_path):
    for workers in (0, -1):
        with pytest.raises(ValueError):
            run_sweep(SPEC, tmp_path / "r.jsonl", workers=workers)
    assert not (tmp_path / "r.jsonl").exists()


@given(st.one_of(st.floats(allow_nan=True, allow_infinity=True).filter(
    lambda v: not (np.isfinite(v) and v >= 0 and v == int(v))),
    st.integers(max_value=-1), st.text(max_size=3), st.none()))
def test_steps_that_are_not_counts_are_named(steps):
    with pytest.raises((TypeError, ValueError), match="steps must be an integer"):
        simulate(Q, LARS(), X0, steps, 0.1)


@settings(max_examples=20)
@given(st.floats(max_value=0.0, exclude_max=False) | st.just(float("nan")))
def test_nonpositive_rates_are_refused_by_keras_lars(lr):
    keras_lars = pytest.importorskip("larscheck.sims.keras.lars")
    with pytest.raises(ValueError, match="learning_rate must be"):
        keras_lars.LARS(learning_rate=lr)


def test_keras_lars_rate_cases():
    keras_lars = pytest.importorskip("larscheck.sims.keras.lars")
    for bad, exc in ((-1.0, ValueError), (0.0, ValueError), (float("nan"), ValueError),
                     (float("inf"), ValueError), ("fast", TypeError)):
        with pytest.raises(exc, match="learning_rate"):
            keras_lars.LARS(learning_rate=bad)
    assert keras_lars.LARS(learning_rate=0.5).learning_rate.numpy() == pytest.approx(0.5)

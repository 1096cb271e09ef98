"""The 3.3 recursion: closed form vs exact iteration, vs hand forms, and vs real LARS runs."""

from fractions import Fraction

import numpy as np
import pytest
import sympy as sp
from hypothesis import example, given
from hypothesis import strategies as st

from larscheck.sims import LARS, Quadratic, simulate
from larscheck.theory import recursion as r
from larscheck.theory.formulas import D, L, M, delta, eps, gap0, k, lam

#: closed form (exp/log1p) vs exact rational iteration: a few dozen float operations.
CLOSED_FORM_RTOL = 1e-12
#: f(x_k) - f* of a float64 LARS run vs its bound: rounding of f near f* (~ulp of f(x0)).
GAP_ATOL_FACTOR = 1e-12

B = r.B


def test_solution_equals_hand_form():
    hand = B * lam + (1 - lam * delta / D) ** k * (gap0 - B * lam)
    # In the geometric regime q = 1 - lambda delta/D is in (0, 1): write lambda through a
    # positive q so that SymPy may use exp(k log q) = q^k.
    q = sp.Symbol("q", positive=True)
    on_q = {lam: (1 - q) * D / delta}
    shown = r.SOLUTION.expr.rewrite(sp.log).subs(on_q)
    assert sp.simplify(shown - hand.subs(on_q)) == 0


def test_floor_is_theorem2_B_times_lambda():
    floor_from_recursion = (L * M**2 * lam**2 / 2) / (lam * delta / D)
    assert sp.simplify(r.FLOOR.expr.subs(B, L * D * M**2 / (2 * delta)) - floor_from_recursion) == 0


def test_ratio_to_corollary():
    x = r.ratio_x
    assert sp.simplify(r.RATIO_TO_COROLLARY.expr - x * sp.log(2 / x - 1) / 2) == 0
    assert r.RATIO_LIMIT == 0
    grid = np.linspace(1e-9, 1.0, 10_001)
    assert np.all(r.RATIO_TO_COROLLARY(grid) < 1.0)


@given(num=st.integers(1, 99), e0=st.integers(1, 10**4), bb=st.integers(1, 10**3),
       dd=st.integers(1, 50), dl=st.integers(1, 50), kk=st.integers(0, 60))
@example(num=50, e0=7, bb=3, dd=1, dl=2, kk=0)  # q = 0 exactly: e0 at k = 0 (was NaN)
@example(num=99, e0=7, bb=3, dd=1, dl=50, kk=3)  # q < 0
def test_solution_matches_exact_iteration(num, e0, bb, dd, dl, kk):
    """Every regime: q in (0, 1) and q = 0 iterate ``u <- q u + b``; for q < 0 the bound
    is ``e0`` then the one-step bound ``b`` (``q u <= 0``), with no floating-point warning
    (they are errors under pytest)."""
    lam_ = Fraction(num, 100)
    q, b = 1 - lam_ * dl / dd, Fraction(bb) * lam_ * (lam_ * dl / dd)
    u = Fraction(e0)
    if q >= 0:
        for _ in range(kk):
            u = q * u + b
    elif kk > 0:
        u = b
    got = r.recursion_bound(kk, float(lam_), dl, dd, e0, bb)
    assert float(got) == pytest.approx(float(u), rel=CLOSED_FORM_RTOL)


@given(eps_=st.floats(1.0, 1e3), lam_=st.floats(1e-3, 0.5), e0=st.floats(1.0, 1e5))
def test_steps_is_the_first_k_below_eps(eps_, lam_, e0):
    dl, dd, bb = 0.5, 10.0, 5.0
    n = float(r.recursion_steps(eps_, lam_, dl, dd, e0, bb))
    if e0 <= eps_:
        assert n == 0
    elif eps_ <= bb * lam_:
        assert np.isinf(n)
    else:
        assert r.recursion_bound(n, lam_, dl, dd, e0, bb) <= eps_ * (1 + CLOSED_FORM_RTOL)
        assert r.recursion_bound(n - 1, lam_, dl, dd, e0, bb) > eps_ * (1 - CLOSED_FORM_RTOL)


def test_lars_runs_obey_the_recursion():
    """Every iterate of real LARS runs is below the closed form with measured D, delta, M."""
    prob = Quadratic(np.array([[1.0, 4.0], [0.5, 20.0], [2.0, 2.5]]),
                     np.array([[3.0, -1.0], [-2.0, 2.0], [1.0, 1.0]]))
    x0 = np.array([[40.0, 25.0], [-30.0, 60.0], [5.0, -70.0]])
    lam_ = 0.05
    traj = simulate(prob, LARS(), x0, 400, lam_, record_path=True)
    path = traj.path  # (steps + 1, B, n)
    gaps = np.stack([prob.value(x) for x in path])
    d = np.linalg.norm(path - prob.xstar, axis=2).max(axis=0)
    dl = np.linalg.norm(path, axis=2).min(axis=0)
    m = np.linalg.norm(path, axis=2).max(axis=0)
    bb = prob.L * d * m**2 / (2 * dl)
    steps = np.arange(path.shape[0])[:, None]
    bound = r.recursion_bound(steps, lam_, dl, d, gaps[0], bb)
    assert np.all(gaps <= bound + GAP_ATOL_FACTOR * gaps[0])


def test_bad_input():
    with pytest.raises(ValueError, match="lam"):
        r.recursion_bound(1, -0.1, 1, 1, 1, 1)
    with pytest.raises(ValueError, match="eps"):
        r.recursion_steps(0.0, 0.1, 1, 1, 1, 1)


@pytest.mark.parametrize("formula", [r.SOLUTION, r.STEPS, r.STEPS_HALF, r.RATIO_TO_COROLLARY],
                         ids=lambda f: f.name)
def test_lambdified_matches_evalf(formula):
    rng = np.random.default_rng(5)
    for _ in range(5):
        # eps between the floor B lambda and e0 so the logarithms are real.
        point = {lam: 0.01, B: 10.0, gap0: 50.0, eps: float(rng.uniform(0.2, 40)),
                 delta: float(rng.uniform(0.1, 1)), D: float(rng.uniform(2, 20)),
                 k: int(rng.integers(0, 100)), r.ratio_x: float(rng.uniform(0.01, 1))}
        args = [point[s] for s in formula.args]
        expected = float(formula.expr.subs(dict(zip(formula.args, args, strict=True))).evalf(30))
        assert float(formula(*args)) == pytest.approx(expected, rel=1e-12)

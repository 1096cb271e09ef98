"""n-D bounds: SymPy results vs hand derivations; numerics vs evalf and brute force."""

from fractions import Fraction

import numpy as np
import pytest
import sympy as sp
from hypothesis import given
from hypothesis import strategies as st

from larscheck.sims import (
    LARS,
    Blocks,
    InverseDecay,
    PolynomialDecay,
    Quadratic,
    random_quadratics,
    simulate,
)
from larscheck.sims.problems import random_directions
from larscheck.theory import bounds as b
from larscheck.theory.formulas import L, c, eps, k, lam, mu, xstar_norm

#: Relative slack for float64 comparisons of a few arithmetic operations (~100 ulp).
FLOAT_RTOL = 1e-13
#: The issue's attainment tolerance for the extremal quadratic.
ATTAIN_TOL = 1e-9

A, B = b.A_sym, b.B_sym


def consts(mu_, L_, xs, dist0=None, gap0=None, delta=None):
    """The ProblemConstants the bounds take (the order of the old positional arguments)."""
    return b.ProblemConstants(mu=mu_, L=L_, xstar_norm=xs, dist0=dist0, gap0=gap0, delta=delta)


#: ||x*|| = 2, dist0 = 20, gap0 = 80, delta = 0.3, mu = 1, L = 5.
P5 = consts(1.0, 5.0, 2.0, 20.0, 80.0, 0.3)

positive = st.floats(1e-3, 1e3)


def test_tight_cos_derived_equals_hand_form():
    assert sp.simplify(b.COS_TIGHT.expr - 2 * sp.sqrt(mu * L) / (mu + L)) == 0


def test_corollary_derivations_equal_hand_forms():
    assert sp.simplify(b.COROLLARY_LAMBDA.expr - sp.sqrt(A / (B * (k + 1)))) == 0
    assert sp.simplify(b.COROLLARY_BOUND.expr - 2 * sp.sqrt(A * B / (k + 1))) == 0
    assert sp.simplify(b.COROLLARY_STEPS.expr - 4 * A * B / eps**2) == 0
    assert sp.simplify(b.THEOREM2_STEPS.expr - A / (lam * (eps - B * lam))) == 0


def test_variants_substitute_the_cos_bound():
    paper = b.variant(b.LEMMA1_RADIUS, "paper")
    assert sp.simplify(paper.expr - lam * xstar_norm / (2 * mu / L - lam)) == 0
    assert c not in b.variant(b.LEMMA1_THRESHOLD, "tight").args
    with pytest.raises(ValueError, match="variant"):
        b.variant(b.LEMMA1_RADIUS, "loose")


def test_hand_values():
    # mu = 1, L = 10: paper c = 0.1; tight c = 2 sqrt(10)/11.
    c_tight = 2 * np.sqrt(10.0) / 11.0
    np.testing.assert_allclose(b.cos_lower_bound(1.0, 10.0), c_tight, rtol=FLOAT_RTOL)
    np.testing.assert_allclose(b.lemma1_threshold(1.0, 10.0, "paper"), 0.2, rtol=FLOAT_RTOL)
    np.testing.assert_allclose(b.lemma1_radius(0.1, consts(1.0, 10.0, 1.0), "paper"), 1.0,
                               rtol=FLOAT_RTOL)
    np.testing.assert_allclose(b.lemma1_radius(0.1, consts(1.0, 10.0, 2.0)),
                               0.2 / (2 * c_tight - 0.1), rtol=FLOAT_RTOL)
    # R = 1 (paper), D = max(10, 1 + 0.1 * (1 + 1)) = 10, M = 11, A = 10*50/0.5, B = 10*10*121/1.
    const = b.theorem2_constants(0.1, consts(1.0, 10.0, 1.0, 10.0, 50.0, 0.5), "paper")
    np.testing.assert_allclose([const.R, const.D, const.M, const.A, const.B],
                               [1.0, 10.0, 11.0, 1000.0, 12100.0], rtol=FLOAT_RTOL)
    np.testing.assert_allclose(b.theorem2_bound(9, 0.1, consts(1.0, 10.0, 1.0, 10.0, 50.0, 0.5),
                                                "paper"),
                               1000 / (0.1 * 10) + 12100 * 0.1, rtol=FLOAT_RTOL)
    # D from the second branch: x0 = x*, so D = R + lambda (R + |x*|) = 1 + 0.1 * 2.
    np.testing.assert_allclose(b.theorem1_D(0.1, consts(1.0, 10.0, 1.0, 0.0), "paper"), 1.2,
                               rtol=FLOAT_RTOL)


def test_unbounded_beyond_threshold_and_bad_input():
    r = b.lemma1_radius(np.array([0.19, 0.2, 0.5]), consts(1.0, 10.0, 1.0), "paper")
    assert np.isfinite(r[0]) and np.all(np.isinf(r[1:]))
    assert np.isinf(b.theorem2_bound(10, 0.3, consts(1.0, 10.0, 1.0, 1.0, 1.0, 1.0), "paper"))
    with pytest.raises(ValueError, match="mu must be <= L"):
        b.cos_lower_bound(2.0, 1.0)
    with pytest.raises(ValueError, match="lam"):
        b.lemma1_radius(-0.1, consts(1.0, 2.0, 1.0))
    with pytest.raises(ValueError, match="mu must be <= L"):
        consts(2.0, 1.0, 1.0)
    with pytest.raises(ValueError, match="delta must be finite and > 0"):
        consts(1.0, 2.0, 1.0, 1.0, 1.0, 0.0)
    with pytest.raises(ValueError, match="theorem1_D needs dist0"):
        b.theorem1_D(0.1, consts(1.0, 2.0, 1.0))
    with pytest.raises(ValueError, match="theorem2_constants needs gap0, delta"):
        b.theorem2_bound(3, 0.1, consts(1.0, 2.0, 1.0, 1.0))
    with pytest.raises(ValueError, match="schedule"):
        b.schedule_sums("cosine", lam=0.1)
    with pytest.raises(ValueError, match="total_steps"):
        b.schedule_sums("poly", lam0=0.1, total_steps=2.5, power=2)


@given(mu_=positive, ratio=st.floats(1.0, 1e6))
def test_tight_bound_dominates_paper(mu_, ratio):
    tight, paper = b.cos_lower_bound(mu_, mu_ * ratio), b.cos_lower_bound(mu_, mu_ * ratio, "paper")
    assert tight >= paper * (1 - FLOAT_RTOL)


def test_tight_cos_never_violated_by_random_quadratics():
    rng = np.random.default_rng(3)
    for shape in ("uniform", "two-point", "geometric"):
        for kappa in (1.5, 10.0, 1e4):
            prob = random_quadratics(rng, 400, 6, mu=1.0, L=kappa, shape=shape)
            x = prob.xstar + np.exp(rng.uniform(-3, 3, (400, 1))) * random_directions(rng, 400, 6)
            _, g = prob.value_and_grad(x)
            r = x - prob.xstar
            cos = np.sum(g * r, 1) / (np.linalg.norm(g, axis=1) * np.linalg.norm(r, axis=1))
            bound = b.cos_lower_bound(prob.mu, prob.L)
            assert np.all(cos >= bound * (1 - FLOAT_RTOL))
            assert np.all(bound >= b.cos_lower_bound(prob.mu, prob.L, "paper"))


@given(mu_=positive, ratio=st.floats(1.0, 1e4), scale=st.floats(1e-3, 1e3))
def test_tight_cos_attained_by_extremal_quadratic(mu_, ratio, scale):
    eigs, direction = b.tight_cos_witness(mu_, mu_ * ratio)
    prob = Quadratic(eigs, np.array([1.0, -2.0]))
    _, g = prob.value_and_grad(prob.xstar + scale * direction)
    cos = g[0] @ direction / np.linalg.norm(g[0])
    assert abs(cos - b.cos_lower_bound(mu_, mu_ * ratio)) <= ATTAIN_TOL


@given(mu_=st.floats(0.1, 10), ratio=st.floats(1.0, 100), frac=st.floats(0.01, 0.99),
       xs=st.floats(0.1, 10), beyond=st.floats(1.0001, 100), seed=st.integers(0, 2**32 - 1))
def test_points_beyond_lemma1_radius_step_closer(mu_, ratio, frac, xs, beyond, seed):
    """A LARS step from any point farther than R from x* decreases the distance (3.2)."""
    rng = np.random.default_rng(seed)
    prob = random_quadratics(rng, 32, 4, mu=mu_, L=mu_ * ratio, shape="two-point", xstar_norm=xs)
    lam_ = frac * b.lemma1_threshold(mu_, mu_ * ratio)
    radius = float(b.lemma1_radius(lam_, consts(mu_, mu_ * ratio, xs)))
    x = prob.xstar + beyond * radius * random_directions(rng, 32, 4)
    before = np.linalg.norm(x - prob.xstar, axis=1)
    rule, blocks = LARS(), Blocks(4)
    _, g = prob.value_and_grad(x)
    rule.apply(x, g, lam_, rule.init(x, blocks), blocks)
    assert np.all(np.linalg.norm(x - prob.xstar, axis=1) < before)


def _brute_sums(rates):
    """Exact prefix sums of a list of Fractions."""
    s1 = s2 = Fraction(0)
    out = []
    for r in rates:
        s1, s2 = s1 + r, s2 + r * r
        out.append((s1, s2))
    return out


@pytest.mark.parametrize("p", [1, 2, 3])
def test_poly_sums_exact_against_fractions(p):
    big_t, l0 = 12, Fraction(1, 10)
    s1, s2 = b.schedule_sums("poly", lam0=0.1, total_steps=big_t, power=p)
    rates = [l0 * (1 - Fraction(i, big_t)) ** p if i < big_t else Fraction(0) for i in range(20)]
    for kk, (e1, e2) in enumerate(_brute_sums(rates)):
        assert s1.expr.subs(k, kk) == sp.Rational(e1.numerator, e1.denominator)
        assert s2.expr.subs(k, kk) == sp.Rational(e2.numerator, e2.denominator)


def test_inverse_sums_exact_against_fractions():
    s1, s2 = b.schedule_sums("inverse", a=0.5, power=1)
    rates = [Fraction(1, 2) / (i + 1) for i in range(15)]
    for kk, (e1, e2) in enumerate(_brute_sums(rates)):
        assert s1.expr.subs(k, kk).doit() == sp.Rational(e1.numerator, e1.denominator)
        assert s2.expr.subs(k, kk).doit() == sp.Rational(e2.numerator, e2.denominator)


@pytest.mark.parametrize("schedule, params, rate", [
    ("poly", dict(lam0=0.3, total_steps=50, power=1.5),
     lambda i: 0.3 * np.clip(1 - i / 50, 0, 1) ** 1.5),
    ("inverse", dict(a=0.2, power=0.75), lambda i: 0.2 / (i + 1) ** 0.75),
    ("inverse", dict(a=0.2, power=1), lambda i: 0.2 / (i + 1)),
    ("constant", dict(lam=0.05), lambda i: np.full(i.shape, 0.05)),
])
def test_schedule_sums_numeric_against_cumsum(schedule, params, rate):
    """Non-integer powers go through harmonic numbers; float cumsum is accurate to ~k ulp."""
    s1, s2 = b.schedule_sums(schedule, **params)
    i = np.arange(400)
    lam_i = rate(i)
    at = i[::9]  # the harmonic-number forms cost ~1 ms a point (mpmath)
    np.testing.assert_allclose(s1(at), np.cumsum(lam_i)[at], rtol=1e-12)
    np.testing.assert_allclose(s2(at), np.cumsum(lam_i**2)[at], rtol=1e-12)


def test_theorem3_constant_schedule_equals_theorem2():
    kk = np.array([0, 9, 999])
    t3 = b.theorem3_bound(kk, "constant", dict(lam=0.05), P5)
    t2 = b.theorem2_bound(kk, 0.05, P5)
    np.testing.assert_allclose(t3, t2, rtol=FLOAT_RTOL)


def test_theorem3_defaults_match_the_simulator_schedules():
    """``power`` defaults to PolynomialDecay's 2 and InverseDecay's 1; the rest is required."""
    args = (P5,)
    for kind, given_params, default in (("poly", dict(lam0=0.05, total_steps=50), 2),
                                        ("inverse", dict(a=0.05), 1)):
        assert PolynomialDecay(0.05, 50).power == 2 and InverseDecay(0.05).power == 1
        np.testing.assert_array_equal(
            b.theorem3_bound(30, kind, given_params, *args),
            b.theorem3_bound(30, kind, {**given_params, "power": default}, *args))
    with pytest.raises(TypeError, match="needs total_steps"):
        b.theorem3_bound(30, "poly", dict(lam0=0.05), *args)


def test_no_bound_beyond_the_threshold_is_inf_even_from_the_minimiser():
    """lambda >= 2c: inf, not NaN, also when f(x0) = f* (A = D e0 / delta with D = inf)."""
    thr = float(b.lemma1_threshold(1.0, 5.0))
    for gap0 in (0.0, 3.0):
        problem = consts(1.0, 5.0, 2.0, 20.0, gap0, 0.3)
        assert b.theorem2_bound(4, 1.01 * thr, problem) == np.inf
        assert b.theorem2_bound(4, 1.01 * thr, problem, form="grad") == np.inf
    assert np.isfinite(b.theorem2_bound(4, 0.5 * thr, consts(1.0, 5.0, 2.0, 20.0, 0.0, 0.3)))


def test_corollary_rejects_negative_steps():
    with pytest.raises(ValueError, match="k must be >= 0"):
        b.corollary21(-2, P5, 0.05)


FORMULAS = [b.COS_PAPER, b.COS_TIGHT, b.LEMMA1_RADIUS, b.THEOREM1_ESCAPE, b.THEOREM1_D,
            b.THEOREM2_M, b.THEOREM2_A, b.THEOREM2_B, b.THEOREM2_GAP, b.THEOREM2_GRAD,
            b.THEOREM2_STEPS, b.COROLLARY_LAMBDA,
            b.COROLLARY_BOUND, b.COROLLARY_STEPS, b.THEOREM3_GAP,
            *b.schedule_sums("inverse", a=0.3, power=0.6)]


@pytest.mark.parametrize("formula", FORMULAS, ids=lambda f: f.name)
def test_lambdified_matches_evalf(formula):
    rng = np.random.default_rng(11)
    for _ in range(5):
        point = {s: (int(rng.integers(0, 50)) if s.is_integer else float(rng.uniform(0.01, 0.4)))
                 for s in formula.args}
        expected = float(formula.expr.subs(point).evalf(30))
        got = float(formula(*(point[s] for s in formula.args)))
        assert got == pytest.approx(expected, rel=1e-12)


@pytest.mark.parametrize("variant", b.VARIANTS)
def test_lars_runs_stay_within_theorem1_D(variant):
    """sup_k ||x_k - x*|| <= D on random two-point quadratics at 0.9 of the threshold."""
    rng = np.random.default_rng(17)
    prob = random_quadratics(rng, 100, 5, mu=1.0, L=10.0, shape="two-point",
                             xstar_norm=(0.1, 10.0))
    lam_ = 0.9 * float(b.lemma1_threshold(1.0, 10.0, variant))
    x0 = prob.xstar + np.exp(rng.uniform(-3, 4, (100, 1))) * random_directions(rng, 100, 5)
    traj = simulate(prob, LARS(), x0, 500, lam_)
    d = b.theorem1_D(lam_, consts(prob.mu, prob.L, np.linalg.norm(prob.xstar, axis=1),
                                  np.linalg.norm(x0 - prob.xstar, axis=1)), variant)
    assert not traj.diverged.any()
    assert np.all(traj.max_dist <= d * (1 + FLOAT_RTOL))


def test_problem_constants_broadcast_like_the_old_arguments():
    """Scalar and array fields broadcast against each other and against the rate and step."""
    xs = np.array([0.5, 1.0, 2.0])
    columns = consts(1.0, np.array([[2.0], [10.0]]), xs, 3.0, 4.0, 0.25)  # (2, 1) x (3,)
    got = b.theorem2_bound(np.array([0, 5, 50])[:, None, None], 0.05, columns)
    assert got.shape == (3, 2, 3)
    for i, L_ in enumerate((2.0, 10.0)):
        for j, x in enumerate(xs):
            one = b.theorem2_bound(5, 0.05, consts(1.0, L_, x, 3.0, 4.0, 0.25))
            np.testing.assert_array_equal(got[1, i, j], one)
    assert b.ProblemConstants.of({"mu": 1.0, "L": 2.0, "xstar_norm": 1.0, "kappa": 2.0},
                                 delta=0.5).delta == 0.5

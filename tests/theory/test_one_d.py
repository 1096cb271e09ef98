"""1-D theory: derived formulas against exact brute-force iteration of 1.1 and hand forms.

Floating point. Whether ``x_k`` lies in a closed interval is decided at its
ends by ties such as ``x0 (1-lambda)^j = (1+lambda) x*``; float64 rounds both
sides differently, so brute-force comparisons use exact rationals
(:class:`fractions.Fraction`) for the inputs, the iteration and the interval
ends. The float closed forms are then checked to agree with the exact count
except within a named distance of such ties, where they may be off by one.
"""

import math
from fractions import Fraction

import numpy as np
import pytest
import sympy as sp
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from larscheck.theory import one_d as o
from larscheck.theory import one_d_exact as ox
from larscheck.theory import one_d_proofs as op
from larscheck.theory.formulas import eps, k, lam

X0, XS = o.x0, o.xs
#: Hard cap of exact brute-force steps (keeps rational numbers small and tests fast).
MAX_BRUTE = 600
#: Float closed forms may be off by one when the real-valued count is this close to an integer.
TIE_DISTANCE = 1e-9


def step(x: Fraction, xs: Fraction, lam_: Fraction) -> Fraction:
    """One exact LARS step of 1.1: ``x - lambda |x| sign(x - x*)``."""
    s = (x > xs) - (x < xs)
    return x - lam_ * abs(x) * s


def target(xs: Fraction, lam_: Fraction) -> list[tuple[Fraction, Fraction]]:
    """The attracting set by its definition (x* > 0), ends exact; mirrored for x* < 0."""
    m, sgn = abs(xs), (1 if xs > 0 else -1)
    if lam_ < 1:
        pieces = [((1 - lam_) * m, (1 + lam_) * m)]
    elif lam_ == 1:
        pieces = [(Fraction(0), Fraction(0)), (m, m)]
    else:
        pieces = [((lam_ - 1) ** 2 * m, (1 + lam_) * m), (-(lam_**2 - 1) * m, -(lam_ - 1) * m)]
    return [tuple(sorted((sgn * a, sgn * b))) for a, b in pieces]


def brute_steps(x0: Fraction, xs: Fraction, lam_: Fraction, cap: int = MAX_BRUTE):
    """First k with x_k in the target set, by exact iteration; None if not within cap."""
    pieces = target(xs, lam_)
    x = x0
    for j in range(cap + 1):
        if any(a <= x <= b for a, b in pieces):
            return j
        x = step(x, xs, lam_)
    return None


rates = st.integers(1, 999).map(lambda n: Fraction(n, 1000))
ratios = st.tuples(st.integers(1, 10**4), st.integers(1, 10**4)).map(lambda t: Fraction(*t))
scales = st.sampled_from([Fraction(1, 10**12), Fraction(3, 7), Fraction(1), Fraction(10**12)])
signs = st.sampled_from([1, -1])


def _bounded(x0, xs, lam_):
    """Keep exact brute force within MAX_BRUTE: steps ~ |ln(x0/x*)| / lambda."""
    assume(abs(math.log(abs(x0 / xs))) / float(lam_) < MAX_BRUTE / 2)


@settings(max_examples=80)
@given(lam_=rates, ratio=ratios, scale=scales, s0=signs, s1=signs)
def test_contracting_steps_equal_exact_brute_force(lam_, ratio, scale, s0, s1):
    xs = s1 * scale
    x0 = s0 * ratio * scale
    _bounded(x0, xs, lam_)
    expected = brute_steps(x0, xs, lam_)
    got = ox.steps_to_interval(x0, xs, lam_, exact=True)
    if x0 * xs < 0:  # 1.8: opposite signs never reach I
        assert expected is None and math.isinf(got)
    else:
        assert got == expected


@settings(max_examples=60)
@given(n=st.integers(1001, 1999), ratio=ratios, s0=signs, s1=signs)
def test_sign_flipping_steps_equal_exact_brute_force(n, ratio, s0, s1):
    lam_ = Fraction(n, 1000)
    xs, x0 = Fraction(s1), s0 * ratio
    assume(abs(math.log(ratio)) / -math.log(float(lam_ - 1)) < 400)
    assert ox.steps_to_interval(x0, xs, lam_, exact=True) == brute_steps(x0, xs, lam_)


@given(ratio=ratios, s0=signs)
def test_collapse_steps_equal_exact_brute_force(ratio, s0):
    x0 = s0 * ratio
    assert ox.steps_to_interval(x0, Fraction(1), Fraction(1), exact=True) == \
        brute_steps(x0, Fraction(1), Fraction(1))


@given(lam_=rates, j=st.integers(0, 40), s1=signs)
def test_boundary_starts(lam_, j, s1):
    """Starts on the interval ends after exactly j steps; exact hits after exactly j steps."""
    xs = Fraction(s1 * 3)
    hi_start = (1 + lam_) * xs / (1 - lam_) ** j  # from above, lands on (1+lambda) x*
    lo_start = (1 - lam_) * xs / (1 + lam_) ** j  # from below, lands on (1-lambda) x*
    assert ox.steps_to_interval(hi_start, xs, lam_, exact=True) == j == brute_steps(hi_start, xs,
                                                                                   lam_)
    assert ox.steps_to_interval(lo_start, xs, lam_, exact=True) == j == brute_steps(lo_start, xs,
                                                                                   lam_)
    for start, ratio in ((xs / (1 - lam_) ** j, 1 - lam_), (xs / (1 + lam_) ** j, 1 + lam_)):
        x = start
        for _ in range(j):
            x = step(x, xs, lam_)
        assert x == xs and step(x, xs, lam_) == xs  # hit, then the step is 0
        assert start * ratio**j == xs
    below, above = ox.exact_hit_points(float(xs), float(lam_))
    assert below == pytest.approx(float(xs / (1 + lam_)), rel=1e-15)
    assert above == pytest.approx(float(xs / (1 - lam_)), rel=1e-15)


@settings(max_examples=40)
@given(lam_=rates, ratio=ratios)
def test_sympy_exact_evaluation_equals_brute_force(lam_, ratio):
    """The derived expressions themselves, evaluated exactly by SymPy at rational points."""
    xs = Fraction(1)
    _bounded(ratio, xs, lam_)
    expected = brute_steps(ratio, xs, lam_)
    point = {X0: sp.Rational(ratio.numerator, ratio.denominator), XS: 1,
             lam: sp.Rational(lam_.numerator, lam_.denominator)}
    if ratio > 1 + lam_:
        assert int(o.STEPS_FROM_ABOVE.expr.subs(point)) == expected
    elif ratio < 1 - lam_:
        assert int(o.STEPS_FROM_BELOW.expr.subs(point)) == expected
    else:
        assert expected == 0


@given(lam_=rates, ratio=ratios, s0=signs)
def test_float_formula_agrees_except_near_ties(lam_, ratio, s0):
    x0 = float(s0 * ratio)
    _bounded(Fraction(x0), Fraction(1), lam_)
    exact = ox.steps_to_interval(Fraction(x0), Fraction(1), Fraction(float(lam_)), exact=True)
    approx = ox.steps_to_interval(x0, 1.0, float(lam_))
    if math.isinf(exact):
        assert math.isinf(approx)
        return
    assert abs(approx - exact) <= 1
    lf = float(lam_)
    raw = (math.log(x0 / (1 + lf)) / -math.log1p(-lf) if x0 > 1 + lf
           else math.log((1 - lf) / x0) / math.log1p(lf) if 0 < x0 < 1 - lf else 0.0)
    if abs(raw - round(raw)) > TIE_DISTANCE:
        assert approx == exact


def test_float_path_is_vectorised():
    x0 = np.array([[50.0, -50.0, 0.0], [1.0, 0.95, 0.01]])
    got = ox.steps_to_interval(x0, 1.0, 0.1)
    assert got.shape == (2, 3)
    assert got[0, 0] == 37 and np.isinf(got[0, 1]) and np.isinf(got[0, 2]) and got[1, 0] == 0


# ---------------------------------------------------------------- derivations vs hand forms

def _same(a, b) -> bool:
    """``simplify(a - b) == 0`` after factoring inside logs and splitting them.

    ``force=True`` splits ``log((lambda-1)^2)`` into ``2 log(lambda-1)``; that is valid
    because every log argument is positive in the regime its formula belongs to (the
    sign-flipping formulas have ``lambda > 1``)."""
    diff = (a - b).replace(sp.log, lambda arg: sp.log(sp.factor(arg)))
    return sp.simplify(sp.expand_log(diff, force=True)) == 0


def test_derivations_equal_hand_forms():
    assert _same(o.ITERATE_DOWN.expr, X0 * (1 - lam) ** k)
    assert _same(o.ITERATE_UP.expr, X0 * (1 + lam) ** k)
    assert _same(o.STEPS_FROM_ABOVE.expr.args[0], sp.log(X0 / ((1 + lam) * XS)) / -sp.log(1 - lam))
    assert _same(o.STEPS_FROM_BELOW.expr.args[0], sp.log((1 - lam) * XS / X0) / sp.log(1 + lam))
    assert _same(o.HIT_FROM_BELOW.expr, XS / (1 + lam))
    assert _same(o.HIT_FROM_ABOVE.expr, XS / (1 - lam))
    assert _same(o.DEVIATION.expr, lam * XS)
    assert _same(o.EPS_LAMBDA.expr, eps / XS)
    assert _same(o.EPS_STEPS_LEADING, XS * sp.log(X0 / XS))
    assert _same(o.EPS_F_STEPS_LEADING, XS * sp.sqrt(o.a_curv) * sp.log(X0 / XS))
    assert _same(o.EPS_F_LAMBDA.expr, sp.sqrt(o.eps_f / o.a_curv) / XS)
    assert o.ORIGIN_LIMIT == 0
    assert _same(o.COLLAPSE_DOUBLINGS.expr.args[0], sp.log(XS / X0) / sp.log(2))
    assert _same(o.SF_POS_LO.expr, (lam - 1) ** 2 * XS)
    assert _same(o.SF_NEG_LO.expr, -(lam**2 - 1) * XS)
    assert _same(o.SF_NEG_HI.expr, -(lam - 1) * XS)
    assert _same(o.SF_DEVIATION.expr, lam**2 * XS)
    (half,) = (o.SF_STEPS_FROM_ABOVE.expr / 2).args  # 2 ceiling(q) / 2 = ceiling(q)
    assert _same(half, sp.log(X0 / ((1 + lam) * XS)) / -sp.log((lam - 1) ** 2))
    assert _same(o.DIVERGENCE_RATE.expr, lam - 1)


FORMULAS = [v for v in vars(o).values() if isinstance(v, o.Formula)]


@pytest.mark.parametrize("formula", FORMULAS, ids=lambda f: f.name)
def test_lambdified_matches_evalf(formula):
    rng = np.random.default_rng(7)
    for _ in range(5):
        # lambda in (1.05, 1.95) where the sign-flipping formulas live, else in (0.05, 0.95).
        lam_ = rng.uniform(1.05, 1.95) if "sf_" in formula.name or "divergence" in formula.name \
            else rng.uniform(0.05, 0.95)
        point = {lam: lam_, X0: rng.uniform(0.01, 100), XS: rng.uniform(0.5, 2),
                 eps: rng.uniform(1e-3, 0.4), k: int(rng.integers(0, 60)),
                 o.a_curv: rng.uniform(0.1, 10), o.eps_f: rng.uniform(1e-4, 0.1)}
        args = [point[s] for s in formula.args]
        expected = formula.expr.subs(dict(zip(formula.args, args, strict=True))).evalf(40)
        assert float(formula(*args)) == pytest.approx(float(expected), rel=1e-12, abs=1e-300)


# ---------------------------------------------------------------- invariance proofs

@pytest.mark.parametrize("set_name, assumptions", [
    ("narrow", "contracting"), ("wide", "contracting"), ("sign-flipping", "sign-flipping")])
def test_invariance_proved_under_assumptions(set_name, assumptions):
    proof = op.prove_invariance(set_name, assumptions)
    assert proof and proof.check()
    assert proof.sample(np.random.default_rng(0))


@pytest.mark.parametrize("set_name, assumptions, lam_value", [
    ("narrow", "contracting", 1.5), ("wide", "contracting", 1.5),
    ("narrow", "lambda > 0", None), ("sign-flipping", "sign-flipping", 0.5),
    ("sign-flipping", "sign-flipping", 2.5)])
def test_invariance_fails_when_an_assumption_is_dropped(set_name, assumptions, lam_value):
    proof = op.prove_invariance(set_name, assumptions, lam_value)
    assert not proof and not proof.check() and proof.failed()


def test_dropped_assumption_is_really_false():
    """lambda = 1.5: I is not invariant; a point of I leaves it (exact iteration)."""
    lam_, xs = Fraction(3, 2), Fraction(1)
    lo, hi = (1 - lam_) * xs, (1 + lam_) * xs
    assert not lo <= step(hi, xs, lam_) <= hi  # (1 - 1.5) 2.5 = -1.25 < -0.5
    assert not op.prove_invariance("narrow", lam_value=1.5).sample(np.random.default_rng(1))


def test_no_skip_proved():
    proof = op.prove_no_skip()
    assert proof and proof.check() and proof.sample(np.random.default_rng(2))


def test_bad_proof_arguments():
    with pytest.raises(ValueError, match="set_name"):
        op.prove_invariance("tiny")
    with pytest.raises(ValueError, match="assumptions"):
        op.prove_invariance("narrow", "none")


# ---------------------------------------------------------------- regimes, by exact iteration

@given(n=st.integers(1001, 1999), ratio=ratios, s0=signs)
def test_sign_flipping_set_is_absorbing_and_bounded(n, ratio, s0):
    lam_, xs = Fraction(n, 1000), Fraction(1)
    x = s0 * ratio
    assume(abs(math.log(ratio)) / -math.log(float(lam_ - 1)) < 200)
    entered = brute_steps(x, xs, lam_)
    pieces = target(xs, lam_)
    for _ in range(entered):
        x = step(x, xs, lam_)
    for _ in range(60):
        assert any(a <= x <= b for a, b in pieces)
        assert abs(x - xs) <= lam_**2 * xs
        x = step(x, xs, lam_)


def test_period_two_and_divergence():
    xs = Fraction(1)
    x = step(step(Fraction(1, 10), xs, Fraction(2)), xs, Fraction(2))  # 0.1 -> 0.3 -> 0.9
    x = step(x, xs, Fraction(2))  # 2.7 >= x*: now the 2-cycle
    assert step(step(x, xs, Fraction(2)), xs, Fraction(2)) == x and step(x, xs, Fraction(2)) == -x
    lam_ = Fraction(5, 2)
    x = Fraction(7, 3)
    for _ in range(20):
        nxt = step(x, xs, lam_)
        assert abs(nxt) == abs(x) * Fraction(float(o.DIVERGENCE_RATE(2.5))) or nxt == xs
        x = nxt
    assert math.isinf(ox.steps_to_interval(7 / 3, 1.0, 2.5))
    assert ox.regime(2.0) == "period-2" and ox.regime(2.5) == "divergent"


def test_opposite_signs_go_to_zero_without_crossing():
    lam_, xs, x = Fraction(3, 10), Fraction(2), Fraction(-5)
    for j in range(50):
        assert x == -5 * (1 - lam_) ** j and x < 0
        x = step(x, xs, lam_)


def test_tail_deviation_is_lambda_xstar_and_eps_lambda_suffices():
    """Float run of 1.1 (tolerances: 1e-12 relative rounding over 20,000 steps)."""
    xs, lam_ = 2.0, 0.1
    x, tail = 50.0, []
    for j in range(20_000):
        x = x - lam_ * abs(x) * np.sign(x - xs)
        if j > 1000:
            tail.append(abs(x - xs))
    assert max(tail) <= o.DEVIATION(xs, lam_) * (1 + 1e-12)
    assert max(tail) >= 0.99 * o.DEVIATION(xs, lam_)  # dense orbit: irrational rotation
    assert ox.eps_lambda(0.2, xs) == pytest.approx(lam_)
    assert np.isinf(ox.eps_lambda(0.2, 0.0))


def test_bad_input():
    with pytest.raises(ValueError, match="lam"):
        ox.steps_to_interval(1.0, 1.0, 0.0)
    with pytest.raises(ValueError, match="x0"):
        ox.steps_to_interval(float("nan"), 1.0, 0.1)
    with pytest.raises(TypeError, match="lam"):
        ox.regime("fast")
    with pytest.raises(ValueError, match="eps"):
        ox.eps_lambda(-1.0, 1.0)


def test_theorem1_in_one_dimension():
    """c = 1 in 1-D: D's escape branch is 3 lambda x*/(2 - lambda); the true oscillation is a
    derived fraction of it (float runs of 1.1; 20,000 steps, dense orbits, 1 % slack)."""
    assert _same(o.THEOREM1_1D.expr, 3 * lam * XS / (2 - lam))
    for lam_ in (0.1, 0.37, 1.3, 1.77):
        xs, x, tail = 1.5, 40.0, 0.0
        for j in range(20_000):
            x = x - lam_ * abs(x) * np.sign(x - xs)
            if j > 2000:
                tail = max(tail, abs(x - xs))
        d = float(o.THEOREM1_1D(xs, lam_))
        assert tail <= d
        assert tail / d == pytest.approx(float(o.THEOREM1_1D_TIGHTNESS(lam_)), rel=0.01)
    assert ox.exact_hit_points(0.0, 0.5) == []

"""Certificates: atom facts, exact arithmetic, the Conjecture 1 obligations and their
failure modes, the independent re-check, and the tight-constant proofs."""

import copy
import math
from fractions import Fraction

import numpy as np
import pytest
import sympy as sp
from hypothesis import given
from hypothesis import strategies as st

from larscheck.theory.certificates import atoms, exact, family, tight
from larscheck.theory.certificates.atoms import T
from larscheck.theory.certificates.check import check_certificate
from larscheck.theory.formulas import L, mu

#: A member where everything is known by hand: f = (y1)^2/2 + log cosh(y2) on R^2, so
#: along y = (sqrt t, t): grad f = (sqrt t, tanh t), cos alpha ~ 2 / sqrt t.
SIMPLE = {"mu": 0.0, "xstar": [1.0, -2.0],
          "atoms": [{"kind": "quadratic", "weight": 1.0, "direction": [1.0, 0.0]},
                    {"kind": "log_cosh", "weight": 1.0, "direction": [0.0, 1.0]}]}
U, V = [0.0, 1.0], [1.0, 0.0]
#: Its smoothness constant: M = diag(1, 1), lambda_max = 1.
SIMPLE_L = 1.0


def build(function=SIMPLE, u=U, v=V, **kw):
    kw.setdefault("claimed_L", SIMPLE_L)
    return family.build_certificate(function, u, v, **kw)


def with_atom(kind, weight=1.0):
    f = copy.deepcopy(SIMPLE)
    f["atoms"][1].update(kind=kind, weight=weight)
    return f


def test_builtin_atoms_are_proved():
    for kind in atoms.SYMBOLIC_ATOMS:
        facts = atoms.atom_facts(kind)
        assert facts.ok, (kind, facts.reason)
        assert facts.strict_at_0 and facts.inf_curvature >= 0
    assert atoms.atom_facts("quadratic").quadratic == 1
    assert atoms.atom_facts("softplus").sup_curvature == sp.Rational(1, 2)
    assert atoms.atom_facts("log_cosh").slope == 1


@pytest.mark.parametrize("expr, reason", [
    (sp.log(sp.cosh(T)) - T**2 / 4, "not convex"),  # phi'' -> -1/2 at infinity
    (T**4 / 12, "unbounded"),  # convex, but phi'' = t^2 is unbounded
    (sp.log(sp.cosh(T)) + T, "not anchored"),  # phi'(0) = 1
])
def test_bad_atoms_fail_for_their_reason(expr, reason):
    facts = atoms.atom_facts("user", expr)
    assert not facts.ok and reason in facts.reason


def test_pieces_must_join_c1():
    kinked = ((T**2 / 2, -sp.oo, sp.Integer(1)), (2 * T - sp.Rational(3, 2), sp.Integer(1),
                                                    sp.oo))
    facts = atoms.atom_facts("kinked", kinked)
    assert not facts.ok and "jumps" in facts.reason


def test_unknown_atom_without_expression_fails():
    assert "no symbolic expression" in atoms.atom_facts("mystery").reason


@given(st.fractions(min_value=0, max_value=10**30), st.integers(8, 200))
def test_sqrt_bounds_enclose(q, bits):
    lo, hi = exact.sqrt_bounds(q, bits)
    assert lo * lo <= q <= hi * hi and lo <= hi


@given(st.lists(st.lists(st.integers(-5, 5), min_size=3, max_size=3), min_size=1,
                max_size=4), st.integers(-3, 3))
def test_is_psd_matches_eigenvalues(rows, shift):
    a = np.array(rows, dtype=float)
    m = a.T @ a + shift * np.eye(3)  # integer matrix: eigenvalues decide exactly enough
    eig = np.linalg.eigvalsh(m)[0]
    if abs(eig) > 1e-9:  # away from the boundary, where float eigenvalues are reliable
        assert exact.is_psd([[Fraction(int(x)) for x in r] for r in m]) == (eig > 0)


def test_rank_and_projection():
    rows = exact.vector([1.0, 2.0, 3.0]), exact.vector([2.0, 4.0, 6.0])
    assert exact.rank(rows) == 1
    out = exact.project_out(exact.vector([0.3, -1.0, 2.5]), rows)
    assert exact.dot(out, rows[0]) == 0


@given(st.fractions(min_value=Fraction(1, 10**9), max_value=10**9))
def test_round_up(x):
    r = Fraction(family.round_up(x))
    assert x <= r <= x * (1 + Fraction(1, 10 ** (family.C_DIGITS - 1)))


def test_simple_member_is_certified():
    cert = build()
    assert cert["proved"], cert["failed"]
    decay = cert["obligations"]["decay"]
    # by hand: P(0) = (v^T Q v + A) / (|Qv| |u|) = (1 + 1) / 1 = 2
    assert decay["C_asymptotic"] == pytest.approx(2.0, rel=1e-12)
    assert decay["C"] >= 2.0
    check = check_certificate(cert)
    assert check["proved"] and check["agrees"]


def test_bound_holds_along_the_curve_numerically():
    cert = build()
    curve = cert["data"]["curve"]
    for t in float(curve["t0"]) * np.geomspace(1, 1e8, 9):
        y = np.array([math.sqrt(t), t])
        g = np.array([y[0], math.tanh(y[1])])
        cos = g @ y / (np.linalg.norm(g) * np.linalg.norm(y))
        assert cos * math.sqrt(t) <= float(curve["C"])


def test_nonconvex_member_fails_convexity():
    cert = build(with_atom("wavy"), expressions={"wavy": sp.log(sp.cosh(T)) - T**2 / 4})
    assert "convexity" in cert["failed"]
    assert "not convex" in cert["obligations"]["convexity"]["result"]
    assert "convexity" in check_certificate(
        cert, {"wavy": sp.log(sp.cosh(T)) - T**2 / 4})["failed"]


def test_negative_weight_fails_convexity():
    cert = build(with_atom("log_cosh", weight=-1.0))
    assert "convexity" in cert["failed"] and "weight" in cert["obligations"]["convexity"][
        "result"]


def test_too_small_L_fails_smoothness_only():
    cert = build(claimed_L=0.999)
    assert cert["failed"] == ["smoothness"]
    assert "not PSD" in cert["obligations"]["smoothness"]["result"]
    assert check_certificate(cert)["failed"] == ["smoothness"]


def test_curve_off_the_null_space_fails_decay_only():
    cert = build(u=[1e-3, 1.0])  # <a_quadratic, u> != 0: ||grad f|| ~ t, cos -> const
    assert cert["failed"] == ["decay"]
    assert "null space" in cert["obligations"]["decay"]["result"]


def test_curve_with_bounded_gradient_fails_decay():
    cert = build(v=[0.0, 1.0])  # Q v = 0: the gradient stays bounded
    assert cert["failed"] == ["decay"] and "Q v = 0" in cert["obligations"]["decay"]["result"]


def test_strongly_convex_member_fails_decay():
    f = dict(SIMPLE, mu=0.5)
    cert = build(f, claimed_L=1.5)
    assert cert["failed"] == ["decay"] and "mu > 0" in cert["obligations"]["decay"]["result"]


def test_rank_deficient_member_fails_uniqueness():
    f = copy.deepcopy(SIMPLE)
    f["atoms"][1]["direction"] = [2.0, 0.0]
    cert = build(f, claimed_L=5.0)
    assert "uniqueness" in cert["failed"] and "rank 1" in cert["obligations"]["uniqueness"][
        "result"]


def test_checker_ignores_the_builders_flags():
    cert = build()
    low_c = copy.deepcopy(cert)
    low_c["data"]["curve"]["C"] = "1.5"  # below P(s0) >= P(0) = 2
    check = check_certificate(low_c)
    assert check["failed"] == ["decay"] and not check["agrees"]
    early = copy.deepcopy(cert)
    early["data"]["curve"]["t0"] = 1  # the bound's denominators are not positive there
    assert check_certificate(early)["failed"] == ["decay"]
    fake = copy.deepcopy(build(claimed_L=0.5))
    for ob in fake["obligations"].values():
        ob["ok"] = True  # a forged certificate: every flag says proved
    assert check_certificate(fake)["failed"] == ["smoothness"]


def test_cos_bound_is_proved():
    proof = tight.prove_cos_bound()
    assert proof["proved"], proof["failed"]
    assert {"chord", "reduction", "scalar_min", "lower_bound", "attained"} <= set(
        proof["obligations"])


def test_cos_bound_fails_for_a_wrong_constant():
    # sqrt(mu/L) is a valid lower bound (below c*), but not the minimum
    assert tight.prove_cos_bound(sp.sqrt(mu / L))["failed"] == ["attained"]
    # a constant above c* is not even a lower bound
    too_big = tight.prove_cos_bound(sp.Integer(1))
    assert "lower_bound" in too_big["failed"]


def test_explicit_radius_is_proved_and_attained():
    proof = tight.prove_explicit_radius()
    assert proof["proved"], proof["failed"]


def test_explicit_radius_fails_for_a_wrong_constant():
    assert tight.prove_explicit_radius(sp.sqrt(mu / L))["failed"] == ["attained"]
    assert "premise" in tight.prove_explicit_radius(sp.Integer(1))["failed"]


def test_symbolic_point_is_the_bounds_witness():
    from larscheck.theory.bounds import cos_lower_bound, tight_cos_witness

    a, d = tight.tight_cos_point()
    for m_, l_ in ((1.0, 4.0), (0.3, 1e3)):
        eig, direction = tight_cos_witness(m_, l_)
        subs = {mu: m_, L: l_}
        np.testing.assert_allclose(eig, [float(a[0, 0].subs(subs)), float(a[1, 1].subs(subs))])
        np.testing.assert_allclose(direction, [float(x.subs(subs)) for x in d], rtol=1e-14)
        g = eig * direction
        cos = g @ direction / np.linalg.norm(g)
        assert cos == pytest.approx(float(cos_lower_bound(m_, l_)), rel=1e-14)

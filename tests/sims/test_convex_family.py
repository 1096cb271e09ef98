"""The convex family: atoms, gradients, the L bound, validation, JSON round trip."""

import numpy as np
import pytest
from hypothesis import given, settings
from numpy.testing import assert_allclose

from larscheck.proofs_check.search.strategies import convex_functions
from larscheck.sims import convex_family
from larscheck.sims.convex_family import ATOMS, BUILTIN_ATOMS, ConvexFamily, register_atom

#: Central differences at h = 1e-6 on O(1) arguments: error ~ h^2 + eps/h ~ 1e-10.
FD_ATOL = 1e-8


@pytest.mark.parametrize("atom", BUILTIN_ATOMS, ids=lambda a: a.name)
def test_atom_identities_and_derivative(atom):
    t = np.linspace(-5, 5, 100)  # avoids the Huber kinks at +-1 (first-order FD error there)
    assert atom.value(np.array([0.0]))[0] == 0 and atom.derivative(np.array([0.0]))[0] == 0
    h = 1e-6
    fd = (atom.value(t + h) - atom.value(t - h)) / (2 * h)
    assert_allclose(atom.derivative(t), fd, atol=FD_ATOL)
    slopes = np.diff(atom.derivative(t)) / np.diff(t)
    assert np.all(slopes >= -1e-12) and np.all(slopes <= atom.curvature + 1e-12)


def test_atoms_match_their_textbook_formulas_and_survive_huge_arguments():
    t = np.linspace(-20, 20, 81)
    assert_allclose(ATOMS["softplus"].value(t),
                    np.logaddexp(0, t) + np.logaddexp(0, -t) - 2 * np.log(2), atol=1e-12)
    assert_allclose(ATOMS["log_cosh"].value(t), np.log(np.cosh(t)), rtol=1e-12, atol=1e-15)
    assert_allclose(ATOMS["pseudo_huber"].value(t), np.sqrt(1 + t * t) - 1, rtol=1e-12)
    tiny = np.array([1e-9])
    for name in ("pseudo_huber", "log_cosh", "huber"):  # t^2/2 near 0, no cancellation
        assert_allclose(ATOMS[name].value(tiny), 0.5e-18, rtol=1e-6)
    huge = np.array([-1e300, 1e300])
    for name in ("pseudo_huber", "log_cosh", "softplus", "huber"):
        with np.errstate(over="raise", invalid="raise", divide="raise"):
            assert np.all(np.isfinite(ATOMS[name].value(huge)))
            assert_allclose(np.abs(ATOMS[name].derivative(huge)), 1.0)


@settings(max_examples=30)
@given(convex_functions())
def test_gradient_matches_differences_and_L_bounds_the_hessian(member):
    rng = np.random.default_rng(0)
    x = member.xstar + rng.standard_normal((1, member.dim))
    f, g = member.value_and_grad(x)
    h = 1e-6
    eye = np.eye(member.dim) * h
    fd = np.array([(member.value(x + e) - member.value(x - e))[0] / (2 * h) for e in eye])
    scale = 1 + np.abs(f[0]) + np.abs(g).max()
    assert np.abs(fd - g[0]).max() <= 1e-5 * scale
    cols = np.array([(member.grad(x + e) - member.grad(x - e))[0] / (2 * h) for e in eye])
    eig = np.linalg.eigvalsh(0.5 * (cols + cols.T))
    assert eig[-1] <= member.L[0] * (1 + 1e-4) + 1e-6
    assert member.value(member.xstar)[0] == 0 and np.all(member.grad(member.xstar) == 0)


def test_validation_names_the_argument():
    with pytest.raises(ValueError, match="span"):
        ConvexFamily(["huber", "huber"], [1, 1], [[1, 0], [2, 0]], [0, 0], 0.0)
    with pytest.raises(ValueError, match="weights"):
        ConvexFamily(["huber"], [-1], [[1.0]], [0.0], 0.0)
    with pytest.raises(ValueError, match="unknown atom"):
        ConvexFamily(["cubic"], [1], [[1.0]], [0.0], 0.0)
    with pytest.raises(ValueError, match="mu"):
        ConvexFamily(["huber"], [1], [[1.0]], [0.0], -1.0)
    ConvexFamily(["huber"], [1], [[1.0], ], [0.0], 0.5)  # mu > 0 needs no span


def test_json_round_trip_is_exact():
    m = ConvexFamily(["pseudo_huber", "quadratic"], [0.3, 2.0], [[1, 0.5], [0, 1]], [1.0, -2.0])
    again = ConvexFamily.from_dict(m.to_dict())
    x = np.array([[3.0, 7.0]])
    assert again.to_dict() == m.to_dict()
    assert_allclose(again.value_and_grad(x)[1], m.value_and_grad(x)[1], rtol=0)
    with pytest.raises(ValueError, match="missing"):
        ConvexFamily.from_dict({"xstar": [0.0]})


def test_user_atom_is_checked_and_usable(monkeypatch):
    # a private registry for this test, so other tests draw from the built-ins only
    monkeypatch.setattr(convex_family, "ATOMS", dict(convex_family.ATOMS))
    atom = register_atom("quartic_huber", lambda t: np.sqrt(1 + t**2) - 1 + 0.5 * t**2,
                         lambda t: t / np.sqrt(1 + t**2) + t, 2.0, replace=True)
    m = ConvexFamily([atom.name], [1.0], [[1.0]], [0.0], 0.0)
    assert m.L[0] == 2.0
    with pytest.raises(ValueError, match="non-decreasing"):  # phi'' = 1 + 2 cos t < 0 near pi
        register_atom("wavy", lambda t: t**2 / 2 + 2 * (1 - np.cos(t)),
                      lambda t: t + 2 * np.sin(t), 5.0, replace=True)
    with pytest.raises(ValueError, match="curvature"):
        register_atom("steep", lambda t: t**2, lambda t: 2 * t, 1.0, replace=True)
    with pytest.raises(ValueError, match="already exists"):
        register_atom("huber", lambda t: t**2, lambda t: 2 * t, 2.0)

"""Problem batches: spectra, bases, validation of user input."""

import numpy as np
import pytest
from numpy.testing import assert_allclose

from larscheck.sims import Quadratic, SmoothProblem, random_quadratics
from larscheck.sims.problems import SPECTRA


@pytest.mark.parametrize("shape", SPECTRA)
def test_random_quadratics_attain_mu_and_L(shape):
    rng = np.random.default_rng(0)
    p = random_quadratics(rng, 20, 6, mu=0.5, L=50.0, shape=shape, xstar_norm=(0.1, 100.0))
    assert_allclose(p.mu, 0.5)
    assert_allclose(p.L, 50.0)
    assert np.all((p.eigs >= 0.5) & (p.eigs <= 50.0))
    norms = np.linalg.norm(p.xstar, axis=1)
    assert np.all((norms >= 0.1) & (norms <= 100.0))
    A = p.matrix()
    assert_allclose(np.linalg.eigvalsh(A), p.eigs, rtol=1e-10)


def test_random_quadratics_are_seeded():
    a = random_quadratics(np.random.default_rng(3), 5, 4, L=9.0)
    b = random_quadratics(np.random.default_rng(3), 5, 4, L=9.0)
    assert np.array_equal(a.eigs, b.eigs) and np.array_equal(a.basis, b.basis)
    assert np.array_equal(a.xstar, b.xstar)


def test_value_and_grad_match_dense_matrix():
    rng = np.random.default_rng(2)
    p = random_quadratics(rng, 8, 5, L=20.0)
    x = rng.standard_normal((8, 5))
    f, g = p.value_and_grad(x)
    A = p.matrix()
    d = x - p.xstar
    assert_allclose(g, np.einsum("bij,bj->bi", A, d), rtol=1e-12, atol=1e-12)
    assert_allclose(f, 0.5 * np.einsum("bi,bi->b", d, np.einsum("bij,bj->bi", A, d)),
                    rtol=1e-12)


def test_gradient_matches_finite_differences():
    rng = np.random.default_rng(4)
    p = random_quadratics(rng, 3, 4, L=5.0)
    x = rng.standard_normal((3, 4))
    h = 1e-6
    fd = np.stack([(p.value(x + h * e) - p.value(x - h * e)) / (2 * h) for e in np.eye(4)], 1)
    assert_allclose(p.grad(x), fd, rtol=1e-6, atol=1e-8)


def test_from_matrix_round_trip():
    A = np.array([[2.0, 1.0], [1.0, 3.0]])
    p = Quadratic.from_matrix(A, [1.0, -1.0])
    assert_allclose(p.matrix()[0], A, atol=1e-12)


@pytest.mark.parametrize(
    "A,xstar,match",
    [
        ([[1.0, 2.0], [0.0, 1.0]], [0.0, 0.0], "symmetric"),
        ([[1.0, 0.0], [0.0, -1.0]], [0.0, 0.0], "positive definite"),
        ([[1.0, 0.0], [0.0, np.nan]], [0.0, 0.0], "finite"),
        ([[1.0, 0.0], [0.0, 1.0]], [0.0, 0.0, 1.0], "dimension"),
        ([[1.0, 0.0, 0.0]], [0.0], "square"),
    ],
)
def test_from_matrix_rejects_bad_input(A, xstar, match):
    with pytest.raises(ValueError, match=match):
        Quadratic.from_matrix(A, xstar)


@pytest.mark.parametrize(
    "kwargs,match",
    [
        (dict(mu=2.0, L=1.0), "mu must be <= L"),
        (dict(mu=0.0), "mu must be > 0"),
        (dict(shape="flat"), "spectrum shape"),
        (dict(xstar_norm=-1.0), "xstar_norm"),
    ],
)
def test_random_quadratics_rejects_bad_input(kwargs, match):
    with pytest.raises(ValueError, match=match):
        random_quadratics(np.random.default_rng(0), 2, 3, **kwargs)


def test_random_quadratics_needs_a_generator():
    with pytest.raises(TypeError, match="Generator"):
        random_quadratics(0, 2, 3)


def test_one_dimension_needs_kappa_one():
    with pytest.raises(ValueError, match="dimension 1"):
        random_quadratics(np.random.default_rng(0), 2, 1, mu=1.0, L=2.0)


def test_smooth_problem_checks_shapes():
    p = SmoothProblem(lambda x: x.sum(1), lambda x: x[:, :1], 2, 3)
    with pytest.raises(ValueError, match="grad"):
        p.value_and_grad(np.zeros((2, 3)))
    with pytest.raises(ValueError, match="mu must be <= L"):
        SmoothProblem(lambda x: x, lambda x: x, 1, 1, mu=2.0, L=1.0)


@pytest.mark.parametrize("rotate", [True, False])
def test_in_eigenbasis_is_diagonal_and_to_eigen_in_one_pass(rotate):
    rng = np.random.default_rng(3)
    p = random_quadratics(rng, 7, 9, mu=0.5, L=20.0, rotate=rotate)
    x = rng.standard_normal((7, 9))
    diag, y = p.in_eigenbasis(x)
    assert diag.diagonal_form and y.flags.c_contiguous and diag.xstar.flags.c_contiguous
    assert_allclose(y, p.to_eigen(x), rtol=0, atol=1e-13)
    assert_allclose(diag.xstar, p.diagonal().xstar, rtol=0, atol=1e-13)
    # the same function values at corresponding points, in either coordinates
    f_std, _ = p.value_and_grad(x)
    f_eig, _ = diag.value_and_grad(y)
    assert_allclose(f_eig, f_std, rtol=1e-12)
    before = x.copy()
    y += 1.0  # the returned iterate is the caller's to move; x is left alone
    assert_allclose(x, before, rtol=0, atol=0)

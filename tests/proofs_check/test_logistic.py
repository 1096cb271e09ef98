"""The regularised logistic problems: gradient, minimiser, constants."""

import numpy as np
import pytest

from larscheck.sims.logistic import LogisticProblems, random_logistic

#: Central differences with step 1e-6 on O(1) values: truncation ~1e-12, rounding ~1e-10.
FD_ATOL = 1e-7


@pytest.fixture(scope="module")
def problems():
    return random_logistic(np.random.default_rng(1), 12, 4, samples=15,
                           kappa=np.geomspace(2, 1e4, 12))


def test_gradient_matches_finite_differences(problems):
    rng = np.random.default_rng(2)
    x = rng.standard_normal((problems.batch, problems.dim))
    g = problems.grad(x)
    h = 1e-6
    for i in range(problems.dim):
        e = np.zeros(problems.dim)
        e[i] = h
        fd = (problems.value(x + e) - problems.value(x - e)) / (2 * h)
        np.testing.assert_allclose(fd, g[:, i], atol=FD_ATOL)


def test_newton_minimiser_is_stationary_and_minimal(problems):
    scale = problems.L * np.maximum(1.0, np.linalg.norm(problems.xstar, axis=1))
    assert np.all(np.linalg.norm(problems.grad(problems.xstar), axis=1) <= 1e-12 * scale)
    rng = np.random.default_rng(3)
    for _ in range(5):
        x = problems.xstar + 1e-3 * rng.standard_normal(problems.xstar.shape)
        assert np.all(problems.value(x) >= problems.fstar)


def test_constants_bound_the_hessian(problems):
    rng = np.random.default_rng(4)
    x = 3 * rng.standard_normal((problems.batch, problems.dim))
    eig = np.linalg.eigvalsh(problems.hessian(x))
    assert np.all(eig[:, 0] >= problems.mu * (1 - 1e-12))
    assert np.all(eig[:, -1] <= problems.L * (1 + 1e-12))
    np.testing.assert_allclose(problems.L / problems.mu, np.geomspace(2, 1e4, 12), rtol=1e-12)


def test_select_keeps_the_minimisers(problems):
    sub = problems.select(np.array([3, 3, 0]))
    np.testing.assert_array_equal(sub.xstar, problems.xstar[[3, 3, 0]])
    np.testing.assert_array_equal(sub.value(sub.xstar), problems.fstar[[3, 3, 0]])


@pytest.mark.parametrize("kwargs, match", [
    (dict(labels=np.zeros((1, 3))), "labels must be"),
    (dict(reg=-1.0), "reg must be"),
])
def test_bad_input(kwargs, match):
    args = dict(data=np.ones((1, 3, 2)), labels=np.ones((1, 3)), reg=1.0)
    args.update(kwargs)
    with pytest.raises(ValueError, match=match):
        LogisticProblems(**args)

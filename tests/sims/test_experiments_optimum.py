"""Trusted optima: the hinge LP against brute force, L-BFGS against Newton's method."""

import itertools

import numpy as np
import pytest

from larscheck.sims.experiments.data import separable_data
from larscheck.sims.experiments.losses import Hinge, Softmax
from larscheck.sims.experiments.optimum import hinge_optimum, softmax_optimum

#: HiGHS's default primal/dual feasibility tolerance is 1e-7; the objective
#: on O(1) data inherits that, so the LP value is trusted to 1e-7.
LP_ATOL = 1e-7


def _hinge_brute_force(loss: Hinge) -> float:
    """Minimum over all vertices of the piecewise-linear objective.

    ``f`` is convex and piecewise linear in ``(w, b)`` with kinks on the
    hyperplanes ``y_i (w.x_i + b) = 1`` and ``w_j = 0``; when bounded below
    (both labels present) its minimum is attained at a point where ``d + 1``
    independent kink hyperplanes meet. Enumerate them all.
    """
    X, y = loss.X, loss.y
    N, d = X.shape
    planes = [(np.append(y[i] * X[i], y[i]), 1.0) for i in range(N)]
    planes += [(np.eye(d + 1)[j], 0.0) for j in range(d)]
    best = np.inf
    for combo in itertools.combinations(planes, d + 1):
        A = np.array([a for a, _ in combo])
        if abs(np.linalg.det(A)) < 1e-12:
            continue
        v = np.linalg.solve(A, np.array([c for _, c in combo]))
        best = min(best, float(loss.value(v[None])[0]))
    return best


@pytest.mark.parametrize("seed", range(4))
@pytest.mark.parametrize("alpha", [0.0, 0.05, 0.5])
def test_hinge_lp_equals_brute_force_on_tiny_data(seed, alpha):
    rng = np.random.default_rng(seed)
    # Overlapping classes, so that the optimum is not trivially 0.
    X = rng.standard_normal((7, 2))
    y = np.array([1.0, -1, 1, -1, 1, -1, 1])
    loss = Hinge(X, y, alpha=alpha)
    opt = hinge_optimum(loss)
    assert opt.fstar == pytest.approx(_hinge_brute_force(loss), abs=LP_ATOL)
    assert opt.certificate <= LP_ATOL
    assert loss.value(opt.x[None])[0] == pytest.approx(opt.fstar, abs=1e-12)


def test_separable_data_has_zero_unpenalised_hinge_optimum():
    X, y = separable_data(np.random.default_rng(3), n=200, dim=4)
    assert hinge_optimum(Hinge(X, y, alpha=0.0)).fstar == pytest.approx(0.0, abs=LP_ATOL)
    assert hinge_optimum(Hinge(X, y, alpha=0.01)).fstar > 10 * LP_ATOL


def _softmax_newton(loss: Softmax, iters: int = 30) -> float:
    """Newton's method with the exact Hessian (parameters as ``[W; b]`` row-major).

    With augmented features ``u_i = (x_i, 1)``,
    ``H = (1/N) sum_i kron(u_i u_i^T, diag(p_i) - p_i p_i^T) + alpha I``.
    """
    U = np.hstack([loss.X, np.ones((loss.n_samples, 1))])
    K = loss.classes
    x = np.zeros(loss.dim)
    for _ in range(iters):
        g = loss.value_and_grad(x[None])[1]
        z = U @ x.reshape(-1, K)
        P = np.exp(z - z.max(axis=1, keepdims=True))
        P /= P.sum(axis=1, keepdims=True)
        H = sum(np.kron(np.outer(u, u), np.diag(p) - np.outer(p, p))
                for u, p in zip(U, P, strict=True))
        H = H / loss.n_samples + loss.alpha * np.eye(loss.dim)
        x = x - np.linalg.solve(H, g[0])
    return float(loss.value(x[None])[0])


@pytest.mark.parametrize("seed", range(2))
def test_softmax_lbfgs_equals_newton(seed):
    rng = np.random.default_rng(seed)
    loss = Softmax(rng.standard_normal((30, 3)), rng.integers(0, 3, 30), classes=3, alpha=0.05)
    opt = softmax_optimum(loss)
    # Both are certified to ~1e-18 by |grad|^2 / (2 alpha); allow rounding of f ~ 1.
    assert opt.fstar == pytest.approx(_softmax_newton(loss), abs=1e-12)
    assert opt.certificate < 1e-15


def test_softmax_optimum_needs_a_penalty_and_certifies_what_it_reached():
    rng = np.random.default_rng(0)
    X, labels = rng.standard_normal((10, 2)), rng.integers(0, 2, 10)
    with pytest.raises(ValueError, match="alpha > 0"):
        softmax_optimum(Softmax(X, labels, alpha=0.0))
    loss = Softmax(X, labels, alpha=0.1)
    early = softmax_optimum(loss, maxiter=2, restarts=0)
    g = loss.value_and_grad(early.x[None])[1][0]
    assert early.certificate == pytest.approx(g @ g / 0.2) and early.certificate > 1e-6
    assert early.fstar - softmax_optimum(loss).fstar <= early.certificate

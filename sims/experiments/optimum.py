"""Trusted optima ``f*`` of the convex experiments, so curves are ``f - f*``.

- :func:`hinge_optimum`: the L1-penalised hinge problem is a linear program,
  solved by HiGHS (``scipy.optimize.linprog``); HiGHS certifies optimality
  by a primal and a dual solution whose objectives agree.
- :func:`softmax_optimum`: the L2-penalised multinomial logistic problem is
  smooth and ``alpha``-strongly convex; L-BFGS (``scipy.optimize.minimize``)
  is run until ``|grad f|_inf <= gtol``, and the gap is certified by
  ``f(x) - f* <= |grad f(x)|_2^2 / (2 alpha)``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from larscheck.sims.experiments.losses import Hinge, Softmax

#: Default L-BFGS stopping tolerance on ``max_j |d f / d x_j|`` for the logistic problem.
SOFTMAX_GTOL = 1e-9
#: Restarts of L-BFGS from where it stopped, if it stops above the tolerance.
LBFGS_RESTARTS = 5


@dataclass(frozen=True)
class Optimum:
    """A minimiser and its value, with the solver's own certificate.

    Attributes
    ----------
    fstar : float
        The optimal value.
    x : ndarray (n,)
        A minimiser (weights, then bias).
    certificate : float
        An upper bound on ``f(x) - inf f``: the HiGHS duality gap, or
        ``|grad f|^2 / (2 alpha)`` for the strongly convex logistic problem.
    solver : str
        What produced it and how.
    """

    fstar: float
    x: np.ndarray
    certificate: float
    solver: str

    def to_dict(self) -> dict:
        """JSON-ready summary (without the minimiser)."""
        return {"fstar": self.fstar, "certificate": self.certificate, "solver": self.solver}


def hinge_optimum(loss: Hinge) -> Optimum:
    """Solve ``min (1/N) sum xi_i + alpha |w|_1`` as a linear program.

    Variables ``(w+, w-, b, xi)`` with ``w = w+ - w-``, ``w+-, xi >= 0``, ``b`` free:

    .. math::

        \\min\\; \\frac1N \\mathbf 1^T \\xi + \\alpha \\mathbf 1^T (w^+ + w^-)
        \\quad\\text{s.t.}\\quad -\\xi_i - y_i x_i^T (w^+ - w^-) - y_i b \\le -1 .

    Raises ``RuntimeError`` if HiGHS does not report an optimum.
    """
    from scipy import optimize, sparse  # here, so that ``larscheck --help`` stays fast
    X, y, alpha = loss.X, loss.y, loss.alpha
    N, d = X.shape
    yX = y[:, None] * X
    A = sparse.hstack([sparse.csr_matrix(-yX), sparse.csr_matrix(yX),
                       sparse.csr_matrix(-y[:, None]), -sparse.identity(N, format="csr")],
                      format="csr")
    cost = np.concatenate([np.full(2 * d, alpha), [0.0], np.full(N, 1.0 / N)])
    bounds = [(0, None)] * (2 * d) + [(None, None)] + [(0, None)] * N
    b_ub = -np.ones(N)
    res = optimize.linprog(cost, A_ub=A, b_ub=b_ub, bounds=bounds, method="highs")
    if res.status != 0:
        raise RuntimeError(f"HiGHS did not solve the hinge LP: {res.message}")
    x = np.concatenate([res.x[:d] - res.x[d:2 * d], [res.x[2 * d]]])
    # Dual objective b^T u (the bounds' terms vanish: every lower bound is 0 or free).
    dual = float(res.ineqlin.marginals @ b_ub)
    fx = float(loss.value(x[None])[0])
    return Optimum(fstar=fx, x=x, certificate=max(fx - dual, 0.0),
                   solver="linear program, scipy.optimize.linprog(method='highs')")


def softmax_optimum(loss: Softmax, gtol: float = SOFTMAX_GTOL, maxiter: int = 100_000,
                    restarts: int = LBFGS_RESTARTS) -> Optimum:
    """Minimise the penalised logistic loss with L-BFGS to ``|grad f|_inf <= gtol``.

    L-BFGS can stop early when ``f`` no longer decreases in floating point;
    it is then restarted from where it stopped (fresh curvature pairs), at
    most ``restarts`` times. Whether or not ``gtol`` is met, the certificate
    ``|grad f|^2 / (2 alpha)`` bounds the true gap, and the solver string
    states the gradient reached. ``alpha = 0`` has no certificate: ValueError.
    """
    from scipy import optimize

    if loss.alpha <= 0:
        raise ValueError("softmax_optimum needs alpha > 0 (strong convexity certifies f*)")

    def fun(v):
        f, g = loss.value_and_grad(v[None])
        return float(f[0]), g[0]

    x, iterations = np.zeros(loss.dim), 0
    for _ in range(restarts + 1):
        res = optimize.minimize(fun, x, jac=True, method="L-BFGS-B",
                                options={"gtol": gtol, "ftol": 0.0, "maxiter": maxiter,
                                         "maxfun": 2 * maxiter, "maxcor": 30})
        x, iterations = res.x, iterations + res.nit
        f, g = fun(x)
        if np.abs(g).max() <= gtol:
            break
    return Optimum(fstar=f, x=x, certificate=float(g @ g) / (2 * loss.alpha),
                   solver=f"L-BFGS-B, target |grad f|_inf <= {gtol:g}, reached "
                          f"{np.abs(g).max():.2g} ({iterations} iterations)")

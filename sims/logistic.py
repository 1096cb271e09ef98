"""L2-regularised binary logistic losses: strongly convex problems that are not quadratic.

For data ``a_j in R^n`` with labels ``y_j in {-1, +1}`` (``j = 1..m``) and a
regularisation ``rho > 0``,

.. math::

    f(x) = \\frac1m \\sum_{j=1}^m \\log\\bigl(1 + e^{-y_j \\langle a_j, x\\rangle}\\bigr)
           + \\frac{\\rho}{2}\\|x\\|^2 ,\\qquad
    \\nabla f(x) = -\\frac1m \\sum_j y_j\\, \\sigma(-y_j\\langle a_j, x\\rangle)\\, a_j + \\rho x,

with ``sigma(t) = 1/(1 + e^{-t})``. The Hessian is
``(1/m) A^T diag(s_j (1 - s_j)) A + rho I`` with ``0 < s_j (1 - s_j) <= 1/4``, so

.. math:: \\mu = \\rho, \\qquad L = \\rho + \\frac{\\lambda_{\\max}(A^T A)}{4m}

are valid strong-convexity and smoothness constants (the bounds of the
theory need valid constants, not the tightest ones). The minimiser ``x*`` is
computed by damped Newton iterations to a gradient norm below
:data:`NEWTON_GTOL` times the scale of the problem.

:class:`LogisticProblems` is a :class:`~larscheck.sims.problems.SmoothProblem`
(so :func:`~larscheck.sims.simulate` runs it through the general path) with a
one-pass ``value_and_grad`` and :meth:`~LogisticProblems.select`.
"""

from __future__ import annotations

import numpy as np
from scipy.special import expit

from larscheck.sims.problems import SmoothProblem, random_directions
from larscheck.sims.validation import finite_array, positive

#: Newton stops when ``||grad f(x)|| <= NEWTON_GTOL * (rho + L) * max(1, ||x||)``;
#: near the optimum a Newton step then changes ``x`` by about ``NEWTON_GTOL / kappa``
#: relative, i.e. ``x*`` is accurate to a few ulps of float64.
NEWTON_GTOL = 1e-14
#: At most this many Newton iterations (quadratic convergence needs far fewer).
NEWTON_MAX_ITER = 100
#: Armijo constant of the backtracking line search.
ARMIJO = 1e-4


class LogisticProblems(SmoothProblem):
    """A batch of ``B`` regularised logistic losses in ``R^n``.

    Parameters
    ----------
    data : array (B, m, n)
        Feature vectors ``a_j`` of every problem.
    labels : array (B, m)
        ``+1`` or ``-1``.
    reg : float or array (B,)
        ``rho > 0``.

    Attributes
    ----------
    xstar, fstar, mu, L : ndarray
        Minimisers (Newton), minima, and the constants of the module docstring.
    newton_iterations : int
        Iterations Newton needed for the whole batch.
    """

    def __init__(self, data, labels, reg):
        data = finite_array("data", data, ndim=3)
        labels = finite_array("labels", labels, ndim=2)
        batch, m, dim = data.shape
        if labels.shape != (batch, m):
            raise ValueError(f"labels must have shape ({batch}, {m}), got {labels.shape}")
        if not np.all(np.abs(labels) == 1):
            raise ValueError("labels must be +1 or -1")
        reg = finite_array("reg", reg)
        reg = np.broadcast_to(reg, (batch,)).copy() if reg.ndim == 0 else reg
        if reg.shape != (batch,) or np.any(reg <= 0):
            raise ValueError(f"reg must be > 0, a scalar or shape ({batch},)")
        self.data, self.labels, self.reg = data, labels, reg
        gram_max = np.linalg.eigvalsh(np.einsum("bmi,bmj->bij", data, data))[:, -1]
        lipschitz = reg + gram_max / (4.0 * m)
        super().__init__(self.value, self.grad, batch, dim, mu=reg, L=lipschitz)
        self.xstar, self.newton_iterations = self._newton()
        self.fstar = self.value(self.xstar)

    def _margins(self, x: np.ndarray) -> np.ndarray:
        """``y_j <a_j, x>``, shape ``(B, m)``."""
        return self.labels * np.einsum("bmn,bn->bm", self.data, x)

    def value(self, x):
        z = self._margins(x)
        return np.logaddexp(0.0, -z).mean(axis=1) + 0.5 * self.reg * np.einsum("bn,bn->b", x, x)

    def grad(self, x):
        return self.value_and_grad(x)[1]

    def value_and_grad(self, x):
        z = self._margins(x)
        f = np.logaddexp(0.0, -z).mean(axis=1) + 0.5 * self.reg * np.einsum("bn,bn->b", x, x)
        w = self.labels * expit(-z) / z.shape[1]
        g = self.reg[:, None] * x - np.einsum("bmn,bm->bn", self.data, w)
        return f, g

    def hessian(self, x: np.ndarray) -> np.ndarray:
        """``(1/m) A^T diag(s (1 - s)) A + rho I``, shape ``(B, n, n)``."""
        s = expit(self._margins(x))
        w = s * (1.0 - s) / s.shape[1]
        h = np.einsum("bmi,bm,bmj->bij", self.data, w, self.data)
        return h + self.reg[:, None, None] * np.eye(self.dim)

    def _newton(self) -> tuple[np.ndarray, int]:
        """Damped Newton from 0 with Armijo backtracking, all problems at once."""
        x = np.zeros((self.batch, self.dim))
        f, g = self.value_and_grad(x)
        for it in range(1, NEWTON_MAX_ITER + 1):
            tol = NEWTON_GTOL * (self.reg + self.L) * np.maximum(1.0, np.linalg.norm(x, axis=1))
            todo = np.linalg.norm(g, axis=1) > tol
            if not todo.any():
                return x, it - 1
            step = np.linalg.solve(self.hessian(x), g[..., None])[..., 0]
            step[~todo] = 0.0
            slope = np.einsum("bn,bn->b", g, step)
            gnorm = np.linalg.norm(g, axis=1)
            t = np.ones(self.batch)
            for _ in range(60):
                ft, gt = self.value_and_grad(x - t[:, None] * step)
                # Armijo, or (near the optimum, where f no longer resolves the
                # decrease) a smaller gradient norm.
                bad = ~((ft <= f - ARMIJO * t * slope) | (np.linalg.norm(gt, axis=1) < gnorm))
                if not bad.any():
                    break
                t = np.where(bad, 0.5 * t, t)
            x = x - t[:, None] * step
            f, g = self.value_and_grad(x)
        raise ArithmeticError(f"Newton did not converge in {NEWTON_MAX_ITER} iterations")

    def select(self, index) -> LogisticProblems:
        """The sub-batch at ``index`` (reuses the computed minimisers)."""
        out = LogisticProblems.__new__(LogisticProblems)
        SmoothProblem.__init__(out, out.value, out.grad, len(np.arange(self.batch)[index]),
                               self.dim, xstar=self.xstar[index], fstar=self.fstar[index],
                               mu=self.mu[index], L=self.L[index])
        out.data, out.labels, out.reg = self.data[index], self.labels[index], self.reg[index]
        out.newton_iterations = self.newton_iterations
        return out


def random_logistic(rng: np.random.Generator, batch: int, dim: int, *, samples: int = 20,
                    kappa=10.0, label_noise: float = 0.1) -> LogisticProblems:
    """Draw ``B`` logistic problems with condition bound ``L/mu = kappa``.

    Features are standard Gaussian; labels are the sign of ``<w, a_j>`` for a
    random unit ``w``, each flipped with probability ``label_noise``. The
    regularisation ``rho = lambda_max(A^T A) / (4 m (kappa - 1))`` makes the
    constants of the module docstring have ``L / mu = kappa`` exactly.

    Parameters
    ----------
    rng : numpy.random.Generator
    batch, dim : int
    samples : int
        ``m``, data points per problem.
    kappa : float or array (B,)
        Values > 1.
    label_noise : float
        In [0, 0.5).
    """
    if not isinstance(rng, np.random.Generator):
        raise TypeError("rng must be a numpy.random.Generator")
    if int(samples) != samples or samples < 1:
        raise ValueError(f"samples must be a positive integer, got {samples}")
    kappa = np.broadcast_to(finite_array("kappa", kappa), (batch,))
    if np.any(kappa <= 1):
        raise ValueError("kappa must be > 1 for a logistic loss (mu < L)")
    positive("label_noise", label_noise, allow_zero=True)
    data = rng.standard_normal((batch, samples, dim))
    w = random_directions(rng, batch, dim)
    labels = np.where(np.einsum("bmn,bn->bm", data, w) >= 0, 1.0, -1.0)
    labels = np.where(rng.random((batch, samples)) < label_noise, -labels, labels)
    gram_max = np.linalg.eigvalsh(np.einsum("bmi,bmj->bij", data, data))[:, -1]
    reg = gram_max / (4.0 * samples * (kappa - 1.0))
    return LogisticProblems(data, labels, reg)

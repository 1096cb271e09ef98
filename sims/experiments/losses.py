"""Losses of the convex experiments: value and (sub)gradient, batched over seeds.

Parameters of a linear model are one vector per seed, ``x`` of shape
``(S, n)``: the weight block first, then the bias block. These are the two
"layers" (TensorFlow variables) to which LARS applies its trust ratio
separately; :attr:`LinearLoss.blocks` gives their sizes for
:class:`larscheck.sims.blocks.Blocks`.

Each ``value_and_grad(x, rows)`` evaluates the loss on the whole data set
(``rows=None``) or, per seed ``s``, on the samples ``rows[s]`` (a mini-batch;
``rows`` of shape ``(S, m)``): the penalty is always added in full, so the
mini-batch loss is an unbiased estimate of the full one.
"""

from __future__ import annotations

import numpy as np

from larscheck.sims.validation import finite_array, positive

#: Largest gathered mini-batch design ``(S, m, p)``, in elements, built at once;
#: above it the seeds are evaluated one by one (bounds memory on MNIST-sized data).
GATHER_LIMIT = 4_000_000


class LinearLoss:
    """Common interface: ``dim``, ``blocks``, ``n_samples``, ``value_and_grad``, ``value``."""

    X: np.ndarray
    dim: int
    blocks: tuple[int, ...]

    @property
    def n_samples(self) -> int:
        """Number of data points."""
        return len(self.X)

    def _check(self, x) -> np.ndarray:
        x = np.asarray(x, dtype=np.float64)
        if x.ndim != 2 or x.shape[1] != self.dim:
            raise ValueError(f"x must have shape (S, {self.dim}), got {x.shape}")
        return x

    def value_and_grad(self, x, rows=None) -> tuple[np.ndarray, np.ndarray]:
        """Loss ``(S,)`` and gradient ``(S, n)`` on all data or on ``rows`` (shape ``(S, m)``)."""
        x = self._check(x)
        if rows is None:
            return self._eval(x, self.X[None], self._targets(None))
        rows = np.asarray(rows)
        if rows.ndim != 2 or rows.shape[0] != len(x):
            raise ValueError(f"rows must have shape ({len(x)}, m), got {rows.shape}")
        if rows.size * self.X.shape[1] <= GATHER_LIMIT:
            return self._eval(x, self.X[rows], self._targets(rows))
        parts = [self._eval(x[s:s + 1], self.X[rows[s]][None], self._targets(rows[s:s + 1]))
                 for s in range(len(x))]
        return (np.concatenate([p[0] for p in parts]), np.concatenate([p[1] for p in parts]))

    def value(self, x) -> np.ndarray:
        """Loss on the whole data set, shape ``(S,)``."""
        return self.value_and_grad(x)[0]

    def _targets(self, rows):
        raise NotImplementedError

    def _eval(self, x, Xb, tb):
        raise NotImplementedError


class Hinge(LinearLoss):
    """Linear SVM: mean hinge loss plus an L1 penalty on the weights.

    .. math::

        f(w, b) = \\frac1N \\sum_{i=1}^N \\max(0,\\, 1 - y_i (w \\cdot x_i + b))
                  + \\alpha \\|w\\|_1 .

    The subgradient takes ``0`` for the hinge at a margin of exactly 1 and
    ``sign(w_j)`` (0 at 0) for the penalty. The problem is a linear program
    (:func:`larscheck.sims.experiments.optimum.hinge_optimum`).

    Parameters
    ----------
    X : array (N, d)
    y : array (N,) of -1/+1
    alpha : float
        Penalty weight ``alpha >= 0``; the bias is not penalised.
    """

    def __init__(self, X, y, alpha: float = 0.01):
        self.X = finite_array("X", X, ndim=2)
        y = finite_array("y", y, ndim=1)
        if len(y) != len(self.X):
            raise ValueError(f"y has {len(y)} labels but X has {len(self.X)} rows")
        if not np.all(np.isin(y, (-1.0, 1.0))):
            raise ValueError("y must contain only -1 and +1")
        self.y = y
        self.alpha = positive("alpha", alpha, allow_zero=True)
        d = self.X.shape[1]
        self.dim = d + 1
        self.blocks = (d, 1)

    def _targets(self, rows):
        return self.y[None] if rows is None else self.y[rows]

    def _eval(self, x, Xb, yb):
        w, b = x[:, :-1], x[:, -1]
        margins = yb * (np.matmul(Xb, w[:, :, None])[..., 0] + b[:, None])  # (S, m)
        viol = np.maximum(0.0, 1.0 - margins)
        f = viol.mean(axis=1) + self.alpha * np.abs(w).sum(axis=1)
        coef = -(yb * (viol > 0)) / margins.shape[1]  # (S, m): d f / d score_i
        g = np.empty_like(x)
        g[:, :-1] = np.matmul(coef[:, None, :], Xb)[:, 0, :] + self.alpha * np.sign(w)
        g[:, -1] = coef.sum(axis=1)
        return f, g


class Softmax(LinearLoss):
    """Multinomial logistic regression with an L2 penalty on all parameters.

    With scores ``z_i = W^T x_i + b`` (``W`` of shape ``(p, K)``):

    .. math::

        f(W, b) = \\frac1N \\sum_{i=1}^N \\Big(\\log \\sum_{k} e^{z_{ik}} - z_{i y_i}\\Big)
                  + \\frac{\\alpha}{2} \\big(\\|W\\|_F^2 + \\|b\\|^2\\big),

        \\nabla_W f = \\frac1N X^T (P - Y) + \\alpha W, \\qquad
        \\nabla_b f = \\frac1N \\mathbf 1^T (P - Y) + \\alpha b,

    ``P`` the softmax probabilities, ``Y`` the one-hot labels. The penalty
    makes ``f`` ``alpha``-strongly convex, so ``f* `` is attained (digits are
    linearly separable: without it the infimum would be approached only as
    ``|W| -> infinity``) and a small gradient certifies a small gap,
    ``f(x) - f* <= |grad f(x)|^2 / (2 alpha)``.

    Parameters
    ----------
    X : array (N, p)
    labels : int array (N,), values in ``0 .. classes-1``
    classes : int, optional
        ``K``; default ``labels.max() + 1``.
    alpha : float
        Penalty weight ``alpha >= 0``.
    """

    def __init__(self, X, labels, classes: int | None = None, alpha: float = 1e-3):
        self.X = finite_array("X", X, ndim=2)
        labels = np.asarray(labels)
        if labels.ndim != 1 or len(labels) != len(self.X):
            raise ValueError(f"labels must have shape ({len(self.X)},), got {labels.shape}")
        if not np.issubdtype(labels.dtype, np.integer) or labels.min() < 0:
            raise ValueError("labels must be non-negative integers")
        self.classes = int(labels.max()) + 1 if classes is None else int(classes)
        if labels.max() >= self.classes:
            raise ValueError(f"labels must be < classes = {self.classes}")
        self.labels = labels.astype(np.intp)
        self.alpha = positive("alpha", alpha, allow_zero=True)
        p = self.X.shape[1]
        self.dim = p * self.classes + self.classes
        self.blocks = (p * self.classes, self.classes)

    def _targets(self, rows):
        return self.labels[None] if rows is None else self.labels[rows]

    def _eval(self, x, Xb, lb):
        S, K = len(x), self.classes
        p = self.X.shape[1]
        W = x[:, : p * K].reshape(S, p, K)
        b = x[:, p * K:]
        z = np.matmul(Xb, W) + b[:, None, :]  # (S, m, K)
        zmax = z.max(axis=2, keepdims=True)
        ez = np.exp(z - zmax)
        se = ez.sum(axis=2, keepdims=True)
        lse = np.log(se[..., 0]) + zmax[..., 0]
        lb = np.broadcast_to(lb, z.shape[:2])
        zy = np.take_along_axis(z, lb[..., None], axis=2)[..., 0]
        m = z.shape[1]
        f = (lse - zy).mean(axis=1) + 0.5 * self.alpha * np.einsum("sn,sn->s", x, x)
        R = ez / se
        np.put_along_axis(R, lb[..., None], np.take_along_axis(R, lb[..., None], axis=2) - 1.0,
                          axis=2)
        R /= m
        g = np.empty_like(x)
        g[:, : p * K] = np.matmul(np.swapaxes(Xb, 1, 2), R).reshape(S, p * K)
        g[:, p * K:] = R.sum(axis=1)
        g += self.alpha * x
        return f, g

"""Batches of optimisation problems: ``B`` independent problems in ``R^n``.

Two kinds:

- :class:`Quadratic`: ``f_i(x) = 1/2 (x - x*_i)^T A_i (x - x*_i) + f*_i`` with
  ``A_i = Q_i diag(lambda_i) Q_i^T`` stored as eigenvalues ``(B, n)`` plus an
  orthogonal basis ``(B, n, n)`` (``None`` for a diagonal ``A``). Its strong
  convexity and smoothness constants are ``mu_i = min lambda_i`` and
  ``L_i = max lambda_i``. Since L2-LARS is rotation invariant, the simulator
  runs it in the eigenbasis at ``O(n)`` per step (:meth:`Quadratic.diagonal`).
- :class:`SmoothProblem`: any vectorised ``value``/``grad`` pair with optional
  known ``mu``, ``L``, ``x*`` and ``f*``.

:func:`random_quadratics` draws seeded batches with a prescribed spectrum.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from larscheck.sims.resources import require_memory, simulate_bytes
from larscheck.sims.validation import (
    batch_array,
    count,
    finite_array,
    non_negative_array,
    positive,
)

SPECTRA = ("uniform", "geometric", "two-point", "clustered")

#: Relative tolerance for symmetry of a user matrix, ``|A - A^T| <= tol * |A|``.
SYMMETRY_RTOL = 1e-10
#: Largest entry of ``|Q^T Q - I|`` accepted for a ``basis`` (eigh's bases are ~1e-15 off).
ORTHOGONALITY_TOLERANCE = 1e-8


class Problem:
    """A batch of ``B`` differentiable functions on ``R^n``.

    Attributes
    ----------
    batch, dim : int
        ``B`` and ``n``.
    xstar : ndarray (B, n) or None
        Minimisers, when known.
    fstar : ndarray (B,) or None
        Minimum values, when known.
    mu, L : ndarray (B,) or None
        Strong-convexity and gradient-Lipschitz constants, when known.
    """

    batch: int
    dim: int
    xstar: np.ndarray | None = None
    fstar: np.ndarray | None = None
    mu: np.ndarray | None = None
    L: np.ndarray | None = None

    def value(self, x: np.ndarray) -> np.ndarray:
        """``f_i(x_i)`` for every problem, shape ``(B,)``."""
        return self.value_and_grad(x)[0]

    def grad(self, x: np.ndarray) -> np.ndarray:
        """``grad f_i(x_i)``, shape ``(B, n)``."""
        return self.value_and_grad(x)[1]

    def value_and_grad(self, x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Both at once (one pass where the problem allows it)."""
        raise NotImplementedError


def _per_problem(name: str, value, batch: int, *, non_negative: bool = False
                 ) -> np.ndarray | None:
    """``None`` or a ``(B,)`` float array from a scalar or a length-B sequence (``>= 0``)."""
    if value is None:
        return None
    arr = non_negative_array(name, value) if non_negative else finite_array(name, value)
    if arr.ndim == 0:
        arr = np.full(batch, float(arr))
    if arr.shape != (batch,):
        raise ValueError(f"{name} must be a scalar or have shape ({batch},), got {arr.shape}")
    return arr


class Quadratic(Problem):
    """Strongly convex quadratics ``1/2 (x - x*)^T Q diag(eigs) Q^T (x - x*) + f*``.

    Parameters
    ----------
    eigs : array (B, n)
        Positive eigenvalues.
    xstar : array (B, n) or (n,)
        Minimisers.
    basis : array (B, n, n), optional
        Orthogonal eigenvector matrices (columns); ``None`` means ``A`` is diagonal.
    fstar : float or array (B,), optional
        Minimum values (default 0).
    """

    def __init__(self, eigs, xstar, basis=None, fstar=0.0):
        eigs = finite_array("eigs", eigs)
        if eigs.ndim == 1:
            eigs = eigs[None, :]
        if eigs.ndim != 2:
            raise ValueError(f"eigs must have shape (B, n), got {eigs.shape}")
        if np.any(eigs <= 0):
            raise ValueError("eigs must be > 0 (the quadratic must be positive definite)")
        self.batch, self.dim = eigs.shape
        self.eigs = eigs
        self.xstar = batch_array("xstar", xstar, self.batch, self.dim)
        if basis is not None:
            basis = finite_array("basis", basis)
            if basis.shape != (self.batch, self.dim, self.dim):
                raise ValueError(
                    f"basis must have shape ({self.batch}, {self.dim}, {self.dim}), "
                    f"got {basis.shape}"
                )
            defect = np.abs(np.matmul(basis.transpose(0, 2, 1), basis) - np.eye(self.dim)).max()
            if defect > ORTHOGONALITY_TOLERANCE:
                raise ValueError(f"basis must be orthogonal (Q^T Q = I within "
                                 f"{ORTHOGONALITY_TOLERANCE:g}), got max |Q^T Q - I| = "
                                 f"{defect:.3g}")
        self.basis = basis
        self.fstar = _per_problem("fstar", fstar, self.batch)
        self.mu = eigs.min(axis=1)
        self.L = eigs.max(axis=1)

    @classmethod
    def from_matrix(cls, A, xstar, fstar=0.0) -> Quadratic:
        """Validate a symmetric positive-definite ``A`` (``(n, n)`` or ``(B, n, n)``) and build."""
        A = finite_array("A", A)
        if A.ndim == 2:
            A = A[None]
        if A.ndim != 3 or A.shape[1] != A.shape[2]:
            raise ValueError(f"A must be square, shape (n, n) or (B, n, n), got {A.shape}")
        scale = np.abs(A).max()
        if np.abs(A - A.transpose(0, 2, 1)).max() > SYMMETRY_RTOL * max(scale, 1.0):
            raise ValueError("A must be symmetric")
        eigs, basis = np.linalg.eigh(A)
        if np.any(eigs <= 0):
            raise ValueError(
                f"A must be positive definite; smallest eigenvalue is {eigs.min():.3g}"
            )
        xstar = finite_array("xstar", xstar)
        if xstar.shape[-1] != A.shape[1]:
            raise ValueError(
                f"xstar has dimension {xstar.shape[-1]} but A is {A.shape[1]}x{A.shape[1]}"
            )
        return cls(eigs, xstar, basis, fstar)

    @property
    def diagonal_form(self) -> bool:
        """True when ``A`` is diagonal in the standard basis."""
        return self.basis is None

    def to_eigen(self, x: np.ndarray) -> np.ndarray:
        """Coordinates ``Q^T x`` in the eigenbasis."""
        if self.basis is None:
            return x
        return np.matmul(self.basis.transpose(0, 2, 1), x[:, :, None])[:, :, 0]  # BLAS

    def from_eigen(self, y: np.ndarray) -> np.ndarray:
        """Back to the standard basis, ``Q y``."""
        return y if self.basis is None else np.matmul(self.basis, y[:, :, None])[:, :, 0]

    def diagonal(self) -> Quadratic:
        """The same problems written in their eigenbases (``basis=None``)."""
        return Quadratic(self.eigs, self.to_eigen(self.xstar), None, self.fstar)

    def in_eigenbasis(self, x: np.ndarray) -> tuple[Quadratic, np.ndarray]:
        """``(self.diagonal(), self.to_eigen(x))`` from one pass over the bases.

        ``Q^T [x, x*]`` is one batched product with two columns: the ``(B, n, n)``
        bases, ``n`` times larger than the iterates, are read once instead of twice.
        """
        if self.basis is None:
            return self, x.copy()
        cols = np.matmul(self.basis.transpose(0, 2, 1), np.stack((x, self.xstar), axis=2))
        return (Quadratic(self.eigs, np.ascontiguousarray(cols[:, :, 1]), None, self.fstar),
                np.ascontiguousarray(cols[:, :, 0]))

    def matrix(self) -> np.ndarray:
        """Dense ``A``, shape ``(B, n, n)``."""
        if self.basis is None:
            return np.einsum("bi,ij->bij", self.eigs, np.eye(self.dim))
        return np.einsum("bik,bk,bjk->bij", self.basis, self.eigs, self.basis)

    def value_and_grad(self, x):
        diff = x - self.xstar
        if self.basis is None:
            g = self.eigs * diff
        else:
            g = self.from_eigen(self.eigs * self.to_eigen(diff))
        f = 0.5 * np.add.reduce(diff * g, axis=1) + self.fstar  # pairwise, as the kernel sums
        return f, g

    def select(self, index) -> Quadratic:
        """The sub-batch of the problems at ``index`` (an index array or slice)."""
        basis = None if self.basis is None else self.basis[index]
        return Quadratic(self.eigs[index], self.xstar[index], basis, self.fstar[index])


class SmoothProblem(Problem):
    """Problems given by vectorised callables.

    Parameters
    ----------
    value : callable
        ``value(x)`` with ``x`` of shape ``(B, n)`` returns ``(B,)``.
    grad : callable
        ``grad(x)`` returns ``(B, n)``.
    batch, dim : int
        Shape of the batch.
    xstar, fstar, mu, L : optional
        Known minimisers ``(B, n)`` or ``(n,)``, minima, and constants (scalars
        or ``(B,)``).
    """

    def __init__(self, value: Callable, grad: Callable, batch: int, dim: int, *,
                 xstar=None, fstar=None, mu=None, L=None):
        if not callable(value) or not callable(grad):
            raise TypeError("value and grad must be callables")
        self.batch, self.dim = count("batch", batch, 1), count("dim", dim, 1)
        self._value, self._grad = value, grad
        self.xstar = None if xstar is None else batch_array("xstar", xstar, self.batch, self.dim)
        self.fstar = _per_problem("fstar", fstar, self.batch)
        self.mu = _per_problem("mu", mu, self.batch, non_negative=True)
        self.L = _per_problem("L", L, self.batch, non_negative=True)
        if self.mu is not None and self.L is not None and np.any(self.mu > self.L):
            raise ValueError("mu must be <= L")

    def value_and_grad(self, x):
        f = np.asarray(self._value(x), dtype=np.float64)
        g = np.asarray(self._grad(x), dtype=np.float64)
        if f.shape != (x.shape[0],):
            raise ValueError(f"value(x) must return shape ({x.shape[0]},), got {f.shape}")
        if g.shape != x.shape:
            raise ValueError(f"grad(x) must return shape {x.shape}, got {g.shape}")
        return f, g


def _spectrum(rng: np.random.Generator, batch: int, dim: int, mu: float, L: float,
              shape: str) -> np.ndarray:
    """Eigenvalues ``(B, n)`` in ``[mu, L]`` with ``mu`` and ``L`` both attained."""
    if dim == 1:
        if mu != L:
            raise ValueError("in dimension 1 mu and L cannot both be attained unless mu == L")
        return np.full((batch, 1), mu)
    inner = dim - 2
    if shape == "uniform":
        mid = rng.uniform(mu, L, size=(batch, inner))
    elif shape == "geometric":
        mid = np.broadcast_to(np.geomspace(mu, L, dim)[1:-1], (batch, inner))
    elif shape == "two-point":
        mid = np.where(rng.random((batch, inner)) < 0.5, mu, L)
    elif shape == "clustered":
        centres = np.exp(rng.uniform(np.log(mu), np.log(L), size=(batch, 3)))
        pick = rng.integers(0, 3, size=(batch, inner))
        spread = np.exp(0.05 * rng.standard_normal((batch, inner)))
        mid = np.clip(np.take_along_axis(centres, pick, axis=1) * spread, mu, L)
    else:
        raise ValueError(f"spectrum shape must be one of {SPECTRA}, got {shape!r}")
    eigs = np.concatenate([np.full((batch, 1), mu), mid, np.full((batch, 1), L)], axis=1)
    return np.sort(eigs, axis=1)


#: Matrices per LAPACK call in :func:`random_orthogonal`; bounds its scratch memory.
QR_CHUNK = 64


def random_orthogonal(rng: np.random.Generator, batch: int, dim: int) -> np.ndarray:
    """Haar-distributed orthogonal matrices ``(B, n, n)`` (QR of a Gaussian, signs fixed).

    The QR factorisations run a chunk of matrices at a time and overwrite the
    Gaussian draws, so the scratch memory is that of one chunk (each matrix is
    factorised on its own either way: the result does not depend on the chunk).
    """
    z = rng.standard_normal((batch, dim, dim))
    for start in range(0, batch, QR_CHUNK):
        part = z[start:start + QR_CHUNK]
        q, r = np.linalg.qr(part)
        q *= np.sign(np.diagonal(r, axis1=1, axis2=2))[:, None, :]
        part[...] = q
    return z


def random_directions(rng: np.random.Generator, batch: int, dim: int) -> np.ndarray:
    """Uniform unit vectors ``(B, n)``."""
    v = rng.standard_normal((batch, dim))
    return v / np.linalg.norm(v, axis=1, keepdims=True)


def _norms(rng, name: str, spec, batch: int) -> np.ndarray:
    """A norm per problem: a fixed value, or log-uniform on ``(lo, hi)``."""
    if np.ndim(spec) == 0:
        return np.full(batch, positive(name, spec))
    lo, hi = (positive(name, v) for v in spec)
    if lo > hi:
        raise ValueError(f"{name} range must have lo <= hi, got ({lo}, {hi})")
    return np.exp(rng.uniform(np.log(lo), np.log(hi), size=batch))


def random_quadratics(rng: np.random.Generator, batch: int, dim: int, *, mu: float = 1.0,
                      L: float = 10.0, shape: str = "uniform",
                      xstar_norm: float | tuple[float, float] = 1.0,
                      rotate: bool = True) -> Quadratic:
    """Draw ``B`` strongly convex quadratics in ``R^n`` with ``mu`` and ``L`` attained.

    Parameters
    ----------
    rng : numpy.random.Generator
        Source of randomness (seeded by the caller).
    batch, dim : int
        ``B >= 1`` and ``n >= 1``.
    mu, L : float
        ``0 < mu <= L``; the smallest and largest eigenvalue of every ``A_i``.
    shape : {"uniform", "geometric", "two-point", "clustered"}
        How the other ``n - 2`` eigenvalues fill ``[mu, L]``.
    xstar_norm : float or (lo, hi)
        ``||x*||``, fixed or log-uniform in a range; the direction is uniform.
    rotate : bool
        Random (Haar) eigenbasis if True, else ``A`` is diagonal.
    """
    if not isinstance(rng, np.random.Generator):
        raise TypeError("rng must be a numpy.random.Generator (np.random.default_rng(seed))")
    batch, dim = count("batch", batch, 1), count("dim", dim, 1)
    require_memory(simulate_bytes(batch, dim, rotated=rotate and dim > 1),
                   f"a batch of {batch} problems in R^{dim}")
    mu, L = positive("mu", mu), positive("L", L)
    if mu > L:
        raise ValueError(f"mu must be <= L, got mu={mu}, L={L}")
    eigs = _spectrum(rng, batch, dim, mu, L, shape)
    xstar = random_directions(rng, batch, dim) * _norms(rng, "xstar_norm", xstar_norm, batch)[
        :, None
    ]
    basis = random_orthogonal(rng, batch, dim) if rotate and dim > 1 else None
    return Quadratic(eigs, xstar, basis)

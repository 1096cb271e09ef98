r"""Convexity and smoothness of a witness by dense scans and adversarial searches.

The checks of :mod:`~larscheck.proofs_check.search.witness` at a few dozen random
points can miss a narrow dip of negative curvature or a narrow spike of the
Hessian. This module looks where a random sample does not:

- :func:`dense_path`: the witness *curve*, the polyline from :math:`x^*` through the
  witness points, sampled densely (geometrically from :math:`x^*`, linearly between
  witness points);
- :func:`secant_curvature`: along that polyline, the exact monotonicity test of a
  convex function's gradient, :math:`\langle \nabla f(p_{i+1}) - \nabla f(p_i),
  p_{i+1} - p_i\rangle \ge 0`, for every pair of consecutive samples (a line search
  of the curvature along the curve; no difference step, no truncation error);
- :func:`adversarial`: a multi-start Nelder–Mead search that maximises a function of
  the point (the spectral norm of the difference Hessian, for smoothness; minus its
  smallest eigenvalue, for convexity), started from the worst points of the dense set;
- :func:`atom_scan`: for an atom that is not convex by construction (a user atom,
  :func:`~larscheck.sims.convex_family.convex_by_construction`), a dense 1-D scan of
  :math:`\phi` and :math:`\phi'` over the range of :math:`t_j = \langle w_j, x - x^*
  \rangle` the checks visit, of every property the family relies on: :math:`\phi'`
  non-decreasing (convexity), secant slopes of :math:`\phi'` at most the declared
  curvature (smoothness), each secant of :math:`\phi` between the derivatives at the
  interval's ends (the mean value theorem for a convex :math:`\phi`: a wrong
  derivative breaks it), and :math:`\phi > 0` off 0 (uniqueness; for
  :math:`|t| \ge` :data:`ATOM_POSITIVE_FROM`).

All of this is numerical *evidence*, not a proof: a feature narrower than the
sample spacing can still escape the scans (the built-in atoms need no scan:
their convexity and curvature bound hold by construction).
"""

from __future__ import annotations

import itertools
from collections.abc import Callable

import numpy as np
from scipy import optimize

from larscheck.sims.convex_family import ConvexFamily

EPS = np.finfo(np.float64).eps

#: Samples per segment of the witness polyline (and from ``x*`` to the first point).
DENSE_PER_SEGMENT = 256

#: Closest sample to ``x*`` on the first segment, relative to the first point's distance.
DENSE_INNER = 1e-6

#: Rounding allowance of a gradient difference, in ulps of the gradient entries.
ROUNDING_ULPS = 16.0

#: Starts and evaluations per start of the adversarial searches.
ADVERSARIAL_STARTS = 6
ADVERSARIAL_EVALS = 80

#: Samples of each user atom's scan: geometric from :data:`ATOM_INNER` to the range on
#: each side of 0, plus a uniform grid on ``[-ATOM_UNIFORM_SPAN, ATOM_UNIFORM_SPAN]``.
ATOM_SAMPLES = 200_001
ATOM_INNER = 1e-8
ATOM_UNIFORM_SPAN = 100.0

#: ``phi > 0`` is required for ``|t| >=`` this: a formula such as ``sqrt(1 + t^2) - 1``
#: (``~t^2/2``) is lost to rounding below ``|t| ~ sqrt(eps) ~ 1e-8``; at 1e-6 it is
#: still accurate to ~1e-4, so a flat piece of width 1e-6 or more is caught.
ATOM_POSITIVE_FROM = 1e-6

#: Relative tolerance of the atom scans (rounding of ``phi'`` at the grid points).
ATOM_RTOL = 1e-9


def dense_path(member: ConvexFamily, points: np.ndarray,
               per_segment: int = DENSE_PER_SEGMENT) -> np.ndarray:
    """The polyline ``x* -> points[0] -> points[1] -> ...`` sampled densely, ``(N, n)``."""
    xstar = member.xstar[0]
    first = np.geomspace(DENSE_INNER, 1.0, per_segment)[:, None]
    out = [xstar + first * (points[0] - xstar)]
    s = np.linspace(0.0, 1.0, per_segment + 1)[1:, None]
    for a, b in itertools.pairwise(points):
        out.append(a + s * (b - a))
    return np.concatenate(out)


_BATCHES: dict[tuple[int, int], tuple[ConvexFamily, ConvexFamily]] = {}


def evaluate(member: ConvexFamily, x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Value and gradient of a batch-one member at the rows of ``x`` (its repeats are
    cached by size: building one costs more than evaluating it)."""
    x = np.atleast_2d(np.asarray(x, dtype=np.float64))
    key = (id(member), len(x))
    if key not in _BATCHES or _BATCHES[key][0] is not member:
        if len(_BATCHES) > 64:
            _BATCHES.clear()
        _BATCHES[key] = (member, member.repeat(len(x)))
    return _BATCHES[key][1].value_and_grad(x)


def _grad(member: ConvexFamily, x: np.ndarray) -> np.ndarray:
    return evaluate(member, x)[1]


def secant_curvature(member: ConvexFamily, path: np.ndarray) -> dict:
    r"""Monotonicity of the gradient between consecutive samples of ``path``.

    Reports ``q_i = <g(p_{i+1}) - g(p_i), p_{i+1} - p_i> / |p_{i+1} - p_i|^2`` (the mean
    curvature along the segment); ``ok`` when no ``q_i`` is below minus the rounding
    allowance ``ROUNDING_ULPS eps max|g| sqrt(n) / |p_{i+1} - p_i|``.
    """
    g = _grad(member, path)
    dp = np.diff(path, axis=0)
    step = np.linalg.norm(dp, axis=1)
    keep = step > 0
    q = np.einsum("pi,pi->p", np.diff(g, axis=0), dp)[keep] / step[keep] ** 2
    gmax = np.maximum(np.abs(g[:-1]).max(axis=1), np.abs(g[1:]).max(axis=1))[keep]
    allow = ROUNDING_ULPS * EPS * (gmax + 1.0) * np.sqrt(member.dim) / step[keep]
    bad = q < -allow
    worst = int(np.argmin(q + allow)) if q.size else 0
    return {"ok": not bool(bad.any()), "segments": int(q.size),
            "negative_segments": int(bad.sum()),
            "min_secant_curvature": float(q.min(initial=np.inf)),
            "where": path[:-1][keep][worst].tolist() if bad.any() else None}


def hessians(member: ConvexFamily, x: np.ndarray) -> np.ndarray:
    """Symmetrised central-difference Hessians of the gradient at the rows of ``x``,
    ``(P, n, n)``, at steps ``6e-6 max(1, ||x||)``."""
    x = np.atleast_2d(x)
    n = member.dim
    h = 6e-6 * np.maximum(1.0, np.linalg.norm(x, axis=1))
    shifts = np.einsum("p,ij->pij", h, np.eye(n))
    g = _grad(member, np.concatenate([(x[:, None] + shifts).reshape(-1, n),
                                      (x[:, None] - shifts).reshape(-1, n)]))
    plus, minus = g[:len(x) * n], g[len(x) * n:]
    cols = (plus - minus).reshape(len(x), n, n) / (2 * h[:, None, None])
    return 0.5 * (cols + cols.transpose(0, 2, 1))


def adversarial(score: Callable[[np.ndarray], float], starts: np.ndarray,
                scales: np.ndarray, evals: int = ADVERSARIAL_EVALS) -> tuple[float, np.ndarray]:
    """Maximise ``score(x)`` by Nelder–Mead from each of ``starts`` (rows), in
    coordinates ``x = start + scale * z``; returns the best value and its point."""
    best, where = -np.inf, starts[0]
    for x0, scale in zip(starts, scales, strict=True):
        res = optimize.minimize(lambda z, x0=x0, scale=scale: -score(x0 + scale * z),
                                np.zeros(x0.size), method="Nelder-Mead",
                                options={"maxfev": evals * x0.size, "xatol": 1e-6,
                                         "fatol": 0.0})
        value = -float(res.fun)
        if value > best:
            best, where = value, x0 + scale * res.x
    return best, where


def worst_starts(member: ConvexFamily, dense: np.ndarray, values: np.ndarray,
                 count: int = ADVERSARIAL_STARTS) -> tuple[np.ndarray, np.ndarray]:
    """``x*`` and the ``count - 1`` points of ``dense`` with the largest ``values``, with
    search scales a tenth of their distance to ``x*`` (at least 1e-3)."""
    pick = dense[np.argsort(values)[::-1][:count - 1]]
    starts = np.concatenate([member.xstar[:1], pick])
    scales = np.maximum(1e-3, 0.1 * np.linalg.norm(starts - member.xstar[0], axis=1))
    return starts, scales


def _norm(eig: np.ndarray) -> np.ndarray:
    return np.abs(eig).max(axis=-1)


def _negativity(eig: np.ndarray) -> np.ndarray:
    return -eig[..., 0] / np.maximum(_norm(eig), EPS)


def _search(member: ConvexFamily, dense: np.ndarray, measure: Callable) -> tuple[float, np.ndarray]:
    """Adversarial maximum of ``measure(eigenvalues of the difference Hessian)``."""
    def score(x):
        return float(measure(np.linalg.eigvalsh(hessians(member, x)[0])))

    starts, scales = worst_starts(member, dense, measure(np.linalg.eigvalsh(
        hessians(member, dense))))
    return adversarial(score, starts, scales)


def hessian_norm_search(member: ConvexFamily, dense: np.ndarray) -> dict:
    """Adversarial maximum of the difference Hessian's spectral norm over the points."""
    value, where = _search(member, dense, _norm)
    return {"max_hessian_norm": value, "where": where.tolist()}


def min_curvature_search(member: ConvexFamily, dense: np.ndarray) -> dict:
    """Adversarial minimum of the difference Hessian's smallest eigenvalue, relative to
    its spectral norm, and the exact monotonicity test along its eigenvector there."""
    value, where = _search(member, dense, _negativity)
    h = 6e-6 * max(1.0, float(np.linalg.norm(where)))
    _, vec = np.linalg.eigh(hessians(member, where)[0])
    v = vec[:, 0]
    g = _grad(member, np.stack([where + h * v, where - h * v]))
    mono = float((g[0] - g[1]) @ v)
    allow = ROUNDING_ULPS * EPS * (np.abs(g).max() + 1.0) * np.sqrt(member.dim)
    return {"ok": bool(mono >= -allow), "min_relative_eigenvalue": -value,
            "where": where.tolist(), "monotonicity_along_eigenvector": mono}


def _grid(t_max: float, samples: int) -> np.ndarray:
    half = samples // 4
    side = np.geomspace(ATOM_INNER, max(t_max, 10 * ATOM_INNER), half)
    span = min(ATOM_UNIFORM_SPAN, t_max)
    return np.unique(np.concatenate([-side, [0.0], side, np.linspace(-span, span, 2 * half)]))


def atom_scan(atom, t_max: float, samples: int = ATOM_SAMPLES) -> dict:
    r"""Dense scan of one atom on ``[-t_max, t_max]``: convexity (``phi'`` non-decreasing),
    curvature bound (secant slopes of ``phi'`` <= ``atom.curvature``), derivative (secant of
    ``phi`` within ``[phi'(t_i), phi'(t_{i+1})]``) and ``phi > 0`` off 0.

    Returns a dict with a bool per property (``convex``, ``curvature``, ``derivative``,
    ``positive``), the worst numbers and where they occur.
    """
    t = _grid(float(t_max), samples)
    with np.errstate(all="ignore"):
        v = np.asarray(atom.value(t), dtype=np.float64)
        d = np.asarray(atom.derivative(t), dtype=np.float64)
    dt = np.diff(t)
    dd = np.diff(d)
    scale = ATOM_RTOL * (np.maximum(np.abs(d[1:]), np.abs(d[:-1])) + 1.0)
    secant = np.diff(v) / dt
    v_round = ATOM_RTOL * (np.abs(v[1:]) + np.abs(v[:-1]) + 1.0) / dt
    # the bracket of the mean value theorem, widened to the neighbouring intervals: where
    # phi' is resolved by the grid (monotone over an interval), the secant lies within it
    pad = np.concatenate([d[:1], d, d[-1:]])
    near = np.stack([pad[:-3], pad[1:-2], pad[2:-1], pad[3:]])
    lo, hi = near.min(axis=0), near.max(axis=0)
    off = np.maximum(lo - secant, secant - hi) - scale - v_round
    slope = dd / dt
    zero = t == 0.0
    away = np.abs(t) >= ATOM_POSITIVE_FROM
    finite = bool(np.all(np.isfinite(v)) and np.all(np.isfinite(d)))
    out = {"atom": atom.name, "t_max": float(t_max), "samples": int(t.size), "finite": finite,
           "convex": finite and bool(np.all(dd >= -scale)),
           "curvature": finite and bool(np.all(slope <= atom.curvature * (1 + ATOM_RTOL)
                                               + scale / dt)),
           "derivative": finite and bool(np.all(off <= 0)),
           "positive": finite and bool(np.all(v[away] > 0) and np.all(v >= 0)
                                         and np.all(v[zero] == 0) and np.all(d[zero] == 0)),
           "min_phi_prime_step": float(dd.min()), "max_secant_slope": float(slope.max()),
           "declared_curvature": float(atom.curvature),
           "max_derivative_mismatch": float(off.max())}
    out["where_nonconvex"] = float(t[int(np.argmin(dd + scale))]) if not out["convex"] else None
    return out

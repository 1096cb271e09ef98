"""Measurements the checks share: one LARS step, the angle, and the set ``S_lambda`` along rays.

Everything here is measured with the update rule of :mod:`larscheck.sims`
(never with the algebra behind a bound), so that a check compares the bound
with what the method actually does:

- :func:`lars_step`: ``x+ = x - lambda ||x|| g / ||g||`` (L2, LARS) or the L1
  variant (PercentDelta), via :class:`larscheck.sims.LARS`;
- :func:`cos_from`, :func:`cos_alpha`: the angle between the gradient and the
  direction to the optimum, the quantity of Lemma 1 and Conjecture 1 (a LARS step
  from ``x`` moves away from :math:`x^*` exactly when
  :math:`\\lambda \\|x\\| \\ge 2 \\cos\\alpha \\, \\|x - x^*\\|`),

  .. math:: \\cos\\alpha(x) = \\frac{\\langle \\nabla f(x), x - x^* \\rangle}
                                {\\|\\nabla f(x)\\| \\, \\|x - x^*\\|};

- :func:`sup_S_on_rays`: the largest ``||x - x*||`` over points of

  .. math:: S_\\lambda = \\{x \\ne 0 : \\|x^+ - x^*\\| \\ge \\|x - x^*\\|\\}

  found on rays ``x* + t d`` from the minimiser: a log grid of ``t`` locates the
  last point of ``S_lambda`` on each ray and bisection refines the boundary,
  each probe being one real LARS step.
"""

from __future__ import annotations

import numpy as np

from larscheck.sims import LARS, Problem
from larscheck.sims.blocks import Blocks
from larscheck.sims.problems import random_directions

#: Relative distances ``t / scale`` probed on every ray (``scale = max(||x*||, 1e-12)``).
RAY_GRID = np.geomspace(1e-3, 1e7, 31)
#: Bisection steps refining the boundary of ``S_lambda`` between two grid points
#: (the grid ratio is 10^(1/3); 32 halvings leave a relative gap below 1e-9, far
#: below any tightness worth reporting; the reported point is always verified inside).
BISECTIONS = 32


def cos_from(g: np.ndarray, diff: np.ndarray) -> np.ndarray:
    r""":math:`\langle g, d \rangle / (\|g\| \|d\|)` row by row (``(B, n)`` inputs, ``(B,)``
    out); NaN where ``g`` or ``d`` is zero. Rows are rescaled by their largest entry
    first, so huge or tiny vectors neither overflow nor underflow."""
    g = np.asarray(g, dtype=np.float64)
    diff = np.asarray(diff, dtype=np.float64)
    gs = np.max(np.abs(g), axis=-1, keepdims=True)
    ds = np.max(np.abs(diff), axis=-1, keepdims=True)
    with np.errstate(invalid="ignore", divide="ignore"):
        gn = g / gs
        dn = diff / ds
        return np.einsum("...i,...i->...", gn, dn) / (
            np.linalg.norm(gn, axis=-1) * np.linalg.norm(dn, axis=-1))


def cos_alpha(problem, x: np.ndarray) -> np.ndarray:
    """``cos alpha`` of every problem of a batch at ``x`` (shape ``(B, n)``), shape ``(B,)``."""
    if problem.xstar is None:
        raise ValueError("cos alpha needs a problem with a known xstar")
    x = np.asarray(x, dtype=np.float64)
    return cos_from(problem.grad(x), x - problem.xstar)


def lars_step(x: np.ndarray, g: np.ndarray, lam, norm: str = "l2") -> np.ndarray:
    """One step of eq. (1) from ``x`` (``(B, n)``) with gradient ``g`` and rate ``lam``
    (a scalar or ``(B,)``)."""
    out = x.copy()
    LARS(norm=norm).apply(out, g, lam, {}, Blocks(x.shape[1]))
    return out


def not_closer(problem: Problem, x: np.ndarray, lam, norm: str = "l2") -> np.ndarray:
    """``x in S_lambda``: ``x != 0`` and the LARS step from ``x`` does not get closer to ``x*``
    (bool ``(B,)``). The origin is excluded by the definition: LARS does not move from it."""
    nxt = lars_step(x, problem.grad(x), lam, norm)
    return ((np.linalg.norm(nxt - problem.xstar, axis=1)
             >= np.linalg.norm(x - problem.xstar, axis=1)) & np.any(x != 0.0, axis=1))


def ray_directions(rng: np.random.Generator, batch: int, dim: int, count: int) -> np.ndarray:
    """``count`` unit directions per problem, ``(B, count, n)``.

    Half are uniform on the sphere; the other half mix two random coordinates
    (the eigenvectors of a diagonal quadratic) with random weights and signs,
    where the angle between gradient and ``x - x*`` is smallest for quadratics.
    In dimension 1 the two directions are ``+1`` and ``-1``.
    """
    if dim == 1:
        return np.where(np.arange(count) % 2 == 0, 1.0, -1.0)[None, :, None].repeat(batch, 0)
    half = count // 2
    uniform = random_directions(rng, batch * (count - half), dim).reshape(batch, -1, dim)
    pairs = np.zeros((batch, half, dim))
    i = rng.integers(0, dim, size=(batch, half))
    j = (i + rng.integers(1, dim, size=(batch, half))) % dim
    theta = rng.uniform(0.0, 2.0 * np.pi, size=(batch, half))
    b, h = np.indices((batch, half))
    pairs[b, h, i] = np.cos(theta)
    pairs[b, h, j] = np.sin(theta)
    return np.concatenate([uniform, pairs], axis=1)


def sup_S_on_rays(problem: Problem, lam, directions: np.ndarray, norm: str = "l2"):
    """Largest ``||x - x*||`` of ``S_lambda`` found on the rays ``x* + t d``.

    Parameters
    ----------
    problem : Problem
        ``B`` problems with known ``x*``.
    lam : float or array (B,)
        Rates.
    directions : array (B, J, n)
        Unit ray directions (:func:`ray_directions`).
    norm : {"l2", "l1"}
        LARS or PercentDelta.

    Returns
    -------
    sup : ndarray (B,)
        Largest distance of a point verified (by a LARS step) to lie in ``S_lambda``;
        0 if no probed point does.
    unbounded : ndarray of bool (B,)
        ``S_lambda`` still contains the farthest probed point (``1e7 ||x*||``) of some ray.
    point : ndarray (B, n)
        The point attaining ``sup``.
    """
    batch, rays, dim = directions.shape
    rep = np.repeat(np.arange(batch), rays)
    probs = problem.select(rep)
    lam_rep = np.asarray(lam, dtype=np.float64)
    lam_rep = lam_rep[rep] if lam_rep.ndim else float(lam_rep)
    d = directions.reshape(-1, dim)
    scale = np.maximum(np.linalg.norm(probs.xstar, axis=1), 1e-12)

    def inside(t):
        return not_closer(probs, probs.xstar + t[:, None] * d, lam_rep, norm)

    last = np.full(rep.size, -1)
    for j, rel in enumerate(RAY_GRID):
        last = np.where(inside(rel * scale), j, last)
    lo = np.where(last >= 0, RAY_GRID[np.maximum(last, 0)], 0.0) * scale
    hi = RAY_GRID[np.minimum(last + 1, RAY_GRID.size - 1)] * scale
    refine = (last >= 0) & (last < RAY_GRID.size - 1)
    for _ in range(BISECTIONS):
        mid = 0.5 * (lo + hi)
        ok = inside(mid) & refine
        lo = np.where(ok, mid, lo)
        hi = np.where(ok | ~refine, hi, mid)
    lo = lo.reshape(batch, rays)
    best = np.argmax(lo, axis=1)
    sup = lo[np.arange(batch), best]
    point = problem.xstar + sup[:, None] * directions[np.arange(batch), best]
    unbounded = (last.reshape(batch, rays) == RAY_GRID.size - 1).any(axis=1)
    return sup, unbounded, point

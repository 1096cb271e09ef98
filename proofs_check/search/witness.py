r"""Independent verification of a Conjecture 1 witness.

A witness (the JSON of ``larscheck search conjecture1``) names a member of the
convex family (:mod:`larscheck.sims.convex_family`) and points of increasing
norm where :math:`\cos\alpha` is small. :func:`verify_witness` rebuilds the
function from the JSON alone and checks, without using anything the search
computed:

``gradient``
    the analytic gradient against central finite differences of the value,
    at steps :data:`FD_STEP` times ``10^0 .. 10^-3`` (a point passes at the
    first step that agrees: a kink of :math:`\phi''` within ``h`` of the point
    makes the error first order in ``h``, and a smaller step removes it); a
    point within rounding distance of a kink, where no step gives second-order
    agreement, is held to the bound :math:`|D_h f - \partial_i f| \le L h / 2`
    that every L-smooth function obeys (counted as ``kink_points``);
``convexity``
    midpoint convexity of the values on random pairs (zero order), and
    finite-difference Hessians (central differences of the checked gradient)
    with eigenvalues :math:`\ge -\text{tol}`. Near a kink of :math:`\phi''`
    (Huber) a difference Hessian can be slightly indefinite although ``f`` is
    convex, so a negative eigenvalue is re-examined along its eigenvector ``v``
    by the exact monotonicity test :math:`\langle g(x+hv) - g(x-hv), v\rangle
    \ge 0`;
``smoothness``
    an estimate of ``L`` (largest Hessian eigenvalue and largest gradient
    difference quotient sampled), which must not exceed the claimed ``L``;
``uniqueness``
    :math:`\nabla f(x^*) = 0` (finite differences), a positive-definite
    difference Hessian at :math:`x^*` (a strict local minimiser of a convex
    function is its unique minimiser), and an independent derivative-free
    solver (BFGS on finite differences) from several starts landing at
    :math:`x^*`;
``trend``
    :math:`\cos\alpha` recomputed at the points, the convexity certificate
    :math:`\ell = (f - f^*)/(\|\nabla f\|\|x - x^*\|) \le \cos\alpha` and the
    gradient norm there, classified by :func:`cos_trend` (a decrease of
    :math:`\cos\alpha` alone can be a level-off at a tiny positive value).
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
from scipy import optimize, stats

from larscheck.proofs_check.measure import cos_from
from larscheck.sims.convex_family import ConvexFamily

EPS = np.finfo(np.float64).eps

#: Central-difference step relative to ``max(1, ||x||)``: about ``eps^(1/3)``, which
#: balances the ``h^2`` truncation error against the ``eps |f| / h`` rounding error.
FD_STEP = 6e-6

#: Rounding-error allowance of a central difference, in units of ``eps * scale / h``:
#: each of the two evaluations is off by a few ulps of ``scale`` (the values, or the
#: gradient entries, involved), and the subtraction adds one more.
FD_ROUNDING = 16.0

#: Relative allowance for the truncation error of the central differences, ``h^2 |f'''|``
#: relative to ``|f'|``; with ``h = FD_STEP`` this is ~1e-10 times the curvature scale of
#: the atoms, so 1e-6 leaves four orders of margin.
FD_RTOL = 1e-6

#: Relative margin on the claimed smoothness constant (the estimate comes from the
#: same difference quotients, accurate to ``FD_RTOL``).
SMOOTH_RTOL = 1e-4

#: Smallest eigenvalue of the difference Hessian at ``x*``, relative to its largest,
#: that counts as positive definite (100 times the ~1e-10 relative difference error).
UNIQUE_MIN_CURVATURE = 1e-8

#: A solver start at distance ``r`` from ``x*`` must end within this fraction of ``r``
#: (plus the FD resolution) of ``x*``.
UNIQUE_SOLVER_RTOL = 1e-3

#: Slope of ``log cos alpha`` against ``log ||x||`` that separates "decreasing" from
#: "levelled off" (over a decade, a slope of -0.05 is an 11 % drop).
TREND_MIN_SLOPE = 0.05

#: Relative increase of ``cos alpha`` from one point to the next still counted as
#: "decreasing" (the points are local minima of a numerical search).
TREND_MONOTONE_RTOL = 1e-6

#: Random sample sizes of the checks.
SAMPLES = 24


def _evaluate(member: ConvexFamily, x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Value and gradient of one member (batch 1) at many points ``x`` (``(P, n)``)."""
    x = np.atleast_2d(np.asarray(x, dtype=np.float64))
    return member.repeat(x.shape[0]).value_and_grad(x)


def _steps(x: np.ndarray) -> np.ndarray:
    return FD_STEP * np.maximum(1.0, np.linalg.norm(x, axis=1))


#: Step reductions tried by the gradient check (relative rounding error stays below
#: ``eps ||x|| / h``, about 4e-8 at the smallest step).
FD_REDUCTIONS = (1.0, 1e-1, 1e-2, 1e-3)


def fd_gradient(member: ConvexFamily, x: np.ndarray, reduction: float = 1.0) -> np.ndarray:
    """Central differences of the value, one point per row of ``x``, at step
    ``reduction * FD_STEP * max(1, ||x||)``."""
    n = member.dim
    h = reduction * _steps(x)
    shifts = np.einsum("p,ij->pij", h, np.eye(n))
    plus, _ = _evaluate(member, (x[:, None, :] + shifts).reshape(-1, n))
    minus, _ = _evaluate(member, (x[:, None, :] - shifts).reshape(-1, n))
    return (plus - minus).reshape(len(x), n) / (2 * h[:, None])


def fd_hessians(member: ConvexFamily, x: np.ndarray) -> np.ndarray:
    """Symmetrised central differences of the gradient, ``(P, n, n)``."""
    n = member.dim
    h = _steps(x)
    shifts = np.einsum("p,ij->pij", h, np.eye(n))
    _, gp = _evaluate(member, (x[:, None, :] + shifts).reshape(-1, n))
    _, gm = _evaluate(member, (x[:, None, :] - shifts).reshape(-1, n))
    cols = (gp - gm).reshape(len(x), n, n) / (2 * h[:, None, None])  # [p, j, i] = dg_i/dx_j
    return 0.5 * (cols + cols.transpose(0, 2, 1))


def sample_points(member: ConvexFamily, points: np.ndarray, rng: np.random.Generator,
                  count: int = SAMPLES) -> np.ndarray:
    """Where the checks look: the witness points, random points at distances 1e-2 .. 1e2
    times ``max(1, ||x*||)`` and up to the largest witness norm around ``x*``, and points
    on the segments between consecutive witness points."""
    xstar = member.xstar[0]
    n = member.dim
    top = max(1e2, float(np.max(np.linalg.norm(points, axis=1), initial=1.0)))
    radii = np.geomspace(1e-2, top, count) * max(1.0, float(np.linalg.norm(xstar)))
    u = rng.standard_normal((count, n))
    rand = xstar + radii[:, None] * u / np.linalg.norm(u, axis=1, keepdims=True)
    out = [np.atleast_2d(points), rand]
    if len(points) > 1:
        s = rng.random(len(points) - 1)[:, None]
        out.append(points[:-1] * (1 - s) + points[1:] * s)
    return np.concatenate(out)


def check_gradient(member: ConvexFamily, x: np.ndarray) -> dict:
    """Analytic gradient vs central differences; per point the smallest error / allowance
    over the steps of :data:`FD_REDUCTIONS` (``worst`` <= 1 passes)."""
    f, g = _evaluate(member, x)
    ratio = np.full(len(x), np.inf)
    rel = np.full(len(x), np.inf)
    err = h = None
    for reduction in FD_REDUCTIONS:
        g_fd = fd_gradient(member, x, reduction)
        h = reduction * _steps(x)
        allow = (FD_ROUNDING * EPS * (np.abs(f) + 1.0) / h * np.sqrt(member.dim)
                 + FD_RTOL * np.linalg.norm(g, axis=1))
        err = np.linalg.norm(g_fd - g, axis=1)
        ratio = np.minimum(ratio, err / allow)
        rel = np.minimum(rel, err / np.maximum(np.linalg.norm(g, axis=1), EPS))
    kink = ratio > 1.0
    lipschitz = (FD_ROUNDING * EPS * (np.abs(f) + 1.0) / h + 0.5 * member.L[0] * h) \
        * np.sqrt(member.dim)
    ok = ~kink | (err <= lipschitz)
    return {"ok": bool(np.all(ok)), "points": len(x), "kink_points": int(kink.sum()),
            "worst": float(ratio[~kink].max(initial=0.0)), "max_rel_error": float(rel.max())}


def _hessian_allowance(g: np.ndarray, h: np.ndarray, hess: np.ndarray) -> np.ndarray:
    """Error allowance of a difference Hessian: rounding of the gradient entries over
    ``h`` plus the relative truncation error."""
    top = np.abs(np.linalg.eigvalsh(hess)).max(axis=1)
    return FD_ROUNDING * EPS * (np.abs(g).max(axis=1) + 1.0) / h + FD_RTOL * top


def check_convexity(member: ConvexFamily, x: np.ndarray, rng: np.random.Generator) -> dict:
    """Midpoint convexity on random pairs and difference-Hessian eigenvalues >= -tol."""
    a = x[rng.integers(0, len(x), SAMPLES * 4)]
    b = x[rng.integers(0, len(x), SAMPLES * 4)] * rng.uniform(0.0, 1.5, (SAMPLES * 4, 1))
    fa, _ = _evaluate(member, a)
    fb, _ = _evaluate(member, b)
    fm, _ = _evaluate(member, 0.5 * (a + b))
    slack = FD_ROUNDING * EPS * (np.abs(fa) + np.abs(fb) + np.abs(fm))
    midpoint_ok = bool(np.all(fm <= 0.5 * (fa + fb) + slack))
    hess = fd_hessians(member, x)
    eig, vec = np.linalg.eigh(hess)
    _, g = _evaluate(member, x)
    h = _steps(x)
    tol = _hessian_allowance(g, h, hess)
    low = eig[:, 0] < -tol
    rechecked = 0
    if low.any():
        v = vec[low, :, 0]
        _, gp = _evaluate(member, x[low] + h[low, None] * v)
        _, gm = _evaluate(member, x[low] - h[low, None] * v)
        mono = np.einsum("pi,pi->p", gp - gm, v)
        allow = FD_ROUNDING * EPS * (np.abs(gp).max(axis=1) + np.abs(gm).max(axis=1))
        rechecked = int(low.sum())
        low[low] = mono < -allow
    rel = eig[:, 0] / np.maximum(np.abs(eig).max(axis=1), EPS)
    return {"ok": midpoint_ok and not low.any(), "points": len(x),
            "midpoint_pairs": len(a), "midpoint_ok": midpoint_ok,
            "min_eigenvalue": float(eig[:, 0].min()), "min_relative_eigenvalue": float(rel.min()),
            "rechecked_along_eigenvector": rechecked}


def check_smoothness(member: ConvexFamily, x: np.ndarray, rng: np.random.Generator) -> dict:
    """Estimated ``L`` (difference Hessians and gradient quotients) vs the claimed ``L``."""
    hess = fd_hessians(member, x)
    est_h = float(np.abs(np.linalg.eigvalsh(hess)).max())
    step = (np.maximum(1.0, np.linalg.norm(x, axis=1))[:, None]
            * rng.uniform(1e-4, 1e-1, (len(x), 1)))
    u = rng.standard_normal(x.shape)
    y = x + step * u / np.linalg.norm(u, axis=1, keepdims=True)
    _, gx = _evaluate(member, x)
    _, gy = _evaluate(member, y)
    est_q = float(np.max(np.linalg.norm(gy - gx, axis=1) / np.linalg.norm(y - x, axis=1)))
    claimed = float(member.L[0])
    estimate = max(est_h, est_q)
    return {"ok": bool(estimate <= claimed * (1 + SMOOTH_RTOL)), "claimed_L": claimed,
            "estimated_L": estimate, "ratio": estimate / claimed}


def check_uniqueness(member: ConvexFamily, rng: np.random.Generator, starts: int = 6) -> dict:
    """``grad f(x*) = 0``, PD Hessian at ``x*``, and an independent solver from several starts."""
    xstar = member.xstar[:1]
    g0 = fd_gradient(member, xstar)[0]
    f_scale = float(_evaluate(member, xstar + _steps(xstar)[:, None])[0][0]) + 1.0
    grad_ok = bool(np.linalg.norm(g0) <= FD_ROUNDING * EPS * f_scale / _steps(xstar)[0]
                   * np.sqrt(member.dim) + FD_RTOL)
    eig = np.linalg.eigvalsh(fd_hessians(member, xstar)[0])
    pd = bool(eig[0] > UNIQUE_MIN_CURVATURE * abs(eig[-1]))
    scale = max(1.0, float(np.linalg.norm(xstar)))

    def value(z):
        return float(_evaluate(member, z[None])[0][0])

    dists = []
    for r in np.geomspace(1e-1, 1e1, starts) * scale:
        u = rng.standard_normal(member.dim)
        z0 = xstar[0] + r * u / np.linalg.norm(u)
        res = optimize.minimize(value, z0, method="BFGS", options={"gtol": 1e-10})
        dists.append(float(np.linalg.norm(res.x - xstar[0]) / r))
    solver_ok = bool(max(dists) <= UNIQUE_SOLVER_RTOL + np.sqrt(FD_STEP))
    return {"ok": grad_ok and pd and solver_ok, "gradient_at_xstar": float(np.linalg.norm(g0)),
            "min_hessian_eigenvalue_at_xstar": float(eig[0]),
            "positive_definite_at_xstar": pd, "solver_starts": starts,
            "solver_max_relative_distance": max(dists), "solver_ok": solver_ok}


def _slope(x, y) -> tuple[float, float, float]:
    """Least-squares slope of ``log y`` on ``log x`` with its 95 % interval half-width, and
    the slope over the last half of the points."""
    lx, ly = np.log(x), np.log(y)
    fit = stats.linregress(lx, ly)
    half = float(stats.t.ppf(0.975, lx.size - 2)) * fit.stderr
    tail = stats.linregress(lx[lx.size // 2:], ly[lx.size // 2:]).slope
    return float(fit.slope), half, float(tail)


def cos_trend(norms, cos, grad_norms=None, lower=None) -> dict:
    r"""Classify the evidence on :math:`\liminf \cos\alpha` along points of growing norm.

    Two facts for convex ``f`` with unique minimiser :math:`x^*` decide it:

    - :math:`\cos\alpha(x) \ge \ell(x) = (f(x) - f^*) / (\|\nabla f(x)\|\,\|x - x^*\|)`
      (convexity: :math:`f^* \ge f(x) + \langle \nabla f(x), x^* - x\rangle`);
    - ``f`` grows at least linearly (:math:`f(x) - f^* \ge (m/r)\|x - x^*\|` beyond a
      sphere of radius ``r`` on which :math:`f - f^* \ge m > 0`), so along points where
      :math:`\|\nabla f\|` stays bounded, :math:`\ell` and hence :math:`\cos\alpha`
      stay bounded away from 0: :math:`\cos\alpha \to 0` *requires*
      :math:`\|\nabla f\| \to \infty`.

    So ``"liminf = 0"`` needs :math:`\cos\alpha` decreasing with the whole confidence
    interval of the slope of :math:`\log\cos\alpha` on :math:`\log\|x\|` below
    :data:`TREND_MIN_SLOPE` (and its last-half slope too), the certificate
    :math:`\ell` falling the same way, and :math:`\|\nabla f\|` growing (last-half slope
    above :data:`TREND_MIN_SLOPE`). ``"against"`` is reported when :math:`\ell` or
    :math:`\cos\alpha` levels off (last-half slope within :math:`\pm`
    :data:`TREND_MIN_SLOPE`) or the gradient stays bounded; else ``"inconclusive"``.
    Without ``grad_norms`` and ``lower`` only :math:`\cos\alpha` is classified (a
    weaker screen, for candidates; :func:`verify_witness` always passes both).
    """
    cos = np.asarray(cos, dtype=np.float64)
    if grad_norms is None or lower is None:  # screen on cos alone: neutral certificates
        grad_norms, lower = np.geomspace(1.0, 10.0, cos.size), cos
    norms, grad_norms, lower = (np.asarray(a, dtype=np.float64)
                                for a in (norms, grad_norms, lower))
    if (norms.size < 4 or np.any(cos <= 0) or np.any(lower <= 0)
            or np.any(np.diff(norms) <= 0)):
        return {"slope": None, "slope_ci": None, "tail_slope": None, "decreasing": False,
                "evidence": "inconclusive", "points": int(norms.size)}
    slope, half, tail = _slope(norms, cos)
    l_slope, _, l_tail = _slope(norms, lower)
    _, _, g_tail = _slope(norms, grad_norms)
    decreasing = bool(np.all(cos[1:] <= cos[:-1] * (1 + TREND_MONOTONE_RTOL)))
    if (decreasing and slope + half < -TREND_MIN_SLOPE and tail < -TREND_MIN_SLOPE
            and l_tail < -TREND_MIN_SLOPE and g_tail > TREND_MIN_SLOPE):
        evidence = "liminf = 0"
    elif (abs(tail) <= TREND_MIN_SLOPE or abs(l_tail) <= TREND_MIN_SLOPE
          or g_tail <= TREND_MIN_SLOPE):
        evidence = "against"
    else:
        evidence = "inconclusive"
    return {"slope": slope, "slope_ci": [slope - half, slope + half], "tail_slope": tail,
            "certificate_slope": l_slope, "certificate_tail_slope": l_tail,
            "gradient_norm_tail_slope": g_tail, "decreasing": decreasing,
            "evidence": evidence, "points": int(norms.size), "first_cos": float(cos[0]),
            "last_cos": float(cos[-1]), "last_certificate": float(lower[-1])}


def trend_inputs(member: ConvexFamily, points) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    r"""``cos alpha``, ``||grad f||`` and the certificate ``l`` at ``points`` of one member.

    ``l = (f(x) - f*) / (||grad f(x)|| ||x - x*||) <= cos alpha`` (convexity; ``f* = 0``
    for the family): the three series :func:`cos_trend` classifies.
    """
    points = np.atleast_2d(np.asarray(points, dtype=np.float64))
    diff = points - member.xstar
    f, g = _evaluate(member, points)
    gnorm = np.linalg.norm(g, axis=1)
    return cos_from(g, diff), gnorm, f / (gnorm * np.linalg.norm(diff, axis=1))


def verify_witness(witness: Mapping, seed: int = 0) -> dict:
    """Run every independent check on a witness (its JSON as a dict).

    Returns the ``verified`` dict: ``gradient``, ``convexity``, ``smoothness``,
    ``uniqueness``, ``trend`` (each with its numbers and ``ok`` / ``evidence``),
    ``cos_alpha_recomputed`` (from the checked gradient),
    ``checks_passed`` and ``refutes`` (checks passed and the trend says liminf = 0).

    Only ``witness["function"]`` and ``witness["points"]`` are read; what the
    search computed (its ``cos_alpha``, ``verified``, ...) is ignored.

    Parameters
    ----------
    witness : Mapping
        The witness JSON as a dict, with

        - ``"function"``: one member of the convex family in the format of
          :meth:`~larscheck.sims.convex_family.ConvexFamily.to_dict`,
          ``{"mu": float (optional, default 0), "xstar": [n floats],
          "atoms": [{"kind": str, "weight": float, "direction": [n floats]}, ...]}``;
          the smoothness constant ``L`` checked against is the family's,
          ``L = mu + lambda_max(sum_j a_j c_phi_j w_j w_j^T)``, computed from it;
        - ``"points"``: array_like of shape ``(P, n)`` (a single point ``(n,)`` is
          read as ``(1, n)``), the points of increasing norm ``||x||`` where
          ``cos alpha`` is claimed to fall. The trend is classified only with
          ``P >= 4`` points of strictly increasing norm (else ``"inconclusive"``).
    seed : int, default 0
        Seed of the NumPy generator (``numpy.random.default_rng``) that draws the
        extra sample points, the midpoint pairs, the gradient-quotient steps and
        the solver starts; the same witness and seed give the same result.

    Returns
    -------
    dict
        The ``verified`` dict:

        - ``"gradient"``, ``"convexity"``, ``"smoothness"``, ``"uniqueness"``: the
          dicts of :func:`check_gradient`, :func:`check_convexity`,
          :func:`check_smoothness` and :func:`check_uniqueness` (each with a bool
          ``"ok"`` and its numbers), run at the witness points, random points
          around ``x*`` and points on the segments between witness points;
        - ``"trend"``: the dict of :func:`cos_trend` on ``||x||``, ``cos alpha``,
          ``||grad f||`` and the certificate ``(f - f*)/(||grad f|| ||x - x*||)`` at
          the points (its ``"evidence"`` is ``"liminf = 0"``, ``"against"`` or
          ``"inconclusive"``);
        - ``"cos_alpha_recomputed"``: list of ``P`` floats, ``cos alpha`` at the
          points from the member's analytic gradient;
        - ``"seed"``: the ``seed`` used (int);
        - ``"checks_passed"``: all four checks ``ok``;
        - ``"refutes"``: ``checks_passed`` and the trend's evidence is
          ``"liminf = 0"``.

    Raises
    ------
    ValueError
        If ``"function"`` is not a valid family member or the points' dimension is
        not the member's ``n``.
    """
    member = ConvexFamily.from_dict(witness["function"])
    points = np.atleast_2d(np.asarray(witness["points"], dtype=np.float64))
    if points.shape[1] != member.dim:
        raise ValueError(f"points must have dimension {member.dim}, got {points.shape[1]}")
    rng = np.random.default_rng(seed)
    where = sample_points(member, points, rng)
    cos, gnorm, lower = trend_inputs(member, points)
    out = {
        "gradient": check_gradient(member, where),
        "convexity": check_convexity(member, where, rng),
        "smoothness": check_smoothness(member, where, rng),
        "uniqueness": check_uniqueness(member, rng),
        "trend": cos_trend(np.linalg.norm(points, axis=1), cos, gnorm, lower),
        "cos_alpha_recomputed": cos.tolist(),
        "seed": int(seed),
    }
    out["checks_passed"] = all(out[k]["ok"] for k in
                               ("gradient", "convexity", "smoothness", "uniqueness"))
    out["refutes"] = out["checks_passed"] and out["trend"]["evidence"] == "liminf = 0"
    return out

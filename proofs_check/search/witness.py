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
    by construction where it applies (built-in atoms, whose curvature is
    nonnegative in closed form, weights :math:`a_j \ge 0` and :math:`\mu \ge 0`:
    :func:`~larscheck.sims.convex_family.convex_by_construction`), and in every case
    by tests that do not rest on a lucky sample: the exact monotonicity test of the
    gradient between consecutive samples of the dense witness curve (``x*`` through
    the witness points), an adversarial (multi-start Nelder–Mead) search for the
    smallest difference-Hessian eigenvalue, difference-Hessian eigenvalues and
    midpoint convexity at random points and, for a user atom, a dense 1-D scan of
    :math:`\phi'` (:mod:`~larscheck.proofs_check.search.curvature`). Near a kink of
    :math:`\phi''` (Huber) a difference Hessian can be slightly indefinite although
    ``f`` is convex, so a negative eigenvalue is re-examined along its eigenvector
    ``v`` by the exact test :math:`\langle g(x+hv) - g(x-hv), v\rangle \ge 0`;
``smoothness``
    the claimed ``L`` (the witness's ``"L"``, else the family's) against the largest
    Hessian norm an adversarial search finds, and gradient difference quotients on
    random pairs and along the dense curve; a user atom's dense scan must keep its
    declared curvature;
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
from scipy import optimize

from larscheck.proofs_check.search.curvature import (
    atom_scan,
    dense_path,
    evaluate,
    hessian_norm_search,
    min_curvature_search,
    secant_curvature,
)
from larscheck.proofs_check.search.trend import cos_trend, trend_inputs
from larscheck.sims.convex_family import ConvexFamily, convex_by_construction

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

#: Random sample sizes of the checks.
SAMPLES = 24


def _evaluate(member: ConvexFamily, x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Value and gradient of one member (batch 1) at many points ``x`` (``(P, n)``)."""
    return evaluate(member, x)


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


def check_convexity(member: ConvexFamily, x: np.ndarray, rng: np.random.Generator,
                    path: np.ndarray, scans: list[dict]) -> dict:
    """Convexity: by construction (built-in atoms, weights > 0, ``mu >= 0``) where it
    applies, and in every case: midpoint convexity on random pairs, difference-Hessian
    eigenvalues >= -tol at ``x`` (a negative one re-examined by the exact monotonicity
    test along its eigenvector), the secant curvature along the dense witness ``path``
    (:func:`~.curvature.secant_curvature`), an adversarial search for the smallest
    eigenvalue (:func:`~.curvature.min_curvature_search`) and, for user atoms, the dense
    atom ``scans`` (``phi'`` non-decreasing)."""
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
    curve = secant_curvature(member, path)
    search = min_curvature_search(member, np.concatenate([x, path[::8]]))
    atoms_ok = all(sc["convex"] for sc in scans)
    construction = all(convex_by_construction(k) for k in member.kinds)
    return {"ok": midpoint_ok and not low.any() and curve["ok"] and search["ok"] and atoms_ok,
            "by_construction": construction, "points": len(x),
            "midpoint_pairs": len(a), "midpoint_ok": midpoint_ok,
            "min_eigenvalue": float(eig[:, 0].min()), "min_relative_eigenvalue": float(rel.min()),
            "rechecked_along_eigenvector": rechecked, "curve": curve,
            "adversarial": search, "user_atoms_convex": atoms_ok}


def check_smoothness(member: ConvexFamily, x: np.ndarray, rng: np.random.Generator,
                     claimed: float, path: np.ndarray, scans: list[dict]) -> dict:
    """The claimed ``L`` against the largest of: difference-Hessian norms at ``x``, gradient
    difference quotients (random pairs and consecutive samples of the dense ``path``), the
    adversarial maximum of the Hessian norm (:func:`~.curvature.hessian_norm_search`);
    for user atoms the dense scans must also keep their declared curvature (on which
    the family's ``L`` rests)."""
    hess = fd_hessians(member, x)
    est_h = float(np.abs(np.linalg.eigvalsh(hess)).max())
    step = (np.maximum(1.0, np.linalg.norm(x, axis=1))[:, None]
            * rng.uniform(1e-4, 1e-1, (len(x), 1)))
    u = rng.standard_normal(x.shape)
    y = x + step * u / np.linalg.norm(u, axis=1, keepdims=True)
    _, gx = _evaluate(member, x)
    _, gy = _evaluate(member, y)
    est_q = float(np.max(np.linalg.norm(gy - gx, axis=1) / np.linalg.norm(y - x, axis=1)))
    _, gp = _evaluate(member, path)
    dp = np.linalg.norm(np.diff(path, axis=0), axis=1)
    keep = dp > 0
    est_path = float(np.max(np.linalg.norm(np.diff(gp, axis=0), axis=1)[keep] / dp[keep]))
    search = hessian_norm_search(member, np.concatenate([x, path[::8]]))
    estimate = max(est_h, est_q, est_path, search["max_hessian_norm"])
    atoms_ok = all(sc["curvature"] for sc in scans)
    return {"ok": bool(estimate <= claimed * (1 + SMOOTH_RTOL)) and atoms_ok,
            "claimed_L": claimed, "estimated_L": estimate, "ratio": estimate / claimed,
            "adversarial": search, "user_atoms_within_curvature": atoms_ok}


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


def verify_witness(witness: Mapping, seed: int = 0) -> dict:
    """Run every independent check on a witness (its JSON as a dict).

    Returns the ``verified`` dict: ``gradient``, ``convexity``, ``smoothness``,
    ``uniqueness``, ``trend`` (each with its numbers and ``ok`` / ``evidence``),
    ``cos_alpha_recomputed`` (from the checked gradient),
    ``checks_passed`` and ``refutes`` (checks passed and the trend says liminf = 0).

    Only ``witness["function"]``, ``witness["points"]`` and the optional claimed
    ``witness["L"]`` are read; what the search computed (its ``cos_alpha``,
    ``verified``, ...) is ignored.

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
        - ``"user_atom_scans"``: the :func:`~.curvature.atom_scan` of each atom that
          is not convex by construction;
        - ``"cos_alpha_recomputed"``: list of ``P`` floats, ``cos alpha`` at the
          points from the member's analytic gradient;
        - ``"seed"``: the ``seed`` used (int);
        - ``"checks_passed"``: all four checks ``ok``;
        - ``"refutes"``: ``checks_passed`` and the trend's evidence is
          ``"liminf = 0"``;
        - ``"failed"``: the names of the properties that failed (``"trend"`` when the
          evidence is not ``"liminf = 0"``).

        A negative weight or ``mu < 0`` fails ``convexity``, and ``mu = 0`` with
        directions that do not span ``R^n`` fails ``uniqueness``, before anything is
        evaluated (the other checks are then ``{"ok": None}``).

    Raises
    ------
    ValueError
        If the dict is not a witness: no ``"function"``/``"points"``, a malformed
        member (unknown atom kind, bad shapes), non-finite points, a dimension
        mismatch or a claimed ``L`` that is not a positive number.
    """
    function, points = _read(witness)
    failed = _precheck(function, points.shape[1])
    if failed:
        return _rejected(failed, seed)
    member = ConvexFamily.from_dict(function)
    claimed = float(witness.get("L", member.L[0]))
    if not (np.isfinite(claimed) and claimed > 0):
        raise ValueError(f"claimed L must be a positive finite number, got {claimed}")
    rng = np.random.default_rng(seed)
    where = sample_points(member, points, rng)
    path = dense_path(member, points)
    cos, gnorm, lower = trend_inputs(member, points)
    t_max = 2.0 * float(np.abs(np.einsum("mn,pn->pm", member.directions[0],
                                         np.concatenate([where, path]) - member.xstar)).max())
    scans = [atom_scan(atom, t_max) for atom in dict.fromkeys(member.atoms)
             if not convex_by_construction(atom.name)]
    out = {
        "gradient": check_gradient(member, np.concatenate([where, path[::4]])),
        "convexity": check_convexity(member, where, rng, path, scans),
        "smoothness": check_smoothness(member, where, rng, claimed, path, scans),
        "uniqueness": check_uniqueness(member, rng),
        "trend": cos_trend(np.linalg.norm(points, axis=1), cos, gnorm, lower),
        "cos_alpha_recomputed": cos.tolist(),
        "user_atom_scans": scans,
        "seed": int(seed),
    }
    out["gradient"]["ok"] = out["gradient"]["ok"] and all(sc["derivative"] for sc in scans)
    out["uniqueness"]["ok"] = out["uniqueness"]["ok"] and all(sc["positive"] for sc in scans)
    return _conclude(out)


def _read(witness: Mapping) -> tuple[Mapping, np.ndarray]:
    """The ``function`` and ``points`` of a witness; ``ValueError`` when it is not one."""
    if not isinstance(witness, Mapping) or "function" not in witness or "points" not in witness:
        raise ValueError("not a witness: needs the fields 'function' and 'points'")
    function = witness["function"]
    if not isinstance(function, Mapping) or not isinstance(function.get("atoms"), list):
        raise ValueError("not a witness: 'function' must be a family member with a list "
                         "of 'atoms'")
    try:
        points = np.atleast_2d(np.asarray(witness["points"], dtype=np.float64))
    except (TypeError, ValueError):
        raise ValueError("not a witness: 'points' must be an array of numbers") from None
    if points.ndim != 2 or not np.all(np.isfinite(points)):
        raise ValueError("not a witness: 'points' must be a finite (P, n) array")
    n = len(function.get("xstar", ()))
    if points.shape[1] != n:
        raise ValueError(f"points must have dimension {n}, got {points.shape[1]}")
    return function, points


def _precheck(function: Mapping, dim: int) -> dict:
    """Failures visible in the JSON itself: a negative weight or ``mu < 0`` (convexity),
    ``mu = 0`` with directions that do not span ``R^n`` (uniqueness)."""
    try:
        weights = np.array([a["weight"] for a in function["atoms"]], dtype=np.float64)
        directions = np.array([a["direction"] for a in function["atoms"]], dtype=np.float64)
        mu = float(function.get("mu", 0.0))
    except (KeyError, TypeError, ValueError) as exc:
        raise ValueError(f"not a witness: malformed atom or mu ({exc})") from None
    failed = {}
    if np.any(weights < 0) or mu < 0:
        failed["convexity"] = (f"negative weight {weights.min():g} or mu {mu:g}: a concave "
                               "term makes f non-convex")
    if directions.ndim == 2 and directions.shape[1] == dim and mu == 0:
        rank = int(np.linalg.matrix_rank(directions))
        if rank < dim:
            failed["uniqueness"] = (f"mu = 0 and the directions span only R^{rank} of "
                                    f"R^{dim}: f is constant along the rest, so x* is "
                                    "not the unique minimiser")
    return failed


PROPERTIES = ("gradient", "convexity", "smoothness", "uniqueness")


def _rejected(failed: dict, seed: int) -> dict:
    out = {k: ({"ok": False, "reason": failed[k]} if k in failed
               else {"ok": None, "reason": "not checked (the member cannot be built)"})
           for k in PROPERTIES}
    out["trend"] = {"evidence": "inconclusive", "reason": "not checked"}
    out["seed"] = int(seed)
    return _conclude(out)


def _conclude(out: dict) -> dict:
    """``checks_passed``, ``refutes`` and ``failed`` (the properties that did not hold,
    ``"trend"`` last when liminf = 0 is not shown)."""
    out["failed"] = [k for k in PROPERTIES if out[k]["ok"] is False]
    out["checks_passed"] = all(out[k]["ok"] is True for k in PROPERTIES)
    if out["trend"]["evidence"] != "liminf = 0":
        out["failed"].append("trend")
    out["refutes"] = out["checks_passed"] and out["trend"]["evidence"] == "liminf = 0"
    return out


def check_witness_file(path) -> tuple[int, dict]:
    """Verify the witness JSON at ``path`` (what ``larscheck search conjecture1 --json``
    writes): ``(0, verified)`` for a verified refutation, ``(1, verified)`` when a
    property fails (``verified["failed"]`` names them); ``ValueError`` (exit 2 in the
    CLI) for a file that is not a witness.

    Parameters
    ----------
    path : str or Path
        The JSON file.

    Returns
    -------
    code : int
        0 or 1.
    verified : dict
        The dict of :func:`verify_witness` (seed of the file's ``search`` if any, else 0).
    """
    import json
    from pathlib import Path

    try:
        data = json.loads(Path(path).read_text())
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ValueError(f"not a witness: {path} is not JSON ({exc})") from None
    if not isinstance(data, dict):
        raise ValueError(f"not a witness: {path} holds no JSON object")
    seed = data.get("search", {}).get("seed", 0) if isinstance(data.get("search"), dict) else 0
    verified = verify_witness(data, seed=int(seed))
    return (0 if verified["refutes"] else 1), verified

r"""The Conjecture 1 search (STATEMENTS 2.2 and 3.4).

Conjecture 1 (reconstructed, low confidence): for every convex ``f`` with a
Lipschitz gradient and a unique minimiser, :math:`\cos\alpha(x)` stays bounded
away from 0 as :math:`\|x\| \to \infty`. The search looks for a member of the
convex family (:mod:`larscheck.sims.convex_family`) **with** :math:`\mu = 0`
and points of growing norm where :math:`\cos\alpha \to 0`:

1. *Hypothesis* draws a member (any dimension in ``dims``, any atoms, weights,
   directions and :math:`x^*`) and a point :math:`x = R u` with
   :math:`R = \|x\|` log-uniform in ``[1e4, 1e8]``, and targets
   :math:`-\log_{10}\cos\alpha(x)` (:func:`~.search_engine.hypothesis_maximise`);
2. *refinement*: for the best few candidates, :math:`\cos\alpha` is minimised
   over the sphere :math:`\|x\| = R` (Nelder–Mead on tangent coordinates,
   from coarse to fine simplices), at the found radius and then, by
   continuation, at every radius of a log-spaced ladder (every
   :data:`COARSE_STRIDE`-th radius while ranking): this traces
   :math:`m(R) = \min_{\|x\|=R} \cos\alpha(x)`;
3. candidates are ranked by how fast the convexity certificate
   :math:`\ell = (f - f^*)/(\|\nabla f\|\|x - x^*\|) \le \cos\alpha` falls
   over the outer half of the ladder (slope of :math:`\log\ell` against
   :math:`\log R`): a small :math:`\cos\alpha` alone is not enough, since it
   can level off at a tiny positive value (it must, wherever the gradient
   stays bounded; see :func:`~.witness.cos_trend`). The best-ranked
   candidate that passes the independent checks of
   :func:`~.witness.verify_witness` (gradient, convexity, smoothness,
   uniqueness of :math:`x^*`, trend of :math:`\cos\alpha`) becomes the
   witness.

Nothing here names a function, a direction or a path: the family, the
seed and the budget decide what is found. The result is the witness JSON::

    {"statement": "conjecture1", "function": {...}, "L": float, "points": [...],
     "cos_alpha": [...], "verified": {...}, "search": {...}}
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from hypothesis import strategies as st
from scipy import optimize

from larscheck.proofs_check.measure import cos_from
from larscheck.proofs_check.search.engine import hypothesis_maximise
from larscheck.proofs_check.search.strategies import convex_functions, log_uniform, unit_vectors
from larscheck.proofs_check.search.witness import verify_witness
from larscheck.sims.convex_family import BUILTIN_ATOMS, ConvexFamily

STATEMENT = "conjecture1"

#: Norms of the points Hypothesis draws: far from ``x*`` (whose norm is at most 1e3).
DRAW_NORMS = (1e4, 1e8)

#: The ladder of radii the witness is traced on (``||x||``), log-spaced.
LADDER = (1e2, 1e8)
LADDER_POINTS = 13

#: Candidates are ranked on every ``COARSE_STRIDE``-th radius of the ladder; only the
#: chosen one is traced on the full ladder (continued from its outermost coarse point).
COARSE_STRIDE = 3

#: Nelder–Mead initial simplex sizes (in tangent coordinates, i.e. radians), coarse to
#: fine: the valleys of ``cos alpha`` on a sphere of radius R can be as narrow as
#: ``R^{-1/2}`` or less, so the ladder goes well below 1e-4 at R = 1e8.
SIMPLEX_SCALES = (3e-1, 3e-2, 3e-3, 3e-4, 3e-5, 3e-6, 3e-7)

#: Dimensions drawn by default.
DIMS = (2, 4)

#: Candidates (distinct members) refined and traced.
KEEP = 8


@dataclass
class Candidate:
    """A family member (batch of one) and a point ``x`` (shape ``(n,)``)."""

    member: ConvexFamily
    x: np.ndarray

    def key(self) -> str:
        """Identity for de-duplication (the member; the point does not matter)."""
        return repr(self.member.to_dict())


def cos_at(member: ConvexFamily, x: np.ndarray) -> float:
    """``cos alpha`` of a batch-one member at one point."""
    return float(cos_from(member.grad(x[None]), x[None] - member.xstar)[0])


#: Weights of the candidates: log-uniform in this range. Narrower than the family's
#: default (1e-3, 1e3) so that a witness stays well enough conditioned for the
#: finite-difference checks of uniqueness (curvature ratios above ~1e-8).
WEIGHTS = (1e-2, 1e2)


#: Atom kinds drawn by default: the built-in ones (atoms a user registers later do not
#: change what a seed finds; pass ``kinds`` to include them).
KINDS = tuple(a.name for a in BUILTIN_ATOMS)


@st.composite
def candidates(draw, dims: tuple[int, int] = DIMS, norms: tuple[float, float] = DRAW_NORMS,
               kinds: tuple[str, ...] = KINDS):
    """A member with ``mu = 0`` and atoms among ``kinds``, and a point of norm in ``norms``."""
    member = draw(convex_functions(dim=st.integers(*dims), mu=0.0, kinds=sorted(kinds),
                                   weights=log_uniform(*WEIGHTS)))
    x = draw(log_uniform(*norms)) * draw(unit_vectors(member.dim))
    return Candidate(member, x)


def score(c: Candidate) -> float:
    """``-log10 cos alpha`` (larger = closer to orthogonal)."""
    value = cos_at(c.member, c.x)
    return -np.log10(value) if value > 0 else -np.inf


def _tangent_basis(u: np.ndarray) -> np.ndarray:
    """Orthonormal basis ``(n-1, n)`` of the plane orthogonal to the unit vector ``u``."""
    q, _ = np.linalg.qr(np.column_stack([u, np.eye(u.size)]))
    return q[:, 1:u.size].T


def refine_on_sphere(member: ConvexFamily, x: np.ndarray, radius: float
                     ) -> tuple[np.ndarray, float, int]:
    r"""Minimise :math:`\cos\alpha` over :math:`\|x\| = ` ``radius``, starting at the direction
    of ``x``.

    Nelder–Mead on :math:`\log\cos\alpha(R\,\mathrm{normalise}(u_0 + B z))`, ``B`` a tangent
    basis at the current best :math:`u_0`, restarted from each simplex size of
    :data:`SIMPLEX_SCALES` (coarse to fine).

    Returns
    -------
    x_best : ndarray (n,)
    cos_best : float
    evaluations : int
    """
    u = x / np.linalg.norm(x)
    best = cos_at(member, radius * u)
    evals = 1
    if member.dim == 1:
        return radius * u, best, evals
    for scale in SIMPLEX_SCALES:
        basis = _tangent_basis(u)

        def point(z, u=u, basis=basis):
            v = u + z @ basis
            return radius * v / np.linalg.norm(v)

        def objective(z, point=point):
            value = cos_at(member, point(z))
            return np.log(value) if value > 0 else np.inf

        d = member.dim - 1
        simplex = np.vstack([np.zeros(d), scale * np.eye(d)])
        res = optimize.minimize(objective, np.zeros(d), method="Nelder-Mead",
                                options={"initial_simplex": simplex, "xatol": scale * 1e-3,
                                         "fatol": 1e-10, "maxfev": 400 * d})
        evals += res.nfev
        value = cos_at(member, point(res.x))
        if value < best:
            best, u = value, point(res.x) / radius
    return radius * u, best, evals


def trace(member: ConvexFamily, x: np.ndarray, radii) -> tuple[np.ndarray, np.ndarray, int]:
    """:func:`refine_on_sphere` along ``radii`` (increasing) by continuation from ``x``:
    outward from the radius nearest ``||x||``, each sphere started at the previous optimum.

    Returns points ``(K, n)`` (in the order of ``radii``), their ``cos alpha`` and the
    number of evaluations.
    """
    radii = np.asarray(radii, dtype=np.float64)
    start = int(np.argmin(np.abs(np.log(radii) - np.log(np.linalg.norm(x)))))
    points = np.empty((radii.size, member.dim))
    cos = np.empty(radii.size)
    evals = 0
    for order in (range(start, radii.size), range(start - 1, -1, -1)):
        prev = x
        for i in order:
            prev, cos[i], n = refine_on_sphere(member, prev, radii[i])
            points[i] = prev
            evals += n
    return points, cos, evals


def _certificate_slope(member: ConvexFamily, radii: np.ndarray, points: np.ndarray) -> float:
    """Slope of ``log l`` on ``log R`` over the outer half of ``radii``, where
    ``l = (f - f*) / (|g| |x - x*|) <= cos alpha`` (see :func:`~.witness.cos_trend`)."""
    f, g = member.repeat(radii.size).value_and_grad(points)
    lower = f / (np.linalg.norm(g, axis=1) * np.linalg.norm(points - member.xstar, axis=1))
    half = min(radii.size // 2, radii.size - 2)  # a slope needs two radii
    return float(np.polyfit(np.log(radii[half:]), np.log(np.maximum(lower[half:], 1e-300)),
                            1)[0])


def search_conjecture(budget: int = 500, seed: int = 0, *, dims: tuple[int, int] = DIMS,
                      keep: int = KEEP, ladder: tuple[float, float] = LADDER,
                      ladder_points: int = LADDER_POINTS, kinds: tuple[str, ...] = KINDS,
                      verify: bool = True) -> dict:
    """Search the ``mu = 0`` family for a Conjecture 1 witness.

    Parameters
    ----------
    budget : int
        Hypothesis examples.
    seed : int
        Seed of Hypothesis and of the verification.
    dims : (int, int)
        Range of dimensions drawn (``2 <= lo <= hi``).
    keep : int
        Candidates refined and traced.
    ladder, ladder_points : (float, float), int
        Norms ``||x||`` the witness points are traced at (log-spaced).
    kinds : tuple of str
        Atom kinds drawn (default the built-ins).
    verify : bool
        Run :func:`~.witness.verify_witness` on the result (the ``verified`` field).

    Returns
    -------
    dict
        The witness JSON (see the module docstring); ``search`` holds the budget,
        the seed, ``examples`` (Hypothesis examples run), ``refine_evaluations``,
        ``hypothesis_best_cos`` and the candidates' end values.
    """
    lo, hi = (int(d) for d in dims)
    if not 2 <= lo <= hi:
        raise ValueError(f"dims must satisfy 2 <= lo <= hi (cos alpha is 1 in 1-D), got {dims}")
    if not 0 < ladder[0] < ladder[1]:
        raise ValueError(f"ladder must be (lo, hi) with 0 < lo < hi, got {ladder}")
    radii = np.geomspace(ladder[0], ladder[1], int(ladder_points))
    found = hypothesis_maximise(
        candidates((lo, hi), kinds=tuple(kinds)), score, budget=budget, seed=seed, keep=keep,
        key=Candidate.key)
    if not found.best:
        raise RuntimeError("Hypothesis produced no valid candidate; raise the budget")
    coarse = radii[::COARSE_STRIDE]
    ranked = []
    evals = 0
    for _, cand in found.best:
        x, _, n = refine_on_sphere(cand.member, cand.x, float(np.linalg.norm(cand.x)))
        points, _, m = trace(cand.member, x, coarse)
        evals += n + m
        ranked.append((_certificate_slope(cand.member, coarse, points), cand.member, points))
    ranked.sort(key=lambda item: item[0])
    witness = None
    for rank, (_, member, coarse_points) in enumerate(ranked):
        points, cos, m = trace(member, coarse_points[-1], radii)
        evals += m
        witness = {
            "statement": STATEMENT,
            "function": member.to_dict(),
            "L": float(member.L[0]),
            "points": points.tolist(),
            "cos_alpha": cos.tolist(),
            "search": {
                "budget": int(budget), "seed": int(seed), "dims": [lo, hi],
                "examples": found.examples, "refine_evaluations": int(evals),
                "hypothesis_best_cos": float(10.0 ** -found.best_score),
                "candidates_certificate_slope": [float(t[0]) for t in ranked],
                "candidate_rank": rank,
            },
        }
        if not verify:
            break
        witness["verified"] = verify_witness(witness, seed=seed)
        if witness["verified"]["refutes"]:  # else the next-ranked candidate gets its turn
            break
    return witness

r"""Performance-estimation cross-check of one LARS step (optional extra ``pep``).

The worst case of one LARS step over the class of mu-strongly convex L-smooth
functions, for given :math:`(\mu, L, \lambda, \|x\|, r = \|x - x^*\|)` and
gradient norm :math:`G`, is a small SDP (PEPit, Taylor–Hendrickx–Glineur
interpolation): the step is a gradient step with the fixed effective step
:math:`h = \lambda\|x\|/G`, and the norm relation :math:`\|g\| = G` (which
makes :math:`h\|g\| = \lambda\|x\|`) is a constraint,

.. math:: \max\ \|x - h g - x^*\|^2 \quad\text{s.t.}\quad \|x - x^*\|^2 = r^2,\
          \|g\|^2 = G^2,\ f \in \mathcal{F}_{\mu,L}.

:func:`worst_one_step` returns the SDP value next to the closed form
:data:`larscheck.theory.contraction.WORST_DIST_SQ_GIVEN_G` (every PEPit example
returns both numbers); :func:`worst_one_step_any_gradient` maximises the SDP
value over ``G`` on a grid and compares with
:data:`~larscheck.theory.contraction.WORST_DIST_SQ` (the tight cos bound).

Why it stays, and why not in ``verify``: it declares no statement (the registry
imports it and finds none) and ``verify`` does not run it, because it needs the
optional extra and its numbers would then depend on the installed solver. It is
public API for users with the extra (README, *PEP cross-check*): an independent
solver's confirmation that the closed form of :mod:`larscheck.theory.contraction`
(which recovers the tight cos bound, and which ``larscheck search`` checks LARS steps
against) is the worst case of one step. Its
agreement is *evidence* at the points solved, not a proof; the proof is the SymPy
derivation in :mod:`~larscheck.theory.contraction`. ``tests/proofs_check/test_search_pep.py``
runs it (skipped without PEPit).
"""

from __future__ import annotations

import numpy as np

from larscheck.theory import contraction

#: Relative accuracy expected of the SDP values: the interior-point solver stops at a
#: duality gap and constraint residuals ~1e-8 relative to the data; the equality
#: constraints scale with ``r^2`` and ``h^2 G^2`` (up to ~1e2 here), which leaves
#: ~1e-6 on the value; 1e-5 keeps a factor 10 of margin.
SDP_RTOL = 1e-5

#: The cvxpy solver (interior point, bundled with cvxpy).
SOLVER = "CLARABEL"


def _pepit():
    try:
        from PEPit import PEP
        from PEPit.functions import SmoothStronglyConvexFunction
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise ImportError("the PEP cross-check needs the 'pep' extra: "
                          "pip install 'larscheck[pep]' (PEPit and cvxpy)") from exc
    return PEP, SmoothStronglyConvexFunction


def _check(mu, L, lam, x_norm, r, G) -> None:
    for name, v in (("mu", mu), ("L", L), ("lam", lam), ("x_norm", x_norm), ("r", r), ("G", G)):
        if not np.isfinite(v) or v <= 0:
            raise ValueError(f"{name} must be finite and > 0, got {v}")
    if mu > L:
        raise ValueError(f"mu must be <= L, got mu={mu}, L={L}")
    if not mu * r * (1 - 1e-12) <= G <= L * r * (1 + 1e-12):
        raise ValueError(f"G must lie in [mu r, L r] = [{mu * r:g}, {L * r:g}], got {G}")


def worst_one_step(mu: float, L: float, lam: float, x_norm: float, r: float, G: float
                   ) -> dict:
    """Worst ``||x+ - x*||^2`` of one LARS step with ``||g|| = G``: SDP and closed form.

    Returns ``{"pep": float, "closed_form": float, "rel_diff": float}``.
    """
    _check(mu, L, lam, x_norm, r, G)
    PEP, SmoothStronglyConvexFunction = _pepit()
    problem = PEP()
    func = problem.declare_function(SmoothStronglyConvexFunction, mu=mu, L=L)
    xs = func.stationary_point()
    x0 = problem.set_initial_point()
    g0 = func.gradient(x0)
    problem.set_initial_condition((x0 - xs) ** 2 == r**2)
    problem.add_constraint(g0**2 == G**2)
    h = lam * x_norm / G
    problem.set_performance_metric((x0 - h * g0 - xs) ** 2)
    value = float(problem.solve(verbose=0, wrapper="cvxpy", solver=SOLVER))
    closed = float(contraction.WORST_DIST_SQ_GIVEN_G(mu, L, lam, x_norm, r, G))
    return {"pep": value, "closed_form": closed,
            "rel_diff": abs(value - closed) / max(abs(closed), r**2)}


def worst_one_step_any_gradient(mu: float, L: float, lam: float, x_norm: float, r: float,
                                grid: int = 9) -> dict:
    """Maximise the SDP value over ``G`` on a log grid of ``[mu r, L r]`` (plus the derived
    maximiser ``sqrt(mu L) r``) and compare with the closed form over all ``G``."""
    g_star = float(contraction.WORST_GRADIENT_NORM(mu, L, r))
    gs = np.unique(np.append(np.geomspace(mu * r, L * r, grid), g_star))
    values = [worst_one_step(mu, L, lam, x_norm, r, float(g))["pep"] for g in gs]
    best = int(np.argmax(values))
    closed = float(contraction.WORST_DIST_SQ(mu, L, lam, x_norm, r))
    return {"pep": values[best], "argmax_G": float(gs[best]), "closed_form": closed,
            "closed_form_argmax_G": g_star,
            "rel_diff": abs(values[best] - closed) / max(abs(closed), r**2)}

r"""The follow-up to Conjecture 1 (STATEMENTS 3.4): does LARS stay bounded on merely
convex functions?

Theorem 1 bounds :math:`\sup_k \|x_k - x^*\|` for strongly convex ``f``.
For :math:`\mu = 0` the paper has no bound, and where :math:`\cos\alpha \to 0`
a LARS step from far away can move *away* from :math:`x^*`. This search
looks for the largest growth

.. math:: \rho = \sup_k \|x_k - x^*\| \,/\, \|x_0 - x^*\|

of constant-rate LARS over members of the convex family with :math:`\mu = 0`,
starting far away (:math:`\|x_0 - x^*\| \ge \max(1, \|x^*\|)`, so that the
trivial growth from a start next to :math:`x^*` — a first step of length
:math:`\lambda\|x_0\| \approx \lambda\|x^*\|` — does not dominate), with
:math:`0 < \lambda <` ``MAX_RATE`` (below the 1-D divergence regime).
One step from ``x`` gives :math:`\|x^+ - x^*\|^2 / r^2 = 1 - 2\lambda (\|x\|/r)
\cos\alpha + \lambda^2 \|x\|^2/r^2` (:math:`r = \|x - x^*\|`), largest where
:math:`\cos\alpha` is smallest, so every drawn start is first moved to a local
minimum of :math:`\cos\alpha` on its sphere :math:`\|x\| = \|x_0\|`
(:func:`~.search_conjecture.refine_on_sphere`). Hypothesis targets
:math:`\log\rho`; the best cases are refined with Nelder–Mead over :math:`x_0`.
:func:`run_on_witness` runs LARS from the points of a Conjecture 1 witness, where
:math:`\cos\alpha` is smallest.
"""

from __future__ import annotations

import numpy as np
from hypothesis import strategies as st
from scipy import optimize

from larscheck.proofs_check.search.conjecture import refine_on_sphere
from larscheck.proofs_check.search.engine import hypothesis_maximise
from larscheck.proofs_check.search.strategies import convex_functions, log_uniform, unit_vectors
from larscheck.sims import LARS, simulate
from larscheck.sims.convex_family import ConvexFamily

#: Steps of every LARS run.
STEPS = 400

#: Rates drawn: log-uniform in ``[MIN_RATE, MAX_RATE]``.
MIN_RATE, MAX_RATE = 1e-3, 0.9

#: Start distances drawn, relative to ``max(1, ||x*||)``.
START_RANGE = (1.0, 1e6)

#: Nelder-Mead evaluations per refined case.
REFINE_EVALS = 60

#: Rates tried from the witness points in :func:`run_on_witness`.
WITNESS_RATES = (1e-3, 1e-2, 1e-1, 0.5, 0.9)


def growth(member: ConvexFamily, x0: np.ndarray, lam: float, steps: int = STEPS
           ) -> tuple[np.ndarray, np.ndarray]:
    """``sup_k ||x_k - x*|| / ||x0 - x*||`` and the divergence flag for starts ``x0``
    (``(P, n)``) on one member, one LARS run per start."""
    x0 = np.atleast_2d(x0)
    batch = member.repeat(len(x0))
    traj = simulate(batch, LARS(), x0, steps, lam)
    dist0 = np.linalg.norm(x0 - batch.xstar, axis=1)
    return traj.max_dist / dist0, traj.diverged


@st.composite
def _cases(draw, dims=(2, 4)):
    member = draw(convex_functions(dim=st.integers(*dims), mu=0.0))
    scale = max(1.0, float(np.linalg.norm(member.xstar[0])))
    r = draw(log_uniform(*START_RANGE)) * scale
    x0 = member.xstar[0] + r * draw(unit_vectors(member.dim))
    if np.linalg.norm(x0) > 0:
        x0, _, _ = refine_on_sphere(member, x0, float(np.linalg.norm(x0)))
    return member, x0, draw(log_uniform(MIN_RATE, MAX_RATE))


def _log_growth(case) -> float:
    member, x0, lam = case
    rho, diverged = growth(member, x0, lam)
    return np.inf if diverged[0] else float(np.log(rho[0]))


def _refine(case) -> tuple[np.ndarray, float]:
    """Nelder-Mead over ``x0`` keeping ``||x0 - x*||`` fixed (the direction moves)."""
    member, x0, lam = case
    xstar = member.xstar[0]
    r = np.linalg.norm(x0 - xstar)

    def start(v):
        return xstar + r * v / max(np.linalg.norm(v), 1e-300)

    def objective(v):
        value = _log_growth((member, start(v), lam))
        return -value if np.isfinite(value) else -1e300

    res = optimize.minimize(objective, (x0 - xstar) / r, method="Nelder-Mead",
                            options={"maxfev": REFINE_EVALS})
    return start(res.x), float(np.exp(-res.fun))


def search_boundedness(budget: int = 200, seed: int = 0, keep: int = 3) -> dict:
    """Search for the largest LARS growth ratio on ``mu = 0`` family members.

    Returns a JSON-ready dict: ``worst_ratio`` (:math:`\\rho`), ``diverged`` (some run
    left every bound: ``worst_ratio`` is then ``inf``), ``examples`` and ``worst_case``
    (function, ``x0``, ``lambda``).
    """
    found = hypothesis_maximise(_cases(), _log_growth, budget=budget, seed=seed, keep=keep,
                                key=lambda c: (repr(c[0].to_dict()), c[2]))
    history = np.asarray(found.history)
    best = (-np.inf, None)
    for _, case in found.best:
        x0, rho = _refine(case)
        if rho > best[0]:
            best = (rho, (case[0], x0, case[2]))
    rho, (member, x0, lam) = best
    return {
        "question": "does LARS stay bounded on convex (mu = 0) functions? (STATEMENTS 3.4)",
        "budget": int(budget), "seed": int(seed), "examples": found.examples, "steps": STEPS,
        "diverged": bool(np.any(np.isposinf(history))),
        "hypothesis_worst_ratio": float(np.exp(found.best_score)),
        "worst_ratio": float(rho),
        "worst_case": {"function": member.to_dict(), "x0": x0.tolist(), "lambda": float(lam)},
    }


def run_on_witness(witness: dict, rates=WITNESS_RATES, steps: int = STEPS) -> dict:
    """LARS from every point of a Conjecture 1 witness, for every rate: the largest growth
    ratio per rate and whether any run diverged."""
    member = ConvexFamily.from_dict(witness["function"])
    points = np.asarray(witness["points"], dtype=np.float64)
    out = []
    for lam in rates:
        rho, diverged = growth(member, points, float(lam), steps)
        out.append({"lambda": float(lam), "max_ratio": float(np.max(rho)),
                    "diverged": int(diverged.sum()), "starts": len(points)})
    return {"steps": steps, "by_rate": out}

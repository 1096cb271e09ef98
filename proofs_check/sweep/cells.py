"""One cell of a sweep: a seeded ``simulate()`` batch and its summary statistics.

A cell (:class:`~larscheck.proofs_check.sweep.grid.Cell`) draws ``B`` random
strongly convex quadratics in ``R^n`` with ``mu`` and ``L = kappa mu`` both
attained, minimisers of norm ``||x*||`` and starts at distance
``||x0 - x*|| = x0_factor ||x*||`` in uniform directions, runs ``steps``
updates at the constant rate ``lambda`` and summarises the batch.

Randomness: the generator is seeded with ``(seed, replicate)`` only, so cells
that differ in ``lambda``, the method or the number of steps see the *same*
problems and starts (common random numbers: a stability map compares rates
on identical problems), and the result never depends on where or in which
order cells run.

Statistics (over the ``B`` problems; "finite" = neither diverged nor failed):

- ``frac_diverged``; ``errors`` and ``first_error`` (problems whose
  ``value``/``grad`` returned a non-finite number, from ``Trajectory.errors``);
- ``sup_dist_rel``: ``max_i sup_k ||x_k - x*|| / ||x0 - x*||``;
- ``tail_radius``: median and max of ``max ||x_k - x*||`` over the last
  quarter of the run; ``tail_rel``: max tail radius over ``||x*||``;
- ``min_norm``: smallest ``||x_k||`` seen (the ``delta`` of Theorem 2);
- ``final_gap``: median and max of ``min_k f(x_k) - f*``;
- ``iters_to_eps``: per accuracy ``eps``, the fraction of problems with
  ``min_k f(x_k) - f* <= eps`` within the run and the median and max first
  step that reached it;
- ``bounds`` (LARS only: the theory is for the L2 update without
  refinements), per cos-bound variant ``"paper"`` (``c = mu/L``) and
  ``"tight"`` (``c = 2 sqrt(mu L)/(mu + L)``): Lemma 1's threshold ``2c``,
  whether ``lambda < 2c`` (the bounds apply), the radius ``R``, Theorem 1's
  ``D`` and the worst observed/bound ratios — ``dist_ratio =
  max_i sup_k ||x_k - x*|| / D``, ``tail_ratio`` = max tail radius over
  Theorem 1's escape radius (the farthest a step from ``S_lambda`` can land,
  ``THEOREM1_ESCAPE``: what bounds the distance once the start is forgotten),
  ``gap_ratio = max_i (min_{k<=K} f - f*) / `` Theorem 2's
  bound at ``K = steps`` with ``delta_i`` the measured ``min_k ||x_k||``,
  and per ``eps`` ``steps_ratio = max_i`` (first step reaching eps + 1) /
  Theorem 2's iteration count at fixed ``lambda``.

Every bound comes from :mod:`larscheck.theory.bounds`; none is retyped here.
A ratio above 1 means the observed value exceeds the bound.
"""

from __future__ import annotations

import numpy as np

from larscheck.proofs_check.sweep.grid import Cell, Settings
from larscheck.sims.problems import random_directions, random_quadratics
from larscheck.sims.rules import make_rule
from larscheck.sims.simulate import simulate
from larscheck.theory import bounds

#: ``lam_ref`` values: the statement whose threshold on lambda scales ``lam``,
#: and the cos-bound variant that threshold uses.
LAMBDA_REFERENCES = {"lemma1": "paper", "lemma1.tight": "tight"}

#: Methods the bounds are about (plain L2 LARS, eq. 1).
BOUNDED_METHODS = ("lars",)


def cell_rate(cell: Cell, settings: Settings) -> float:
    """The absolute ``lambda`` of a cell (``lam`` times the threshold when ``lam_ref`` is set)."""
    if settings.lam_ref is None:
        return cell.lam
    mu, L = settings.mu, settings.mu * cell.kappa
    variant = LAMBDA_REFERENCES[settings.lam_ref]
    return cell.lam * float(bounds.lemma1_threshold(mu, L, variant))


def _worst(values: np.ndarray) -> float | None:
    values = values[np.isfinite(values)]
    return float(values.max()) if values.size else None


def _median(values: np.ndarray) -> float | None:
    values = values[np.isfinite(values)]
    return float(np.median(values)) if values.size else None


def _bound_stats(cell, settings, lam, traj, dist0, gap0, finite) -> dict:
    """Observed vs bound for each cos-bound variant (see the module docstring)."""
    mu, L = settings.mu, settings.mu * cell.kappa
    delta = np.where(finite & (traj.min_norm > 0), traj.min_norm, np.nan)
    measured = np.isfinite(delta)
    out = {}
    for variant in bounds.VARIANTS:
        threshold = float(bounds.lemma1_threshold(mu, L, variant))
        entry = {"threshold": threshold, "applies": bool(lam < threshold)}
        if entry["applies"]:
            problem = bounds.ProblemConstants(mu=mu, L=L, xstar_norm=cell.xstar_norm, dist0=dist0)
            radius = float(bounds.lemma1_radius(lam, problem, variant))
            big_d = bounds.theorem1_D(lam, problem, variant)
            escape = float(bounds.THEOREM1_ESCAPE(lam, cell.xstar_norm,
                                                  bounds.cos_lower_bound(mu, L, variant)))
            entry.update(R=radius, D=float(big_d.max()),
                         dist_ratio=_worst(np.where(finite, traj.max_dist, np.nan) / big_d),
                         tail_ratio=_worst(np.where(finite, traj.tail_radius, np.nan) / escape))
            gap_ratio = np.full(traj.batch, np.nan)
            steps_ratio = []
            if measured.any():
                run = bounds.ProblemConstants(mu=mu, L=L, xstar_norm=cell.xstar_norm,
                                              dist0=dist0[measured], gap0=gap0[measured],
                                              delta=delta[measured])
                const = bounds.theorem2_constants(lam, run, variant)
                bound = bounds.theorem2_bound(cell.steps, lam, run, variant)
                gap_ratio[measured] = traj.min_gap[measured] / bound
                for j, eps in enumerate(settings.eps):
                    # Solved from Theorem 2's bound; not positive where eps is below its
                    # floor, which no number of steps reaches.
                    with np.errstate(divide="ignore", invalid="ignore"):
                        need = bounds.THEOREM2_STEPS(eps, lam, const.A, const.B)
                    first = traj.first_below[measured, j]
                    reached = (first >= 0) & np.isfinite(need) & (need > 0)
                    steps_ratio.append(_worst((first[reached] + 1) / need[reached]))
            entry["gap_ratio"] = _worst(gap_ratio)
            entry["steps_ratio"] = steps_ratio or [None] * len(settings.eps)
        out[variant] = entry
    return out


def run_cell(item: tuple[Cell, Settings]) -> dict:
    """Simulate one cell and return its record ``{"key", "cell", "stats"}``.

    Takes one ``(cell, settings)`` pair so that executors can map it over a
    list. The record is a pure function of the pair.
    """
    cell, settings = item
    rng = np.random.default_rng([settings.seed, cell.seed])
    mu, L = settings.mu, settings.mu * cell.kappa
    prob = random_quadratics(rng, settings.batch, cell.dim, mu=mu, L=L, shape=cell.spectrum,
                             xstar_norm=cell.xstar_norm)
    x0 = prob.xstar + (settings.x0_factor * cell.xstar_norm
                       * random_directions(rng, settings.batch, cell.dim))
    lam = cell_rate(cell, settings)
    traj = simulate(prob, make_rule(cell.method), x0, cell.steps, lam,
                    gap_thresholds=settings.eps, progress=False)
    finite = ~traj.diverged & ~np.isin(np.arange(traj.batch), list(traj.errors))
    gap0 = prob.value(x0) - prob.fstar
    dist0 = np.linalg.norm(x0 - prob.xstar, axis=1)
    first = traj.first_below.astype(np.float64)
    first[first < 0] = np.nan
    stats = {
        "lam": lam,
        "problems": traj.batch,
        "frac_diverged": float(traj.diverged.mean()),
        "errors": len(traj.errors),
        "first_error": traj.errors[min(traj.errors)] if traj.errors else None,
        "sup_dist_rel": _worst(np.where(finite, traj.max_dist / dist0, np.nan)),
        "tail_radius": {"median": _median(np.where(finite, traj.tail_radius, np.nan)),
                        "max": _worst(np.where(finite, traj.tail_radius, np.nan))},
        "tail_rel": _worst(np.where(finite, traj.tail_radius, np.nan) / cell.xstar_norm),
        "min_norm": (float(traj.min_norm[finite].min()) if finite.any() else None),
        "final_gap": {"median": _median(np.where(finite, traj.min_gap, np.nan)),
                      "max": _worst(np.where(finite, traj.min_gap, np.nan))},
        "iters_to_eps": [
            {"eps": eps, "frac_reached": float(np.mean(traj.first_below[:, j] >= 0)),
             "median": _median(first[:, j]), "max": _worst(first[:, j])}
            for j, eps in enumerate(settings.eps)
        ],
        "bounds": (_bound_stats(cell, settings, lam, traj, dist0, gap0, finite)
                   if cell.method in BOUNDED_METHODS else None),
    }
    return {"key": cell.key, "cell": cell.to_dict(), "stats": stats}

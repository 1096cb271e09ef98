"""Figure 1: LARS against gradient descent on a 2-D strongly convex quadratic.

``f(x) = 1/2 (x - x*)^T A (x - x*)`` with eigenvalues ``mu = 1``, ``L = 10``
(eigenvectors rotated by 30 degrees, so the coordinate axes are not special),
``x* = (3, 2)``, started at ``x0 = (-4, 6)``. Compared: gradient descent with
rate ``1/L``, LARS (eq. 1 exactly: no epsilon, no switch; the iterates stay
far from the origin here) with fixed rates ``lambda in {0.2, 0.1, 0.05}``,
and LARS with a rate decaying polynomially (power 2) from 0.2 to 0.

The paper's claim (§5): LARS with a fixed rate reaches a region around
``x*`` whose size depends on ``lambda`` and oscillates in it. The measured
region is ``max ||x_k - x*||`` over the last quarter of the iterations
(:attr:`larscheck.sims.simulate.Trajectory.tail_radius`). A radius predicted
by theory can be passed in as ``predicted(mu, L, lam, xstar_norm)``; it is
drawn as a circle and checked (``sims`` does not import ``theory``, so the
caller supplies the formula).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from larscheck.sims.experiments import claims
from larscheck.sims.experiments.report import Result
from larscheck.sims.experiments.runner import DECAY_POWER, Curves
from larscheck.sims.problems import Quadratic
from larscheck.sims.rules import LARS, GradientDescent
from larscheck.sims.schedules import PolynomialDecay
from larscheck.sims.simulate import simulate

EIGS = (1.0, 10.0)
ANGLE = np.pi / 6
XSTAR = (3.0, 2.0)
X0 = (-4.0, 6.0)
LAMS = (0.2, 0.1, 0.05)
STEPS = 400
MODE = "full batch"


def problem() -> Quadratic:
    """The quadratic of Figure 1 (rotated eigenbasis)."""
    c, s = np.cos(ANGLE), np.sin(ANGLE)
    return Quadratic([EIGS], [XSTAR], basis=[[[c, -s], [s, c]]])


def run(*, lams=LAMS, steps: int = STEPS,
        predicted: Callable[[float, float, float, float], float] | None = None,
        predicted_source: str = "theory") -> Result:
    """Run GD, fixed-rate LARS for each ``lams`` and decaying LARS; check the claims."""
    lams = tuple(float(v) for v in lams)
    prob = problem()
    mu, L = float(prob.mu[0]), float(prob.L[0])
    xstar, A = prob.xstar[0], prob.matrix()[0]
    runs = {"GD": (GradientDescent(), 1.0 / L)}
    for lam in lams:
        runs[f"LARS lambda={lam:g}"] = (LARS(), lam)
    lam0 = max(lams)
    runs["LARS decay"] = (LARS(), PolynomialDecay(lam0, steps, DECAY_POWER))
    curves = Curves("fig1", 0.0, epochs=steps)
    paths, radii, final = {}, {}, {}
    for label, (rule, schedule) in runs.items():
        traj = simulate(prob, rule, np.array([X0]), steps, schedule, record_path=True)
        paths[label] = traj.path[:, 0, :]
        diff = paths[label] - xstar
        curves.values[(label, MODE)] = 0.5 * np.einsum("ki,ij,kj->k", diff, A, diff)[None]
        radii[label] = float(traj.tail_radius[0])
        final[label] = float(np.linalg.norm(traj.final_x[0] - xstar))
    lars_radii = [radii[f"LARS lambda={lam:g}"] for lam in lams]
    found = [
        claims.region_depends_on_rate(lams, lars_radii),
        claims.gd_beats_fixed_lars(final["GD"], lars_radii),
        claims.decaying_inside_region(final["LARS decay"], radii[f"LARS lambda={lam0:g}"], lam0),
    ]
    xn = float(np.linalg.norm(xstar))
    extra = {"paths": paths, "xstar": xstar, "matrix": A, "lams": lams,
             "tail_radii": dict(zip(lams, lars_radii, strict=True))}
    if predicted is not None:
        pred = {lam: float(predicted(mu, L, lam, xn)) for lam in lams}
        extra["predicted"] = pred
        found.append(claims.within_predicted(lams, lars_radii, pred.__getitem__,
                                             predicted_source))
    curves.info = {"eigenvalues": EIGS, "rotation (rad)": ANGLE, "xstar": XSTAR, "x0": X0,
                   "lambdas": lams, "gd rate": 1.0 / L, "steps": steps,
                   "decay": f"{lam0:g} (1 - k/{steps})^{DECAY_POWER:g}"}
    optimum = {"fstar": 0.0, "certificate": 0.0, "solver": "closed form (x* given)"}
    return Result(curves, found, optimum, extra=extra)

"""``larscheck one-d``: the 1-D theory's predictions next to a simulated run.

Prints the regime of lambda, the paper's interval I, the set the iterates are
attracted to in that regime, the predicted number of steps to reach it (the
SymPy-derived closed forms of :mod:`larscheck.theory.one_d`, decided exactly),
the step at which a float64 LARS run of :mod:`larscheck.sims` first lies in
it, the exact-hit points, and with ``--eps`` the rate that 1.7 prescribes.
"""

from __future__ import annotations

import argparse
import math

import numpy as np

from larscheck.cli.args import finite_float, positive_float, positive_int

NAME = "one-d"
HELP = "1-D LARS: derived regime, interval, steps to reach it, vs a simulated run."

#: Simulated steps when the prediction is infinite (the set is never reached) and no --steps.
DEFAULT_STEPS = 1000
#: With a finite prediction p, simulate 2 p + SLACK_STEPS steps unless --steps is given.
SLACK_STEPS = 10
#: Upper limit of the automatic number of simulated steps (memory: 8 bytes a step).
MAX_AUTO_STEPS = 1_000_000


def add_arguments(p: argparse.ArgumentParser) -> None:
    """Flags of ``larscheck one-d``."""
    p.add_argument("--x0", type=finite_float, required=True, help="start x0")
    p.add_argument("--xstar", type=finite_float, required=True, help="minimiser x*")
    p.add_argument("--lam", type=positive_float, required=True, help="rate lambda > 0")
    p.add_argument("--eps", type=positive_float, default=None,
                   help="target |x_k - x*| <= eps: report the lambda 1.7 prescribes")
    p.add_argument("--steps", type=positive_int, default=None,
                   help=f"simulated steps (default: 2x predicted + {SLACK_STEPS}, "
                        f"or {DEFAULT_STEPS} when the set is never reached)")
    p.add_argument("--json", metavar="PATH", help="write the result as JSON ('-' = stdout)")


def _simulate(x0: float, xstar: float, lam: float, steps: int) -> tuple[np.ndarray, int | None]:
    """Float64 LARS iterates on f = (x - x*)^2 / 2 (1.9: any convex f), and the divergence step.

    Only the iterates before the simulator flagged divergence are returned: the
    recorded path is not meaningful from that step on.
    """
    from larscheck.sims import LARS, Quadratic, simulate

    traj = simulate(Quadratic([[1.0]], [[xstar]]), LARS(), [[x0]], steps, lam, record_path=True)
    path = traj.path[:, 0, 0]
    if traj.diverged[0]:
        return path[: int(traj.diverged_at[0])], int(traj.diverged_at[0])
    return path, None


def _fmt(v) -> str:
    if v is None:
        return "-"
    if isinstance(v, float) and math.isinf(v):
        return "never"
    return f"{v:g}" if isinstance(v, float) else str(v)


def compute(x0: float, xstar: float, lam: float, eps: float | None = None,
            steps: int | None = None) -> dict:
    """The one-d result as a JSON-ready dict (see the module docstring)."""
    from larscheck.theory import one_d, one_d_exact

    predicted = float(one_d_exact.steps_to_interval(x0, xstar, lam, exact=True))
    if steps is None:
        steps = DEFAULT_STEPS if math.isinf(predicted) else \
            int(min(2 * predicted + SLACK_STEPS, MAX_AUTO_STEPS))
    path, diverged_at = _simulate(x0, xstar, lam, steps)
    inside = np.flatnonzero(one_d_exact.in_target(path, xstar, lam))
    lo, hi = sorted((float(one_d.INTERVAL_LO(abs(xstar), lam)),
                     float(one_d.INTERVAL_HI(abs(xstar), lam))))
    sign = 1.0 if xstar >= 0 else -1.0
    hits = np.flatnonzero(path == xstar)
    out = {
        "x0": x0, "xstar": xstar, "lam": lam,
        "regime": one_d_exact.regime(lam),
        "description": one_d_exact.describe(x0, xstar, lam),
        "interval": sorted((sign * lo, sign * hi)),
        "target_set": [list(t) for t in one_d_exact.target_set(xstar, lam)],
        "steps_to_interval": None if math.isinf(predicted) else int(predicted),
        "steps_to_interval_float_formula": _none_if_inf(
            float(one_d_exact.steps_to_interval(x0, xstar, lam))),
        "simulated_steps": int(inside[0]) if inside.size else None,
        "simulated_horizon": steps,
        "simulated_final_x": None if diverged_at is not None else float(path[-1]),
        "simulated_diverged_at": diverged_at,
        "simulated_exact_hit_step": int(hits[0]) if hits.size else None,
        "exact_hit_points": one_d_exact.exact_hit_points(xstar, lam),
        "claims_need": one_d.CLAIMS_NEED,
    }
    if eps is not None:
        lam_eps = float(one_d_exact.eps_lambda(eps, xstar))
        out["eps"] = eps
        out["eps_lambda"] = None if math.isinf(lam_eps) else lam_eps
        usable = lam_eps if lam_eps < 1 else None
        out["eps_steps"] = None if usable is None else _none_if_inf(
            float(one_d_exact.steps_to_interval(x0, xstar, usable, exact=True)))
    return out


def _none_if_inf(v: float):
    return None if math.isinf(v) else int(v)


def run(args) -> int:
    """Print the comparison; optionally write JSON."""
    from larscheck.sims.output import versions, write_json

    res = compute(args.x0, args.xstar, args.lam, args.eps, args.steps)
    if args.json != "-":
        print(f"x0 = {args.x0:g}, x* = {args.xstar:g}, lambda = {args.lam:g}: "
              f"regime {res['regime']}")
        print(res["description"])
        print(f"paper's interval I = [{res['interval'][0]:g}, {res['interval'][1]:g}]; "
              f"attracting set: "
              + (" U ".join(f"[{a:g}, {b:g}]" for a, b in res["target_set"]) or "none"))
        print(f"steps to reach it: predicted {_fmt(res['steps_to_interval'])} "
              f"(float formula {_fmt(res['steps_to_interval_float_formula'])}), "
              f"simulated {_fmt(res['simulated_steps'])} "
              f"(of {res['simulated_horizon']} steps"
              + (f"; diverged at step {diverged}" if (diverged := res["simulated_diverged_at"])
                 is not None else "") + ")")
        print("exact-hit points: " + ", ".join(f"{p:g}" for p in res["exact_hit_points"])
              + (f" (the run hit x* at step {res['simulated_exact_hit_step']})"
                 if res["simulated_exact_hit_step"] is not None else ""))
        if args.eps is not None:
            print(f"eps = {args.eps:g}: lambda <= {_fmt(res['eps_lambda'])} "
                  f"(= eps/|x*|) keeps |x_k - x*| <= eps eventually; steps at that lambda: "
                  f"{_fmt(res['eps_steps'])}")
    if args.json:
        write_json(args.json, {**res, "versions": versions()})
    return 0

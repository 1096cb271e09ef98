"""``larscheck simulate``: run one batch and print a summary table."""

from __future__ import annotations

import argparse

import numpy as np

from larscheck.cli.args import (
    UsageError,
    finite_float,
    float_list,
    positive_float,
    positive_int,
    seed_int,
)
from larscheck.sims.output import to_jsonable, versions, write_json
from larscheck.sims.problems import SPECTRA, Quadratic, random_directions, random_quadratics
from larscheck.sims.rules import METHODS, make_rule
from larscheck.sims.schedules import SCHEDULES, as_schedule
from larscheck.sims.simulate import simulate

NAME = "simulate"
HELP = "Run one batch of problems with an update rule and summarise the trajectories."

#: Random problems start this many ``||x*||`` away from ``x*`` unless --x0-dist is given.
DEFAULT_START_FACTOR = 10.0


def add_arguments(p: argparse.ArgumentParser) -> None:
    """Flags of ``larscheck simulate``."""
    rnd = p.add_argument_group("random quadratics")
    rnd.add_argument("--kappa", type=positive_float, default=10.0, help="L/mu (default 10)")
    rnd.add_argument("--mu", type=positive_float, default=1.0, help="smallest eigenvalue")
    rnd.add_argument("--dim", type=positive_int, default=10)
    rnd.add_argument("--batch", type=positive_int, default=100)
    rnd.add_argument("--seed", type=seed_int, default=0)
    rnd.add_argument("--xstar-norm", type=positive_float, default=1.0)
    rnd.add_argument("--x0-dist", type=positive_float, default=None,
                     help=f"||x0 - x*|| (default {DEFAULT_START_FACTOR:g} ||x*||)")
    rnd.add_argument("--spectrum", choices=SPECTRA, default="uniform")
    exp = p.add_argument_group("explicit diagonal quadratic")
    exp.add_argument("--eigs", type=float_list, help="eigenvalues, e.g. 1,10")
    exp.add_argument("--xstar", type=float_list, help="minimiser, e.g. 3,-2")
    exp.add_argument("--x0", type=float_list, help="start, e.g. 100,50")
    run = p.add_argument_group("method")
    run.add_argument("--method", choices=sorted(METHODS), default="lars")
    run.add_argument("--lam", type=positive_float, default=0.1, help="(initial) rate lambda")
    run.add_argument("--steps", type=positive_int, default=1000)
    run.add_argument("--schedule", choices=SCHEDULES, default="constant")
    run.add_argument("--eps", type=finite_float, default=0.0, help="LARS epsilon (>= 0)")
    run.add_argument("--switch-threshold", type=positive_float, default=None,
                     help="LARS: plain gradient step when ||x|| < tau")
    run.add_argument("--weight-decay", type=finite_float, default=0.0)
    run.add_argument("--momentum", type=finite_float, default=None)
    run.add_argument("--threads", type=positive_int, default=None,
                     help="threads of the fused kernel (LARS on quadratics; default: every "
                          "core, or NUMBA_NUM_THREADS); the results do not depend on it")
    p.add_argument("--json", metavar="PATH", help="write the per-problem summary ('-' = stdout)")


def _problem(args) -> tuple[Quadratic, np.ndarray]:
    explicit = [args.eigs, args.xstar, args.x0]
    if any(v is not None for v in explicit):
        if any(v is None for v in explicit):
            raise UsageError("an explicit quadratic needs all of --eigs, --xstar and --x0")
        if not len(args.eigs) == len(args.xstar) == len(args.x0):
            raise UsageError(
                f"--eigs, --xstar and --x0 must have the same length, got "
                f"{len(args.eigs)}, {len(args.xstar)}, {len(args.x0)}"
            )
        return Quadratic([args.eigs], [args.xstar]), np.array([args.x0])
    rng = np.random.default_rng(args.seed)
    prob = random_quadratics(rng, args.batch, args.dim, mu=args.mu, L=args.mu * args.kappa,
                             shape=args.spectrum, xstar_norm=args.xstar_norm)
    dist = args.x0_dist if args.x0_dist is not None else DEFAULT_START_FACTOR * args.xstar_norm
    x0 = prob.xstar + dist * random_directions(rng, args.batch, args.dim)
    return prob, x0


def _rule(args):
    options = {}
    if args.method in ("lars", "percentdelta"):
        options = dict(eps=args.eps, switch_threshold=args.switch_threshold,
                       weight_decay=args.weight_decay, momentum=args.momentum or 0.0)
    elif args.method == "momentum" and args.momentum is not None:
        options = dict(momentum=args.momentum)
    return make_rule(args.method, **options)


def _table(traj) -> str:
    rows = [("statistic", "min", "median", "max")]
    ok = ~np.isin(np.arange(traj.batch), list(traj.errors))
    for name in ("max_dist", "min_norm", "min_gap", "tail_radius"):
        v = getattr(traj, name)[ok]
        v = v[np.isfinite(v)]
        cells = [f"{f(v):.4g}" if v.size else "-" for f in (np.min, np.median, np.max)]
        rows.append((name, *cells))
    widths = [max(len(r[i]) for r in rows) for i in range(4)]
    lines = ["  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)) for r in rows]
    lines.append(f"diverged: {int(traj.diverged.sum())} of {traj.batch}")
    if traj.errors:
        overflow = sum(m.startswith("overflow:") for m in traj.errors.values())
        lines.append(f"errors: {len(traj.errors)} of {traj.batch} (overflow: {overflow}; "
                     f"left out of the statistics above; see --json)")
    return "\n".join(lines)


def run(args) -> int:
    """Run the batch, print the table, optionally write JSON."""
    prob, x0 = _problem(args)
    rule = _rule(args)
    schedule = as_schedule(args.lam, args.schedule, steps=args.steps)
    traj = simulate(prob, rule, x0, args.steps, schedule, progress=None, threads=args.threads)
    if args.json != "-":
        print(f"{rule.name} on {prob.batch} quadratic(s) in R^{prob.dim}, "
              f"{args.steps} steps, lambda={args.lam:g} ({args.schedule})")
        print(_table(traj))
    if args.json:
        data = traj.to_dict()
        data["inputs"] = to_jsonable(
            {k: v for k, v in vars(args).items() if not k.startswith("_") and k != "json"}
        )
        data["versions"] = versions()
        write_json(args.json, data)
    return 0

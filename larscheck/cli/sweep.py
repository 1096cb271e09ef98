"""``larscheck sweep``: a resumable parameter sweep, locally or on a Dask cluster."""

from __future__ import annotations

import argparse
import sys

from larscheck.cli.args import float_list, int_list, positive_float, positive_int
from larscheck.proofs_check.sweep.executors import CONNECT_TIMEOUT, available_cores
from larscheck.proofs_check.sweep.grid import AXES, SETTINGS, read_grid_file, spec_from_mapping

NAME = "sweep"
HELP = ("Run a grid of seeded simulate() batches (kappa x lambda x dim x ||x*|| x ...), "
        "appending per-cell statistics to a JSONL file; resumable; local or Dask.")


def _name_list(text: str) -> list[str]:
    """argparse type: comma-separated names, e.g. ``uniform,geometric``."""
    return [t.strip() for t in text.split(",") if t.strip()]


#: Grid flags: key -> (argparse type, help). Their default is "not given" so
#: that a TOML file's values stand unless a flag overrides them.
_GRID_FLAGS = {
    "kappa": (float_list, "condition numbers L/mu, e.g. 1,10,100 (>= 1)"),
    "lam": (float_list, "rates lambda (or multiples of --lam-ref's threshold)"),
    "dim": (int_list, "dimensions n"),
    "xstar_norm": (float_list, "norms ||x*||"),
    "spectrum": (_name_list, "eigenvalue layouts (uniform, geometric, two-point, clustered)"),
    "method": (_name_list, "update rules (lars, percentdelta, gd, momentum, adam)"),
    "steps": (int_list, "numbers of steps"),
    "seeds": (positive_int, "independent replicates per grid point"),
    "batch": (positive_int, "problems per cell"),
    "seed": (int, "base seed (>= 0)"),
    "mu": (positive_float, "strong-convexity constant; L = kappa mu"),
    "x0_factor": (positive_float, "||x0 - x*|| = x0_factor ||x*||"),
    "eps": (float_list, "accuracies in f - f* for iterations-to-eps"),
    "lam_ref": (str, "read --lam as multiples of this statement's threshold on lambda: "
                     "lemma1 (2c, paper's cos bound c) or lemma1.tight (2c, tight c)"),
}


def add_arguments(p: argparse.ArgumentParser) -> None:
    """Flags of ``larscheck sweep``."""
    grid = p.add_argument_group("grid (flags override --grid's values; lists are comma-separated)")
    grid.add_argument("--grid", metavar="FILE.toml", help="read the grid from a TOML file")
    for key in (*AXES, *SETTINGS):
        kind, text = _GRID_FLAGS[key]
        grid.add_argument("--" + key.replace("_", "-"), dest=key, type=kind, default=None,
                          help=text)
    out = p.add_argument_group("results")
    out.add_argument("--out", required=True, metavar="RESULTS.jsonl",
                     help="JSON Lines results file, appended as cells finish")
    out.add_argument("--resume", action="store_true",
                     help="continue an interrupted sweep of the same grid (skips finished cells)")
    run = p.add_argument_group("execution")
    where = run.add_mutually_exclusive_group()
    where.add_argument("--workers", type=positive_int, default=None,
                       help=f"local processes (default: all cores, here {available_cores()})")
    where.add_argument("--scheduler", metavar="tcp://HOST:PORT",
                       help="run on a Dask distributed cluster (the 'distributed' extra)")
    run.add_argument("--connect-timeout", type=positive_float, default=CONNECT_TIMEOUT,
                     help=f"seconds to wait for the scheduler and a worker "
                          f"(default {CONNECT_TIMEOUT:g})")


def build_spec(args):
    """The validated :class:`SweepSpec` from ``--grid`` and the flags."""
    from larscheck.proofs_check.sweep.cells import LAMBDA_REFERENCES

    values, sources = read_grid_file(args.grid) if args.grid else ({}, {})
    for key in (*AXES, *SETTINGS):
        given = getattr(args, key)
        if given is not None:
            values[key] = given
            sources[key] = "--" + key.replace("_", "-")
    return spec_from_mapping(values, sources, lam_refs=tuple(LAMBDA_REFERENCES))


def run(args) -> int:
    """Run the sweep, append each finished cell, print where the results are."""
    from larscheck.proofs_check.sweep.run import run_sweep
    from larscheck.proofs_check.terminal import width, wrap

    summary = run_sweep(build_spec(args), args.out, resume=args.resume, workers=args.workers,
                        scheduler=args.scheduler, connect_timeout=args.connect_timeout)
    if summary.dropped_torn_line:
        print(f"larscheck sweep: {args.out}: dropped a torn last line (interrupted write); "
              f"its cell was computed again", file=sys.stderr)
    print(wrap(f"sweep: {summary.cells} cells ({summary.resumed} already done, "
               f"{summary.computed} computed on {summary.where}) -> {args.out}", width(), "  "))
    return 0

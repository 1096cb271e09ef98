"""Sweep scaling on Dask: the same sweep on a LocalCluster with 1 and with 2 workers.

Target: 2 workers at least 1.6x faster than 1 (each worker one process with one
thread; the cells are independent, so the ideal is 2x). Cluster start-up and
the first import of larscheck on each worker are excluded from the timings;
each configuration is timed ``--repeat`` times and the best run is reported.
The load average is printed alongside: on a shared machine the figures are
taken under load and the speed-up is bounded by the idle cores.

    python benchmarks/sweep_scaling.py [--cells-scale 1] [--repeat 2]
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from pathlib import Path

from larscheck.cli import main

TARGET = 1.6


def grid(scale: int) -> list[str]:
    """48 * scale cells of ~0.2 s each (LARS, 4000 steps, 32 problems in R^20)."""
    kappas = ",".join(str(10.0 ** (i / 2)) for i in range(4 * scale))
    return ["--kappa", kappas, "--lam", "0.25,0.5,1,2", "--lam-ref", "lemma1.tight",
            "--dim", "20", "--xstar-norm", "1,10,100", "--steps", "4000", "--batch", "32",
            "--seed", "0"]


def timed_sweep(workers: int, argv: list[str], repeat: int) -> float:
    from distributed import Client, LocalCluster

    best = float("inf")
    with LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                      dashboard_address=None) as cluster, Client(cluster) as client:
        client.run(__import__, "larscheck.proofs_check.sweep.cells")  # warm imports
        for _ in range(repeat):
            with tempfile.TemporaryDirectory() as tmp:
                out = Path(tmp) / "r.jsonl"
                start = time.perf_counter()
                code = main(["sweep", *argv, "--out", str(out),
                             "--scheduler", cluster.scheduler_address])
                best = min(best, time.perf_counter() - start)
                if code != 0:
                    raise SystemExit(f"sweep failed with exit code {code}")
    return best


def run(args) -> None:
    argv = grid(args.cells_scale)
    cells = 48 * args.cells_scale
    print(f"sweep of {cells} cells; cores visible: {os.cpu_count()}; "
          f"load average before: {os.getloadavg()[0]:.2f}")
    t1 = timed_sweep(1, argv, args.repeat)
    print(f"1 worker : {t1:7.2f} s  ({cells / t1:6.1f} cells/s)")
    t2 = timed_sweep(2, argv, args.repeat)
    print(f"2 workers: {t2:7.2f} s  ({cells / t2:6.1f} cells/s)")
    speedup = t1 / t2
    print(f"speed-up : {speedup:.2f}x (target >= {TARGET}x: "
          f"{'met' if speedup >= TARGET else 'NOT met'}); "
          f"load average after: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cells-scale", type=int, default=1, help="grid size multiplier")
    parser.add_argument("--repeat", type=int, default=2, help="timed runs per configuration")
    run(parser.parse_args())

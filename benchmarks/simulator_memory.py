"""Peak memory of a long simulator run: memory must not grow with the number of steps.

Runs ``simulate(random_quadratics(B, n), LARS(), x0, T)`` in a fresh Python
process and prints that process's peak resident set size (its own
``getrusage(RUSAGE_SELF).ru_maxrss`` as it ends: the high-water mark of its
whole life), next to the peak of a child that only imports larscheck, NumPy
and Numba and builds the problems (the floor the run stands on). Target (issue 2): under
300 MiB at ``T=100,000, B=1000, n=100``. The problems are rotated (a dense
``(B, n, n)`` eigenbasis, 80 MB at this size) and the run takes the path
:func:`larscheck.simulate` picks for it.

Usage::

    python benchmarks/simulator_memory.py [--steps 100000 --batch 1000 --dim 100]
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time

#: The child: build the batch, optionally run, report the wall time of the run.
CHILD = """
import resource, sys, time
import numpy as np
import numba  # noqa: F401  (imported in both children, so the floor includes it)
import larscheck.sims as sims
B, n, T, run = (int(v) for v in sys.argv[1:5])
rng = np.random.default_rng(0)
prob = sims.random_quadratics(rng, B, n, mu=1.0, L=10.0, xstar_norm=5.0)
x0 = prob.xstar + 10.0 * sims.problems.random_directions(rng, B, n)
t = time.perf_counter()
if run:
    traj = sims.simulate(prob, sims.LARS(), x0, T, 0.01)
    assert traj.final_x.shape == (B, n)
print(time.perf_counter() - t, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
"""


def child_peak_mib(batch: int, dim: int, steps: int, run: bool) -> tuple[float, float]:
    """Peak RSS (MiB) and run seconds of a fresh child process."""
    out = subprocess.run([sys.executable, "-c", CHILD, str(batch), str(dim), str(steps),
                          str(int(run))], check=True, capture_output=True, text=True)
    seconds, peak_kib = out.stdout.split()
    return float(peak_kib) / 1024.0, float(seconds)  # Linux reports KiB


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--batch", type=int, default=1000)
    parser.add_argument("--dim", type=int, default=100)
    parser.add_argument("--steps", type=int, default=100_000)
    args = parser.parse_args(argv)
    floor, _ = child_peak_mib(args.batch, args.dim, args.steps, run=False)
    start = time.perf_counter()
    peak, seconds = child_peak_mib(args.batch, args.dim, args.steps, run=True)
    total = time.perf_counter() - start
    rate = args.batch * args.dim * args.steps / seconds
    verdict = "met" if peak < 300 else "MISSED"
    print("\n".join([
        f"B={args.batch} n={args.dim} T={args.steps}",
        f"peak RSS, imports + problems only: {floor:7.1f} MiB",
        f"peak RSS, with the run:            {peak:7.1f} MiB   target < 300 MiB   {verdict}",
        f"run {seconds:.1f} s ({rate / 1e6:.0f} M updates/s); child {total:.1f} s in all",
    ]))
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Throughput of the batched simulator against a naive loop and a memory-bound triad.

Prints coordinate-updates per second (``B * n * T / seconds``) for

(a) a naive per-problem Python loop: LARS on each problem in turn, with the
    dense matrix ``A_i`` (``g = A_i (x - x*_i)``, NumPy norms);
(b) :func:`larscheck.simulate` with ``LARS()`` on ``random_quadratics`` (the
    whole call: change of basis, statistics, everything), on the path it picks
    for this size, and on the NumPy path for comparison;
(c) the triad ``a = b + s c`` over arrays of ``B * n`` numbers, ``T`` times:
    once as NumPy does it (two in-place passes) and once as one fused loop
    (Numba), the memory-bound limit for one pass over the data per step;

and the ratios. Targets (issue 2) at ``B=2000, n=50, T=200``: (b) >= 50 x (a)
and (b) >= 40 % of (c). Each figure is the median of ``--repeat`` wall-clock
timings, taken round-robin so that every figure sees the same background load;
the naive loop runs on ``--naive-batch`` problems (its rate per problem does
not depend on ``B``). Also prints the one-off cost of loading the compiled
kernel in a fresh process (Numba import plus its on-disk cache).

Usage::

    python benchmarks/simulator_throughput.py [--batch 2000 --dim 50 --steps 200]
"""

from __future__ import annotations

import argparse
import importlib
import statistics
import subprocess
import sys
import time

import numpy as np

import larscheck.sims as sims

#: Fresh-process script timing the first fused call (Numba import + cache load + run).
FIRST_CALL = """
import importlib, time
import numpy as np
import larscheck.sims as sims
mod = importlib.import_module("larscheck.sims.simulate")
mod.FUSED_MIN_UPDATES = 0
p = sims.random_quadratics(np.random.default_rng(0), 4, 3)
t = time.perf_counter()
sims.simulate(p, sims.LARS(), np.ones(3), 2, 0.1)
print(time.perf_counter() - t)
"""


def median_times(fns: dict, repeat: int) -> dict:
    """Median wall time of each ``fn()``, timed round-robin ``repeat`` times.

    Round-robin, so that all of them see the same background load (the figures are
    meant to be compared with one another).
    """
    times = {name: [] for name in fns}
    for _ in range(repeat):
        for name, fn in fns.items():
            start = time.perf_counter()
            fn()
            times[name].append(time.perf_counter() - start)
    return {name: statistics.median(ts) for name, ts in times.items()}


def naive_loop(A, xstar, x0, steps, lam):
    """LARS one problem at a time with dense matrices: the baseline (a)."""
    for i in range(A.shape[0]):
        x = x0[i].copy()
        for _ in range(steps):
            g = A[i] @ (x - xstar[i])
            gn = np.linalg.norm(g)
            if gn > 0:
                x -= lam * np.linalg.norm(x) / gn * g


def numpy_triad(a, b, c, s, steps):
    """``a = b + s c``, ``steps`` times, with NumPy in-place passes."""
    for _ in range(steps):
        np.multiply(c, s, out=a)
        a += b


def fused_triad():
    """``a = b + s c`` in one loop (Numba): the memory-bound limit of one pass per step."""
    from numba import njit

    @njit(cache=True)
    def triad(a, b, c, s, steps):
        for _ in range(steps):
            for i in range(a.shape[0]):
                a[i] = b[i] + s * c[i]

    return triad


def first_call_seconds() -> float:
    """Seconds of the first fused ``simulate`` call in a fresh Python process."""
    out = subprocess.run([sys.executable, "-c", FIRST_CALL], check=True, capture_output=True,
                         text=True)
    return float(out.stdout.strip())


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--batch", type=int, default=2000)
    parser.add_argument("--dim", type=int, default=50)
    parser.add_argument("--steps", type=int, default=200)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--naive-batch", type=int, default=40)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    B, n, T, lam = args.batch, args.dim, args.steps, 0.05
    updates = B * n * T
    rng = np.random.default_rng(args.seed)
    prob = sims.random_quadratics(rng, B, n, mu=1.0, L=10.0, xstar_norm=5.0)
    x0 = prob.xstar + 10.0 * sims.problems.random_directions(rng, B, n)
    simulate_mod = importlib.import_module("larscheck.sims.simulate")
    threshold = simulate_mod.FUSED_MIN_UPDATES
    fused_used = updates >= threshold

    def run_sim():
        sims.simulate(prob, sims.LARS(), x0, T, lam)

    diag, y0 = prob.diagonal(), prob.to_eigen(x0)

    def run_sim_diagonal():  # the same problems given in their eigenbasis: no basis change
        sims.simulate(diag, sims.LARS(), y0, T, lam)

    def run_sim_numpy():
        simulate_mod.FUSED_MIN_UPDATES = updates + 1
        try:
            run_sim()
        finally:
            simulate_mod.FUSED_MIN_UPDATES = threshold

    nb = min(args.naive_batch, B)
    A = prob.matrix()[:nb]
    print(f"B={B} n={n} T={T} ({updates:.3g} coordinate updates); median of {args.repeat}")
    print(f"first fused call in a fresh process (Numba import + cache load): "
          f"{first_call_seconds():.2f} s")
    run_sim()  # load the compiled kernel in this process
    a, b, c = np.zeros(B * n), rng.standard_normal(B * n), rng.standard_normal(B * n)
    triad = fused_triad()
    triad(a, b, c, 1.0001, 1)
    sizes = {"a": nb * n * T, "b": updates, "b_diag": updates, "numpy": updates,
             "c": updates, "c_np": updates}
    medians = median_times({
        "a": lambda: naive_loop(A, prob.xstar[:nb], x0[:nb], T, lam),
        "b": run_sim,
        "b_diag": run_sim_diagonal,
        "numpy": run_sim_numpy,
        "c": lambda: triad(a, b, c, 1.0001, T),
        "c_np": lambda: numpy_triad(a, b, c, 1.0001, T),
    }, args.repeat)
    rate = {name: sizes[name] / t for name, t in medians.items()}
    rate_a, rate_b, rate_np, rate_c, rate_c_np = (rate[k] for k in ("a", "b", "numpy", "c", "c_np"))
    rate_diag = rate["b_diag"]
    path = "fused kernel" if fused_used else "NumPy path"
    rows = [
        ("(a) naive per-problem loop, dense A", rate_a),
        (f"(b) larscheck simulate ({path})", rate_b),
        ("    larscheck simulate, NumPy path", rate_np),
        ("    simulate, problems given diagonal", rate_diag),
        ("(c) triad a = b + s c, one fused pass", rate_c),
        ("    triad with NumPy (two passes)", rate_c_np),
    ]
    for label, rate in rows:
        print(f"{label:<42} {rate / 1e6:10.1f} M updates/s")
    ratio_ab, ratio_bc = rate_b / rate_a, rate_b / rate_c
    print(f"(b)/(a) = {ratio_ab:8.1f}   target >= 50   {'met' if ratio_ab >= 50 else 'MISSED'}")
    print(f"(b)/(c) = {ratio_bc:8.1%}   target >= 40%  {'met' if ratio_bc >= 0.4 else 'MISSED'}"
          f"   (vs NumPy triad: {rate_b / rate_c_np:.1%})")
    print(f"without the change of basis (problems given diagonal): (b)/(c) = "
          f"{rate_diag / rate_c:.1%}")
    print(f"NumPy path / (c) = {rate_np / rate_c:.1%}; fused / NumPy path = "
          f"{rate_b / rate_np:.1f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Throughput of the batched simulator against its peers and two measured ceilings.

Prints million coordinate-updates per second (``M = B * n * T / seconds / 1e6``)
for, in one run, timed round-robin so that every figure sees the same load:

- :func:`larscheck.simulate` with ``LARS()`` on ``random_quadratics``, the whole
  call (change of basis, statistics, everything), rotated and given diagonal;
- peers: a plain batched NumPy loop over the diagonal problems (every problem at
  once, one array operation per pass), and a plain serial ``@njit`` loop over
  the problems (one problem at a time, as a competent user writes it);
- two ceilings: the floating-point peak for this operation mix (independent
  multiply-add chains over registers, :func:`fma_peak`, one thread and all
  threads) and a triad ``a = b + s c`` over arrays far larger than the caches
  (the DRAM bandwidth, in numbers per second);

and the ratios: simulate against the best peer, and the kernel's share of each
ceiling. One LARS coordinate-update costs :data:`FLOPS_PER_UPDATE` floating-point
operations, so the kernel's flop rate is ``FLOPS_PER_UPDATE * M``.

Sizes: ``small`` B=100 n=10 T=100, ``medium`` B=2000 n=50 T=200, and the
neighbour pairs (B 900 vs 1000 at n=50, n 128 vs 129 and 10 vs 11 at B=1000)
whose rates should differ by less than 1.5x. Each figure is the median of
``--repeat`` timings, with the spread (min-max over the repeats). Also prints
the first fused call in a fresh process (Numba import plus its cache).

Usage::

    python benchmarks/simulator_throughput.py [--repeat 7]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time

import numba
import numpy as np
from numba import njit, prange

import larscheck.sims as sims

#: Floating-point operations of one coordinate-update of LARS on a diagonal quadratic:
#: d = x - x*, g = e d, the sums x^2, d^2, g^2, d g (a multiply and an add each), and the
#: step x -= lambda (r g) (two multiplies and a subtract).
FLOPS_PER_UPDATE = 13

#: Fresh-process script timing the first fused call (Numba import + cache load + run).
FIRST_CALL = """
import time
import numpy as np
import larscheck.sims as sims
p = sims.random_quadratics(np.random.default_rng(0), 4, 3)
t = time.perf_counter()
sims.simulate(p, sims.LARS(), np.ones(3), 2, 0.1)
print(time.perf_counter() - t)
"""


def timed(fns: dict, repeat: int) -> dict:
    """Wall times of each ``fn()``, ``repeat`` times round-robin (all see the same load)."""
    times = {name: [] for name in fns}
    for _ in range(repeat):
        for name, fn in fns.items():
            start = time.perf_counter()
            fn()
            times[name].append(time.perf_counter() - start)
    return times


def numpy_loop(eigs, xstar, x0, steps, lam):
    """The batched NumPy peer: LARS on every diagonal problem at once, plain array code."""
    x = x0.copy()
    for _ in range(steps):
        d = x - xstar
        g = eigs * d
        f = 0.5 * np.einsum("ij,ij->i", d, g)  # noqa: F841 (a simulator records it)
        xn = np.sqrt(np.einsum("ij,ij->i", x, x))
        dn = np.sqrt(np.einsum("ij,ij->i", d, d))  # noqa: F841
        gn = np.sqrt(np.einsum("ij,ij->i", g, g))
        x -= (lam * xn / gn)[:, None] * g
    return x


@njit(cache=True, fastmath=False)
def numba_loop(eigs, xstar, x0, steps, lam):
    """The serial Numba peer: one problem after another, plain loops (with f, ||d||)."""
    x = x0.copy()
    batch, dim = x.shape
    out = np.zeros(batch)
    for i in range(batch):
        best = np.inf
        for _ in range(steps):
            xx = dd = gg = dg = 0.0
            for m in range(dim):
                d = x[i, m] - xstar[i, m]
                g = eigs[i, m] * d
                xx += x[i, m] * x[i, m]
                dd += d * d
                gg += g * g
                dg += d * g
            best = min(best, 0.5 * dg + np.sqrt(dd))
            step = lam * np.sqrt(xx) / np.sqrt(gg)
            for m in range(dim):
                x[i, m] -= step * (eigs[i, m] * (x[i, m] - xstar[i, m]))
        out[i] = best
    return out


@njit(cache=True, parallel=True)
def fma_peak(reps, lanes):
    """``2 * 32 * reps`` flops per lane: 32 independent chains of ``a = a * b + c`` (a
    multiply and an add, as the kernel's sums; no fused multiply-add, as in the kernel),
    a constant-length loop LLVM unrolls and vectorises; ``lanes`` of them in parallel."""
    out = np.zeros(lanes)
    for t in prange(lanes):
        acc = np.arange(32, dtype=np.float64) * 1e-3 + t
        for _ in range(reps):
            for j in range(32):
                acc[j] = acc[j] * 0.999999 + 1e-7
        out[t] = acc.sum()
    return out


@njit(cache=True, parallel=True)
def triad(a, b, c, s):
    """``a = b + s c``: 3 numbers moved (24 bytes) per element, on all threads."""
    for i in prange(a.shape[0]):
        a[i] = b[i] + s * c[i]


def first_call_seconds() -> float:
    """Seconds of the first fused ``simulate`` call in a fresh Python process."""
    out = subprocess.run([sys.executable, "-c", FIRST_CALL], check=True, capture_output=True,
                         text=True)
    return float(out.stdout.strip())


def cpu_name() -> str:
    """The CPU model and core count (from /proc/cpuinfo where there is one)."""
    try:
        with open("/proc/cpuinfo") as f:
            model = next(line.split(":", 1)[1].strip() for line in f
                         if line.startswith("model name"))
    except (OSError, StopIteration):
        model = "unknown CPU"
    return f"{model}, {os.cpu_count()} cores, Numba {numba.config.NUMBA_NUM_THREADS} threads"


def spread(ts, work) -> str:
    """Median rate (M/s) and the min-max over repeats."""
    rates = sorted(work / t / 1e6 for t in ts)
    return f"{statistics.median(rates):9.1f} M/s  [{rates[0]:.1f}-{rates[-1]:.1f}]"


def case(rng, B, n, T):
    """Problems, starts and the closures timed at one size."""
    prob = sims.random_quadratics(rng, B, n, mu=1.0, L=10.0, xstar_norm=5.0, rotate=n <= 100)
    x0 = prob.xstar + 10.0 * sims.problems.random_directions(rng, B, n)
    diag, y0 = prob.diagonal(), prob.to_eigen(x0)
    return prob, x0, diag, y0


#: The sizes timed: (B, n, T).
SIZES = {"small": (100, 10, 100), "medium": (2000, 50, 200), "B=900": (900, 50, 200),
         "B=1000": (1000, 50, 200), "n=128": (1000, 128, 100), "n=129": (1000, 129, 100),
         "n=10": (1000, 10, 300), "n=11": (1000, 11, 300)}


def ceilings(repeat: int) -> tuple[float, float, float]:
    """Flops/s of :func:`fma_peak` on one thread and on all, and the DRAM triad's elements/s."""
    lanes = numba.config.NUMBA_NUM_THREADS
    reps = 200_000
    fma_peak(1, 1), fma_peak(1, lanes)
    big = 1 << 25  # 3 arrays of 256 MiB, far past any cache
    a, b, c = np.zeros(big), np.ones(big), np.ones(big)
    triad(a, b, c, 1.0001)
    ceil = timed({"one": lambda: fma_peak(reps, 1), "all": lambda: fma_peak(reps, lanes),
                  "triad": lambda: triad(a, b, c, 1.0001)}, repeat)
    flops = 2 * 32 * reps
    return (flops / min(ceil["one"]), lanes * flops / min(ceil["all"]),
            big / min(ceil["triad"]))


def size_rates(rng, B: int, n: int, T: int, lam: float, repeat: int, label: str) -> dict:
    """Time simulate and the peers at one size; print them; return the median rates."""
    prob, x0, diag, y0 = case(rng, B, n, T)
    work = B * n * T
    fns = {
        "simulate rotated": lambda: sims.simulate(prob, sims.LARS(), x0, T, lam),
        "simulate diagonal": lambda: sims.simulate(diag, sims.LARS(), y0, T, lam),
        "simulate 1 thread": lambda: sims.simulate(diag, sims.LARS(), y0, T, lam, threads=1),
        "peer NumPy batched": lambda: numpy_loop(diag.eigs, diag.xstar, y0, T, lam),
        "peer Numba serial": lambda: numba_loop(diag.eigs, diag.xstar, y0, T, lam),
    }
    for fn in fns.values():
        fn()
    times = timed(fns, repeat)
    print(f"\n{label}: B={B} n={n} T={T}")
    for name, ts in times.items():
        print(f"  {name:<20} {spread(ts, work)}")
    r = {name: work / statistics.median(ts) for name, ts in times.items()}
    best = max(r["peer NumPy batched"], r["peer Numba serial"])
    print(f"  vs best peer: rotated {r['simulate rotated'] / best:.2f}x, diagonal "
          f"{r['simulate diagonal'] / best:.2f}x; vs Numba serial: rotated "
          f"{r['simulate rotated'] / r['peer Numba serial']:.2f}x, diagonal "
          f"{r['simulate diagonal'] / r['peer Numba serial']:.2f}x; "
          f"all threads / 1: {r['simulate diagonal'] / r['simulate 1 thread']:.2f}x")
    return r


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    rng = np.random.default_rng(args.seed)
    lam = 0.05
    print(f"machine: {cpu_name()}; median of {args.repeat} [min-max]")
    print(f"first fused call in a fresh process: {first_call_seconds():.2f} s "
          f"(target <= 0.5)")

    peak1, peak, dram = ceilings(args.repeat)
    print(f"flop ceiling (multiply-add chains): {peak1 / 1e9:.1f} GFLOP/s one thread, "
          f"{peak / 1e9:.1f} all {numba.config.NUMBA_NUM_THREADS}")
    print(f"DRAM triad: {dram / 1e6:.0f} M elements/s ({24 * dram / 1e9:.1f} GB/s)")
    rates = {label: size_rates(rng, *size, lam, args.repeat, label)
             for label, size in SIZES.items()}
    med = rates["medium"]["simulate diagonal"]
    print(f"\nkernel (medium, diagonal): {FLOPS_PER_UPDATE * med / 1e9:.1f} GFLOP/s = "
          f"{FLOPS_PER_UPDATE * med / peak:.0%} of the flop ceiling (all threads), "
          f"{FLOPS_PER_UPDATE * med / peak1:.0%} of one thread's; "
          f"{med / dram:.1f}x the DRAM triad's elements/s (a pack stays in L1)")
    for lo, hi in (("B=900", "B=1000"), ("n=128", "n=129"), ("n=10", "n=11")):
        ratio = rates[lo]["simulate diagonal"] / rates[hi]["simulate diagonal"]
        print(f"neighbours {lo} / {hi}: {max(ratio, 1 / ratio):.2f}x (target <= 1.5)")
    return 0


if __name__ == "__main__":
    sys.exit(main())

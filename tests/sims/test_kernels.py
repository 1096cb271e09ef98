"""The fused kernel (sims.kernels) against the NumPy path of the simulator.

Every run below is done twice, once on each path (``_fused_applies`` is patched
to force the NumPy path), and all of the Trajectory must agree.
"""

import importlib
import os
import subprocess
import sys

import numba
import numpy as np
import pytest
from numba import njit
from numpy.testing import assert_array_equal

from larscheck.sims import (
    LARS,
    Constant,
    FromCallable,
    GradientDescent,
    InverseDecay,
    PercentDelta,
    PolynomialDecay,
    Quadratic,
    kernels,
    random_quadratics,
    simulate,
)
from larscheck.sims.blocks import Blocks
from larscheck.sims.kernels import block_step, block_sums
from larscheck.sims.problems import random_directions

sim = importlib.import_module("larscheck.sims.simulate")

FLOAT_FIELDS = ("gap_at", "dist_at", "norm_at", "min_gap", "max_dist", "min_norm",
                "tail_radius", "final_x")
INT_FIELDS = ("checkpoints", "first_inside", "first_below", "diverged", "diverged_at")


def both_paths(monkeypatch, *args, **kwargs):
    """``simulate(*args, **kwargs)`` on the NumPy path, then on the fused kernel."""
    with monkeypatch.context() as m:
        m.setattr(sim, "_fused_applies", lambda *_: False)
        reference = simulate(*args, **kwargs)
    assert sim._fused_applies(*_work(args[0], args[1]), 1, False)
    fused = simulate(*args, **kwargs)
    return reference, fused


def _work(p, rule):
    """The problem and blocks the simulator hands its engines (the eigenbasis form)."""
    return (p.diagonal() if rule.rotation_invariant else p), rule, Blocks(p.dim)


def assert_same(a, b):
    # the kernel repeats NumPy's operations in NumPy's (platform-independent) summation
    # order, so the two paths agree bit for bit (NaN where both are NaN)
    for name in FLOAT_FIELDS + INT_FIELDS:
        assert_array_equal(getattr(b, name), getattr(a, name), err_msg=name)
    assert b.errors == a.errors
    assert list(b.errors) == list(a.errors)


def spread_batch(seed, B, n, rotate=True):
    """Quadratics with varied constants, far starts, and rates from tiny to divergent."""
    rng = np.random.default_rng(seed)
    p = random_quadratics(rng, B, n, mu=0.5, L=40.0, xstar_norm=(0.1, 20.0), rotate=rotate)
    x0 = p.xstar + np.exp(rng.uniform(0.0, 4.0, (B, 1))) * random_directions(rng, B, n)
    lam = np.exp(rng.uniform(np.log(1e-3), np.log(4.0), B))
    return p, x0, lam


@pytest.mark.parametrize("n", [2, 3, 8, 13, 50, 128, 129, 300, 1000])
def test_lars_per_problem_rates_with_divergence(monkeypatch, n):
    # B = 45 is not a multiple of the pack size; lambda up to 4 makes some runs diverge.
    # Above 128 coordinates NumPy splits its sums in halves (pairwise_plan). (Sizes from
    # 128 on are drawn diagonal: their 45 QR factorisations would cost more than the test;
    # rotated draws of the others cover the change of basis.)
    p, x0, lam = spread_batch(n, 45, n, rotate=n < 100)
    steps = 300 if n < 1000 else 60
    a, b = both_paths(monkeypatch, p, LARS(), x0, steps, lam, ball_radius=0.5,
                      gap_thresholds=[1e-6, 1e-2, 1.0], checkpoints=30)
    assert a.diverged.any() and not a.diverged.all()
    assert (a.first_inside >= 0).any() and (a.first_below >= 0).any()
    assert_same(a, b)


@pytest.mark.parametrize("pack", [8, 48])
def test_results_do_not_depend_on_the_pack_size(monkeypatch, pack):
    """Packs of 8 (the last partial) or one partial pack of 48 give the default's results."""
    p, x0, lam = spread_batch(7, 45, 13)
    reference, default = both_paths(monkeypatch, p, LARS(), x0, 200, lam, checkpoints=20)
    monkeypatch.setattr(kernels, "pack_size", lambda *_: pack)
    other = simulate(p, LARS(), x0, 200, lam, checkpoints=20)
    assert_same(reference, other)
    assert_same(default, other)


@pytest.mark.skipif(numba.config.NUMBA_NUM_THREADS < 2, reason="Numba has one thread here")
@pytest.mark.parametrize("n", [13, 200])
def test_one_thread_and_two_give_the_same_bits(monkeypatch, n):
    """Packs run in parallel, but each problem's sums keep their order: 1 thread = 2."""
    monkeypatch.setattr(kernels, "pack_size", lambda *_: 8)  # several packs per thread
    p, x0, lam = spread_batch(8, 77, n, rotate=False)
    runs = [simulate(p, LARS(momentum=0.5), x0, 150, lam, gap_thresholds=[1e-2], threads=t)
            for t in (1, 2)]
    assert_same(*runs)


def test_threads_are_checked():
    p, x0, lam = spread_batch(5, 6, 4)
    for bad in (0, -1, 1.5, True):
        with pytest.raises((ValueError, TypeError), match="threads"):
            simulate(p, LARS(), x0, 10, lam, threads=bad)
    with pytest.raises(ValueError, match="NUMBA_NUM_THREADS"):
        simulate(p, LARS(), x0, 10, lam, threads=10**6)


@pytest.mark.parametrize("dim", [64, 128, 129, 200, 300, 1000, 4097])
def test_pairwise_plan_is_numpys_tree(dim):
    """Leaves of at most 128, split as NumPy splits (first half a multiple of 8)."""
    def tree(lo, cnt):
        if cnt <= kernels.PAIRWISE_BLOCK:
            return [(lo, cnt, 1)]
        half = cnt // 2 - (cnt // 2) % 8
        return tree(lo, half) + tree(lo + half, cnt - half) + [(lo, cnt, 0)]

    assert [tuple(c) for c in kernels.pairwise_plan(dim).T] == tree(0, dim)


def test_pack_size_must_be_a_multiple_of_the_vector_width(monkeypatch):
    p, x0, lam = spread_batch(7, 45, 13)
    monkeypatch.setattr(kernels, "pack_size", lambda *_: 12)
    with pytest.raises(ValueError, match="multiple"):
        simulate(p, LARS(), x0, 10, lam)


@pytest.mark.parametrize("dim", [1, 10, 50, 129, 5000])
def test_pack_size_fits_l1_and_feeds_every_thread(dim):
    for batch, threads in ((1, 1), (100, 2), (10**5, 2), (10**5, 64)):
        pack = kernels.pack_size(dim, batch, threads)
        assert pack % kernels.WIDTH == 0 and kernels.WIDTH <= pack <= kernels.MAX_PACK
        assert pack == kernels.WIDTH or 40 * dim * pack <= kernels.L1_BYTES
        assert pack == kernels.WIDTH or -(-batch // pack) >= 2 * threads


SCHEDULES = {
    "constant": lambda lam, T: Constant(0.3),
    "constant-per-problem": lambda lam, T: Constant(lam),
    "poly": lambda lam, T: PolynomialDecay(0.8, T),
    "poly-per-problem": lambda lam, T: PolynomialDecay(lam, T, power=1.5),
    "inverse": lambda lam, T: InverseDecay(2.0, 0.75),
    "callable": lambda lam, T: FromCallable(lambda k: 0.5 / (1.0 + 0.1 * k)),
    "callable-per-problem": lambda lam, T: FromCallable(lambda k: lam * (1.0 + np.cos(k))),
    # a Constant subclass that varies: the kernel must not take it for a constant rate
    "constant-subclass": lambda lam, T: _Wobbly(0.3),
}


class _Wobbly(Constant):
    """A subclass of Constant whose rate does depend on k."""

    def __call__(self, k):
        return self.lam * (1.5 + np.sin(k))


@pytest.mark.parametrize("name", sorted(SCHEDULES))
def test_every_schedule(monkeypatch, name):
    p, x0, lam = spread_batch(1, 37, 20)
    steps = 200
    a, b = both_paths(monkeypatch, p, LARS(), x0, steps, SCHEDULES[name](lam, steps),
                      ball_radius=np.linspace(0.1, 3.0, 37), gap_thresholds=[1e-3])
    assert_same(a, b)


RULES = {
    "percentdelta": PercentDelta(),
    "eps-trust": LARS(eps=0.05, trust_coefficient=0.7),
    "switch": LARS(switch_threshold=2.0),
    "weight-decay": LARS(weight_decay=0.02),
    "momentum": LARS(momentum=0.9),
    "nesterov-all": LARS(momentum=0.8, nesterov=True, weight_decay=0.01, eps=0.01,
                         switch_threshold=0.5, norm="l1"),
}


@pytest.mark.parametrize("name", sorted(RULES))
def test_every_rule_option(monkeypatch, name):
    # Diagonal problems, so that the L1 rules (not rotation invariant) take the kernel too.
    p, x0, lam = spread_batch(2, 33, 11, rotate=False)
    assert sim._fused_applies(p, RULES[name], Blocks(11), 1, False)
    a, b = both_paths(monkeypatch, p, RULES[name], x0, 250, lam / 4, gap_thresholds=[0.1])
    assert_same(a, b)


def test_nonzero_fstar_and_unknown_steps_beyond_checkpoints(monkeypatch):
    p, x0, lam = spread_batch(3, 20, 9)
    q = Quadratic(p.eigs, p.xstar, p.basis, fstar=np.linspace(-5.0, 5.0, 20))
    a, b = both_paths(monkeypatch, q, LARS(), x0, 1000, lam / 10, checkpoints=7,
                      gap_thresholds=[1e-4, 1e-1])
    assert_same(a, b)


def test_long_run_in_several_chunks(monkeypatch):
    # A per-problem schedule makes the chunks short (the rates buffer is bounded).
    monkeypatch.setattr(sim, "_RATES_BUFFER", 64 * 5)
    p, x0, lam = spread_batch(4, 64, 6)
    a, b = both_paths(monkeypatch, p, LARS(momentum=0.5), x0, 400, PolynomialDecay(lam, 400))
    assert_same(a, b)


def test_non_finite_gradient_is_a_failure_with_the_same_message(monkeypatch):
    # e * (x - x*) overflows for the first problem at a finite iterate; for the second the
    # sum of g^2 overflows while g stays finite: not a failure during the run, but the
    # step is 0 from then on, so the run ends as an overflow error (issue 18), not bounded.
    eigs = np.array([[1.0, 1e308], [1.0, 1e190], [1.0, 2.0]])
    p = Quadratic(eigs, np.zeros((3, 2)))
    x0 = np.array([[1.0, 10.0], [1.0, 1e10], [3.0, 4.0]])
    a, b = both_paths(monkeypatch, p, LARS(), x0, 20, 0.1)
    assert list(a.errors) == [0, 1] and "step 0" in a.errors[0]
    assert a.errors[1].startswith("overflow:")
    assert not a.diverged[1]
    assert_same(a, b)


def test_bad_schedule_shape_is_an_error():
    p, x0, _ = spread_batch(5, 6, 4)
    with pytest.raises(ValueError, match="schedule"):
        simulate(p, LARS(), x0, 10, FromCallable(lambda k: np.ones(4)))


@pytest.mark.parametrize("case", ["blocks", "rule", "path", "rotated-l1"])
def test_other_cases_take_the_numpy_path(case):
    rng = np.random.default_rng(0)
    p = random_quadratics(rng, 4, 6)
    work = p if case == "rotated-l1" else p.diagonal()
    rule = {"rule": GradientDescent(), "rotated-l1": PercentDelta()}.get(case, LARS())
    part = Blocks(work.dim, (2, 4) if case == "blocks" else None)
    assert not sim._fused_applies(work, rule, part, 10, case == "path")
    assert sim._fused_applies(work, LARS(), Blocks(work.dim), 10, False) == (
        case != "rotated-l1")


@pytest.mark.parametrize("size", [(1, 2, 0), (1, 2, 1), (3, 1000, 2), (900, 129, 3)])
def test_every_size_takes_the_kernel(monkeypatch, size):
    """No threshold: one problem, no step, or a large dimension."""
    B, n, steps = size
    p, x0, lam = spread_batch(9, B, n, rotate=False)
    a, b = both_paths(monkeypatch, p, LARS(), x0, steps, lam, gap_thresholds=[1.0])
    assert_same(a, b)


@njit
def _block_sums_of(x, xstar, eigs, pack, l1):
    """Run :func:`block_sums` on every block of 8 problems of one pack; return g and the sums."""
    dim = x.shape[0] // pack
    grad, tot = np.empty_like(x), np.zeros(6 * pack)
    for base in range(0, pack, 8):
        if l1:
            block_sums(x, xstar, eigs, grad, tot, base, pack, 0, dim, 0, 6)
        else:
            block_sums(x, xstar, eigs, grad, tot, base, pack, 0, dim, 0, 4)
    return grad, tot.reshape(6, pack)


@pytest.mark.parametrize("dim", [1, 5, 8, 9, 16, 31, 64, 100, 128])
def test_block_sums_are_numpys_pairwise_sums_bit_for_bit(dim):
    rng = np.random.default_rng(dim)
    pack = 16
    # magnitudes over 12 decades, so that summing in another order changes the bits
    scale = 10.0 ** rng.uniform(-6, 6, (pack, dim))
    x, xstar = scale * rng.standard_normal((pack, dim)), scale * rng.standard_normal((pack, dim))
    eigs = rng.uniform(0.1, 10.0, (pack, dim))
    packed = [np.ascontiguousarray(a.T).reshape(-1) for a in (x, xstar, eigs)]
    grad, tot = _block_sums_of(*packed, pack, True)
    d = x - xstar
    g = eigs * d
    assert_array_equal(grad.reshape(dim, pack).T, g)
    expected = [x * x, d * d, g * g, d * g, np.abs(x), np.abs(g)]
    for s, terms in enumerate(expected):
        assert_array_equal(tot[s], np.add.reduce(terms, axis=1), err_msg=f"sum {s}")
    if dim >= 16:  # the data tell orders apart: a plain running sum gives other bits
        running = np.zeros(pack)
        for m in range(dim):
            running += expected[0][:, m]
        assert not np.array_equal(running, tot[0])
    _, tot4 = _block_sums_of(*packed, pack, False)
    assert_array_equal(tot4[:4], tot[:4])


def test_block_step_is_the_lars_step_bit_for_bit():
    rng = np.random.default_rng(1)
    pack, dim = 16, 13
    x, g = rng.standard_normal((pack, dim)), rng.standard_normal((pack, dim))
    rate, trust = rng.uniform(0, 2, pack), rng.uniform(0, 50, pack)
    xf, gf = np.ascontiguousarray(x.T).reshape(-1), np.ascontiguousarray(g.T).reshape(-1)
    _block_steps(xf, gf, rate, trust, pack, dim)
    assert_array_equal(xf.reshape(dim, pack).T, x - rate[:, None] * (trust[:, None] * g))


@njit
def _block_steps(x, grad, rate, trust, pack, dim):
    for base in range(0, pack, 8):
        block_step(x, grad, rate, trust, base, pack, dim)


#: A fresh process that compiles the kernel for a baseline x86-64 CPU (SSE2 vectors,
#: no AVX, no FMA), with its own empty cache, and compares it with the NumPy path.
_GENERIC_CPU = """
import importlib, numpy as np
from larscheck.sims import LARS, random_quadratics, simulate
sim = importlib.import_module("larscheck.sims.simulate")
rng = np.random.default_rng(5)
p = random_quadratics(rng, 21, 13, mu=0.5, L=40.0, xstar_norm=(0.1, 20.0))
x0 = p.xstar + 30.0 * rng.standard_normal((21, 13))
lam = np.exp(rng.uniform(np.log(1e-3), np.log(4.0), 21))
runs, fused = [], sim._fused_applies
for applies in (lambda *_: False, fused):
    sim._fused_applies = applies
    t = simulate(p, LARS(), x0, 150, lam, gap_thresholds=[1e-3])
    runs.append((t.final_x, t.min_gap, t.max_dist, t.tail_radius, t.first_below, t.diverged_at))
for a, b in zip(*runs):
    np.testing.assert_array_equal(a, b)
print("same")
"""


def test_kernel_is_bit_identical_on_a_baseline_cpu(tmp_path):
    """With narrower vectors LLVM splits the <8 x double> operations; the bits stay the same."""
    env = dict(os.environ, NUMBA_CPU_NAME="generic", NUMBA_CACHE_DIR=str(tmp_path))
    out = subprocess.run([sys.executable, "-c", _GENERIC_CPU], env=env, capture_output=True,
                         text=True, check=False)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "same"


def test_block_intrinsics_take_only_flat_float64_arrays():
    from numba.core.errors import TypingError

    x = np.zeros(16, dtype=np.float32)
    with pytest.raises(TypingError):
        _block_steps(x, x, np.zeros(8), np.zeros(8), 8, 2)
    with pytest.raises(TypingError):
        _block_sums_of(np.zeros((2, 8)), np.zeros((2, 8)), np.zeros((2, 8)), 8, False)

"""Fused (Numba) kernel for the simulator's hot case: LARS on diagonal quadratics.

:func:`larscheck.sims.simulate` runs L2-LARS on a quadratic in its eigenbasis,
where ``f(x) = 1/2 sum_j e_j (x_j - x*_j)^2 + f*`` and ``grad f = e * (x - x*)``.
The NumPy path makes about fifteen passes over the ``(B, n)`` iterates per
step (difference, gradient, ``f``, four norms, the checks, the update), each
a separate sweep through memory. :func:`lars_quadratic_chunk` instead runs a
whole chunk of steps on a *pack* of problems at a time (:func:`pack_size`: 8 to
32, so that the pack fits in L1), the packs in parallel, each stored transposed
(coordinate ``m`` of problem ``p`` at ``[m, p]``) so that the pack
stays in cache and 8 consecutive problems form one ``<8 x double>`` vector.

The kernel reproduces the NumPy path *operation by operation*, so its results
equal the NumPy path's bit for bit:

- ``||x||``, ``||x - x*||``, ``||g||``, ``d.g`` (for ``f = 1/2 d.g + f*``) and the L1
  norms are summed in the order of ``numpy.add.reduce`` over a contiguous row
  (NumPy's pairwise sum, the same on every platform). A block of at most 128
  numbers: element ``m < 8 floor(n/8)`` goes to accumulator ``m mod 8``; the eight
  are combined as ``((r0+r1)+(r2+r3))+((r4+r5)+(r6+r7))``; the remaining elements
  are added one by one. A longer row is split in two, the first part
  ``n/2`` rounded down to a multiple of 8, recursively, and the two sums added
  (:func:`pairwise_plan`), so any dimension runs here.
- The step is :meth:`larscheck.sims.rules.LARS.apply` written out per element
  (``v = m v + r d``, ``x -= lambda_k v``: the rate multiplies the velocity),
  with every option of the rule (``trust_coefficient``, ``eps``,
  ``switch_threshold``, ``weight_decay``, ``momentum``, ``nesterov``).

The hot loops, the sums and the plain step, are two intrinsics that emit LLVM
vector code directly (:func:`block_sums`, :func:`block_step`), on 8 problems at
a time. Plain Numba loops cannot do this well: the loop vectoriser only
vectorises innermost loops, so a loop over the problems of a pack keeps its
accumulators in memory (a load and a store per coordinate and sum; this kernel
ran at about 550 M updates/s that way, against about 1,100-1,400 M/s now at
B=2000, n=50), and LLVM's SLP vectoriser, which could pack scalar accumulators
into vectors, is off in Numba by default. In :func:`block_sums` each accumulator
runs over its own coordinates ``t, t+8, t+16, ...`` (the lanes one after
another), so only the few vectors of one lane are live and they stay in
registers. The arithmetic is IEEE ``fadd``/``fsub``/``fmul`` without fast-math
flags (no reassociation, no fused multiply-add): element by element the same
operations as the NumPy path, hence the same bits. Where vectors are narrower
LLVM splits each ``<8 x double>`` operation into several, with the same results.

Packs run in parallel (``prange``). Unless ``NUMBA_THREADING_LAYER`` says otherwise,
this module selects Numba's ``workqueue`` layer: on a busy machine OpenMP's launch of
a short parallel region waited 5-20 ms for its second thread (``workqueue`` about as
long as one thread); ``workqueue`` does not take parallel calls from several Python
threads at once (set ``NUMBA_THREADING_LAYER=omp`` or ``tbb`` for that).

Compiled code is cached on disk (``cache=True``): the first call in a fresh
environment compiles it (tens of seconds); later processes load it (about 1 s
with Numba's import, ``benchmarks/simulator_throughput.py``). Numba checks only
this file for changes when it decides whether a cache is stale, which is why the
intrinsics live here too.
"""

from __future__ import annotations

import math
import os

import numpy as np
from llvmlite import ir
from numba import config, get_num_threads, njit, prange, set_num_threads, types
from numba.core import cgutils
from numba.extending import intrinsic

if "NUMBA_THREADING_LAYER" not in os.environ:
    config.THREADING_LAYER = "workqueue"

#: Problems per vector (the block a call works on).
WIDTH = 8

_F64 = ir.DoubleType()
_VEC = ir.VectorType(_F64, WIDTH)
_I64 = ir.IntType(64)
_FLAT = types.Array(types.float64, 1, "C")


def _accepts(arrays, integers) -> bool:
    """Whether the intrinsics' arguments have their types: flat float64 arrays, integers.

    The intrinsics do not check bounds; their one caller, :func:`lars_quadratic_chunk`,
    passes pack arrays of ``dim * stride`` numbers and blocks ``base + 8 <= stride``.
    """
    return (all(a == _FLAT for a in arrays)
            and all(isinstance(i, types.Integer) for i in integers))


def _data(context, builder, ty, value):
    """The data pointer of a Numba array value."""
    return cgutils.create_struct_proxy(ty)(context, builder, value=value).data


def _vector_at(builder, ptr, index):
    """Pointer to the 8 doubles at ``ptr[index]``, as a vector pointer."""
    return builder.bitcast(builder.gep(ptr, [index]), _VEC.as_pointer())


def _load(builder, ptr, index):
    """The 8 doubles at ``ptr[index]``."""
    return builder.load(_vector_at(builder, ptr, index), align=8)


def _store(builder, value, ptr, index):
    """Write the vector ``value`` to the 8 doubles at ``ptr[index]``."""
    builder.store(value, _vector_at(builder, ptr, index), align=8)


def _fabs(builder, value):
    """``|value|`` elementwise (LLVM's ``fabs`` intrinsic)."""
    fn = cgutils.get_or_insert_function(builder.module, ir.FunctionType(_VEC, [_VEC]),
                                        f"llvm.fabs.v{WIDTH}f64")
    return builder.call(fn, [value])


def _accumulate(builder, acc, coordinate):
    """Add one coordinate's ``x^2, d^2, g^2, d g`` (and ``|x|, |g|``) to the accumulators."""
    x, d, g = coordinate
    terms = [builder.fmul(x, x), builder.fmul(d, d), builder.fmul(g, g), builder.fmul(d, g)]
    if len(acc) > 4:
        terms += [_fabs(builder, x), _fabs(builder, g)]
    for a, term in zip(acc, terms, strict=True):
        builder.store(builder.fadd(builder.load(a), term), a)


def _coordinate(builder, ptrs, m, stride, base):
    """Load ``x, x*, e`` at coordinate ``m`` (from the pointers' start) of the block, store
    ``g``; return ``x, d, g``."""
    xp, sp, ep, gp = ptrs
    at = builder.add(builder.mul(m, stride), base)
    x = _load(builder, xp, at)
    d = builder.fsub(x, _load(builder, sp, at))
    g = builder.fmul(_load(builder, ep, at), d)
    _store(builder, g, gp, at)
    return x, d, g


@intrinsic
def block_sums(typingctx, x, xstar, eigs, grad, tot, base, stride, lo, dim, out, nsum):
    """``grad = eigs (x - xstar)`` and the sums of 8 problems over ``dim`` coordinates.

    ``x, xstar, eigs`` (read) and ``grad`` (written) are flat pack arrays, coordinate
    ``m`` of problem ``base + q`` (``q < 8``) at ``[m * stride + base + q]``; the block
    covers coordinates ``lo .. lo + dim - 1``, ``dim <= 128`` (one block of NumPy's
    pairwise sum, summed in its order: see the module docstring). Writes
    ``tot[out + s * stride + base + q]`` for the ``nsum`` sums (``x^2, d^2, g^2, d g``,
    then ``|x|, |g|`` when ``nsum`` is 6); ``nsum`` must be a literal 4 or 6.
    """
    if (not _accepts((x, xstar, eigs, grad, tot), (base, stride, lo, dim, out))
            or not isinstance(nsum, types.IntegerLiteral) or nsum.literal_value not in (4, 6)):
        return None
    count = nsum.literal_value
    sig = types.void(x, xstar, eigs, grad, tot, base, stride, lo, dim, out, nsum)

    def codegen(context, builder, signature, args):
        base, stride, lo, dim, out = args[5:10]
        shift = builder.mul(lo, stride)
        ptrs = [builder.gep(_data(context, builder, signature.args[i], args[i]), [shift])
                for i in range(4)]
        tp = _data(context, builder, signature.args[4], args[4])
        zero = ir.Constant(_VEC, [0.0] * WIDTH)
        acc = [cgutils.alloca_once(builder, _VEC) for _ in range(count)]
        groups = builder.udiv(dim, ir.Constant(_I64, 8))
        lanes = []  # lanes[t][s]: accumulator t of sum s
        for t in range(8):
            for a in acc:
                builder.store(zero, a)
            with cgutils.for_range(builder, groups) as loop:
                m = builder.add(builder.mul(loop.index, ir.Constant(_I64, 8)),
                                ir.Constant(_I64, t))
                _accumulate(builder, acc, _coordinate(builder, ptrs, m, stride, base))
            lanes.append([builder.load(a) for a in acc])
        for s, a in enumerate(acc):
            r = [lanes[t][s] for t in range(8)]
            add = builder.fadd
            builder.store(add(add(add(r[0], r[1]), add(r[2], r[3])),
                              add(add(r[4], r[5]), add(r[6], r[7]))), a)
        full = builder.mul(groups, ir.Constant(_I64, 8))
        with cgutils.for_range_slice(builder, full, dim, ir.Constant(_I64, 1)) as (m, _):
            _accumulate(builder, acc, _coordinate(builder, ptrs, m, stride, base))
        for s, a in enumerate(acc):
            at = builder.add(builder.add(builder.mul(ir.Constant(_I64, s), stride), base), out)
            _store(builder, builder.load(a), tp, at)
        return context.get_dummy_value()

    return sig, codegen


@intrinsic
def block_step(typingctx, x, grad, rate, trust, base, stride, dim):
    """``x -= rate (trust grad)`` for 8 problems (the plain LARS step, as the NumPy path).

    ``x`` (updated) and ``grad`` are flat pack arrays laid out as in :func:`block_sums`;
    ``rate[base + q]`` and ``trust[base + q]`` are problem ``base + q``'s ``lambda_k`` and
    trust ratio.
    """
    if not _accepts((x, grad, rate, trust), (base, stride, dim)):
        return None
    sig = types.void(x, grad, rate, trust, base, stride, dim)

    def codegen(context, builder, signature, args):
        xp, gp, lp, rp = (_data(context, builder, signature.args[i], args[i]) for i in range(4))
        base, stride, dim = args[4], args[5], args[6]
        lam, ratio = _load(builder, lp, base), _load(builder, rp, base)
        with cgutils.for_range(builder, dim) as loop:
            at = builder.add(builder.mul(loop.index, stride), base)
            step = builder.fmul(lam, builder.fmul(ratio, _load(builder, gp, at)))
            _store(builder, builder.fsub(_load(builder, xp, at), step), xp, at)
        return context.get_dummy_value()

    return sig, codegen


#: Bytes of one pack's five ``(n, pack)`` arrays (``x, x*, e, v, g``) that should fit in
#: the L1 data cache (32-64 KiB on current x86 cores). At B=2000, n=50 on diagonal
#: quadratics, packs of 8 and 16 ran at about 1,350 M updates/s here, 32 at 1,150, 64 at
#: 1,000, 128 at 800 (16 x 50 coordinates x 5 arrays is 32 KB).
L1_BYTES = 32 * 1024

#: Largest pack: bigger packs gain nothing once a pack's loops are long enough to vectorise.
MAX_PACK = 32


def pack_size(dim: int, batch: int, threads: int) -> int:
    """Problems per pack for dimension ``dim``: a multiple of :data:`WIDTH` whose arrays fit
    in :data:`L1_BYTES` (at least one block of 8), and small enough that ``batch``
    problems make two packs per thread where they can. Results do not depend on it."""
    fits = L1_BYTES // (5 * 8 * dim)
    share = -(-batch // (2 * threads))
    size = min(fits, MAX_PACK, share)
    return max(WIDTH, size - size % WIDTH if size >= WIDTH else WIDTH)


#: One run of the kernel (a record): steps ``k0 .. k1-1`` of ``steps``, the tail's first
#: iterate, the pack size, and the options of the LARS rule.
RUN = np.dtype([("k0", np.int64), ("k1", np.int64), ("steps", np.int64),
                ("tail_start", np.int64), ("pack", np.int64), ("l1", np.bool_),
                ("eta", np.float64), ("eps", np.float64), ("has_tau", np.bool_),
                ("tau", np.float64), ("beta", np.float64), ("momentum", np.float64),
                ("nesterov", np.bool_)])

#: One problem's constants (``fstar``, the divergence ``cap``, the ``ball`` radius, NaN for
#: none) and running statistics (see :class:`larscheck.sims.simulate._Stats`), its stop
#: steps (-1: not stopped) and whether it is still ``active`` (a record per problem).
PROBLEM = np.dtype([("fstar", np.float64), ("cap", np.float64), ("ball", np.float64),
                    ("min_gap", np.float64), ("max_dist", np.float64),
                    ("min_norm", np.float64), ("tail", np.float64),
                    ("first_inside", np.int64), ("diverged_at", np.int64),
                    ("failed_at", np.int64), ("active", np.bool_)])

#: Blocks of NumPy's pairwise sum: it sums up to this many numbers in one unrolled block
#: and splits longer rows in two (the first half a multiple of 8), recursively.
PAIRWISE_BLOCK = 128


@njit(cache=True)
def pairwise_plan(dim):
    """NumPy's pairwise summation tree over ``dim`` numbers, as a postfix program.

    Returns a ``(3, L)`` int array: column ``j`` is a leaf block (first coordinate,
    count, 1) or, with third entry 0, "add the top two partial sums". Evaluating it
    with a stack gives ``numpy.add.reduce``'s result bit for bit.
    """
    plan = np.zeros((3, 4 * (dim // 64) + 4), dtype=np.int64)
    todo = np.zeros((3, 2 * (dim // 8) + 8), dtype=np.int64)  # (lo, count, combine?)
    todo[1, 0], top, ops = dim, 1, 0
    while top > 0:
        top -= 1
        lo, cnt, combine = todo[0, top], todo[1, top], todo[2, top]
        if combine == 0 and cnt > PAIRWISE_BLOCK:
            half = cnt // 2 - (cnt // 2) % 8
            for row, entry in enumerate(((lo, cnt, 1), (lo + half, cnt - half, 0),
                                         (lo, half, 0))):
                todo[0, top + row], todo[1, top + row], todo[2, top + row] = entry
            top += 3
        else:
            plan[0, ops], plan[1, ops], plan[2, ops] = lo, cnt, 1 - combine
            ops += 1
    return plan[:, :ops]


#: Smallest chunk (``B n`` times its steps, coordinate-updates) run on several threads:
#: launching a parallel region costs 0.1 ms on a quiet machine, 1-10 ms on a busy one
#: (the other threads wait to be scheduled); below this one thread does the chunk
#: (about 4-15 ms of work here). The results are the same either way.
PARALLEL_MIN_UPDATES = 4_000_000


def lars_quadratic_chunk(run, problems, space, at, first_below, rates, thresholds,
                         checkpoints, threads=1):
    """Run iterates ``k0`` to ``k1 - 1`` of LARS on every active diagonal quadratic, in place.

    For each active problem ``i`` and ``k`` in ``[k0, k1)``: evaluate
    ``d = x - x*``, ``g = e * d``, ``f = 1/2 d.g + f*``, ``||x||`` and ``||d||``;
    stop the problem if ``not ||d|| <= cap_i`` (diverged, ``diverged_at = k``)
    or ``f``/``g`` is non-finite (``failed_at = k``); else fold iterate ``k``
    into the statistics and, for ``k < steps``, take the step with rate
    ``rates[k - k0, i]`` (column 0 when ``rates`` has one column).

    Problems run in packs of ``run.pack`` (a multiple of :data:`WIDTH`), transposed
    (:func:`_run_pack`), the packs in parallel on ``threads`` of Numba's threads for
    chunks of at least :data:`PARALLEL_MIN_UPDATES`. A problem's numbers never meet
    another's, so the results do not depend on the pack size or the number of threads.

    Parameters
    ----------
    run : (1,) :data:`RUN` record
    problems : (B,) :data:`PROBLEM` records
        Updated in place.
    space : (4, B, n)
        Iterates (eigenbasis) and momentum buffers (updated in place), eigenvalues, ``x*``.
    at : (3, B, C)
        ``gap_at, dist_at, norm_at`` at the checkpoints, updated in place.
    first_below : (B, E) int
        Updated in place.
    rates : (k1 - k0, 1) or (k1 - k0, B)
        ``lambda_k`` (rows past ``steps`` are not read).
    thresholds : (E,); checkpoints : (C,) sorted
    threads : int
        At most ``NUMBA_NUM_THREADS``.
    """
    pack = int(run["pack"][0])
    if pack % WIDTH != 0:
        raise ValueError("the pack size must be a multiple of WIDTH (8)")
    batch, dim = space.shape[1:]
    plan = pairwise_plan(dim)
    parallel = threads > 1 and batch * dim * (run["k1"][0] - run["k0"][0]) >= (
        PARALLEL_MIN_UPDATES)
    args = (-(-batch // pack), run, problems, space, at, first_below, rates, thresholds,
            checkpoints, plan)
    if not parallel:
        _packs_serial(*args)
        return
    saved = get_num_threads()
    set_num_threads(threads)
    try:
        _packs_parallel(*args)
    finally:
        set_num_threads(saved)


@njit(cache=True, parallel=True, error_model="numpy")
def _packs_parallel(npacks, run, problems, space, at, first_below, rates, thresholds,
                    checkpoints, plan):
    """:func:`_run_pack` on every pack, on Numba's threads."""
    pack = run[0].pack
    for q in prange(npacks):
        _run_pack(q * pack, run, problems, space, at, first_below, rates, thresholds,
                  checkpoints, plan)


@njit(cache=True, error_model="numpy")
def _packs_serial(npacks, run, problems, space, at, first_below, rates, thresholds,
                  checkpoints, plan):
    """:func:`_run_pack` on every pack, one after another (short chunks)."""
    for q in range(npacks):
        _run_pack(q * run[0].pack, run, problems, space, at, first_below, rates,
                  thresholds, checkpoints, plan)


@njit(cache=True, error_model="numpy")
def _pack_sums(xf, sf, ef, gf, stack, pack, dim, plan, l1):
    """The sums of every problem of the pack, in NumPy's pairwise order, at ``stack[:6 pack]``.

    Runs :func:`pairwise_plan`'s program on each block of 8 problems: a leaf is one
    :func:`block_sums` call onto the stack (levels of ``6 pack`` numbers), a combine adds
    the top two levels.
    """
    level = 6 * pack
    for base in range(0, pack, WIDTH):
        top = 0
        for j in range(plan.shape[1]):
            lo, cnt = plan[0, j], plan[1, j]
            if plan[2, j] == 1:
                if l1:
                    block_sums(xf, sf, ef, gf, stack, base, pack, lo, cnt, top * level, 6)
                else:
                    block_sums(xf, sf, ef, gf, stack, base, pack, lo, cnt, top * level, 4)
                top += 1
            else:
                top -= 1
                for s in range(6 if l1 else 4):
                    for q in range(base, base + WIDTH):
                        stack[(top - 1) * level + s * pack + q] += stack[top * level + s * pack + q]


@njit(cache=True, error_model="numpy")
def _run_pack(b0, run, problems, space, at, first_below, rates, thresholds, checkpoints,
              plan):
    """:func:`lars_quadratic_chunk` on the pack of problems ``b0 .. b0 + pack - 1``.

    The pack is stored transposed (coordinate ``m`` of problem ``b0 + p`` at ``[m, p]``);
    the sums and the plain step run on each block of 8 problems (:func:`block_sums`,
    :func:`block_step`), the rest (checks, statistics, the step with weight decay or
    momentum) in loops over the problems of the pack, which LLVM vectorises where it can.
    """
    r = run[0]
    pack, k0, k1, steps = r.pack, r.k0, r.k1, r.steps
    batch, dim = space.shape[1], space.shape[2]
    l1, eta, eps, has_tau, tau = r.l1, r.eta, r.eps, r.has_tau, r.tau
    beta, mom, nesterov = r.beta, r.momentum, r.nesterov
    plain = beta == 0.0 and mom == 0.0
    per_problem = rates.shape[1] > 1
    nthr, ncheck = thresholds.shape[0], checkpoints.shape[0]
    count = min(pack, batch - b0)
    xp, sp, ep = np.zeros((dim, pack)), np.zeros((dim, pack)), np.zeros((dim, pack))
    vp, gp = np.zeros((dim, pack)), np.zeros((dim, pack))
    size = dim * pack  # flat views of the pack, for the vector blocks
    xf, sf, ef, gf = xp.reshape(size), sp.reshape(size), ep.reshape(size), gp.reshape(size)
    depth = plan.shape[1] // 2 + 1  # at most this many partial sums are waiting
    stack = np.empty(6 * pack * depth)
    tot = stack[:6 * pack].reshape(6, pack)  # x^2, d^2, g^2, d g, |x|, |g| of problem p
    fsp, capp, ballp = np.zeros(pack), np.full(pack, np.inf), np.full(pack, np.nan)
    fv, nrm, dst, gap = np.empty(pack), np.empty(pack), np.empty(pack), np.empty(pack)
    mg, mn, md, tl = np.empty(pack), np.empty(pack), np.empty(pack), np.empty(pack)
    fi = np.full(pack, -1, dtype=np.int64)
    fb = np.full((nthr, pack), -1, dtype=np.int64)
    trust, lamp = np.empty(pack), np.empty(pack)  # r_b and lambda_k per problem
    live = np.zeros(pack, dtype=np.bool_)
    ok = np.empty(pack, dtype=np.bool_)
    for p in range(count):
        i = b0 + p
        pr = problems[i]
        live[p] = pr.active
        if live[p]:
            for m in range(dim):
                xp[m, p], vp[m, p] = space[0, i, m], space[1, i, m]
                ep[m, p], sp[m, p] = space[2, i, m], space[3, i, m]
        fsp[p], capp[p], ballp[p] = pr.fstar, pr.cap, pr.ball
        mg[p], mn[p], md[p], tl[p] = pr.min_gap, pr.min_norm, pr.max_dist, pr.tail
        fi[p] = pr.first_inside
        for e in range(nthr):
            fb[e, p] = first_below[i, e]
    if not live.any():
        return
    j = np.searchsorted(checkpoints, k0)
    for k in range(k0, k1):
        _pack_sums(xf, sf, ef, gf, stack, pack, dim, plan, l1)
        # divergence and failure checks (x - x == 0 exactly when x is finite)
        stop = False
        for p in range(pack):
            fv[p] = 0.5 * tot[3, p] + fsp[p]
            nrm[p] = np.sqrt(tot[0, p])
            dst[p] = np.sqrt(tot[1, p])
            sg = tot[2, p]
            ok[p] = (dst[p] <= capp[p]) & (sg - sg == 0.0) & (fv[p] - fv[p] == 0.0)
            stop |= live[p] & (not ok[p])
        if stop:
            for p in range(count):
                if not live[p] or ok[p]:
                    continue
                bad = not dst[p] <= capp[p]
                if not bad and math.isfinite(fv[p]) and _all_finite(gp[:, p]):
                    continue  # the sum of g^2 overflowed, g itself is finite
                i = b0 + p
                live[p] = False
                problems[i].active = False
                if bad:
                    problems[i].diverged_at = k
                else:
                    problems[i].failed_at = k
                for jj in range(j, ncheck):
                    at[0, i, jj] = mg[p]
                xp[:, p] = 0.0
                sp[:, p] = 0.0
                ep[:, p] = 0.0
                vp[:, p] = 0.0
        # fold iterate k into the statistics of the live problems
        in_tail = k >= r.tail_start
        for p in range(pack):
            on = live[p]
            gap[p] = fv[p] - fsp[p]
            mg[p] = min(mg[p], gap[p]) if on else mg[p]
            mn[p] = min(mn[p], nrm[p]) if on else mn[p]
            md[p] = max(md[p], dst[p]) if on else md[p]
            tl[p] = max(tl[p], dst[p]) if on & in_tail else tl[p]
            fi[p] = k if on & (fi[p] < 0) & (dst[p] <= ballp[p]) else fi[p]
        for e in range(nthr):
            for p in range(pack):
                hit = live[p] & (fb[e, p] < 0) & (gap[p] <= thresholds[e])
                fb[e, p] = k if hit else fb[e, p]
        if j < ncheck and checkpoints[j] == k:
            for p in range(count):
                if live[p]:
                    at[0, b0 + p, j] = mg[p]
                    at[1, b0 + p, j] = dst[p]
                    at[2, b0 + p, j] = nrm[p]
            j += 1
        if k == steps:
            break
        # the LARS step (rules.LARS.apply, operation by operation): the trust ratio
        # scales the direction, lambda_k the velocity (the authors' order)
        row = k - k0
        for p in range(pack):
            wn = tot[4, p] if l1 else nrm[p]
            gn = tot[5, p] if l1 else np.sqrt(tot[2, p])
            denom = eps + gn + beta * wn
            ratio = eta * wn / denom if denom > 0 else 0.0
            trust[p] = eta if has_tau & (wn < tau) else ratio
            rate = rates[row, min(b0 + p, batch - 1)] if per_problem else rates[row, 0]
            lamp[p] = rate if live[p] else 0.0
        if plain:
            for base in range(0, pack, WIDTH):
                block_step(xf, gf, lamp, trust, base, pack, dim)
        else:
            for m in range(dim):
                for p in range(pack):
                    d = gp[m, p] + beta * xp[m, p] if beta != 0.0 else gp[m, p]
                    step = trust[p] * d
                    if mom == 0.0:
                        xp[m, p] -= lamp[p] * step
                    else:
                        v = vp[m, p] * mom
                        v = v + step
                        vp[m, p] = v
                        xp[m, p] -= lamp[p] * (mom * v + step if nesterov else v)
    for p in range(count):
        i = b0 + p
        pr = problems[i]
        if live[p]:
            for m in range(dim):
                space[0, i, m], space[1, i, m] = xp[m, p], vp[m, p]
        pr.min_gap, pr.min_norm, pr.max_dist, pr.tail = mg[p], mn[p], md[p], tl[p]
        pr.first_inside = fi[p]
        for e in range(nthr):
            first_below[i, e] = fb[e, p]


@njit(cache=True)
def _all_finite(values):
    """Whether every entry is finite (the rare check when a sum of squares overflowed)."""
    for v in values:
        if not math.isfinite(v):
            return False
    return True

"""Fused (Numba) kernel for the simulator's hot case: LARS on diagonal quadratics.

:func:`larscheck.sims.simulate` runs L2-LARS on a quadratic in its eigenbasis,
where ``f(x) = 1/2 sum_j e_j (x_j - x*_j)^2 + f*`` and ``grad f = e * (x - x*)``.
The NumPy path makes about fifteen passes over the ``(B, n)`` iterates per
step (difference, gradient, ``f``, four norms, the checks, the update), each
a separate sweep through memory. :func:`lars_quadratic_chunk` instead runs a
whole chunk of steps on a *pack* of :data:`PACK` problems at a time, stored
transposed (coordinate ``m`` of problem ``p`` at ``[m, p]``) so that the pack
stays in cache and 8 consecutive problems form one ``<8 x double>`` vector.

The kernel reproduces the NumPy path *operation by operation*, so its results
equal the NumPy path's bit for bit:

- ``||x||``, ``||x - x*||``, ``||g||``, ``d.g`` (for ``f = 1/2 d.g + f*``) and the L1
  norms are summed in the order of ``numpy.add.reduce`` over a contiguous row of
  at most 128 numbers (NumPy's pairwise sum, the same on every platform): element
  ``m < 8 floor(n/8)`` goes to accumulator ``m mod 8``; the eight are combined as
  ``((r0+r1)+(r2+r3))+((r4+r5)+(r6+r7))``; the remaining elements are added one by
  one. (Longer rows are split in halves by NumPy; the simulator does not send them
  here.)
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

Compiled code is cached on disk (``cache=True``): the first call in a fresh
environment compiles it (several seconds); later processes load it (about
0.3 s, plus about 0.2 s to import Numba). The simulator therefore sends only
long runs here (``FUSED_MIN_UPDATES`` in :mod:`larscheck.sims.simulate`). Numba
checks only this file for changes when it decides whether a cache is stale,
which is why the intrinsics live here too.
"""

from __future__ import annotations

import math

import numpy as np
from llvmlite import ir
from numba import njit, types
from numba.core import cgutils
from numba.extending import intrinsic

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
    """Load ``x, x*, e`` at coordinate ``m`` of the block, store ``g``; return ``x, d, g``."""
    xp, sp, ep, gp = ptrs
    at = builder.add(builder.mul(m, stride), base)
    x = _load(builder, xp, at)
    d = builder.fsub(x, _load(builder, sp, at))
    g = builder.fmul(_load(builder, ep, at), d)
    _store(builder, g, gp, at)
    return x, d, g


@intrinsic
def block_sums(typingctx, x, xstar, eigs, grad, tot, base, stride, dim, nsum):
    """``grad = eigs (x - xstar)`` and the sums of 8 problems, in NumPy's order.

    ``x, xstar, eigs`` (read) and ``grad`` (written) are flat pack arrays, coordinate
    ``m`` of problem ``base + q`` (``q < 8``) at ``[m * stride + base + q]``; ``dim``
    coordinates. Writes ``tot[s * stride + base + q]`` for the ``nsum`` sums
    (``x^2, d^2, g^2, d g``, then ``|x|, |g|`` when ``nsum`` is 6). ``nsum`` must be a
    literal 4 or 6; ``dim <= 128`` (one pairwise block, see the module docstring).
    """
    if (not _accepts((x, xstar, eigs, grad, tot), (base, stride, dim))
            or not isinstance(nsum, types.IntegerLiteral) or nsum.literal_value not in (4, 6)):
        return None
    count = nsum.literal_value
    sig = types.void(x, xstar, eigs, grad, tot, base, stride, dim, nsum)

    def codegen(context, builder, signature, args):
        ptrs = [_data(context, builder, signature.args[i], args[i]) for i in range(4)]
        tp = _data(context, builder, signature.args[4], args[4])
        base, stride, dim = args[5], args[6], args[7]
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
            at = builder.add(builder.mul(ir.Constant(_I64, s), stride), base)
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


#: Problems run side by side in one pack: a multiple of :data:`WIDTH`. Results do not
#: depend on it. At B=2000, n=50 on diagonal quadratics, 8 and 16 ran at about 1,350 M
#: updates/s here, 32 at 1,150, 64 at 1,000, 128 at 800 (a pack of 16 at n=50 keeps
#: its arrays, about 40 KB, in a 48 KB L1 cache).
PACK = 16


@njit(cache=True, error_model="numpy")
def lars_quadratic_chunk(x, velocity, eigs, xstar, fstar, cap, rates, k0, k1, steps, rule,
                         tail_start, ball, thresholds, checkpoints, active, min_gap, max_dist,
                         min_norm, tail, first_inside, first_below, gap_at, dist_at, norm_at,
                         diverged_at, failed_at, pack):
    """Run iterates ``k0`` to ``k1 - 1`` of LARS on every active diagonal quadratic, in place.

    For each active problem ``i`` and ``k`` in ``[k0, k1)``: evaluate
    ``d = x - x*``, ``g = e * d``, ``f = 1/2 d.g + f*``, ``||x||`` and ``||d||``;
    stop the problem if ``not ||d|| <= cap_i`` (diverged, ``diverged_at = k``)
    or ``f``/``g`` is non-finite (``failed_at = k``); else fold iterate ``k``
    into the statistics and, for ``k < steps``, take the step with rate
    ``rates[k - k0, i]`` (column 0 when ``rates`` has one column).

    Problems run in packs of ``pack`` (:data:`PACK`, a multiple of :data:`WIDTH`),
    transposed; the sums and the plain step run on each block of 8 problems of the
    pack (:func:`block_sums`, :func:`block_step`), the rest (checks, statistics,
    the step with weight decay or momentum) in loops over the problems of the
    pack, which LLVM vectorises where it can. Needs ``n <= 128`` (one pairwise
    block, see the module docstring).

    Parameters
    ----------
    x, velocity : (B, n)
        Iterates (eigenbasis) and momentum buffers, updated in place.
    eigs, xstar : (B, n); fstar, cap : (B,)
        The quadratics and the divergence caps.
    rates : (k1 - k0, 1) or (k1 - k0, B)
        ``lambda_k`` (rows past ``steps`` are not read).
    rule : (8,) float
        ``l1 (0/1), eta, eps, has_tau (0/1), tau, beta, momentum, nesterov (0/1)``.
    tail_start : int
        First iterate of the tail (for ``tail``).
    ball : (B,)
        Radii for ``first_inside`` (NaN: no ball; ``d <= NaN`` is never true).
    thresholds : (E,); checkpoints : (C,) sorted
    active : (B,) bool
        Updated in place when a problem stops.
    min_gap, max_dist, min_norm, tail, first_inside, first_below, gap_at, dist_at, norm_at,
    diverged_at, failed_at
        The running statistics of :class:`larscheck.sims.simulate._Stats` and the
        stop steps (-1: not stopped), updated in place.
    pack : int
        Problems per pack.
    """
    if pack % WIDTH != 0:
        raise ValueError("the pack size must be a multiple of WIDTH (8)")
    batch, dim = x.shape
    l1 = rule[0] != 0.0
    eta, eps, has_tau, tau = rule[1], rule[2], rule[3] != 0.0, rule[4]
    beta, mom, nesterov = rule[5], rule[6], rule[7] != 0.0
    plain = beta == 0.0 and mom == 0.0
    per_problem = rates.shape[1] > 1
    nthr = thresholds.shape[0]
    ncheck = checkpoints.shape[0]
    first_check = np.searchsorted(checkpoints, k0)
    # the pack, transposed: coordinate m of problem b0 + p is [m, p]
    xp = np.empty((dim, pack))
    sp = np.empty((dim, pack))
    ep = np.empty((dim, pack))
    vp = np.empty((dim, pack))
    gp = np.empty((dim, pack))
    # flat views of the pack, for the vector blocks
    size = dim * pack
    xf, sf, ef, gf = xp.reshape(size), sp.reshape(size), ep.reshape(size), gp.reshape(size)
    # the sums x^2, d^2, g^2, d g, |x|, |g| of problem p at [s, p]
    tot = np.empty((6, pack))
    totf = tot.reshape(6 * pack)
    fsp, capp, ballp = np.empty(pack), np.empty(pack), np.empty(pack)
    fv, nrm, dst, gap = np.empty(pack), np.empty(pack), np.empty(pack), np.empty(pack)
    mg, mn, md, tl = np.empty(pack), np.empty(pack), np.empty(pack), np.empty(pack)
    fi = np.empty(pack, dtype=np.intp)
    fb = np.empty((nthr, pack), dtype=np.intp)
    trust, lamp = np.empty(pack), np.empty(pack)  # r_b and lambda_k per problem
    live = np.empty(pack, dtype=np.bool_)
    ok = np.empty(pack, dtype=np.bool_)
    for b0 in range(0, batch, pack):
        count = min(pack, batch - b0)
        for p in range(pack):
            on = p < count and active[b0 + p]
            live[p] = on
            i = min(b0 + p, batch - 1)
            for m in range(dim):
                xp[m, p] = x[i, m] if on else 0.0
                sp[m, p] = xstar[i, m] if on else 0.0
                ep[m, p] = eigs[i, m] if on else 0.0
                vp[m, p] = velocity[i, m] if on else 0.0
            fsp[p], capp[p], ballp[p] = fstar[i], cap[i], ball[i]
            mg[p], mn[p], md[p], tl[p] = min_gap[i], min_norm[i], max_dist[i], tail[i]
            fi[p] = first_inside[i]
            for e in range(nthr):
                fb[e, p] = first_below[i, e]
        if not live.any():
            continue
        j = first_check
        for k in range(k0, k1):
            # d, g and the sums over the coordinates, in NumPy's order
            for base in range(0, pack, WIDTH):
                if l1:
                    block_sums(xf, sf, ef, gf, totf, base, pack, dim, 6)
                else:
                    block_sums(xf, sf, ef, gf, totf, base, pack, dim, 4)
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
                    active[i] = False
                    if bad:
                        diverged_at[i] = k
                    else:
                        failed_at[i] = k
                    for jj in range(j, ncheck):
                        gap_at[i, jj] = mg[p]
                    xp[:, p] = 0.0
                    sp[:, p] = 0.0
                    ep[:, p] = 0.0
                    vp[:, p] = 0.0
            # fold iterate k into the statistics of the live problems
            in_tail = k >= tail_start
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
                        gap_at[b0 + p, j] = mg[p]
                        dist_at[b0 + p, j] = dst[p]
                        norm_at[b0 + p, j] = nrm[p]
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
            if live[p]:
                for m in range(dim):
                    x[i, m] = xp[m, p]
                    velocity[i, m] = vp[m, p]
            min_gap[i], min_norm[i], max_dist[i], tail[i] = mg[p], mn[p], md[p], tl[p]
            first_inside[i] = fi[p]
            for e in range(nthr):
                first_below[i, e] = fb[e, p]


@njit(cache=True)
def _all_finite(values):
    """Whether every entry is finite (the rare check when a sum of squares overflowed)."""
    for v in values:
        if not math.isfinite(v):
            return False
    return True

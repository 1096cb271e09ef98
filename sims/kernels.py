"""Fused (Numba) kernel for the simulator's hot case: LARS on diagonal quadratics.

:func:`larscheck.sims.simulate` runs L2-LARS on a quadratic in its eigenbasis,
where ``f(x) = 1/2 sum_j e_j (x_j - x*_j)^2 + f*`` and ``grad f = e * (x - x*)``.
The NumPy path makes about fifteen passes over the ``(B, n)`` iterates per
step (difference, gradient, ``f``, four norms, the checks, the update), each
a separate sweep through memory. :func:`lars_quadratic_chunk` instead runs a
whole chunk of steps on a *pack* of :data:`PACK` problems at a time, stored
transposed (``[coordinate, problem]``) so that the pack stays in cache and the
innermost loops run across the problems of the pack: independent lanes, which
the compiler vectorises without reordering any sum.

The kernel reproduces the NumPy path *operation by operation*, so its results
equal the NumPy path's bit for bit:

- ``||x||``, ``||x - x*||``, ``||g||``, ``d.g`` (for ``f = 1/2 d.g + f*``) and the L1
  norms are summed in the order of ``numpy.add.reduce`` over a contiguous row of
  at most 128 numbers (NumPy's pairwise sum, the same on every platform): element
  ``m < 8 floor(n/8)`` goes to accumulator ``m mod 8``; the eight are combined as
  ``((r0+r1)+(r2+r3))+((r4+r5)+(r6+r7))``; the remaining elements are added one by
  one. (Longer rows are split in halves by NumPy; the simulator does not send them
  here.) In the transposed pack a group of 8 coordinates is 8 consecutive rows, so
  the 8 accumulators of every problem of the pack are one row-block, updated by one
  long loop per group (:func:`_pack_sums`).
- The step is :meth:`larscheck.sims.rules.LARS.apply` written out per element
  (``v = m v + r d``, ``x -= lambda_k v``: the rate multiplies the velocity),
  with every option of the rule (``trust_coefficient``, ``eps``,
  ``switch_threshold``, ``weight_decay``, ``momentum``, ``nesterov``).

Compiled code is cached on disk (``cache=True``): the first call in a fresh
environment compiles it (several seconds); later processes load it (about
0.3 s, plus about 0.2 s to import Numba). The simulator therefore sends only
long runs here (``FUSED_MIN_UPDATES`` in :mod:`larscheck.sims.simulate`).
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit

#: Problems run side by side in one pack (the SIMD lanes of the kernel's inner loops).
#: Results do not depend on it. 32 keeps a pack's arrays (about 50 KB at n=50) near L1;
#: 16, 32 and 64 measured within noise of each other here (500-580 M updates/s at
#: B=2000, n=50 on diagonal quadratics), 8 much slower (loop overhead), 128-256 slower.
PACK = 32

@njit(cache=True, error_model="numpy")
def lars_quadratic_chunk(x, velocity, eigs, xstar, fstar, cap, rates, k0, k1, steps, rule,
                         tail_start, ball, thresholds, checkpoints, active, min_gap, max_dist,
                         min_norm, tail, first_inside, first_below, gap_at, dist_at, norm_at,
                         diverged_at, failed_at, pack):
    """Run iterates ``k0 .. k1-1`` of LARS on every active diagonal quadratic, in place.

    For each active problem ``i`` and ``k`` in ``[k0, k1)``: evaluate
    ``d = x - x*``, ``g = e * d``, ``f = 1/2 d.g + f*``, ``||x||`` and ``||d||``;
    stop the problem if ``not ||d|| <= cap_i`` (diverged, ``diverged_at = k``)
    or ``f``/``g`` is non-finite (``failed_at = k``); else fold iterate ``k``
    into the statistics and, for ``k < steps``, take the step with rate
    ``rates[k - k0, i]`` (column 0 when ``rates`` has one column).

    Problems run in packs of ``pack`` (:data:`PACK`), transposed so that the inner
    loops run over the problems of a pack (independent, hence vectorisable
    without reordering any sum). ``pack`` is a run-time argument on purpose: with
    a compile-time trip count LLVM unrolls those loops completely and then cannot
    vectorise them (it cannot prove that the arrays do not overlap); with a
    run-time one it vectorises them behind a run-time overlap check. For the same
    reason each inner loop over the coordinates writes one array only. Needs
    ``n <= 128`` (one pairwise block, see the module docstring).

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
    batch, dim = x.shape
    l1 = rule[0] != 0.0
    eta, eps, has_tau, tau = rule[1], rule[2], rule[3] != 0.0, rule[4]
    beta, mom, nesterov = rule[5], rule[6], rule[7] != 0.0
    plain = beta == 0.0 and mom == 0.0
    nsum = 6 if l1 else 4  # the L1 norms are summed only for the L1 rule
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
    # flat views of the pack, for the loops that run over all of it
    size = dim * pack
    xf, sf, ef, gf = xp.reshape(size), sp.reshape(size), ep.reshape(size), gp.reshape(size)
    # the 8 pairwise lanes of each sum (x^2, d^2, g^2, d g, |x|, |g|), lane t of problem
    # p at [s, t * pack + p], and the totals [s, p]
    lanes = np.empty((6, 8 * pack))
    tot = np.empty((6, pack))
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
            _pack_sums(xf, sf, ef, gf, lanes, tot, dim, pack, nsum)
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
                for m in range(dim):
                    for p in range(pack):
                        xp[m, p] -= lamp[p] * (trust[p] * gp[m, p])
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


@njit(cache=True, error_model="numpy")
def _pack_sums(xf, sf, ef, gf, lanes, tot, dim, pack, nsum):
    """``g = e (x - x*)`` and the sums of a pack, each in ``numpy.add.reduce``'s order.

    ``xf, sf, ef`` (in) and ``gf`` (out) are the pack's ``(dim, pack)`` arrays,
    flattened. Sets ``tot[s, p]`` for the first ``nsum`` of the sums ``x^2, d^2, g^2,
    d g, |x|, |g|`` over the coordinates of problem ``p``. NumPy sums a row of
    ``n <= 128`` numbers into 8 accumulators, coordinate ``m < 8 floor(n/8)`` into
    accumulator ``m mod 8``, combines them as ``((r0+r1)+(r2+r3))+((r4+r5)+(r6+r7))``
    and adds the remaining coordinates one by one. In the transposed pack, the 8
    coordinates of a group are 8 consecutive rows, so adding a whole group of rows
    onto ``lanes[s]`` elementwise is that accumulation for every problem of the pack
    at once: one long vectorisable loop per group and sum. Each loop writes one array
    (see :func:`lars_quadratic_chunk` on vectorisation).
    """
    size = dim * pack
    for i in range(size):
        gf[i] = ef[i] * (xf[i] - sf[i])
    full = dim - dim % 8
    width = 8 * pack
    lanes[:nsum] = 0.0
    for lo in range(0, full * pack, width):
        xs, ss, gs = xf[lo:lo + width], sf[lo:lo + width], gf[lo:lo + width]
        acc = lanes[0]
        for j in range(width):
            acc[j] += xs[j] * xs[j]
        acc = lanes[1]
        for j in range(width):
            d = xs[j] - ss[j]
            acc[j] += d * d
        acc = lanes[2]
        for j in range(width):
            acc[j] += gs[j] * gs[j]
        acc = lanes[3]
        for j in range(width):
            acc[j] += (xs[j] - ss[j]) * gs[j]
        if nsum > 4:
            acc = lanes[4]
            for j in range(width):
                acc[j] += abs(xs[j])
            acc = lanes[5]
            for j in range(width):
                acc[j] += abs(gs[j])
    for s in range(nsum):
        a, t = lanes[s], tot[s]
        for p in range(pack):
            t[p] = (((a[p] + a[pack + p]) + (a[2 * pack + p] + a[3 * pack + p]))
                    + ((a[4 * pack + p] + a[5 * pack + p]) + (a[6 * pack + p] + a[7 * pack + p])))
    for lo in range(full * pack, size, pack):
        xs, ss, gs = xf[lo:lo + pack], sf[lo:lo + pack], gf[lo:lo + pack]
        t = tot[0]
        for p in range(pack):
            t[p] += xs[p] * xs[p]
        t = tot[1]
        for p in range(pack):
            d = xs[p] - ss[p]
            t[p] += d * d
        t = tot[2]
        for p in range(pack):
            t[p] += gs[p] * gs[p]
        t = tot[3]
        for p in range(pack):
            t[p] += (xs[p] - ss[p]) * gs[p]
        if nsum > 4:
            t = tot[4]
            for p in range(pack):
                t[p] += abs(xs[p])
            t = tot[5]
            for p in range(pack):
                t[p] += abs(gs[p])

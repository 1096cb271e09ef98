"""The batched simulator: run an update rule on a batch of problems.

:func:`simulate` iterates ``x_{k+1} = rule(x_k, grad f(x_k), lambda_k)`` for
``k = 0 .. steps-1`` on ``B`` problems at once and keeps *running statistics*
of the iterates ``x_0 .. x_steps`` rather than the iterates themselves:

- ``min_gap``: ``min_k f(x_k) - f*`` over the run, and ``min_{i<=k}`` at log-spaced
  checkpoints (``gap_at``), with ``dist_at`` and ``norm_at`` there too;
- ``max_dist``: ``sup_k ||x_k - x*||``; ``min_norm``: ``min_k ||x_k||`` (the ``delta``
  of Theorem 2, measured); ``tail_radius``: ``max ||x_k - x*||`` over the last
  quarter of the iterates (the oscillation radius);
- ``first_inside``: first ``k`` with ``||x_k - x*|| <= ball_radius``;
  ``first_below``: first ``k`` with ``f(x_k) - f* <= eps`` per threshold;
- ``diverged``: the iterate became non-finite or left the cap
  ``||x_k - x*|| > divergence_factor * max(1, ||x_0 - x*||, ||x*||)``.

Memory is ``O(B n + B C)`` for ``C`` checkpoints, whatever ``steps`` is; the
full path is kept only with ``record_path=True``. A diverged problem is
frozen (its statistics stop at the last good iterate) and never affects the
others; floating-point warnings are suppressed inside the loop, so divergence
is a result, not a crash.

Two engines give the same results, bit for bit: the NumPy loop
(:func:`_run_numpy`, every problem and rule) and, for LARS on quadratics in their
eigenbasis (any batch, dimension and length), the fused kernel of
:mod:`larscheck.sims.kernels` on all cores (:func:`_fused_applies` says when).
"""

from __future__ import annotations

import contextlib
import functools
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
from tqdm import tqdm

from larscheck.sims.blocks import Blocks
from larscheck.sims.problems import Problem, Quadratic
from larscheck.sims.resources import require_memory, simulate_bytes
from larscheck.sims.rules import LARS, UpdateRule
from larscheck.sims.schedules import Constant, Schedule, as_schedule
from larscheck.sims.validation import batch_array, count, non_negative_array, positive

#: Default for ``divergence_factor``: an iterate this many times farther from
#: ``x*`` than the start (or than ``||x*||``, or 1) counts as diverged.
DIVERGENCE_FACTOR = 1e8


@dataclass
class Trajectory:
    """Summary of one :func:`simulate` run (arrays have a leading batch axis ``B``).

    Attributes
    ----------
    method : str
        Name of the update rule.
    steps : int
        Number of updates; the iterates are ``x_0 .. x_steps``.
    checkpoints : ndarray (C,)
        Iterate indices ``k`` (log-spaced, including 0 and ``steps``).
    gap_at, dist_at, norm_at : ndarray (B, C)
        ``min_{i<=k} f(x_i) - f*``, ``||x_k - x*||`` and ``||x_k||`` at the checkpoints.
        Where ``f*`` is unknown, ``gap_at`` holds ``min_{i<=k} f(x_i)``.
    min_gap, max_dist, min_norm, tail_radius : ndarray (B,)
        Running statistics over all iterates (see module docstring).
    first_inside : ndarray (B,) of int
        First ``k`` with ``||x_k - x*|| <= ball_radius``, -1 if never (or no ball).
    first_below : ndarray (B, E) of int
        First ``k`` with ``f(x_k) - f* <= gap_thresholds[e]``, -1 if never.
    diverged : ndarray (B,) of bool
    diverged_at : ndarray (B,) of int
        Index of the first bad iterate, -1 if none.
    final_x : ndarray (B, n)
        Last iterate (NaN rows for diverged or failed problems).
    errors : dict[int, str]
        Problems whose ``value``/``grad`` returned a non-finite number at a finite
        iterate: the problem index and a message naming the step; or (message
        starting ``overflow:``) whose gradient or iterate norm overflows at the
        last iterate, so that a normalised rule is stuck there.
    path : ndarray (steps + 1, B, n) or None
        Every iterate, only with ``record_path=True``; the rows of a diverged or failed
        problem are NaN from its first bad iterate (``diverged_at``, or the failing step) on.
    """

    method: str
    steps: int
    checkpoints: np.ndarray
    gap_at: np.ndarray
    dist_at: np.ndarray
    norm_at: np.ndarray
    min_gap: np.ndarray
    max_dist: np.ndarray
    min_norm: np.ndarray
    tail_radius: np.ndarray
    first_inside: np.ndarray
    first_below: np.ndarray
    gap_thresholds: np.ndarray
    diverged: np.ndarray
    diverged_at: np.ndarray
    final_x: np.ndarray
    errors: dict[int, str] = field(default_factory=dict)
    path: np.ndarray | None = None

    @property
    def batch(self) -> int:
        """Number of problems ``B``."""
        return self.final_x.shape[0]

    def to_dict(self) -> dict:
        """JSON-ready per-problem summary (write it with :func:`larscheck.sims.output.write_json`,
        which turns non-finite numbers into ``null``)."""
        return {
            "method": self.method,
            "steps": self.steps,
            "problems": [
                {
                    "final_x": self.final_x[i],
                    "max_dist": self.max_dist[i],
                    "min_norm": self.min_norm[i],
                    "min_gap": self.min_gap[i],
                    "tail_radius": self.tail_radius[i],
                    "diverged": bool(self.diverged[i]),
                    "error": self.errors.get(i),
                }
                for i in range(self.batch)
            ],
        }


def log_checkpoints(steps: int, count: int = 50) -> np.ndarray:
    """About ``count`` log-spaced iterate indices in ``[0, steps]``, always with 0 and ``steps``."""
    return _log_checkpoints(steps, count).copy()


@functools.lru_cache(maxsize=64)
def _log_checkpoints(steps: int, count: int) -> np.ndarray:
    """:func:`log_checkpoints`, computed once per ``(steps, count)`` (callers get copies)."""
    if steps == 0:
        return np.zeros(1, dtype=np.intp)
    pts = np.unique(np.round(np.geomspace(1, steps, max(count - 1, 1))).astype(np.intp))
    return np.concatenate(([0], pts))


class _Stats:
    """Running statistics of the iterates, updated in place (the simulator's bookkeeping)."""

    def __init__(self, batch, steps, checkpoints, gap_thresholds, ball_radius, xstar_known):
        self.steps = steps
        self.tail_start = steps - steps // 4
        self.checkpoints = checkpoints
        self.check_pos = {int(k): j for j, k in enumerate(checkpoints)}
        nc = len(checkpoints)
        self.at = np.full((3, batch, nc), np.nan)  # one array, the kernel's argument
        self.gap_at, self.dist_at, self.norm_at = self.at
        self.min_gap = np.full(batch, np.inf)
        self.max_dist = np.zeros(batch) if xstar_known else np.full(batch, np.nan)
        self.min_norm = np.full(batch, np.inf)
        self.tail = np.zeros(batch) if xstar_known else np.full(batch, np.nan)
        self.ball = ball_radius
        self.first_inside = np.full(batch, -1, dtype=np.intp)
        self.thresholds = gap_thresholds
        self.first_below = np.full((batch, len(gap_thresholds)), -1, dtype=np.intp)

    def record(self, k, gap, dist, norm, active):
        """Fold iterate ``k`` into the statistics, for the ``active`` problems only."""
        everyone = active is None
        where = True if everyone else active
        np.minimum(self.min_gap, gap, out=self.min_gap, where=where)
        np.minimum(self.min_norm, norm, out=self.min_norm, where=where)
        if dist is not None:
            np.maximum(self.max_dist, dist, out=self.max_dist, where=where)
            if k >= self.tail_start:
                np.maximum(self.tail, dist, out=self.tail, where=where)
            if self.ball is not None:
                hit = (dist <= self.ball) & (self.first_inside < 0)
                if not everyone:
                    hit &= active
                self.first_inside[hit] = k
        if self.thresholds.size:
            hit = (gap[:, None] <= self.thresholds[None, :]) & (self.first_below < 0)
            if not everyone:
                hit &= active[:, None]
            self.first_below[hit] = k
        j = self.check_pos.get(k)
        if j is not None:
            self.gap_at[:, j] = self.min_gap
            if dist is not None:
                self.dist_at[:, j] = np.where(where, dist, np.nan)
            self.norm_at[:, j] = np.where(where, norm, np.nan)


#: Upper bound on the rates buffer of one fused chunk, in numbers (``steps x B``).
_RATES_BUFFER = 1 << 18


def _fused_applies(work: Problem, rule: UpdateRule, part: Blocks, steps: int,
                   record_path: bool) -> bool:
    """Whether the fused kernel covers this run: LARS (any options) on quadratics in their
    eigenbasis, one block, no path kept; any batch, dimension and number of steps."""
    return (type(work) is Quadratic and work.diagonal_form and type(rule) is LARS
            and rule.adapt is None and part.single and not record_path)


def _rates(sched: Schedule, k0: int, k1: int, batch: int) -> np.ndarray:
    """``lambda_k`` for ``k0 <= k < k1`` as a ``(k1 - k0, 1)`` or ``(k1 - k0, B)`` array.

    Each ``lambda_k`` is ``sched(k)``, called once per step in order, exactly as the
    NumPy path calls it; a per-problem value must have ``B`` entries. A
    :class:`~larscheck.sims.schedules.Constant` is called once and its row repeated.
    """
    constant = type(sched) is Constant  # one row, repeated (a subclass may vary)
    ks = range(k0, min(k1, k0 + 1)) if constant else range(k0, k1)
    vals = [np.asarray(sched(k), dtype=np.float64).reshape(-1) for k in ks]
    width = max((v.size for v in vals), default=1)
    if width not in (1, batch):
        raise ValueError(f"the schedule must return a scalar or {batch} rates, got {width}")
    if not vals:
        return np.zeros((0, 1))
    table = np.stack([np.broadcast_to(v, (width,)) for v in vals])
    return np.repeat(table, k1 - k0, axis=0) if constant else table


class _NoBar:
    """The part of a tqdm bar the simulator uses, doing nothing."""

    def update(self, n: int = 1) -> None:
        """Ignore ``n`` iterates."""


def _progress(steps: int, rule: UpdateRule, progress: bool | None) -> tqdm:
    """A bar over the ``steps + 1`` iterates (shown only on a terminal when ``None``); a
    do-nothing stand-in when ``progress`` is False (building a disabled bar costs more than
    a short run)."""
    if progress is False:
        return contextlib.nullcontext(_NoBar())
    return tqdm(total=steps + 1, disable=None if progress is None else not progress,
                desc=f"simulate {rule.name}", leave=False)


def _threads(threads: int | None) -> int:
    """``threads``, or all of Numba's (``NUMBA_NUM_THREADS``, by default every core)."""
    from numba import config

    if threads is None:
        return config.NUMBA_NUM_THREADS
    if threads > config.NUMBA_NUM_THREADS:
        raise ValueError(f"threads must be at most NUMBA_NUM_THREADS = "
                         f"{config.NUMBA_NUM_THREADS}, got {threads}")
    return int(threads)


def _run_fused(work, rule, part, x, steps, sched, cap, stats, progress, threads):
    """:func:`_run_numpy` for LARS on diagonal quadratics, by the fused kernel, chunk by chunk.

    Each chunk evaluates its rates with :func:`_rates` and runs
    :func:`larscheck.sims.kernels.lars_quadratic_chunk` on it, on ``threads`` threads;
    the result is the tuple :func:`_run_numpy` returns (no path: ``record_path`` runs take
    the NumPy loop).
    """
    from larscheck.sims import kernels

    batch, dim = work.batch, work.dim
    run = np.zeros(1, dtype=kernels.RUN)
    run["steps"], run["tail_start"] = steps, stats.tail_start
    run["pack"] = kernels.pack_size(dim, batch, threads)
    run["l1"], run["eta"], run["eps"] = rule.norm == "l1", rule.trust_coefficient, rule.eps
    run["has_tau"] = rule.switch_threshold is not None
    run["tau"] = rule.switch_threshold or 0.0
    run["beta"], run["momentum"], run["nesterov"] = (rule.weight_decay, rule.momentum,
                                                     rule.nesterov)
    problems = np.zeros(batch, dtype=kernels.PROBLEM)
    problems["fstar"], problems["cap"] = work.fstar, cap
    problems["ball"] = np.nan if stats.ball is None else stats.ball
    problems["active"], problems["diverged_at"], problems["failed_at"] = True, -1, -1
    fields = ("min_gap", "max_dist", "min_norm", "tail", "first_inside")
    for name in fields:
        problems[name] = getattr(stats, name)
    space = np.stack((x, np.zeros_like(x), work.eigs, work.xstar))
    with _progress(steps, rule, progress) as bar:
        k0, chunk = 0, max(1, _RATES_BUFFER // batch)  # longer once the rates are scalars
        while k0 <= steps:
            k1 = min(k0 + chunk, steps + 1)
            run["k0"], run["k1"] = k0, k1
            lam = _rates(sched, k0, min(k1, steps), batch)
            kernels.lars_quadratic_chunk(run, problems, space, stats.at, stats.first_below,
                                         lam, stats.thresholds, stats.checkpoints, threads)
            bar.update(k1 - k0)
            k0, chunk = k1, max(1, _RATES_BUFFER // lam.shape[1])
    x[...] = space[0]
    for name in fields:
        getattr(stats, name)[...] = problems[name]
    failed_at = problems["failed_at"]
    failed = np.flatnonzero(failed_at >= 0)
    errors = {int(i): _error_message(int(i), int(failed_at[i]))
              for i in failed[np.argsort(failed_at[failed], kind="stable")]}
    return problems["active"], problems["diverged_at"].astype(np.intp), errors, None


def _overflowing(work, x: np.ndarray, active: np.ndarray) -> np.ndarray:
    """Running problems whose gradient or iterate has finite entries but overflowing norms.

    A rule that divides by ``||g||`` (LARS, PercentDelta, Adam's ``sqrt(v)``) then takes
    a step of exactly 0 and the iterate never moves again, which the statistics would
    otherwise read as a bounded run. Checked once, at the last iterate (post-processing:
    both the NumPy loop and the fused kernel leave it in ``x``); the gradient there is
    one more evaluation of ``value_and_grad``.
    """
    if not active.any():
        return np.zeros(0, dtype=np.intp)
    with np.errstate(over="ignore", invalid="ignore"):
        _, g = work.value_and_grad(x)
        over = np.zeros(len(x), dtype=bool)
        for v in (np.asarray(g, dtype=np.float64), x):
            finite = np.isfinite(v).all(axis=1)
            over |= finite & ~(np.isfinite(np.einsum("ij,ij->i", v, v))
                               & np.isfinite(np.abs(v).sum(axis=1)))
    return np.flatnonzero(over & active)


def _error_message(i: int, k: int) -> str:
    """What :class:`Trajectory` ``errors`` says about problem ``i`` failing at step ``k``."""
    return (f"problem {i}: value/grad returned a non-finite number at step {k} "
            f"(at a finite iterate)")


def _rows_finite(g: np.ndarray) -> np.ndarray:
    """Whether each row of ``g`` is finite: ``np.isfinite(g).all(axis=1)``, faster.

    A row whose sum of squares is finite is finite; the rare rows where it is not
    (a non-finite entry, or an overflow of the squares) are checked entry by entry.
    """
    ok = np.isfinite(np.einsum("ij,ij->i", g, g))
    suspect = np.flatnonzero(~ok)
    if suspect.size:
        ok[suspect] = np.isfinite(g[suspect]).all(axis=1)
    return ok


def _run_numpy(work, rule, part, x, steps, sched, cap, stats, progress, record_path):
    """Iterate ``rule`` on ``work`` from ``x`` (moved in place), recording into ``stats``.

    Returns ``(active, diverged_at, errors, path)``: which problems are still running,
    the first bad iterate of each (-1 if none), the failures, and the path (every
    iterate) with ``record_path``, else ``None``.
    """
    batch = work.batch
    xstar = work.xstar
    fstar = work.fstar if work.fstar is not None else 0.0
    diverged_at = np.full(batch, -1, dtype=np.intp)
    errors: dict[int, str] = {}
    active = None  # None: every problem is still running (the fast path)
    path = [] if record_path else None
    state = rule.init(x, part)

    with np.errstate(over="ignore", invalid="ignore", divide="ignore", under="ignore"), \
            _progress(steps, rule, progress) as bar:
        for k in range(steps + 1):
            f, g = work.value_and_grad(x)
            norm = np.linalg.norm(x, axis=1)
            dist = np.linalg.norm(x - xstar, axis=1) if xstar is not None else None
            bad = ~((dist if dist is not None else norm) <= cap)
            failed = ~(np.isfinite(f) & _rows_finite(g)) & ~bad
            if active is not None:
                bad &= active
                failed &= active
            if bad.any() or failed.any():
                for i in np.flatnonzero(failed):
                    errors[int(i)] = _error_message(int(i), k)
                diverged_at[bad] = k
                stopped = bad | failed
                active = ~stopped if active is None else active & ~stopped
                x[stopped] = 0.0
                g[~active] = 0.0
            stats.record(k, f - fstar, dist, norm, active)
            if path is not None:
                path.append(x.copy() if active is None else np.where(active[:, None], x, np.nan))
            bar.update()
            if k == steps:
                break
            rule.apply(x, g, sched(k), state, part)
    return (np.ones(batch, dtype=bool) if active is None else active), diverged_at, errors, path


def simulate(problem: Problem, rule: UpdateRule, x0, steps: int, schedule=0.1, *,
             blocks: Sequence[int] | None = None, checkpoints: int = 50,
             gap_thresholds: Sequence[float] = (), ball_radius=None,
             divergence_factor: float = DIVERGENCE_FACTOR, record_path: bool = False,
             progress: bool | None = False, threads: int | None = None) -> Trajectory:
    """Run ``rule`` for ``steps`` updates on every problem of the batch.

    Parameters
    ----------
    problem : Problem
        ``B`` problems in ``R^n``.
    rule : UpdateRule
        E.g. ``LARS()``, ``PercentDelta()``, ``GradientDescent()``.
    x0 : array (B, n) or (n,)
        Starting points.
    steps : int
        Number of updates (>= 0).
    schedule : float, array (B,), Schedule or callable
        ``lambda_k``; a number (or per-problem array) means a constant rate.
    blocks : sequence of int, optional
        Sizes of contiguous blocks (layers) for per-block trust ratios.
    checkpoints : int
        How many log-spaced iterate indices to record (``gap_at`` etc.).
    gap_thresholds : sequence of float
        ``eps`` values for ``first_below``.
    ball_radius : float or array (B,), optional
        Radius around ``x*`` for ``first_inside``.
    divergence_factor : float
        See the module docstring.
    record_path : bool
        Keep every iterate (memory ``O(steps B n)``).
    progress : bool or None
        Show a progress bar; ``None`` shows one only on a terminal.
    threads : int, optional
        Threads for the fused kernel (LARS on quadratics), at most Numba's
        ``NUMBA_NUM_THREADS``; default: all of them (every core, unless the environment
        variable says otherwise). The results do not depend on it, bit for bit. The NumPy
        path (other rules and problems) runs on one thread.

    Returns
    -------
    Trajectory
    """
    if not isinstance(problem, Problem):
        raise TypeError("problem must be a larscheck Problem (Quadratic, SmoothProblem, ...)")
    if not isinstance(rule, UpdateRule):
        raise TypeError("rule must be an UpdateRule (LARS(), GradientDescent(), ...)")
    steps = count("steps", steps, 0)
    count("checkpoints", checkpoints, 1)
    positive("divergence_factor", divergence_factor)
    if threads is not None:
        threads = count("threads", threads, 1)
    require_memory(simulate_bytes(problem.batch, problem.dim, steps, record_path=record_path,
                                  checkpoints=checkpoints),
                   f"simulate ({problem.batch} problems in R^{problem.dim}, {steps} steps"
                   f"{', record_path' if record_path else ''})")
    x0 = batch_array("x0", x0, problem.batch, problem.dim)
    part = Blocks(problem.dim, blocks)
    sched: Schedule = as_schedule(schedule, steps=max(steps, 1))
    thresholds = non_negative_array("gap_thresholds", gap_thresholds).reshape(-1)
    if ball_radius is not None:
        ball_radius = non_negative_array("ball_radius", ball_radius)

    rotated = (isinstance(problem, Quadratic) and not problem.diagonal_form
               and rule.rotation_invariant and part.single)
    work, x = problem.in_eigenbasis(x0) if rotated else (problem, x0.copy())
    xstar = work.xstar
    ref = np.linalg.norm(x0 - xstar, axis=1) if xstar is not None else np.linalg.norm(x0, axis=1)
    scale = np.maximum(ref, 1.0)
    if xstar is not None:
        scale = np.maximum(scale, np.linalg.norm(xstar, axis=1))
    cap = divergence_factor * scale

    stats = _Stats(problem.batch, steps, log_checkpoints(steps, checkpoints), thresholds,
                   ball_radius, xstar is not None)
    if _fused_applies(work, rule, part, steps, record_path):
        active, diverged_at, errors, path = _run_fused(work, rule, part, x, steps, sched, cap,
                                                       stats, progress, _threads(threads))
    else:
        active, diverged_at, errors, path = _run_numpy(work, rule, part, x, steps, sched, cap,
                                                       stats, progress, record_path)
    diverged = diverged_at >= 0
    for i in _overflowing(work, x, active):
        errors[int(i)] = (f"overflow: problem {i}: the squared norm of the gradient or iterate "
                          f"overflows at the last iterate (a normalised step is then 0: the "
                          f"run is stuck, not bounded)")
        active[i] = False

    final = x.copy()
    final[~active] = np.nan
    if rotated:
        final = problem.from_eigen(final)
        if path is not None:
            path = [problem.from_eigen(p) for p in path]
    return Trajectory(
        method=rule.name, steps=steps, checkpoints=stats.checkpoints, gap_at=stats.gap_at,
        dist_at=stats.dist_at, norm_at=stats.norm_at, min_gap=stats.min_gap,
        max_dist=stats.max_dist, min_norm=stats.min_norm, tail_radius=stats.tail,
        first_inside=stats.first_inside, first_below=stats.first_below,
        gap_thresholds=thresholds, diverged=diverged, diverged_at=diverged_at, final_x=final,
        errors=errors, path=None if path is None else np.stack(path),
    )

r"""The slack budget of a proof: how much each inequality of its chain loses on real runs.

:mod:`larscheck.theory.chains` writes the proofs of Theorems 1-3 and Corollary
2.1 as telescoping chains ``observed = Q_0 <= ... <= Q_m = bound`` over
aggregates of per-iteration quantities. This module measures them:

- :func:`trace` steps LARS (eq. 1, through :class:`larscheck.sims.LARS`'s NumPy
  ``apply``) on a batch and accumulates, at log-spaced checkpoints ``k``, every
  aggregate the chains use (running ``min e_i``; the iterate ``j`` of smallest
  ``||g_i||`` with its ``e_j``, ``||r_j||``, ``cos alpha_j``; ``max ||r_i||``,
  ``max ||x_i||``; the sums ``sum lambda_i ||g_i||``,
  ``sum lambda_i ||x_i|| ||g_i||``, ``sum lambda_i^2 ||x_i||^2``; ``e_{k+1}``; and
  for Theorem 1 the maxima over the iterates in ``S_lambda``). The simulator
  keeps none of these, so they are computed here, with the same rule.
- :func:`budget` evaluates a chain on those aggregates (one column per run) and
  splits ``log10(bound / observed)`` into the steps' shares
  ``log10(Q_j / Q_{j-1})``, which add up to the total exactly (the chain
  telescopes; the sum is taken over the same ``log10 Q_j``).

How the budget is summarised (:class:`Budget`):

- the *worst* run is the one with the least total slack (the verdict's worst
  ratio); the *median* run is the lower median of the totals. Both are single
  runs, so their shares add to their totals;
- per step, ``log10_slack_min`` is its smallest share over the runs: how much
  that inequality could be tightened uniformly without breaking any run;
- the *loosest* step has the largest share on the worst run; the *repaired*
  bound divides the bound by ``10^log10_slack_min`` of that step (the step
  replaced by its measured tight version), and its worst observed/bound ratio is
  reported (evidence: sampled, not a proof);
- a share below ``-STEP_TOL`` means a step of the proof failed on a run: it is
  counted in ``step_violations`` (a finding, never hidden).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from larscheck.sims import LARS
from larscheck.sims.blocks import Blocks
from larscheck.sims.schedules import as_schedule
from larscheck.theory import chains as ch
from larscheck.theory.chains import Chain

#: A step's log10 share may dip this far below 0 by rounding (equalities such as
#: ``max(||x0 - x*||, .)`` when the start dominates, or Corollary 2.1's AM-GM at its
#: optimum, are computed from float64 numbers of relative error ~1e-15).
STEP_TOL = 1e-9


@dataclass
class Trace:
    """Aggregates of :func:`trace`: ``values[symbol]`` of shape ``(B, C)`` at ``checkpoints``."""

    checkpoints: np.ndarray
    values: dict
    finite: np.ndarray


def trace(problem, x0, schedule, steps: int, checkpoints: np.ndarray) -> Trace:
    r"""Step LARS ``steps`` times and record the chains' aggregates at ``checkpoints``.

    Parameters
    ----------
    problem : larscheck.sims.Problem
        ``B`` problems with known ``x*`` and ``f*``.
    x0 : ndarray (B, n)
    schedule : float, array (B,) or Schedule
        ``lambda_i``, as :func:`larscheck.sims.simulate` takes it.
    steps : int
        Updates; one more iterate than the last checkpoint is computed for ``e_{k+1}``.
    checkpoints : ndarray of int
        Iterates ``k`` (``0 <= k <= steps``).

    Returns
    -------
    Trace
        ``finite[b]``: the run stayed finite (every aggregate is meaningful).
    """
    sched = as_schedule(schedule, steps=max(steps, 1))
    rule, part = LARS(), Blocks(problem.dim, None)
    x = np.array(x0, dtype=np.float64)
    batch = x.shape[0]
    xs = problem.xstar
    xs_norm = np.linalg.norm(xs, axis=1)
    pos = {int(kk): j for j, kk in enumerate(checkpoints)}
    syms = (ch.e_min, ch.e_j, ch.g_j, ch.r_j, ch.cos_j, ch.r_max, ch.x_max, ch.S_g, ch.S_xg,
            ch.S_x2, ch.e_last, ch.r_sup, ch.P_step, ch.P_tri, ch.P_cos)
    out = {s: np.full((batch, len(checkpoints)), np.nan) for s in syms}
    run = {s: np.zeros(batch) for s in syms}
    run[ch.e_min][:] = np.inf
    run[ch.g_j][:] = np.inf
    pending = None  # the column of checkpoint k, waiting for e_{k+1}
    state = rule.init(x, part)
    with np.errstate(all="ignore"):
        for i in range(steps + 2):
            f, g = problem.value_and_grad(x)
            e = f - problem.fstar
            if pending is not None:
                out[ch.e_last][:, pending] = e
            if i == steps + 1:
                break
            gn, xn = np.linalg.norm(g, axis=1), np.linalg.norm(x, axis=1)
            r = x - xs
            rn = np.linalg.norm(r, axis=1)
            cos = np.einsum("ij,ij->i", g, r) / (gn * rn)
            lam_i = np.broadcast_to(np.asarray(sched(i), dtype=np.float64), (batch,))
            # x_i in S_lambda iff ||x_{i+1} - x*|| >= ||r_i||, i.e. lambda ||x_i|| >= 2 cos ||r_i||
            # (the exact criterion: comparing the two rounded norms would let a tie by
            # rounding, e.g. an iterate creeping to the origin, count as in S)
            in_s = lam_i * xn >= 2 * cos * rn
            rho = lam_i * xs_norm / (2 * cos - lam_i)
            rho = np.where(rho > 0, rho, np.inf)
            for s, v in ((ch.P_step, rn + lam_i * xn),
                         (ch.P_tri, (1 + lam_i) * rn + lam_i * xs_norm),
                         (ch.P_cos, (1 + lam_i) * rho + lam_i * xs_norm)):
                np.maximum(run[s], np.where(in_s, v, 0.0), out=run[s])
            np.minimum(run[ch.e_min], e, out=run[ch.e_min])
            new = gn < run[ch.g_j]
            for s, v in ((ch.g_j, gn), (ch.e_j, e), (ch.r_j, rn), (ch.cos_j, cos)):
                run[s] = np.where(new, v, run[s])
            np.maximum(run[ch.r_max], rn, out=run[ch.r_max])
            np.maximum(run[ch.x_max], xn, out=run[ch.x_max])
            run[ch.r_sup] = run[ch.r_max]
            run[ch.S_g] += lam_i * gn
            run[ch.S_xg] += lam_i * xn * gn
            run[ch.S_x2] += lam_i**2 * xn**2
            pending = pos.get(i)
            if pending is not None:
                for s in syms:
                    if s is not ch.e_last:
                        out[s][:, pending] = run[s]
            rule.apply(x, g, lam_i, state, part)
    finite = np.all(np.isfinite(x), axis=1)
    return Trace(np.asarray(checkpoints), out, finite)


@dataclass
class Budget:
    """A chain measured on ``N`` runs (see the module docstring).

    Attributes
    ----------
    chain : Chain
    shares : ndarray (m, N)
        ``log10(Q_j / Q_{j-1})`` per step and run.
    total : ndarray (N,)
        ``log10(bound / observed)`` per run.
    """

    chain: Chain
    shares: np.ndarray
    total: np.ndarray

    @property
    def worst(self) -> int:
        """The run with the least total slack."""
        return int(np.argmin(self.total))

    @property
    def median(self) -> int:
        """The run at the lower median of the totals."""
        return int(np.argsort(self.total, kind="stable")[(self.total.size - 1) // 2])

    @property
    def loosest(self) -> int:
        """Index of the step with the largest share on the worst run."""
        return int(np.argmax(self.shares[:, self.worst]))

    def rows(self) -> list[dict]:
        """The JSON ``slack`` list: one record per step."""
        w, m = self.worst, self.median
        return [{"step": s.name, "inequality": s.inequality,
                 "log10_slack_median": float(self.shares[j, m]),
                 "log10_slack_worst": float(self.shares[j, w]),
                 "log10_slack_min": float(np.min(self.shares[j])),
                 "violations": int((self.shares[j] < -STEP_TOL).sum())}
                for j, s in enumerate(self.chain.steps)]

    def summary(self) -> dict:
        """Totals, the loosest step and the repaired bound (JSON-ready)."""
        j = self.loosest
        cut = float(np.min(self.shares[j]))
        repaired = float(np.max(10.0 ** (cut - self.total)))
        return {"runs": int(self.total.size),
                "log10_total_worst": float(self.total[self.worst]),
                "log10_total_median": float(self.total[self.median]),
                "loosest_step": self.chain.steps[j].name,
                "loosest_step_median": self.chain.steps[
                    int(np.argmax(self.shares[:, self.median]))].name,
                "repaired_factor": 10.0 ** -cut,
                "repaired_worst_ratio": repaired,
                "step_violations": int((self.shares < -STEP_TOL).sum()),
                "evidence": "sampled"}

    def describe(self) -> str:
        """One line for the finding."""
        s = self.summary()
        sh = self.shares[self.loosest, self.worst]
        return (f"slack budget ({s['runs']} runs): total 10^{s['log10_total_worst']:.3g} on the "
                f"worst run, 10^{s['log10_total_median']:.3g} median; loosest step "
                f"'{s['loosest_step']}' (10^{sh:.3g} of it on the worst run); repaired with "
                f"that step at its tightest measured ratio (bound x {s['repaired_factor']:.3g}):"
                f" worst ratio {s['repaired_worst_ratio']:.3g}"
                + (f"; {s['step_violations']} step(s) FAILED on some run"
                   if s["step_violations"] else ""))


def budget(chain: Chain, values: dict) -> Budget:
    """Evaluate ``chain`` on ``{symbol: (N,) array}`` and split its log-slack by step.

    Every run given must be valid (finite, positive ``Q_0``); select them first.
    """
    arrays = np.broadcast_arrays(*(np.asarray(values[s], dtype=np.float64)
                                   for s in chain.args))
    q = np.asarray(chain.evaluate(dict(zip(chain.args, arrays, strict=True))), dtype=np.float64)
    logs = np.log10(q)
    if not np.all(np.isfinite(logs)):
        raise ValueError(f"{chain.statement}: a chain value is not finite and positive")
    return Budget(chain, np.diff(logs, axis=0), logs[-1] - logs[0])


def concat_traces(traces) -> Trace:
    """Traces of several batches with the same checkpoint count, along the batch axis."""
    return Trace(traces[0].checkpoints,
                 {s: np.concatenate([t.values[s] for t in traces]) for s in traces[0].values},
                 np.concatenate([t.finite for t in traces]))


def trace_runs(runs) -> Trace:
    """:func:`trace` of every batch of ``runs`` (``[(Cases, schedule, steps, checkpoints)]``,
    the same checkpoint count each), concatenated along the batch axis."""
    return concat_traces([trace(c.problem, c.x0, sched, steps, cps)
                          for c, sched, steps, cps in runs])


def trace_selected(groups, trajs, selected, columns=None, schedule=None):
    """Trace the cases of a check (``groups`` of Cases with their simulated ``trajs``) where
    ``selected`` (over the concatenated cases), with the trajectories' steps and checkpoints.

    ``schedule(cases, index)`` gives the rates (default: ``cases.params["lam"][index]``).
    With ``columns`` (per concatenated case) each run keeps only that checkpoint column.
    Returns ``(Trace, indices of the selected cases)``.
    """
    schedule = schedule or (lambda rc, idx: rc.params["lam"][idx])
    out, start = [], 0
    for rc, traj in zip(groups, trajs, strict=True):
        idx = np.flatnonzero(selected[start:start + rc.batch])
        if idx.size:
            t = trace(rc.problem.select(idx), rc.x0[idx], schedule(rc, idx), traj.steps,
                      traj.checkpoints)
            if columns is not None:
                col = np.asarray(columns)[start + idx]
                t = Trace(t.checkpoints[:1], {s: v[np.arange(idx.size), col][:, None]
                                              for s, v in t.values.items()}, t.finite)
            out.append(t)
        start += rc.batch
    return concat_traces(out), np.flatnonzero(selected)


def descent_constants(params, delta, k_at, rate, sums=None) -> dict:
    """The constants of the descent chains (Theorems 2, 3, Corollary 2.1) per run: ``D`` of
    Theorem 1 at ``rate`` (paper's c), measured ``delta`` (0 -> 1: such runs are not
    measured), ``k``, and the schedule sums ``{symbol: array}`` for Theorem 3."""
    from larscheck.theory import bounds
    from larscheck.theory import formulas as fm

    D = bounds.theorem1_D(rate, bounds.ProblemConstants.of(params), "paper")
    return {fm.D: D, fm.delta: np.where(delta > 0, delta, 1.0), fm.L: params["L"],
            fm.gap0: params["gap0"], fm.xstar_norm: params["xstar_norm"], fm.lam: rate,
            fm.k: np.asarray(k_at, dtype=np.float64), **(sums or {})}


def measure(chain: Chain, traced: Trace, constants: dict, columns, valid) -> Budget:
    """``chain``'s budget on traced runs, each at its own checkpoint column.

    Parameters
    ----------
    chain : Chain
    traced : Trace
        Aggregates of ``N`` runs (:func:`trace_runs` of the check's own cases).
    constants : dict
        ``{symbol: (N,) array}`` of the statement's constants (``D``, ``delta``, ``L``,
        ``e_0``, ``||x*||``, ``lambda``, ``k`` ...).
    columns : (N,) int array
        Checkpoint column per run (the check's worst checkpoint; the last for Theorem 1).
    valid : (N,) bool array
        Runs to measure; of those, the ones that stayed finite with ``Q_0 > 0`` are.
    """
    cols = np.asarray(columns)
    picked = {s: v[np.arange(cols.size), cols] for s, v in traced.values.items()}
    picked.update({s: np.asarray(v, dtype=np.float64) for s, v in constants.items()})
    keep = np.asarray(valid, bool) & traced.finite & (picked[chain.observed] > 0)
    for s in chain.args:
        keep &= np.isfinite(np.broadcast_to(picked[s], keep.shape))
    if not keep.any():
        raise ValueError(f"{chain.statement}: no run to measure the slack on")
    return budget(chain, {s: np.broadcast_to(picked[s], keep.shape)[keep] for s in chain.args})

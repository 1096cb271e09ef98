"""Check of Theorem 3 (STATEMENTS 2.6): LARS with decaying rates.

The problems are those of :mod:`.rates` (the default quadratics and logistic
losses), with initial rates ``factor x 2 mu/L``; the schedules are ``a/(k+1)^p``
(``p = 1, 0.75``: the theorem's conditions) and the polynomial decay to 0 (finite
sum: beyond them). The running ``min_{i<=k} f(x_i) - f*`` is compared at every
checkpoint with Theorem 3's bound, built from the exact schedule sums of
:func:`larscheck.theory.bounds.schedule_sums` and the measured ``delta``.
"""

from __future__ import annotations

import numpy as np

from larscheck.proofs_check import figures, slack
from larscheck.proofs_check.checks.rates import CHECKPOINTS, _problems, _stack
from larscheck.proofs_check.context import Context, concat, with_rates
from larscheck.proofs_check.registry import register
from larscheck.proofs_check.verdict import Verdict, describe_ratio, worst_case
from larscheck.sims import LARS, InverseDecay, PolynomialDecay
from larscheck.theory import bounds, chains

#: Theorem 3's schedules: name -> (sims schedule factory, theory schedule kind, its
#: parameters (the rate parameter is symbolic: one formula for all problems), in hypotheses).
SCHEDULES = {
    "inverse p=1": (lambda a, T: InverseDecay(a, 1.0), "inverse", {"power": 1}, True),
    "inverse p=0.75": (lambda a, T: InverseDecay(a, 0.75), "inverse", {"power": 0.75}, True),
    "poly p=2 to 0": (lambda a, T: PolynomialDecay(a, T, 2.0), "poly",
                      {"power": 2}, False),
}
#: Initial rates relative to 2 mu / L.
THEOREM3_FACTORS = (0.3, 0.9, 3.0)


def theorem3_values(k, kind: str, fixed: dict, rate, params, delta, total_steps: int,
                    variant: str = "paper") -> np.ndarray:
    """Theorem 3's bound ``(N, C)`` at checkpoints ``k`` for per-problem initial rates ``rate``.

    The schedule sums come from :func:`larscheck.theory.bounds.schedule_sums` with the
    rate left symbolic (one formula, evaluated for all problems); ``D`` is taken at
    the largest rate, as :func:`~larscheck.theory.bounds.theorem3_bound` does.
    """
    extra = {"total_steps": total_steps} if kind == "poly" else {}
    s1, s2 = bounds.schedule_sums(kind, **fixed, **extra)
    const = bounds.theorem2_constants(rate, bounds.ProblemConstants.of(params, delta=delta),
                                      variant)
    kk = np.asarray(k, dtype=np.float64)[None, :]
    r = rate[:, None]
    with np.errstate(invalid="ignore", over="ignore"):
        return bounds.THEOREM3_GAP(const.D[:, None], delta[:, None], params["gap0"][:, None],
                                   params["L"][:, None], const.M[:, None], s1(kk, r),
                                   s2(kk, r))


def theorem3_runs(ctx: Context) -> dict:
    """LARS runs of every schedule of :data:`SCHEDULES` (shared by the checks of a context):
    ``{name: (cases, trajectories, steps)}``."""
    def build(_rng):
        steps = ctx.size(300, 600)
        groups = _problems(ctx, "theorem3", scale=ctx.size(1.0, 0.35))
        out = {}
        for name, (factory, *_) in SCHEDULES.items():
            runs, trajs = [], []
            for cases in groups:
                p = cases.params
                rc = with_rates(cases, bounds.lemma1_threshold(p["mu"], p["L"], "paper"),
                                THEOREM3_FACTORS)
                # exact schedule sums cost a harmonic number per checkpoint: fewer in quick
                trajs.append(ctx.simulate(rc.problem, LARS(), rc.x0, steps,
                                          factory(rc.params["lam"], steps),
                                          checkpoints=ctx.size(12, CHECKPOINTS)))
                rc.params["schedule"] = np.full(rc.batch, name)
                runs.append(rc)
            out[name] = (runs, trajs, steps)
        return out
    return ctx.shared("theorem3.runs", build)


@register(
    id="theorem3", section="2.6", title="decaying rates converge", kind="paper",
    basis=("the text states the classical conditions (sum lambda_k infinite, sum lambda_k^2 "
           "finite) clearly; only the exact constant of the bound is rebuilt"),
    confidence="high", proved=True,
    hypotheses="Theorem 2's, lambda_0 < 2 mu/L, sum lambda_k = inf, sum lambda_k^2 < inf",
    claim="min_{i<=k} f - f* <= (D/delta)(e0 + L M^2 Sigma_2/2) / Sigma_1 -> 0",
    how="batched LARS runs with a/(k+1) and a/(k+1)^0.75 (in hypotheses) and the polynomial "
        "decay to 0 (finite sum: beyond), bound at every checkpoint with exact schedule sums "
        "from theory and measured delta",
    formulas=(("bound", bounds.THEOREM3_GAP),),
    figure=figures.theorem3,
)
def check_theorem3(ctx: Context, scale: float = 1.0) -> Verdict:
    """Running min gap against Theorem 3's bound times ``scale`` (``scale < 1`` to test failure)."""
    parts, ratios, inside_all, curves, measured = [], [], [], {}, []
    for name, (_, kind, fixed, in_hyp) in SCHEDULES.items():
        runs, trajs, steps = theorem3_runs(ctx)[name]
        sched_params = concat(runs)
        delta = _stack(trajs, "min_norm")
        ok = (delta > 0) & ~_stack(trajs, "diverged")
        values = theorem3_values(trajs[0].checkpoints, kind, fixed, sched_params["lam"],
                                 sched_params, np.where(ok, delta, 1.0), steps) * scale
        with np.errstate(invalid="ignore", divide="ignore"):
            per_k = _stack(trajs, "gap_at") / values
        finite_k = np.where(np.isfinite(per_k), per_k, -np.inf)
        ratios.append(np.nanmax(finite_k, axis=1))
        inside_all.append(ok & (sched_params["factor"] < 1.0) & in_hyp)
        if in_hyp:
            measured.append(_theorem3_traced(runs, trajs, steps, name, inside_all[-1],
                                             np.argmax(finite_k, axis=1)))
        parts.extend(runs)
        curves[name] = (trajs[0].checkpoints, np.nanmedian(per_k[ok], axis=0))
    params = concat(parts)
    params["schedule"] = np.concatenate([r.params["schedule"] for r in parts])
    ratio, inside = np.concatenate(ratios), np.concatenate(inside_all)
    verdict, cases, worst, witness = worst_case(ratio, inside, params, seed=ctx.seed)
    poly = (params["schedule"] == "poly p=2 to 0") & (params["factor"] < 1)
    details = {"worst_ratio_poly_beyond": float(np.max(ratio[poly])),
               "median_ratio": float(np.median(ratio[inside])) if cases else None}
    finding = (f"bound holds at every checkpoint of {cases} runs (a/(k+1), a/(k+1)^0.75); "
               f"{describe_ratio(worst)}; median {details['median_ratio']:.3g}; the polynomial "
               f"decay to 0 (sum finite, beyond) also stays under the bound: worst "
               f"{details['worst_ratio_poly_beyond']:.3g}") if cases else "no run inside"
    if verdict == "violated":
        finding = "VIOLATED: " + finding
    traced = slack.concat_traces([m[0] for m in measured])
    consts = {sym: np.concatenate([m[1][sym] for m in measured]) for sym in measured[0][1]}
    budget = slack.measure(chains.THEOREM3, traced, consts,
                           np.zeros(traced.finite.size, int), np.ones(traced.finite.size, bool))
    details["slack_budget"] = budget.summary()
    finding += "; " + budget.describe()
    return Verdict(verdict, cases, worst, finding, witness, beyond=int((~inside).sum()),
                   details=details, figure_data=figures.ScheduleCurves(curves),
                   slack=budget.rows())


def _theorem3_traced(runs, trajs, steps, name, inside, columns):
    """The runs of one schedule within ``inside``, traced and taken at their worst checkpoints
    ``columns``: ``(Trace with one column, the chain's constants)``."""
    from larscheck.theory.formulas import sum_lam, sum_lam2

    factory, kind, fixed, _ = SCHEDULES[name]
    traced, sel = slack.trace_selected(runs, trajs, inside, columns,
                                       lambda rc, idx: factory(rc.params["lam"][idx], steps))
    p = concat(runs)
    p = {key: p[key][sel] for key in ("xstar_norm", "dist0", "mu", "L", "gap0", "lam")}
    k_at = trajs[0].checkpoints[columns[sel]].astype(np.float64)  # one grid per schedule
    s1, s2 = bounds.schedule_sums(kind, **fixed, **({"total_steps": steps} if kind == "poly"
                                                    else {}))
    return traced, slack.descent_constants(p, _stack(trajs, "min_norm")[sel], k_at, p["lam"],
                                           {sum_lam: s1(k_at, p["lam"]),
                                            sum_lam2: s2(k_at, p["lam"])})

"""Checks of the fixed-rate trajectory statements: Theorems 1-2 and Corollary 2.1.

All of them run LARS with the batched simulator on the default quadratics
(n in {1, 2, 10, 100}) and regularised logistic losses (n in {2, 10}), rates
given per problem as ``factor x 2 mu/L`` (Lemma 1's threshold with the paper's
cos bound), and compare what :class:`~larscheck.sims.Trajectory` measured with the
bounds of :mod:`larscheck.theory.bounds`:

- ``theorem1``: ``sup_k ||x_k - x*||`` against ``D``;
- ``theorem2``: ``min_{i<=k} f(x_i) - f*`` at every checkpoint ``k`` against
  ``A / (lambda (k+1)) + B lambda``, with ``delta = min_k ||x_k||`` *measured* on
  the run (the theorem assumes ``||x_k|| >= delta``; the smallest valid delta
  is the measured one);
- ``corollary2_1``: one run per horizon ``K`` with the corollary's rate
  ``lambda_K = sqrt(A / (B (K+1)))`` (a fixed point, since ``A`` and ``B``
  depend on lambda through ``D``), the bound ``2 sqrt(AB/(K+1))`` at ``K``, and
  the iterations to reach it against ``4AB/eps^2``, with the fitted exponent;
- ``theorem3`` (decaying rates) is checked in :mod:`.decaying`, on the same problems.
"""

from __future__ import annotations

from functools import partial

import numpy as np

from larscheck.proofs_check import figures, slack
from larscheck.proofs_check.context import (
    KAPPAS,
    Cases,
    Context,
    concat,
    default_quadratics,
    logistic_cases,
    quadratic_cases,
    with_rates,
)
from larscheck.proofs_check.registry import register
from larscheck.proofs_check.verdict import Verdict, describe_ratio, fit_rate, worst_case
from larscheck.sims import LARS
from larscheck.theory import bounds, chains

#: Rates of the shared constant-rate run, relative to 2 mu / L: inside, at, beyond.
FACTORS = (0.02, 0.3, 0.9, 1.0, 3.0)
#: Log-spaced checkpoints recorded per run.
CHECKPOINTS = 40


def _problems(ctx: Context, key: str, scale: float = 1.0) -> list[Cases]:
    """The default quadratics of every dimension and logistic losses (``scale`` x the sizes)."""
    counts = {1: ctx.size(30, 300), 2: ctx.size(60, 600), 10: ctx.size(60, 600),
              100: ctx.size(6, 40)}
    quad = default_quadratics(ctx, f"{key}.quadratics",
                              {d: max(3, int(c * scale)) for d, c in counts.items()})
    return quad + logistic_cases(ctx, f"{key}.logistic", max(3, int(ctx.size(12, 60) * scale)))


def constant_run(ctx: Context):
    """The shared run: LARS at ``lambda = factor * 2 mu/L`` on every problem.

    Returns ``(params, runs)``: concatenated parameters and, per group, the
    :class:`Trajectory` (same order).
    """
    return ctx.shared("constant.run", _build_constant_run(ctx))[:2]


def _build_constant_run(ctx: Context):
    def build(_rng):
        groups, runs = [], []
        for cases in _problems(ctx, "constant"):
            p = cases.params
            rc = with_rates(cases, bounds.lemma1_threshold(p["mu"], p["L"], "paper"), FACTORS)
            runs.append(ctx.simulate(rc.problem, LARS(), rc.x0, ctx.size(300, 600),
                                 rc.params["lam"], checkpoints=CHECKPOINTS))
            groups.append(rc)
        return concat(groups), runs, groups
    return build


def _constant_slack(ctx: Context, chain, valid, constants: dict, columns) -> slack.Budget:
    """``chain``'s slack budget on the shared constant-rate runs where ``valid`` (all of
    them must be inside Lemma 1's range and not diverged: those are the runs traced, once
    per context); ``constants`` and ``columns`` per run of the shared run."""
    params, trajs, groups = ctx.shared("constant.run", _build_constant_run(ctx))
    traced = _inside(params) & ~_stack(trajs, "diverged")
    if np.any(valid & ~traced):
        raise ValueError("the slack is measured only on runs inside and not diverged")

    def build(_rng):
        return slack.trace_selected(groups, trajs, traced)[0]

    return slack.measure(chain, ctx.shared("constant.slack", build),
                         {s: v[traced] for s, v in constants.items()}, columns[traced],
                         valid[traced])


def _stack(runs, name: str) -> np.ndarray:
    return np.concatenate([getattr(r, name) for r in runs])


def _inside(params, variant: str = "paper") -> np.ndarray:
    """``lambda < 2c`` of the variant (the hypotheses of Lemma 1 and Theorems 1-3)."""
    return params["lam"] < bounds.lemma1_threshold(params["mu"], params["L"], variant)


@register(
    id="theorem1", section="2.3", title="iterates stay in a ball", kind="paper",
    basis=("the text says the iterates stay in a ball under Lemma 1's conditions; the radius D ="
           " max(||x0 - x*||, R + lambda (R + ||x*||)) is rebuilt from the proof sketch"),
    confidence="medium", proved=True,
    hypotheses="Lemma 1's: mu-strongly convex, L-smooth, fixed 0 < lambda < 2 mu/L",
    claim="||x_k - x*|| <= D = max(||x0 - x*||, R + lambda (R + ||x*||)) for all k",
    how="batched LARS runs (quadratics n in {1,2,10,100}, logistic losses), "
        "sup_k ||x_k - x*|| vs D with the paper's R (and the tight R reported)",
    formulas=(("D", bounds.THEOREM1_D_OF_R), ("R", bounds.LEMMA1_RADIUS)),
    figure=figures.theorem1,
)
def check_theorem1(ctx: Context, D=None) -> Verdict:
    """``sup_k ||x_k - x*||`` against ``D(lam, ProblemConstants)`` (injectable)."""
    D = D or partial(bounds.theorem1_D, variant="paper")
    params, runs = constant_run(ctx)
    observed = _stack(runs, "max_dist")
    diverged = _stack(runs, "diverged")
    problem = bounds.ProblemConstants.of(params)
    bound = D(params["lam"], problem)
    ratio = np.where(diverged, np.inf, observed / bound)
    inside = _inside(params)
    verdict, cases, worst, witness = worst_case(ratio, inside, params, seed=ctx.seed,
                                                observed=observed, bound=bound)
    tight = bounds.theorem1_D(params["lam"], problem, variant="tight")
    tight_in = _inside(params, "tight")
    r_tight = np.where(diverged, np.inf, observed / tight)
    nontrivial = inside & (bound > params["dist0"] * (1 + 1e-12))
    beyond = ~inside
    details = {
        "worst_ratio_tight": float(np.max(r_tight[tight_in])),
        "tight_violations": int((r_tight[tight_in] > 1 + 1e-9).sum()),
        "cases_D_above_dist0": int(nontrivial.sum()),
        "worst_ratio_D_above_dist0": float(np.max(ratio[nontrivial])) if nontrivial.any()
        else None,
        "diverged_beyond": int((diverged & beyond).sum()),
        "beyond_cases": int(beyond.sum()),
    }
    # no tightness is claimed; the ratio 1 is reached where D = ||x0 - x*|| (at k = 0)
    ratio_text = describe_ratio(worst, details["worst_ratio_D_above_dist0"],
                                "D = ||x0 - x*||")
    nt = f" ({details['cases_D_above_dist0']} cases with D > ||x0 - x*||)"
    finding = (f"sup_k ||x_k - x*|| <= D in {cases - int((ratio[inside] > 1 + 1e-9).sum())}/"
               f"{cases} runs; {ratio_text}{nt}; with the tight R: worst "
               f"{details['worst_ratio_tight']:.4g} over {int(tight_in.sum())} runs with "
               f"lambda < 2c_tight ({details['tight_violations']} above 1); beyond 2mu/L: "
               f"{details['diverged_beyond']}/{details['beyond_cases']} runs diverged")
    from larscheck.theory.formulas import L, dist0, lam, mu, xstar_norm

    budget = _constant_slack(  # where D > ||x0 - x*||: elsewhere the chain is all equalities
        ctx, chains.THEOREM1, nontrivial & ~diverged,
        {dist0: params["dist0"], lam: params["lam"], xstar_norm: params["xstar_norm"],
         mu: params["mu"], L: params["L"]}, np.full(ratio.size, -1))
    details["slack_budget"] = budget.summary()
    finding += "; " + budget.describe()
    data = figures.BallData(observed, bound, inside, params["kappa"])
    return Verdict(verdict, cases, worst, finding, witness, beyond=int(beyond.sum()),
                   details=details, figure_data=data,
                   slack=budget.rows())


def _theorem2_bounds(params, runs, variant: str, bound=None):
    """Bound at every checkpoint ``(N, C)`` with measured delta, and the observed gaps."""
    delta = _stack(runs, "min_norm")
    gaps = _stack(runs, "gap_at")
    ks = runs[0].checkpoints
    bound = bound or partial(bounds.theorem2_bound, variant=variant)
    ok = delta > 0
    safe_delta = np.where(ok, delta, 1.0)
    column = {name: params[name][:, None] for name in ("mu", "L", "xstar_norm", "dist0", "gap0")}
    values = bound(ks[None, :], params["lam"][:, None],
                   bounds.ProblemConstants(**column, delta=safe_delta[:, None]))
    return np.where(ok[:, None], values, np.inf), gaps, delta, ks


@register(
    id="theorem2", section="2.4", title="O(1/k) + O(lambda) rate at fixed lambda", kind="paper",
    basis=("the text gives the O(1/k) + O(lambda) shape and the assumption ||x_k|| >= delta; the"
           " constants A, B, M are rebuilt from the proof sketch and could differ by factors"),
    confidence="medium", proved=True,
    hypotheses="Lemma 1's, and ||x_k|| >= delta > 0 for all k (delta measured as min_k ||x_k||)",
    claim="min_{i<=k} f(x_i) - f* <= A/(lambda (k+1)) + B lambda, A = D e0/delta, "
          "B = L D M^2/(2 delta), M = D + ||x*||",
    how="the shared LARS runs; at every log-spaced checkpoint k the running min of f - f* vs "
        "the bound with the measured delta, paper and tight variants",
    formulas=(("bound", bounds.THEOREM2_GAP), ("A", bounds.THEOREM2_A),
              ("B", bounds.THEOREM2_B), ("M", bounds.THEOREM2_M)),
    figure=figures.theorem2,
)
def check_theorem2(ctx: Context, bound=None) -> Verdict:
    """``min_{i<=k} f - f*`` against ``bound(k, lam, ProblemConstants)`` (injectable)."""
    params, runs = constant_run(ctx)
    values, gaps, delta, ks = _theorem2_bounds(params, runs, "paper", bound)
    with np.errstate(invalid="ignore", divide="ignore"):
        per_k = gaps / values
    worst_k = np.nanargmax(np.where(np.isfinite(per_k), per_k, -np.inf), axis=1)
    rows = np.arange(per_k.shape[0])
    ratio = per_k[rows, worst_k]
    diverged = _stack(runs, "diverged")
    inside = _inside(params) & (delta > 0) & ~diverged
    p = dict(params, k=ks[worst_k], delta=delta)
    verdict, cases, worst, witness = worst_case(ratio, inside, p, seed=ctx.seed,
                                                observed=gaps[rows, worst_k],
                                                bound=values[rows, worst_k])
    tight_vals, *_ = _theorem2_bounds(params, runs, "tight")
    with np.errstate(invalid="ignore", divide="ignore"):
        r_tight = np.nanmax(np.where(np.isfinite(gaps / tight_vals), gaps / tight_vals, -np.inf),
                            axis=1)
    tight_in = _inside(params, "tight") & (delta > 0) & ~diverged
    final = per_k[:, -1]
    vacuous = inside & (values[:, -1] >= params["gap0"])
    details = {
        "bound_above_initial_gap_at_last_step": int(vacuous.sum()),
        "checkpoints": int(ks.size),
        "worst_ratio_tight": float(np.max(r_tight[tight_in])),
        "median_final_ratio": float(np.median(final[inside])) if cases else None,
        "delta_zero": int((delta <= 0).sum()),
        "min_delta_over_xstar": float(np.min(delta[inside] / params["xstar_norm"][inside]))
        if cases else None,
    }
    finding = (f"bound holds at all {ks.size} checkpoints of {cases} runs; "
               f"{describe_ratio(worst)}; median ratio at the last step "
               f"{details['median_final_ratio']:.3g}; at the last step the bound still exceeds "
               f"f(x0) - f* in {details['bound_above_initial_gap_at_last_step']}/{cases} runs; "
               f"tight variant worst "
               f"{details['worst_ratio_tight']:.3g}; measured delta/||x*|| down to "
               f"{details['min_delta_over_xstar']:.3g}") if cases else "no run inside"
    if verdict == "violated":
        finding = "VIOLATED: " + finding.replace("bound holds at all", "checked")
    budget = _constant_slack(ctx, chains.THEOREM2, inside,
                             slack.descent_constants(params, delta, ks[worst_k], params["lam"]),
                             worst_k)
    details["slack_budget"] = budget.summary()
    finding += "; " + budget.describe()
    data = figures.RateCurves(ks, gaps, values, tight_vals, inside, params["kappa"],
                              params["lam"])
    return Verdict(verdict, cases, worst, finding, witness, beyond=int((~inside).sum()),
                   details=details, figure_data=data,
                   slack=budget.rows())


#: Horizons ``K`` of the Corollary 2.1 runs.
HORIZONS_QUICK = (10, 30, 100, 300)
HORIZONS = (10, 30, 100, 300, 1000, 3000)
#: Bisection steps solving ``lambda = lambda_opt(D(lambda))`` (relative precision 2^-60).
FIXED_POINT_STEPS = 60


def corollary_rate(k, params) -> tuple[np.ndarray, np.ndarray]:
    """The corollary's ``lambda_K`` per problem, solved with ``D`` at that same rate.

    ``A/B`` does not depend on delta (both are proportional to ``1/delta``), so the
    rate is known before the run. ``h(lam) = lam - lambda_opt(D(lam))`` increases
    in ``lam`` (``D`` grows with it); bisection on ``(0, 2 mu/L)``. Returns the rate
    and whether it lies inside Lemma 1's range (else the corollary does not apply).
    """
    problem = bounds.ProblemConstants.of(params, delta=1.0)
    thr = bounds.lemma1_threshold(params["mu"], params["L"], "paper")

    def opt(lam):
        return bounds.corollary21(k, problem, lam_for_D=lam, variant="paper")[0]

    lo, hi = np.zeros_like(thr), thr.copy()
    for _ in range(FIXED_POINT_STEPS):
        mid = 0.5 * (lo + hi)
        up = mid >= opt(np.maximum(mid, 1e-300))
        hi = np.where(up, mid, hi)
        lo = np.where(up, lo, mid)
    inside = hi < thr
    return np.where(inside, hi, np.nan), inside


@register(
    id="corollary2_1", section="2.5", title="O(1/eps^2) iterations with tuned lambda",
    basis=("follows from Theorem 2 by choosing lambda to balance its two terms; the text's "
           "O(1/eps^2) comparison with gradient descent pins the form, the constants inherit "
           "Theorem 2's"),
    kind="paper", confidence="medium", proved=True,
    hypotheses="Theorem 2's, with lambda = sqrt(A/(B(k+1))) (which must be < 2 mu/L)",
    claim="min_{i<=k} f - f* <= 2 sqrt(AB/(k+1)), so k+1 >= 4AB/eps^2 iterations reach eps",
    how="one batched run per horizon K with the corollary's lambda_K (fixed point of "
        "lambda = sqrt(A/B/(K+1)) with D at lambda); bound at K with measured delta; "
        "iterations to reach it vs 4AB/eps^2; exponent of iterations vs 1/eps fitted",
    formulas=(("lambda", bounds.COROLLARY_LAMBDA), ("bound", bounds.COROLLARY_BOUND),
              ("iterations", bounds.COROLLARY_STEPS)),
    figure=figures.corollary,
)
def check_corollary(ctx: Context, bound=None) -> Verdict:
    """Gap at ``K`` against ``bound(K, ProblemConstants, lam_for_D)`` (injectable)."""
    bound = bound or partial(bounds.corollary21, variant="paper")
    rng = ctx.rng("corollary.quadratics")
    kappas = tuple(k for k in KAPPAS if k <= 100)
    groups = [quadratic_cases(rng, dim, ctx.size(30, 150), kappas=kappas) for dim in (2, 10)]
    horizons = HORIZONS_QUICK if ctx.quick else HORIZONS
    rows = []
    for cases in groups:
        for K in horizons:
            lam, ok = corollary_rate(K, cases.params)
            run = cases.take(np.flatnonzero(ok))
            if run.batch:
                traj = ctx.simulate(run.problem, LARS(), run.x0, K, lam[ok],
                                    checkpoints=CHECKPOINTS)
                rows.append((run, K, lam[ok], traj))
            rows.append((cases.take(np.flatnonzero(~ok)), K, None, None))
    parts, obs, bnd, iters, need, inside = [], [], [], [], [], []
    for run, K, lam, traj in rows:
        if not run.batch:
            continue
        p = run.params
        parts.append(run)
        if traj is None:
            nan = np.full(run.batch, np.nan)
            obs.append(nan)
            bnd.append(nan)
            iters.append(nan)
            need.append(nan)
            inside.append(np.zeros(run.batch, bool))
            run.params.update(K=np.full(run.batch, K), lam=nan)
            continue
        delta = traj.min_norm
        _, b = bound(K, bounds.ProblemConstants.of(p, delta=delta), lam_for_D=lam)
        gap_k = traj.gap_at[:, -1]
        reached = traj.gap_at <= b[:, None]
        first = np.where(reached.any(axis=1),
                         traj.checkpoints[np.argmax(reached, axis=1)], np.nan)
        obs.append(gap_k)
        bnd.append(b)
        iters.append(first)
        need.append(np.full(run.batch, K + 1.0))
        inside.append((delta > 0) & ~traj.diverged)
        run.params.update(K=np.full(run.batch, K), lam=lam)
    params = concat(parts)
    for name in ("K", "lam"):
        params[name] = np.concatenate([r.params[name] for r in parts])
    observed, bnd_all = np.concatenate(obs), np.concatenate(bnd)
    inside_all = np.concatenate(inside)
    ratio = observed / bnd_all
    verdict, cases, worst, witness = worst_case(ratio, inside_all, params, seed=ctx.seed,
                                                observed=observed, bound=bnd_all)
    iters_all, need_all = np.concatenate(iters), np.concatenate(need)
    it_ratio = (iters_all + 1.0) / need_all
    problem_id = np.char.add(params["group"].astype(str), params["case"].astype(str))
    rate = fit_rate(1.0 / observed[inside_all], params["K"][inside_all] + 1.0, expected=2.0,
                    x_name="1/eps", y_name="iterations", groups=problem_id[inside_all])
    vacuous = inside_all & (bnd_all >= params["gap0"])
    details = {"horizons": list(horizons),
               "bound_above_initial_gap": int(vacuous.sum()),
               "median_iteration_ratio": float(np.nanmedian(it_ratio[inside_all]))
               if cases else None,
               "not_run": int((~inside_all).sum())}
    thr = bounds.lemma1_threshold(params["mu"], params["L"], "paper")
    lam_rel = params["lam"][inside_all] / thr[inside_all]
    finding = (f"gap at K <= 2 sqrt(AB/(K+1)) in {cases} runs (K in {list(horizons)}); "
               f"{describe_ratio(worst)}; the bound exceeds f(x0) - f* (vacuous) in "
               f"{details['bound_above_initial_gap']}/{cases}; iterations to reach that eps / "
               f"(4AB/eps^2): median "
               f"{details['median_iteration_ratio']:.3g}; fitted {rate.describe()}; "
               f"lambda_K / (2mu/L) from {np.min(lam_rel):.2g} to {np.max(lam_rel):.6g} (D grows "
               f"without bound as lambda nears 2mu/L, so the fixed point is always inside)"
               ) if cases else "no run inside"
    ran = [(run, K, lam, traj) for run, K, lam, traj in rows if traj is not None]
    traced = slack.trace_runs([(run, lam, K, np.array([K])) for run, K, lam, _ in ran])
    consts = [slack.descent_constants(run.params, traj.min_norm, np.full(run.batch, K), lam)
              for run, K, lam, traj in ran]
    budget = slack.measure(
        chains.COROLLARY, traced, {s: np.concatenate([c[s] for c in consts]) for s in consts[0]},
        np.zeros(traced.finite.size, int),
        np.concatenate([(t.min_norm > 0) & ~t.diverged for *_, t in ran]))
    details["slack_budget"] = budget.summary()
    finding += "; " + budget.describe()
    data = figures.IterationData(observed, params["K"], bnd_all, inside_all, params["gap0"],
                                 problem_id)
    short = (f"bound vacuous in {details['bound_above_initial_gap']}/{cases} runs; "
             f"{rate.y_name} ~ ({rate.x_name})^{rate.exponent:.3g} (statement: {rate.expected:g})"
             ) if cases else ""
    return Verdict(verdict, cases, worst, finding, witness, beyond=int((~inside_all).sum()),
                   rate=rate, details=details, figure_data=data, summary=short,
                   slack=budget.rows())

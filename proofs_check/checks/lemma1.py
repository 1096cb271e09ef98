"""Checks of the geometry behind Lemma 1: the set ``S_lambda`` and the angle bound.

- ``lemma1`` (2.1): ``S_lambda`` is bounded for ``lambda < 2 mu/L``; measured: the
  largest ``||x - x*||`` over points of ``S_lambda`` found on rays from ``x*``
  (:func:`~larscheck.proofs_check.measure.sup_S_on_rays`), against the radius
  built on the paper's ``c = mu/L`` (and, reported alongside, the tight one).
- ``lemma1.explicit_radius`` (3.2): the same measurement against
  ``R = lambda ||x*|| / (2c - lambda)`` with the tight ``c``, for
  ``lambda < 2c``: how tight is the constructive radius?
- ``cos_bound.tight`` (3.1): ``cos alpha >= 2 sqrt(mu L)/(mu + L)``, measured at
  points on the same kind of rays; also how loose the paper's ``mu/L`` is.

The last two are also proved by SymPy (:mod:`larscheck.theory.certificates.tight`,
:func:`with_proof`): their evidence is ``"proof"`` when the proof goes through and the
measurements agree.

Problems: the default quadratics (n in {1, 2, 10, 100}) and regularised
logistic losses (n in {2, 10}); rates ``factor x threshold`` with factors
inside (< 1), at (= 1) and beyond (> 1) the statement's threshold.
"""

from __future__ import annotations

import dataclasses
from functools import partial

import numpy as np
import sympy as sp

from larscheck.proofs_check import figures
from larscheck.proofs_check.context import (
    Cases,
    Context,
    concat,
    default_quadratics,
    logistic_cases,
    with_rates,
)
from larscheck.proofs_check.measure import cos_alpha, ray_directions, sup_S_on_rays
from larscheck.proofs_check.registry import register
from larscheck.proofs_check.verdict import Verdict, attained, describe_ratio, worst_case
from larscheck.theory import bounds
from larscheck.theory.certificates import tight
from larscheck.theory.formulas import L, mu

#: Rates relative to the statement's threshold: inside, at, beyond.
FACTORS = (0.1, 0.5, 0.9, 0.99, 1.0, 1.5, 4.0)


def geometry_cases(ctx: Context) -> list[Cases]:
    """The problems of the geometric checks (shared by the three statements of this module)."""
    def build(_rng):
        quad = default_quadratics(ctx, "geometry.quadratics",
                                  {1: ctx.size(6, 24), 2: ctx.size(36, 120),
                                   10: ctx.size(36, 120), 100: ctx.size(4, 12)})
        return quad + logistic_cases(ctx, "geometry.logistic", ctx.size(9, 36))
    return ctx.shared("geometry.cases", build)


def measure_S(ctx: Context, variant: str, factors=FACTORS):
    """``sup ||x - x*||`` over ``S_lambda`` for every case and rate ``factor * 2c(variant)``.

    Returns the concatenated parameters (with ``lam``, ``factor``), ``sup``,
    ``unbounded`` and the attaining points (per group).
    """
    def build(rng):
        parts, sups, unb = [], [], []
        for cases in geometry_cases(ctx):
            p = cases.params
            rc = with_rates(cases, bounds.lemma1_threshold(p["mu"], p["L"], variant), factors)
            dirs = ray_directions(rng, rc.batch, rc.x0.shape[1], ctx.size(8, 12))
            sup, unbounded, _ = sup_S_on_rays(rc.problem, rc.params["lam"], dirs)
            parts.append(rc)
            sups.append(sup)
            unb.append(unbounded)
        return concat(parts), np.concatenate(sups), np.concatenate(unb)
    return ctx.shared(f"geometry.S.{variant}", build)


def _check_radius(ctx: Context, variant: str, radius=None) -> Verdict:
    """Compare the measured extent of ``S_lambda`` with ``radius(lam, ProblemConstants)``."""
    radius = radius or partial(bounds.lemma1_radius, variant=variant)
    params, sup, unbounded = measure_S(ctx, variant)
    lam, mu, L = params["lam"], params["mu"], params["L"]
    problem = bounds.ProblemConstants.of(params)
    inside = params["factor"] < 1.0
    bound = radius(lam, problem)  # inf where lambda >= 2c: no bound there
    ratio = np.where(unbounded, np.inf, sup / bound)
    verdict, cases, worst, witness = worst_case(ratio, inside, params, seed=ctx.seed,
                                                observed=sup, bound=bound)
    other = "tight" if variant == "paper" else "paper"
    beyond = ~inside
    unb_beyond = int((unbounded & beyond).sum())
    # 2mu/L <= lambda < 2c_tight; at kappa = 1 the two thresholds coincide (up to rounding)
    paper_thr, tight_thr = (bounds.lemma1_threshold(mu, L, v) for v in ("paper", "tight"))
    between = beyond & (lam < tight_thr) & ~np.isclose(tight_thr, paper_thr, rtol=1e-12)
    details = {
        "unbounded_inside": int((unbounded & inside).sum()),
        "beyond_unbounded": unb_beyond,
        "beyond_cases": int(beyond.sum()),
        "median_ratio": float(np.median(ratio[inside])) if cases else None,
    }
    nd = inside & (params["kappa"] > 1)
    details["worst_ratio_kappa_above_1"] = float(np.max(ratio[nd])) if nd.any() else None
    if variant == "tight":  # the constructive radius is claimed to be attained (kappa > 1)
        verdict, ratio_text, more = attained(verdict, ratio, nd, worst, "kappa = 1")
        details.update(more)
    else:  # the paper's radius claims no tightness: say where its 1 comes from
        ratio_text = describe_ratio(worst, details["worst_ratio_kappa_above_1"], "kappa = 1")
    extra = ""
    if variant == "paper":
        r_other = sup / bounds.lemma1_radius(lam, problem, other)
        details["worst_ratio_tight_radius"] = float(np.max(r_other[inside])) if cases else None
        details["between_thresholds"] = int(between.sum())
        details["between_bounded"] = int((between & ~unbounded).sum())
        extra = (f"; against the tight radius {details['worst_ratio_tight_radius']:.3g}"
                 if cases else "")
        extra += (f"; for 2mu/L <= lambda < 2c (beyond the paper) S stayed bounded in "
                  f"{details['between_bounded']}/{details['between_thresholds']} cases")
    finding = (f"{'SOME' if verdict == 'violated' else 'no'} point of S_lambda outside the "
               f"{variant} radius in {cases} cases (lambda < 2c_{variant}); "
               f"{ratio_text} (median {details['median_ratio']:.3g})"
               f"{extra}; beyond the threshold S_lambda reached the "
               f"farthest probe (1e7 ||x*||) in {unb_beyond}/{int(beyond.sum())} cases")
    short = (f"{'SOME' if verdict == 'violated' else 'no'} point of S_lambda outside the "
             f"{variant} radius ({cases} cases)"
             + ("; NOT TIGHT for kappa > 1" if verdict == "not tight" else ""))
    if details["unbounded_inside"]:
        short = f"S_lambda UNBOUNDED inside the hypotheses in {details['unbounded_inside']} cases"
        finding = f"{short}; {finding}"
    data = figures.RadiusData(params["kappa"], params["factor"], ratio, inside, unbounded)
    return Verdict(verdict, cases, worst, finding, witness, beyond=int(beyond.sum()),
                   details=details, figure_data=data, summary=short)


@register(
    id="lemma1", section="2.1", title="S_lambda is bounded", kind="paper", confidence="medium",
    basis=("the text names the set S_lambda and says it is bounded for small lambda; the lower "
           "bound on cos alpha it uses is most likely mu/L (appendix), which fixes the threshold"
           " 2 mu/L, but that constant is inferred"),
    proved=True,
    hypotheses="f mu-strongly convex with L-Lipschitz gradient; 0 < lambda < 2 mu/L "
               "(the paper's cos bound c = mu/L)",
    claim="S_lambda = {x != 0 : ||x+ - x*|| >= ||x - x*||} is bounded",
    how="rays x* + t d from the minimiser (random and two-eigenvector directions), t on a log "
        "grid to 1e7 ||x*||, bisection on the boundary; membership by one real LARS step; the "
        "largest distance found vs the radius with c = mu/L",
    formulas=(("cos bound (paper)", bounds.COS_PAPER), ("threshold", bounds.LEMMA1_THRESHOLD),
              ("radius", bounds.LEMMA1_RADIUS)),
    figure=partial(figures.radius, name="lemma1", label="Lemma 1: S_lambda vs the paper radius"),
)
def check_lemma1(ctx: Context, radius=None) -> Verdict:
    """Lemma 1 with the paper's ``c = mu/L``; ``radius`` overrides the bound (for tests)."""
    return _check_radius(ctx, "paper", radius)


@register(
    id="lemma1.explicit_radius", section="3.2", title="constructive radius of S_lambda",
    basis=("a question larscheck adds; the radius follows from the membership test of S_lambda "
           "and the triangle inequality, derived and proved here"),
    kind="beyond", confidence="high", proved=False,
    hypotheses="f mu-strongly convex, L-smooth; 0 < lambda < 2c with the tight "
               "c = 2 sqrt(mu L)/(mu + L)",
    claim="S_lambda lies in the ball of radius lambda ||x*|| / (2c - lambda) around x*",
    how="as lemma1, against the radius with the tight c; the ratio says how tight it is; "
        "SymPy proof of the containment and of a point of S_lambda at distance R "
        "(theory.certificates.tight)",
    formulas=(("cos bound (tight)", bounds.COS_TIGHT), ("radius", bounds.LEMMA1_RADIUS)),
    figure=partial(figures.radius, name="lemma1_explicit_radius",
                   label="Constructive radius (tight c)"),
    evidence="proof",
)
def check_explicit_radius(ctx: Context, radius=None, constant=None) -> Verdict:
    """The constructive radius with the tight ``c``; ``radius`` overrides it (for tests).

    Backed by :func:`~larscheck.theory.certificates.tight.prove_explicit_radius` of the
    cos bound ``constant`` (SymPy, default the tight ``c``)."""
    return with_proof(_check_radius(ctx, "tight", radius), tight.prove_explicit_radius(constant))


@register(
    id="cos_bound.tight", section="3.1", title="tight lower bound on cos alpha", kind="beyond",
    basis=("a question larscheck adds; the bound is a standard result (co-coercivity and the "
           "arithmetic-geometric mean inequality, equality on quadratics), proved here by SymPy"),
    confidence="high", proved=False,
    hypotheses="f mu-strongly convex with L-Lipschitz gradient, x != x*",
    claim="cos alpha >= 2 sqrt(mu L)/(mu + L) (and it is attained); the paper uses mu/L",
    how="cos alpha at points x* + t d (t on a log grid, random and two-eigenvector directions) "
        "of the quadratic and logistic problems; ratio = bound / observed (1 = attained); "
        "SymPy proof that the constant is the minimum over SPD spectra in [mu, L] "
        "(reduction to the extreme eigenvalues, two-point minimum, attaining point) "
        "and bounds cos alpha for the class (theory.certificates.tight)",
    formulas=(("tight", bounds.COS_TIGHT), ("paper", bounds.COS_PAPER)),
    figure=figures.cos_bound, evidence="proof",
)
def check_cos_bound(ctx: Context, cos_bound=None, constant=None) -> Verdict:
    """``min cos alpha`` per problem against ``cos_bound(mu, L)`` (default: the tight bound),
    backed by :func:`~larscheck.theory.certificates.tight.prove_cos_bound` of ``constant``
    (a SymPy expression in ``mu``, ``L``; default the tight one, and then also the
    numeric bound when ``cos_bound`` is not given)."""
    if cos_bound is None:
        cos_bound = (partial(bounds.cos_lower_bound, variant="tight") if constant is None
                     else sp.lambdify((mu, L), constant, "numpy"))
    rng = ctx.rng("cos_bound.directions")
    parts, mins = [], []
    for cases in geometry_cases(ctx):
        dim = cases.x0.shape[1]
        dirs = ray_directions(rng, cases.batch, dim, ctx.size(16, 48))
        worst = np.full(cases.batch, np.inf)
        for t in np.geomspace(1e-2, 1e3, 6):
            for j in range(dirs.shape[1]):
                x = cases.problem.xstar + t * cases.params["xstar_norm"][:, None] * dirs[:, j]
                worst = np.minimum(worst, cos_alpha(cases.problem, x))
        parts.append(cases)
        mins.append(worst)
    params, observed = concat(parts), np.concatenate(mins)
    bound = cos_bound(params["mu"], params["L"])
    ratio = bound / observed
    verdict, cases, worst, witness = worst_case(ratio, np.ones(ratio.size, bool), params,
                                                seed=ctx.seed, observed=observed, bound=bound)
    paper = bounds.cos_lower_bound(params["mu"], params["L"], "paper")
    loose = observed / paper
    # attained on quadratics (two-eigenvector directions); kappa = 1 is trivial (cos = 1)
    quad = np.char.startswith(params["group"].astype(str), "quadratic") & (params["kappa"] > 1)
    verdict, ratio_text, details = attained(verdict, ratio, quad, worst, "kappa = 1")
    finding = (f"min cos alpha >= bound in {cases} problems; {ratio_text} (quadratics with "
               f"kappa > 1); the paper's mu/L is below the observed minimum by a "
               f"factor up to {np.max(loose):.3g} (median {np.median(loose):.3g})")
    details.update({"paper_looseness_max": float(np.max(loose)),
                    "paper_looseness_median": float(np.median(loose)),
                    "closest_quadratic": details["worst_ratio_nontrivial"]})
    data = figures.CosBoundData(params["kappa"], observed, bound, paper)
    return with_proof(Verdict(verdict, cases, worst, finding, witness, details=details,
                              figure_data=data), tight.prove_cos_bound(constant))


def with_proof(verdict: Verdict, proof: dict) -> Verdict:
    """``verdict`` backed by a SymPy ``proof`` (:mod:`larscheck.theory.certificates.tight`):
    evidence ``"proof"`` when every obligation is proved and the sampled verdict agrees
    (``holds``), else ``"sampled"``; the finding says which obligations failed, and the
    proof is the verdict's certificate."""
    if proof["proved"]:
        note = f"SymPy proof: {', '.join(proof['obligations'])} proved"
    else:
        note = "SymPy proof FAILED: " + ", ".join(
            f"{name} ({proof['obligations'][name]['result']})" for name in proof["failed"])
    proved = proof["proved"] and verdict.verdict == "holds"
    return dataclasses.replace(verdict, finding=f"{verdict.finding}; {note}",
                               evidence="proof" if proved else "sampled", certificate=proof)

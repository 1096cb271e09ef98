"""Conjecture 1 (2.2, 3.4): is ``cos alpha`` bounded away from 0 far out, for merely convex f?

The first, simple check samples members of the convex family
:mod:`larscheck.sims.convex_family` with ``mu = 0`` (random atoms among the
built-in ones, random weights, spanning directions and ``x*``), and on spheres
``||x|| = r`` of growing radius it takes the smallest ``cos alpha`` over uniform
samples, refined by a short local random search on the sphere continued from
the previous radius. The trend of ``m(r) = min cos alpha`` in ``r`` (fitted
power law, :func:`larscheck.proofs_check.search.witness.cos_trend`) is the evidence.
A candidate witness is then verified independently
(:func:`larscheck.proofs_check.search.witness.verify_witness`: gradient against finite
differences, sampled convexity, smoothness, uniqueness of ``x*``, trend); only
a verified witness refutes the conjecture. No witness means ``inconclusive``:
sampling cannot prove a liminf.

**Search hook.** An adversarial search plugs in with
``registry.plug_search("conjecture1", search)``: ``search(ctx)`` returns ``None``
or a witness dict ``{"function", "points", "cos_alpha", ...}`` (the format of
``larscheck search``). The witness is verified again here by
:func:`~larscheck.proofs_check.search.witness.verify_witness`, whatever its own
``verified`` field says; when that verification refutes, it refutes the
conjecture and takes precedence over the sampled one.

**Certificate.** The witness is then certified
(:func:`larscheck.proofs_check.search.certificate.certify_witness`): when every
obligation is proved and re-checked, the verdict's evidence is ``"proof"`` ("refuted
(proved)") and its certificate is in the JSON; otherwise the refutation stays
numerical and the finding names the failed obligations.

On the witness, LARS is then run from its farthest point (STATEMENTS 3.4: is
Theorem 1 still true for merely convex f?) and ``sup ||x_k - x*|| / ||x0 - x*||``
is reported.
"""

from __future__ import annotations

import numpy as np

from larscheck.proofs_check import figures
from larscheck.proofs_check.context import Context
from larscheck.proofs_check.measure import cos_alpha
from larscheck.proofs_check.registry import plugged_search, register
from larscheck.proofs_check.search.certificate import certify_witness
from larscheck.proofs_check.search.hooks import conjecture_hook
from larscheck.proofs_check.search.witness import cos_trend, trend_inputs, verify_witness
from larscheck.proofs_check.verdict import Verdict
from larscheck.sims import LARS
from larscheck.sims.convex_family import ConvexFamily
from larscheck.sims.problems import random_directions

#: Atoms drawn for the members (every built-in one).
ATOM_KINDS = ("quadratic", "pseudo_huber", "log_cosh", "softplus", "huber")
#: Radii ``||x||`` of the spheres (log-spaced).
RADII = np.geomspace(1e1, 1e7, 13)
#: Local random search on each sphere: proposals per round, rounds, first step
#: (radians) and its shrink factor per round (0.3 * 0.7^40 ~ 2e-7 rad, below the
#: ``r^{-1/2}`` width of the valleys of cos alpha at r = 1e7; the search continues
#: from the previous radius, so a coarse valley found early is followed outwards).
PROPOSALS, ROUNDS, FIRST_STEP, SHRINK = 16, 40, 0.3, 0.7
#: Rate and steps of the LARS run on a witness (3.4).
WITNESS_LAMBDA, WITNESS_STEPS = 0.1, 2000


def random_members(rng: np.random.Generator, dim: int, batch: int) -> ConvexFamily:
    """``batch`` members with ``mu = 0`` and ``dim + 1`` atoms of random kinds (shared by
    the batch)."""
    m = dim + 1
    kinds = tuple(rng.choice(ATOM_KINDS, size=m))
    weights = np.exp(rng.uniform(np.log(0.1), np.log(10.0), size=(batch, m)))
    directions = random_directions(rng, batch * m, dim).reshape(batch, m, dim)
    xstar = random_directions(rng, batch, dim) * np.exp(rng.uniform(np.log(0.1), np.log(10.0),
                                                                     size=(batch, 1)))
    return ConvexFamily(kinds, weights, directions, xstar, mu=0.0)


def min_cos_on_spheres(rng: np.random.Generator, member: ConvexFamily, samples: int):
    """``m(r)`` and its points: ``(B, R)`` values and ``(B, R, n)`` points, for every radius."""
    batch, dim = member.batch, member.dim
    many = member.repeat(samples)
    few = member.repeat(PROPOSALS)
    best_u = random_directions(rng, batch, dim)
    mins = np.empty((batch, RADII.size))
    points = np.empty((batch, RADII.size, dim))
    for i, r in enumerate(RADII):
        u = random_directions(rng, batch * samples, dim).reshape(batch, samples, dim)
        u[:, 0] = best_u
        c = cos_alpha(many, r * u.reshape(-1, dim)).reshape(batch, samples)
        c = np.where(np.isfinite(c), c, np.inf)
        pick = np.argmin(c, axis=1)
        best_u, best = u[np.arange(batch), pick], c[np.arange(batch), pick]
        step = FIRST_STEP
        for _ in range(ROUNDS):
            prop = best_u[:, None, :] + step * rng.standard_normal((batch, PROPOSALS, dim))
            prop /= np.linalg.norm(prop, axis=2, keepdims=True)
            cp = cos_alpha(few, r * prop.reshape(-1, dim)).reshape(batch, PROPOSALS)
            cp = np.where(np.isfinite(cp), cp, np.inf)
            j = np.argmin(cp, axis=1)
            better = cp[np.arange(batch), j] < best
            best_u = np.where(better[:, None], prop[np.arange(batch), j], best_u)
            best = np.where(better, cp[np.arange(batch), j], best)
            step *= SHRINK
        mins[:, i] = best
        points[:, i] = r * best_u
    return mins, points


def lars_on_witness(ctx: Context, function: dict, start) -> dict:
    """Run LARS on a witness from ``start``: is Theorem 1's boundedness kept (3.4)?"""
    member = ConvexFamily.from_dict(function)
    x0 = np.asarray(start, dtype=np.float64)[None, :]
    traj = ctx.simulate(member, LARS(), x0, WITNESS_STEPS, WITNESS_LAMBDA, checkpoints=2)
    dist0 = float(np.linalg.norm(x0 - member.xstar))
    return {"lambda": WITNESS_LAMBDA, "steps": WITNESS_STEPS, "dist0": dist0,
            "sup_dist_over_dist0": float(traj.max_dist[0] / dist0),
            "final_dist_over_dist0": float(traj.dist_at[0, -1] / dist0),
            "diverged": bool(traj.diverged[0])}


@register(
    id="conjecture1", section="2.2", title="cos alpha bounded away from 0 far out (convex f)",
    basis=("the conjecture's exact wording is lost; larscheck checks the reading that cos alpha "
           "stays bounded away from 0 far from x* for convex L-smooth f (a weaker reading, "
           "S_lambda bounded, is also plausible)"),
    kind="paper", confidence="low", proved=False,
    hypotheses="f convex with L-Lipschitz gradient and a unique minimiser (no strong convexity)",
    claim="liminf_{||x|| -> inf} cos alpha(x) > 0",
    how="members of the convex atom family with mu = 0; min cos alpha on spheres ||x|| = r, "
        "r = 1e1..1e7 (uniform samples + local search continued over r); power-law trend; "
        "a candidate witness verified independently (gradient, convexity, smoothness, "
        "uniqueness, trend); a plugged adversarial search (registry.plug_search) takes "
        "precedence; the witness is then certified (search.certificate: curve x* + t u + "
        "sqrt(t) v fitted, SymPy convexity/smoothness/uniqueness, cos alpha <= C t^(-1/2) by "
        "an explicit bound in interval arithmetic, re-checked in exact arithmetic)",
    formulas=(),
    figure=figures.conjecture, search=conjecture_hook,
)
def check_conjecture(ctx: Context, members=None) -> Verdict:
    """Sampled check (``members``: list of :class:`ConvexFamily` batches to use instead)."""
    rng = ctx.rng("conjecture1.members")
    if members is None:
        members = [random_members(rng, dim, ctx.size(2, 6))
                   for dim in (2, 3) for _ in range(ctx.size(2, 5))]
    evidence, best = [], None
    for batch in members:
        mins, points = min_cos_on_spheres(rng, batch, ctx.size(32, 128))
        for i in range(batch.batch):
            _, gnorm, lower = trend_inputs(ConvexFamily.from_dict(batch.to_dict(i)), points[i])
            trend = cos_trend(RADII, mins[i], gnorm, lower)
            evidence.append(trend["evidence"])
            if trend["evidence"] == "liminf = 0" and (best is None or mins[i, -1] < best[0]):
                best = (mins[i, -1], batch, i, points[i], mins[i], trend)
    total = len(evidence)
    counts = {e: evidence.count(e) for e in ("liminf = 0", "against", "inconclusive")}
    witness, source = None, "sampling"
    search = plugged_search("conjecture1")
    if search is not None:
        found = search(ctx)
        if found:  # re-verified here: a search's own "verified" flag is not trusted
            witness, source = dict(found), "search"
            witness["verified"] = verify_witness(witness, seed=ctx.seed)
            if not witness["verified"]["refutes"]:
                witness, source = None, "sampling"
    if witness is None and best is not None:
        _, batch, i, pts, mins, trend = best
        witness = {"statement": "conjecture1", "function": batch.to_dict(i),
                   "points": pts.tolist(), "cos_alpha": mins.tolist()}
        witness["verified"] = verify_witness(witness, seed=ctx.seed)
        if not witness["verified"]["refutes"]:
            witness = None
    cases = total * RADII.size
    summary = (f"{total} members (mu = 0) x {RADII.size} radii: trend of min cos alpha says "
               f"liminf = 0 for {counts['liminf = 0']}, levels off for {counts['against']}, "
               f"unclear for {counts['inconclusive']}")
    if witness is None:
        return Verdict("inconclusive", cases, None, summary + "; no verified witness (sampling "
                       "cannot prove a positive liminf)", details={"evidence": counts})
    witness["seed"] = ctx.seed
    witness["source"] = source
    cos = np.asarray(witness["cos_alpha"], dtype=np.float64)
    norms = np.linalg.norm(np.asarray(witness["points"], dtype=np.float64), axis=1)
    witness["lars"] = lars_on_witness(ctx, witness["function"], witness["points"][-1])
    kinds = "+".join(a["kind"] for a in witness["function"]["atoms"])
    lars = witness["lars"]
    try:
        certificate = certify_witness(witness)
    except ValueError as exc:  # e.g. too few points to fit a curve: no certificate
        certificate = {"evidence": "sampled", "error": str(exc)}
    proved = certificate["evidence"] == "proof"
    finding = (f"REFUTED ({'proved' if proved else 'numerical'}) by a verified witness "
               f"({source}; atoms {kinds}): {_certificate_note(certificate)}; cos alpha falls from "
               f"{cos[0]:.3g} at ||x|| = {norms[0]:.3g} to {cos[-1]:.3g} at {norms[-1]:.3g} "
               f"(slope {witness['verified']['trend']['slope']:.3g}); {summary}; LARS "
               f"(lambda = {lars['lambda']}) from the farthest point: sup ||x_k - x*|| / "
               f"||x0 - x*|| = {lars['sup_dist_over_dist0']:.3g}"
               f"{', DIVERGED' if lars['diverged'] else ''}")
    return Verdict("refuted", cases, None, finding, witness, details={"evidence": counts},
                   figure_data=figures.WitnessTrend(norms, cos),
                   summary=f"verified witness: cos alpha {cos[0]:.3g} -> "
                           f"{cos[-1]:.3g} as ||x|| grows to {norms[-1]:.3g}",
                   evidence="proof" if proved else "sampled", certificate=certificate)


def _certificate_note(certificate: dict) -> str:
    """What the certificate (:func:`~.search.certificate.certify_witness`) establishes, or
    which obligations failed (the builder's and the independent checker's)."""
    if "error" in certificate:
        return f"no certificate ({certificate['error']})"
    curve = certificate["data"]["curve"]
    if certificate["evidence"] == "proof":
        return (f"certificate re-checked, cos alpha(x* + t u + sqrt(t) v) <= {curve['C']} "
                f"t^(-1/2) for all t >= {curve['t0']:.3g}")
    failed = list(dict.fromkeys(certificate["failed"] + certificate["check"]["failed"]))
    reasons = "; ".join(f"{k}: {certificate['obligations'][k]['result']}" for k in failed)
    return f"certificate FAILED ({reasons or 'builder and checker disagree'})"

r"""Re-check a Conjecture 1 certificate from its data alone.

:func:`check_certificate` reads only ``certificate["data"]`` (the member, the
claimed ``L``, the curve ``u, v``, ``t0`` and ``C``) and decides every
obligation of :mod:`.family` again, ignoring the builder's ``ok`` flags and
numbers; it then reports whether its findings agree with what the certificate
records. The atom facts are proved again by SymPy (:func:`~.atoms.atom_facts`),
and the rest in exact rational arithmetic (:mod:`.exact`) instead of the
builder's SymPy matrices and mpmath intervals:

- ``smoothness``: :math:`L I - M \succeq 0` by exact symmetric elimination;
- ``uniqueness``: the rank of the directions by exact Gaussian elimination;
- ``decay``: :math:`\langle a_i, u\rangle = 0` exactly for the quadratic atoms, and
  :math:`C \ge P(s_0)` with every norm enclosed by integer square roots
  (:func:`~.exact.sqrt_bounds`): numerator rounded up, denominators down.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from fractions import Fraction

from larscheck.theory.certificates import exact
from larscheck.theory.certificates.family import (
    OBLIGATIONS,
    Member,
    decay_terms,
    rational_upper,
)


def _convexity(member: Member) -> tuple[bool, str]:
    bad = [f"atom {i} ({k}): {f.reason}" for i, (k, f) in
           enumerate(zip(member.kinds, member.facts, strict=True)) if not f.ok]
    bad += [f"atom {i}: weight < 0" for i, w in enumerate(member.weights) if w < 0]
    bad += ["mu < 0"] if member.mu < 0 else []
    return not bad, "; ".join(bad) or "every atom convex, weights and mu >= 0"


def _smoothness(member: Member, claimed: Fraction) -> tuple[bool, str]:
    if not all(f.ok for f in member.facts):
        return False, "an atom is not proved convex with bounded phi''"
    coef = [w * rational_upper(f.sup_curvature) for w, f in
            zip(member.weights, member.facts, strict=True)]
    m = exact.quadratic_form(member.directions, coef, member.dim)
    gap = [[(claimed if i == j else 0) - member.mu * (i == j) - m[i][j]
            for j in range(member.dim)] for i in range(member.dim)]
    if exact.is_psd(gap):
        return True, f"L I - M is PSD (exact elimination), L = {float(claimed):.10g}"
    return False, f"L I - M is not PSD: claimed L = {float(claimed):.10g} is too small"


def _uniqueness(member: Member) -> tuple[bool, str]:
    if member.mu > 0:
        return True, "mu > 0"
    rows = [a for a, w in zip(member.directions, member.weights, strict=True) if w > 0]
    rank = exact.rank(rows) if rows else 0
    strict = all(f.ok and f.strict_at_0 for f, w in
                 zip(member.facts, member.weights, strict=True) if w > 0)
    if rank < member.dim:
        return False, f"rank {rank} < n = {member.dim}"
    return strict, ("rank n and every atom strictly convex at 0" if strict else
                    "an atom is not proved strictly convex at 0")


def _decay(member: Member, curve: Mapping) -> tuple[bool, str]:
    u, v = exact.vector(curve["u"]), exact.vector(curve["v"])
    if len(u) != member.dim or len(v) != member.dim:
        return False, "u, v have the wrong length"
    t0 = curve.get("t0")
    if curve.get("C") is None or t0 is None:
        return False, "no constant C or start t0 recorded"
    t0 = int(t0)
    root = math.isqrt(max(t0, 0))
    if t0 < 1 or root * root != t0:
        return False, f"t0 = {t0} is not a positive perfect square"
    s0, constant = Fraction(1, root), exact.rational(curve["C"])
    quad, bounded, reason = decay_terms(member, u, v)
    if reason:
        return False, reason
    qv = exact.matvec(exact.quadratic_form([a for _, a in quad], [c for c, _ in quad],
                                           member.dim), v)
    if not any(qv):
        return False, "Q v = 0: the gradient stays bounded along the curve"
    big_a = sum((c * abs(exact.dot(a, u)) for c, a in bounded), Fraction(0))
    big_b = sum((c * abs(exact.dot(a, v)) for c, a in bounded), Fraction(0))
    big_k = sum((c * exact.norm_bounds(a)[1] for c, a in bounded), Fraction(0))
    den1 = exact.norm_bounds(qv)[0] - big_k * s0
    den2 = exact.norm_bounds(u)[0] - exact.norm_bounds(v)[1] * s0
    if den1 <= 0 or den2 <= 0:
        return False, f"t0 = {t0} is too small for the bound (a denominator is not positive)"
    p_hi = (exact.dot(v, qv) + big_a + s0 * big_b) / (den1 * den2)
    if constant < p_hi:
        return False, f"C = {float(constant):.6g} < P(s0) <= {float(p_hi):.6g}"
    return True, f"cos alpha <= {curve['C']} t^(-1/2) for t >= {t0} (P(s0) <= {float(p_hi):.6g})"


def check_certificate(certificate: Mapping, expressions: Mapping | None = None) -> dict:
    """Decide every obligation again from ``certificate["data"]``.

    Parameters
    ----------
    certificate : Mapping
        As made by :func:`~.family.build_certificate`.
    expressions : Mapping, optional
        SymPy forms of atoms without a built-in one (never parsed from the data).

    Returns
    -------
    dict
        ``{"obligations": {name: {"ok", "result"}}, "proved": bool, "failed": [...],
        "agrees": bool}``; ``agrees`` says whether each recorded ``ok`` matches.
    """
    try:
        data = certificate["data"]
        member = Member(data["function"], expressions)
        claimed = exact.rational(data["claimed_L"])
        curve = data["curve"]
    except (KeyError, TypeError, ValueError) as exc:
        return {"obligations": {}, "proved": False, "failed": list(OBLIGATIONS),
                "agrees": False, "error": f"malformed certificate: {exc}"}
    found = {"convexity": _convexity(member), "smoothness": _smoothness(member, claimed),
             "uniqueness": _uniqueness(member), "decay": _decay(member, curve)}
    obligations = {k: {"ok": bool(ok), "result": text} for k, (ok, text) in found.items()}
    recorded = certificate.get("obligations", {})
    agrees = all(recorded.get(k, {}).get("ok") == obligations[k]["ok"] for k in OBLIGATIONS)
    failed = [k for k in OBLIGATIONS if not obligations[k]["ok"]]
    return {"obligations": obligations, "proved": not failed, "failed": failed,
            "agrees": bool(agrees)}

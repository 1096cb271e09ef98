r"""Build a certificate that a member of the convex family refutes Conjecture 1.

A member (the witness format of :mod:`larscheck.sims.convex_family`, here only a
mapping of numbers: this package does not import the simulator) is

.. math:: f(x) = \sum_i w_i\,\phi_i(\langle a_i, y\rangle) + \tfrac{\mu}{2}\|y\|^2,
          \qquad y = x - x^* ,

and the claim to certify is: ``f`` is convex, has an ``L``-Lipschitz gradient for
the claimed ``L`` and the unique minimiser :math:`x^*`, and along the curve
:math:`x(t) = x^* + t u + \sqrt{t}\, v`

.. math:: \cos\alpha(x(t)) \le C\, t^{-1/2} \quad \text{for all } t \ge t_0 ,

so :math:`\|x(t)\| \to \infty` while :math:`\cos\alpha \to 0`: Conjecture 1 fails.
The four obligations (:func:`build_certificate`; the proofs are in
:func:`decay_bound` and in the docstrings below):

``convexity``
    every atom convex, :math:`C^1`, :math:`\phi(0) = \phi'(0) = 0`
    (:func:`~.atoms.atom_facts`, SymPy), every :math:`w_i \ge 0`, :math:`\mu \ge 0`;
``smoothness``
    with :math:`c_i \ge \sup\phi_i''` (SymPy, rounded up to a rational),
    :math:`\nabla f(y) - \nabla f(z) = B (y - z)`,
    :math:`B = \mu I + \sum_i w_i \theta_i a_i a_i^T`, :math:`\theta_i \in [0, c_i]`
    (mean value of the monotone, :math:`c_i`-Lipschitz :math:`\phi_i'`), so
    :math:`0 \preceq B \preceq M = \mu I + \sum_i w_i c_i a_i a_i^T` and
    :math:`L_{\text{true}} \le \lambda_{\max}(M) \le \mu + \sum_i w_i c_i \|a_i\|^2`;
    the claimed ``L`` is proved valid when :math:`L I - M \succeq 0` (exact SymPy
    test on the rational matrix);
``uniqueness``
    :math:`f(x) - f(x^*) \ge 0` with equality iff every :math:`\phi_i(\langle a_i,
    y\rangle) = 0` and :math:`\mu\|y\|^2 = 0`; an atom strictly convex at 0
    (:math:`\phi''(0^\pm) > 0`) vanishes only at 0, so equality forces
    :math:`\langle a_i, y\rangle = 0` for all i, hence :math:`y = 0` when the
    :math:`a_i` have rank ``n`` (exact SymPy rank) or :math:`\mu > 0`;
``decay``
    :func:`decay_bound`, evaluated in mpmath interval arithmetic.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from decimal import Decimal
from fractions import Fraction

import sympy as sp
from mpmath import iv

from larscheck.theory.certificates.atoms import atom_facts
from larscheck.theory.certificates.exact import (
    is_psd,
    project_out,
    quadratic_form,
    rational,
    text,
    vector,
)

#: The first admissible ``s0 = t0^(-1/2)`` is at most this fraction of the largest
#: one the bound allows (where a denominator of :func:`decay_bound` vanishes).
SAFETY = 0.5

#: Precision (bits) of the interval arithmetic.
PRECISION = 256

#: Significant digits of the reported constant ``C`` (rounded up).
C_DIGITS = 3

CLAIM = ("f is convex with an L-Lipschitz gradient and the unique minimiser x*, and "
         "cos alpha(x* + t u + sqrt(t) v) <= C t^(-1/2) for all t >= t0; hence "
         "liminf_{||x|| -> inf} cos alpha(x) = 0 (Conjecture 1 fails for f)")


class Member:
    """The exact data of a member: weights, directions, ``x*``, ``mu`` as Fractions."""

    def __init__(self, function: Mapping, expressions: Mapping | None = None):
        try:
            atoms = list(function["atoms"])
            self.kinds = [str(a["kind"]) for a in atoms]
            self.weights = [rational(a["weight"]) for a in atoms]
            self.directions = [vector(a["direction"]) for a in atoms]
            self.xstar = vector(function["xstar"])
            self.mu = rational(function.get("mu", 0.0))
        except (KeyError, TypeError) as exc:
            raise ValueError(f"not a family member: missing or malformed field {exc}") from None
        self.dim = len(self.xstar)
        if not atoms or any(len(a) != self.dim for a in self.directions):
            raise ValueError(f"a member needs atoms with directions of length {self.dim}")
        expressions = expressions or {}
        self.facts = [atom_facts(k, expressions.get(k)) for k in self.kinds]


def rational_upper(value: sp.Expr) -> Fraction:
    """A rational ``>= value`` (the value itself when rational), for a finite real."""
    value = sp.nsimplify(value) if value.is_Float else value
    if value.is_Rational:
        return Fraction(int(value.p), int(value.q))
    scale = 2**64
    return Fraction(int(sp.ceiling(value * scale)), scale)


def _matrix(rows) -> sp.Matrix:
    return sp.Matrix([[sp.Rational(x.numerator, x.denominator) for x in r] for r in rows])


def _gram(member: Member, coefficients: Sequence[Fraction], add_mu: bool) -> sp.Matrix:
    """``mu I + sum_i coefficients_i w_i a_i a_i^T`` as an exact SymPy matrix."""
    a = _matrix(member.directions)
    d = sp.diag(*[sp.Rational(c.numerator, c.denominator) * sp.Rational(w.numerator,
                                                                         w.denominator)
                  for c, w in zip(coefficients, member.weights, strict=True)])
    mu = sp.Rational(member.mu.numerator, member.mu.denominator) if add_mu else 0
    return a.T * d * a + mu * sp.eye(member.dim)


def prove_convexity(member: Member) -> dict:
    """Obligation ``convexity`` (module docstring)."""
    failed = [f"atom {i} ({k}): {f.reason}" for i, (k, f) in
              enumerate(zip(member.kinds, member.facts, strict=True)) if not f.ok]
    failed += [f"atom {i}: weight {w} < 0" for i, w in enumerate(member.weights) if w < 0]
    if member.mu < 0:
        failed.append(f"mu = {member.mu} < 0")
    return {"ok": not failed, "method": "SymPy: each piece's phi'' extrema from the zeros of "
            "phi''' (solveset) and its ends (limits), exact C^1 joins; weights, mu >= 0 exactly",
            "result": "; ".join(failed) or "every atom convex (inf phi'' >= 0), weights >= 0",
            "atoms": [dict(f.to_dict(), kind=k) for k, f in
                      zip(member.kinds, member.facts, strict=True)]}


def prove_smoothness(member: Member, claimed_L) -> dict:
    """Obligation ``smoothness``: the claimed ``L`` bounds ``lambda_max(M)`` (module doc)."""
    out = {"method": "SymPy sup phi'' per atom (rounded up to rationals); exact SymPy PSD "
           "test of L I - M, M = mu I + sum_i w_i sup phi_i'' a_i a_i^T", "claimed_L": None}
    if not all(f.ok for f in member.facts):
        return {**out, "ok": False, "result": "needs every atom convex with bounded phi''"}
    curv = [rational_upper(f.sup_curvature) for f in member.facts]
    trace = member.mu + sum((w * c * sum(x * x for x in a) for w, c, a in
                             zip(member.weights, curv, member.directions, strict=True)),
                            Fraction(0))
    claimed = rational(claimed_L)
    gap = sp.Rational(claimed.numerator, claimed.denominator) * sp.eye(member.dim) \
        - _gram(member, curv, add_mu=True)
    ok = bool(claimed >= trace or gap.is_positive_semidefinite)
    return {**out, "ok": ok, "claimed_L": float(claimed), "sum_bound": float(trace),
            "sup_phi2": [text(c) for c in curv],
            "result": (f"L = {float(claimed):.10g} >= lambda_max(M) (proved; the cruder bound "
                       f"mu + sum w_i sup phi_i'' ||a_i||^2 = {float(trace):.10g})") if ok else
                      (f"claimed L = {float(claimed):.10g} < lambda_max(M): L I - M is not PSD "
                       f"(a proved constant is {float(trace):.10g})")}


def smallest_valid_L(function: Mapping, start: float, max_ulps: int,
                     expressions: Mapping | None = None) -> tuple[float, int] | None:
    """The first float ``L >= start``, at most ``max_ulps`` steps up, with ``L I - M``
    PSD (exact; ``M`` as in :func:`prove_smoothness`), and the steps taken; ``None`` if
    there is none. A float ``lambda_max`` from ``eigvalsh`` can fall an ulp or two below
    the exact one: this finds the float the certificate can prove."""
    member = Member(function, expressions)
    if not all(f.ok for f in member.facts):
        return None
    coef = [w * rational_upper(f.sup_curvature) for w, f in
            zip(member.weights, member.facts, strict=True)]
    m = quadratic_form(member.directions, coef, member.dim)
    value = float(start)
    for steps in range(max_ulps + 1):
        gap = [[(rational(value) - member.mu if i == j else 0) - m[i][j]
                for j in range(member.dim)] for i in range(member.dim)]
        if is_psd(gap):
            return value, steps
        value = math.nextafter(value, math.inf)
    return None


def prove_uniqueness(member: Member) -> dict:
    """Obligation ``uniqueness`` (module docstring)."""
    positive = [i for i, w in enumerate(member.weights) if w > 0]
    rank = _matrix([member.directions[i] for i in positive]).rank() if positive else 0
    strict = all(member.facts[i].ok and member.facts[i].strict_at_0 for i in positive)
    ok = member.mu > 0 or (rank == member.dim and strict)
    reason = ("mu > 0" if member.mu > 0 else
              f"the directions of positive weight have rank {rank} = n and every atom is "
              f"strictly convex at 0" if ok else
              f"rank {rank} < n = {member.dim}" if rank < member.dim else
              "an atom is not proved strictly convex at 0")
    return {"ok": bool(ok), "method": "exact SymPy rank of the directions; SymPy phi''(0+-) > 0",
            "rank": int(rank), "n": member.dim, "result": reason}


def _iv(x: Fraction):
    return iv.mpf(x.numerator) / iv.mpf(x.denominator)


def decay_terms(member: Member, u: Sequence[Fraction], v: Sequence[Fraction]):
    """Split the atoms for :func:`decay_bound`: ``(quadratic, bounded, reason)``, lists of
    ``(weight * q_i or weight * slope_i, a_i)``; ``reason`` non-empty when it cannot work."""
    quad, bounded = [], []
    if any(w < 0 for w in member.weights):
        return [], [], "a weight is negative (the bound needs w_i >= 0)"
    for i, (k, f, w, a) in enumerate(zip(member.kinds, member.facts, member.weights,
                                         member.directions, strict=True)):
        if not f.ok:
            return [], [], f"atom {i} ({k}) is not proved convex"
        if f.quadratic is not None:
            quad.append((w * rational_upper(f.quadratic), a))
        elif f.slope.is_finite:
            bounded.append((w * rational_upper(f.slope), a))
        else:
            return [], [], f"atom {i} ({k}) has unbounded slope and is not a pure quadratic"
    if member.mu != 0:
        return [], [], "mu > 0: ||grad f|| ~ mu ||x||, cos alpha stays away from 0"
    dots = [sum((x * y for x, y in zip(a, u, strict=True)), Fraction(0)) for _, a in quad]
    bad = [j for j, d in enumerate(dots) if d != 0]
    if bad:
        return [], [], (f"u is not in the null space of the quadratic part (<a, u> = "
                        f"{float(dots[bad[0]]):.3g} != 0): cos alpha tends to a positive limit")
    if not any(x != 0 for x in u):
        return [], [], "u = 0: the curve does not leave every ball"
    return quad, bounded, ""


def decay_bound(member: Member, u, v, s0: Fraction):
    r"""Interval enclosure of :math:`P(s_0)` with :math:`\cos\alpha(x(t)) \le s P(s)`,
    :math:`s = t^{-1/2} \le s_0`.

    With :math:`Q = \sum_{\text{quadratic}} w_i q_i a_i a_i^T` (:math:`Qu = 0`, checked
    as :math:`\langle a_i, u\rangle = 0`), :math:`\sigma_i = w_i \sup|\phi_i'|` for the
    other atoms, :math:`y = t u + \sqrt t v` and :math:`g = \nabla f(x(t))`:

    - :math:`\langle g, y\rangle = t\,v^TQv + \sum \sigma\text{-terms}
      \le t(v^TQv + A) + \sqrt t\, B`, :math:`A = \sum\sigma_i|\langle a_i,u\rangle|`,
      :math:`B = \sum \sigma_i |\langle a_i, v\rangle|` (as :math:`|\phi_i'(s)\, s|
      \le \sup|\phi_i'|\,|s|`);
    - :math:`\|g\| \ge \|Qy\| - \sum\sigma_i\|a_i\| = \sqrt t\,\|Qv\| - K`;
    - :math:`\|y\| \ge t\|u\| - \sqrt t\|v\|`.

    Dividing, :math:`\cos\alpha \le s\,P(s)`, :math:`P(s) = (v^TQv + A + sB) /
    ((\|Qv\| - Ks)(\|u\| - \|v\|s))`, and :math:`P` increases on :math:`[0, s_0]` as
    long as both factors of the denominator stay positive there (numerator up,
    denominator down), so :math:`\cos\alpha(x(t)) \le P(s_0)\, t^{-1/2}` for
    :math:`t \ge s_0^{-2}`.

    Returns
    -------
    dict
        ``ok``, the interval ``P`` (``lo``, ``hi`` as floats and the exact upper end),
        ``P0`` (the asymptotic constant), ``s_max`` (where a factor vanishes) and
        ``reason``.
    """
    quad, bounded, reason = decay_terms(member, u, v)
    if reason:
        return {"ok": False, "reason": reason}
    old, iv.prec = iv.prec, PRECISION
    try:
        return _decay_intervals(quad, bounded, u, v, s0)
    finally:
        iv.prec = old


def _upper(x) -> Fraction:
    """The exact upper end of an mpmath interval (finite)."""
    sign, man, exp, _ = x._mpi_[1]
    if not man and exp:  # mpmath's encoding of inf / nan
        raise ArithmeticError(f"unbounded interval {x}")
    value = Fraction(man) * Fraction(2) ** exp
    return -value if sign else value


def _decay_intervals(quad, bounded, u, v, s0: Fraction) -> dict:
    """The interval evaluation of :func:`decay_bound`."""
    uu, vv = [_iv(x) for x in u], [_iv(x) for x in v]

    def dot(a, b):
        return sum((x * y for x, y in zip(a, b, strict=True)), iv.mpf(0))

    qv = [sum((_iv(c) * dot([_iv(x) for x in a], vv) * _iv(a[j]) for c, a in quad),
              iv.mpf(0)) for j in range(len(u))]
    vqv = dot(vv, qv)
    big_a = sum((_iv(c) * abs(dot([_iv(x) for x in a], uu)) for c, a in bounded), iv.mpf(0))
    big_b = sum((_iv(c) * abs(dot([_iv(x) for x in a], vv)) for c, a in bounded), iv.mpf(0))
    big_k = sum((_iv(c) * iv.sqrt(dot([_iv(x) for x in a], [_iv(x) for x in a]))
                 for c, a in bounded), iv.mpf(0))
    nqv, nu, nv = iv.sqrt(dot(qv, qv)), iv.sqrt(dot(uu, uu)), iv.sqrt(dot(vv, vv))
    if not nqv.a > 0:
        return {"ok": False, "reason": "Q v = 0: ||grad f|| stays bounded along the curve, "
                "so cos alpha cannot tend to 0 there"}
    s = _iv(s0)
    den1, den2 = nqv - big_k * s, nu - nv * s
    s_max = min(float((nqv / big_k).a) if big_k.b > 0 else float("inf"),
                float((nu / nv).a) if nv.b > 0 else float("inf"))
    p0 = (vqv + big_a) / (nqv * nu)
    if not (den1.a > 0 and den2.a > 0):
        return {"ok": False, "s_max": s_max, "reason": f"s0 = {float(s0):.3g} is beyond "
                f"the range of the bound (s < {s_max:.3g}, i.e. t0 > {s_max**-2:.3g})"}
    p = (vqv + big_a + s * big_b) / (den1 * den2)
    return {"ok": True, "reason": "", "P_lo": float(p.a), "P_hi": float(p.b),
            "P_hi_exact": _upper(p), "P0": float(p0.b), "s_max": s_max}


def choose_t0(member: Member, u, v) -> int | None:
    """``t0 = k^2``, ``k`` the smallest power of 10 with ``1/k <= SAFETY * s_max``."""
    probe = decay_bound(member, u, v, Fraction(0))
    if not probe["ok"]:
        return None
    k = 1
    while 1 / k > SAFETY * probe["s_max"]:
        k *= 10
    return k * k


def round_up(x: Fraction, digits: int = C_DIGITS) -> str:
    """The decimal string of ``x > 0`` rounded up to ``digits`` significant digits."""
    e = math.floor(math.log10(x)) - digits + 1  # float log10: corrected below
    while Fraction(10) ** (e + digits - 1) > x:
        e -= 1
    while Fraction(10) ** (e + digits) <= x:
        e += 1
    n = -(-x // Fraction(10) ** e)
    return str(Decimal(int(n)).scaleb(e))


def prove_decay(member: Member, u, v, t0: int | None, C=None) -> dict:
    """Obligation ``decay``: :func:`decay_bound` at ``s0 = t0^(-1/2)`` (``t0`` a perfect
    square; chosen by :func:`choose_t0` when ``None``) and ``C >= P(s0)`` (``C`` chosen as
    ``P(s0)`` rounded up when ``None``)."""
    method = ("explicit inequality chain (Cauchy-Schwarz, triangle, sup |phi'|) with exact "
              "rational data; P(s0) in mpmath interval arithmetic")
    t0 = choose_t0(member, u, v) if t0 is None else int(t0)
    if t0 is None:
        return {"ok": False, "method": method, "result": decay_bound(member, u, v,
                                                                       Fraction(0))["reason"]}
    root = math.isqrt(max(t0, 0))
    if t0 < 1 or root * root != t0:
        return {"ok": False, "method": method, "result": f"t0 = {t0} is not a perfect square"}
    bound = decay_bound(member, u, v, Fraction(1, root))
    if not bound["ok"]:
        return {"ok": False, "method": method, "t0": t0, "result": bound["reason"]}
    c_text = round_up(bound["P_hi_exact"]) if C is None else str(C)
    ok = rational(c_text) >= bound["P_hi_exact"]
    return {"ok": bool(ok), "method": method, "t0": t0, "C": float(rational(c_text)),
            "C_exact": c_text, "P_interval": [bound["P_lo"], bound["P_hi"]],
            "C_asymptotic": bound["P0"],
            "result": (f"cos alpha(x(t)) <= {c_text} t^(-1/2) for all t >= {t0}" if ok else
                       f"C = {c_text} is below the proved P(s0) = {bound['P_hi']:.6g}")}


def null_projection(function: Mapping, u, expressions: Mapping | None = None) -> list[Fraction]:
    """``u`` projected exactly onto the orthogonal complement of the directions of the
    quadratic atoms (the null space of the quadratic part ``Q``), by exact Gram-Schmidt."""
    member = Member(function, expressions)
    rows = [a for a, f in zip(member.directions, member.facts, strict=True)
            if f.ok and f.quadratic is not None]
    return project_out(vector(u), rows)


OBLIGATIONS = ("convexity", "smoothness", "uniqueness", "decay")


def build_certificate(function: Mapping, u, v, *, claimed_L, t0: int | None = None, C=None,
                      expressions: Mapping | None = None) -> dict:
    """The certificate: data, the four obligations, ``proved`` and ``failed``.

    Parameters
    ----------
    function : Mapping
        The member (``{"mu", "xstar", "atoms": [{"kind", "weight", "direction"}]}``).
    u, v : sequence
        The curve ``x(t) = x* + t u + sqrt(t) v`` (floats, Fractions or ``"p/q"``;
        ``u`` must be exactly orthogonal to the quadratic atoms' directions).
    claimed_L : float
        The smoothness constant to prove.
    t0, C : optional
        Where the decay bound starts (a perfect square) and its constant; chosen when
        ``None``.
    expressions : Mapping, optional
        ``{kind: SymPy expression or pieces}`` for atoms without a built-in form.
    """
    member = Member(function, expressions)
    u, v = vector(u), vector(v)
    if len(u) != member.dim or len(v) != member.dim:
        raise ValueError(f"u and v must have length {member.dim}")
    obligations = {"convexity": prove_convexity(member),
                   "smoothness": prove_smoothness(member, claimed_L),
                   "uniqueness": prove_uniqueness(member),
                   "decay": prove_decay(member, u, v, t0, C)}
    failed = [k for k in OBLIGATIONS if not obligations[k]["ok"]]
    decay = obligations["decay"]
    return {"claim": CLAIM,
            "data": {"function": dict(function), "claimed_L": float(claimed_L),
                     "curve": {"u": [text(x) for x in u], "v": [text(x) for x in v],
                               "t0": decay.get("t0"), "C": decay.get("C_exact")}},
            "obligations": obligations, "proved": not failed, "failed": failed}

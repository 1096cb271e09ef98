r"""LARS in one dimension (STATEMENTS §1 and 3.5), derived with SymPy.

The update 1.1 on any convex f with minimiser ``x*`` (1.9: only the sign of
``f'`` matters) is ``x_{k+1} = x_k - lambda |x_k| sign(x_k - x*)``, with
``sign(0) = 0``: at ``x* `` and at ``0`` the step is 0, both are fixed points.
Writing it as ``x_{k+1} = m(x_k) x_k`` gives the whole 1-D theory:

.. math::

    m(x) = 1 + \lambda \ \text{if } x \text{ lies strictly between } 0 \text{ and } x^*,
    \qquad m(x) = 1 - \lambda \ \text{otherwise } (x \ne 0, x^*).

(Check: for ``0 < x < x*`` the sign is ``-1`` and ``|x| = x``; for ``x > x* > 0``
or ``x < 0 < x*`` the product ``sign(x - x*) sign(x)`` is ``+1``.) Everything is
symmetric under ``(x, x*) -> (-x, -x*)``, so the derivations take ``x* > 0``.

Regimes of lambda (:func:`regime`)
----------------------------------
``"contracting"`` (``0 < lambda < 1``), the paper's setting:
  ``x0 > 0``: the iterates move geometrically (``x0 (1 -/+ lambda)^k``, solved
  by ``rsolve``) into ``I = [(1-lambda) x*, (1+lambda) x*]`` (1.3, invariant;
  so is the wider ``[(1-lambda) x*, x*/(1-lambda)]``, see
  :func:`prove_invariance`), never jumping over it (1.5), in the number of
  steps 1.4 (:data:`STEPS_FROM_ABOVE`, :data:`STEPS_FROM_BELOW`, derived by
  solving for k; exact with the ceiling and the closed interval — no off-by-one,
  see below). In ``u = ln(x/x*)`` the dynamics on ``I`` is the rotation by
  ``ln(1+lambda)`` of the circle ``[ln(1-lambda), ln(1+lambda))``, rotation number
  :data:`ROTATION_NUMBER`; for irrational rotation numbers the orbit is dense in
  ``I``, so ``limsup |x_k - x*| = lambda x*`` (:data:`DEVIATION`) and
  ``|x_k - x*| <= eps`` eventually for every start needs ``lambda <= eps/|x*|``
  (:data:`EPS_LAMBDA`, 1.7). ``x0 < 0 < x*`` (or ``x* = 0``):
  ``x_k = (1-lambda)^k x0 -> 0``, the sign never changes, ``x*`` is never
  reached (1.8; for ``x* = 0`` this *is* convergence to ``x*``, linear, never exact).
``"collapse"`` (``lambda = 1``):
  ``m = 0`` outside ``(0, x*)``: every iterate outside it jumps to 0 and stays;
  inside it doubles until it reaches ``[x*, 2x*)``. The orbit ends at ``x*``
  iff ``x0 = x*/2^j`` and at 0 otherwise, after at most
  ``ceil(log2(x*/x0)) + 1`` steps (:data:`COLLAPSE_DOUBLINGS`).
``"sign-flipping"`` (``1 < lambda < 2``):
  ``m = 1 - lambda`` is negative with modulus ``< 1``: outside ``(0, x*)`` the
  iterates change sign every step and shrink. The positive return map is
  ``x -> (1+lambda) x`` below ``x*`` and (two steps) ``x -> (lambda-1)^2 x``
  above it, again a circle rotation, and the invariant (attracting) set is
  ``J = [(lambda-1)^2 x*, (1+lambda) x*]  U  [-(lambda^2-1) x*, -(lambda-1) x*]``
  (:data:`SF_SET`, proof by :func:`prove_invariance`); the iterates oscillate
  through both signs with ``limsup |x_k - x*| = lambda^2 x*``
  (:data:`SF_DEVIATION`). Bounded, never convergent (save exact hits). Starts
  on the wrong side of 0 *cross over* (1.8 fails).
``"period-2"`` (``lambda = 2``):
  ``m = -1`` outside ``(0, x*)``: once ``|x_k| >= |x*|`` the orbit is the
  2-cycle ``x_k, -x_k`` (bounded, not convergent).
``"divergent"`` (``lambda > 2``):
  ``|m| = lambda - 1 > 1`` outside ``(0, x*)`` and ``(0, x*)`` is left after
  finitely many steps, so ``|x_k| = |x_j| (lambda-1)^{k-j} -> inf``
  (:data:`DIVERGENCE_RATE`) for every ``x0 != 0`` whose orbit misses ``x*``.

Exact hits (1.6, all ``lambda != 1``): the step into ``x*`` is made from
``x*/(1+lambda)`` (from between 0 and ``x*``) or from ``x*/(1-lambda)``
(:data:`HIT_POINTS`, solved); for ``lambda > 1`` the latter is on the other
side of 0. After a hit every step is 0.

Which claims need ``lambda < 1`` is tabulated in :data:`CLAIMS_NEED`.

Theorem 1 in 1-D: ``cos alpha = 1`` exactly, so Lemma 1's threshold ``2c = 2``
is exactly the stability boundary found above, and Theorem 1's ``D`` (second
branch) is ``3 lambda x*/(2 - lambda)`` (:data:`THEOREM1_1D`); the true
oscillation is ``(2 - lambda)/3`` of it for ``lambda < 1`` and
``lambda (2 - lambda)/3`` for ``1 < lambda < 2`` (:data:`THEOREM1_1D_TIGHTNESS`).

About 1.4's formula. With ``I`` closed, ``k = ceil(ln(x0/((1+lambda) x*)) /
-ln(1-lambda))`` is exactly the first index with ``x_k in I`` (``x_k`` on the
end counts as inside; then the log-ratio is an integer and the ceiling keeps
it). It is off by one only under other conventions: with an open ``I``
it must be ``floor(.) + 1``, which differs exactly when ``x0`` is
``(1+lambda) x* / (1-lambda)^j`` (likewise from below). In float64 the log
ratio of such boundary starts is off by a few ulp, so the float formula can
be off by one there; ``exact=True`` functions decide with rationals.

Each derived result is a :class:`~larscheck.theory.formulas.Formula`
(``.expr``, ``.latex``, vectorised ``.numeric``).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction
from functools import cache

import numpy as np
import sympy as sp

from larscheck.theory import bounds as _bounds
from larscheck.theory import formulas as _sym
from larscheck.theory.formulas import Formula, eps, k, lam

x0 = sp.Symbol("x_0", positive=True)  #: the start (derivations take x* > 0, x0 > 0)
xs = sp.Symbol("x^*", positive=True)  #: the minimiser
a_curv = sp.Symbol("a", positive=True)  #: f = a (x - x*)^2
eps_f = sp.Symbol(r"\epsilon_f", positive=True)  #: accuracy in f - f*
_K = sp.Symbol("K", positive=True)
_t = sp.Symbol("t", positive=True)
_y = sp.Symbol("y", real=True)

REGIMES = ("contracting", "collapse", "sign-flipping", "period-2", "divergent")

# ---------------------------------------------------------------- derivations


@cache
def _solve_linear_recurrence(multiplier: sp.Expr) -> sp.Expr:
    """``x_k`` from ``x_{k+1} = multiplier x_k``, ``x_0 = x0`` (``rsolve``)."""
    x = sp.Function("x")
    return sp.rsolve(x(k + 1) - multiplier * x(k), x(k), {x(0): x0})


_q = sp.Symbol("q", positive=True)  # a generic multiplier, for solving
_T = sp.Symbol("T", positive=True)  # a generic target, for solving


@cache
def _generic_root() -> sp.Expr:
    """The real root K of ``x0 q^K = T`` (q, T > 0), with ``x_k = x0 q^k`` from ``rsolve``."""
    (sol,) = sp.solve(sp.Eq(_solve_linear_recurrence(_q).subs(k, _K), _T), _K)
    return sol


def _first_index(multiplier: sp.Expr, target: sp.Expr) -> sp.Expr:
    """First k with ``x0 multiplier^k`` past ``target``: ``ceil`` of the root K of equality.

    Solved once for a generic positive multiplier ``q`` and target ``T`` (the
    real root is unique), then ``q`` and ``T`` are substituted: the same result
    as solving each specific equation, without SymPy's slow general path.
    """
    return sp.ceiling(_generic_root().subs({_q: multiplier, _T: target}))


ITERATE_DOWN = Formula("1d.iterate_down", _solve_linear_recurrence(1 - lam), (k, x0, lam),
                       "x_k above x* (and on the far side of 0): x0 (1 - lambda)^k")
ITERATE_UP = Formula("1d.iterate_up", _solve_linear_recurrence(1 + lam), (k, x0, lam),
                     "x_k between 0 and x*: x0 (1 + lambda)^k")

INTERVAL_LO = Formula("1d.interval_lo", (1 - lam) * xs, (xs, lam), "lower end of I (1.3)")
INTERVAL_HI = Formula("1d.interval_hi", (1 + lam) * xs, (xs, lam), "upper end of I (1.3)")
WIDE_HI = Formula("1d.wide_hi", xs / (1 - lam), (xs, lam),
                  "upper end of the wider invariant interval (1.3)")

STEPS_FROM_ABOVE = Formula("1d.steps_from_above", _first_index(1 - lam, INTERVAL_HI.expr),
                           (x0, xs, lam), "1.4: steps to reach I from x0 > (1+lambda) x*")
STEPS_FROM_BELOW = Formula("1d.steps_from_below", _first_index(1 + lam, INTERVAL_LO.expr),
                           (x0, xs, lam), "1.4: steps to reach I from 0 < x0 < (1-lambda) x*")


def _hit_points() -> tuple[sp.Expr, sp.Expr]:
    """Solve ``(1 + lambda) y = x*`` and ``(1 - lambda) y = x*``: the only one-step preimages."""
    below = sp.solve(sp.Eq((1 + lam) * _y, xs), _y)[0]
    above = sp.solve(sp.Eq((1 - lam) * _y, xs), _y)[0]
    return below, above


_hit_below, _hit_above = _hit_points()
HIT_FROM_BELOW = Formula("1d.hit_from_below", _hit_below, (xs, lam),
                         "1.6: x*/(1+lambda) steps exactly onto x*")
HIT_FROM_ABOVE = Formula("1d.hit_from_above", _hit_above, (xs, lam),
                         "1.6: x*/(1-lambda) steps exactly onto x* (lambda != 1)")

#: Largest deviation on I, max(hi - x*, x* - lo), simplified: lambda x*.
DEVIATION = Formula("1d.deviation",
                    sp.simplify(sp.Max(INTERVAL_HI.expr - xs, xs - INTERVAL_LO.expr)),
                    (xs, lam), "limsup |x_k - x*| in I (irrational rotation number)")
ROTATION_NUMBER = Formula("1d.rotation_number",
                          sp.log(1 + lam) / (sp.log(1 + lam) - sp.log(1 - lam)), (lam,),
                          "rotation number of the dynamics on I in u = ln(x/x*)")


def _eps_lambda() -> sp.Expr:
    (sol,) = sp.solve(sp.Eq(DEVIATION.expr, eps), lam)
    return sol


EPS_LAMBDA = Formula("1d.eps_lambda", _eps_lambda(), (eps, xs),
                     "1.7: largest lambda with limsup |x_k - x*| <= eps")
EPS_STEPS = Formula("1d.eps_steps", STEPS_FROM_ABOVE.expr.subs(lam, EPS_LAMBDA.expr),
                    (x0, xs, eps), "1.7: steps to reach I at lambda = eps/x* (from above)")
#: lim_{eps->0} eps * (steps before the ceiling) = x* ln(x0/x*): the O((x*/eps) ln(x0/x*)) law.
EPS_STEPS_LEADING = sp.expand_log(sp.limit(eps * EPS_STEPS.expr.args[0], eps, 0, "+"), force=True)
#: In f - f* = a (x - x*)^2 <= eps_f: lambda = sqrt(eps_f / a) / x*.
EPS_F_LAMBDA = Formula("1d.eps_f_lambda", EPS_LAMBDA.expr.subs(eps, sp.sqrt(eps_f / a_curv)),
                       (eps_f, a_curv, xs), "1.7 in f - f*: largest lambda for f - f* <= eps_f")
#: lim_{eps_f->0} sqrt(eps_f) * steps = x* sqrt(a) ln(x0/x*): O(1/sqrt(eps_f)) iterations.
EPS_F_STEPS_LEADING = sp.expand_log(sp.limit(
    sp.sqrt(eps_f) * EPS_STEPS.expr.args[0].subs(eps, sp.sqrt(eps_f / a_curv)), eps_f, 0, "+"),
    force=True)

ORIGIN_LIMIT = sp.limit(ITERATE_DOWN.expr.subs(lam, _t / (1 + _t)), k, sp.oo)
"""lim x0 (1-lambda)^k for 0 < lambda < 1 (``lambda = t/(1+t)``): 0, the origin attracts (1.8)."""

COLLAPSE_DOUBLINGS = Formula("1d.collapse_doublings",
                             _first_index(2, xs), (x0, xs),
                             "lambda = 1: doublings from 0 < x0 < x* until x_k >= x*")

# 1 < lambda < 2: the return map on the positive side and its invariant set.
_two_steps = sp.expand((1 - lam) ** 2)
SF_POS_LO = Formula("1d.sf_pos_lo", _two_steps * xs, (xs, lam), "J positive part, lower end")
SF_POS_HI = Formula("1d.sf_pos_hi", (1 + lam) * xs, (xs, lam), "J positive part, upper end")
SF_NEG_LO = Formula("1d.sf_neg_lo", sp.expand((1 - lam) * SF_POS_HI.expr), (xs, lam),
                    "J negative part, lower end: image of (1+lambda) x*")
SF_NEG_HI = Formula("1d.sf_neg_hi", sp.expand((1 - lam) * xs), (xs, lam),
                    "J negative part, upper end: image of x*")
SF_SET = (SF_POS_LO, SF_POS_HI, SF_NEG_LO, SF_NEG_HI)
SF_DEVIATION = Formula("1d.sf_deviation", sp.factor(xs - SF_NEG_LO.expr), (xs, lam),
                       "1 < lambda < 2: sup over J of |x - x*|")
SF_STEPS_FROM_ABOVE = Formula(
    "1d.sf_steps_from_above",
    2 * _first_index(_two_steps, SF_POS_HI.expr),
    (x0, xs, lam), "1 < lambda < 2: steps into J from x0 > (1+lambda) x* (even: positive side)")
SF_STEPS_FROM_BELOW = Formula("1d.sf_steps_from_below",
                              _first_index(1 + lam, SF_POS_LO.expr), (x0, xs, lam),
                              "1 < lambda < 2: steps into J from 0 < x0 < (lambda-1)^2 x*")
# |1 - lambda| with lambda = 2 + t (t > 0) simplifies to 1 + t, i.e. lambda - 1.
DIVERGENCE_RATE = Formula("1d.divergence_rate", sp.Abs(1 - (2 + _t)).subs(_t, lam - 2), (lam,),
                          "lambda > 2: |x_{k+1}| / |x_k| outside (0, x*)")

# Theorem 1 in 1-D: cos(alpha) = sign(f')sign(x - x*) = 1 exactly, so c = 1, the threshold
# 2c = 2 is exactly the 1-D stability boundary, and D's second branch is derived from bounds.
_c1 = sp.simplify(_bounds.THEOREM1_ESCAPE.expr.subs({_sym.c: 1, _sym.xstar_norm: xs}))
THEOREM1_1D = Formula("1d.theorem1_D", _c1, (xs, lam),
                      "Theorem 1's D (second branch) with c = 1: 3 lambda x*/(2 - lambda)")
THEOREM1_1D_TIGHTNESS = Formula(
    "1d.theorem1_tightness",
    sp.Piecewise((sp.simplify(DEVIATION.expr / _c1), lam < 1),
                 (sp.simplify(SF_DEVIATION.expr / _c1), True)),
    (lam,), "true limsup |x_k - x*| / D: (2-lambda)/3 for lambda < 1, lambda(2-lambda)/3 above")

CLAIMS_NEED = {
    "1.1 update": "all lambda > 0 (definition)",
    "1.2 sign preservation": "lambda < 1 (lambda = 1 sends x > x* to 0; lambda > 1 flips signs)",
    "1.3 invariant interval": "lambda < 1 (for lambda > 1 the lower end (1-lambda) x* < 0 is "
                              "mapped outside; the invariant set becomes J, two intervals)",
    "1.4 iterations to reach I": "lambda < 1 (1 < lambda < 2: same ceiling laws into J, "
                                 "with (lambda-1)^2 per two steps from above)",
    "1.5 no skipping": "lambda < 1",
    "1.6 exact hits": "any lambda != 1 (x*/(1-lambda) is negative for lambda > 1); "
                      "lambda = 1: only x*/2^j hit",
    "1.7 eps-rate": "lambda < 1 (for 1 < lambda < 2 the oscillation is lambda^2 |x*|)",
    "1.8 origin attractive": "lambda < 1 (lambda = 1: reaches 0 in one step; 1 < lambda < 2: "
                             "crosses 0 and ends in J; lambda > 2: diverges)",
    "1.9 any convex f": "all lambda (only sign f' is used)",
}

# ---------------------------------------------------------------- invariance proofs


@dataclass(frozen=True)
class Obligation:
    """One inequality ``expr > 0`` (``strict``) or ``expr >= 0`` of a proof, and its verdict.

    ``verdict`` is True (SymPy proved it under the assumptions), False
    (disproved: SymPy found it negative) or None (undecided, counts as failed).
    """

    claim: str
    expr: sp.Expr
    strict: bool
    verdict: bool | None


@dataclass(frozen=True)
class InvarianceProof:
    """A checkable proof that a set is mapped into itself by the 1-D LARS map.

    Attributes
    ----------
    set_name : str
    intervals : tuple of (lo, hi) SymPy expressions
    assumptions : str
    substitution : dict
        How the assumptions were encoded (e.g. ``lambda = t/(1+t)``, ``t > 0``).
    obligations : tuple of Obligation
        Domain obligations (the piece lies where the map is ``x -> m x``, and
        ``m > 0`` or ``< 0`` as used) and image obligations (the image of each
        piece's ends lies in the target interval). The map is linear on each
        piece, so the ends' images bound the piece's image.

    ``bool(proof)`` and :attr:`holds` say whether every obligation was proved;
    :meth:`check` re-decides them from the expressions; :meth:`sample` checks
    them numerically at random points satisfying the assumptions.
    """

    set_name: str
    intervals: tuple
    assumptions: str
    substitution: dict
    obligations: tuple

    @property
    def holds(self) -> bool:
        return all(o.verdict is True for o in self.obligations)

    def __bool__(self) -> bool:
        return self.holds

    def failed(self) -> list[Obligation]:
        """The obligations not proved."""
        return [o for o in self.obligations if o.verdict is not True]

    def check(self) -> bool:
        """Re-decide every obligation from its expression (independent of stored verdicts)."""
        return all(_decide(o.expr, o.strict) is True for o in self.obligations)

    def sample(self, rng: np.random.Generator, n: int = 200) -> bool:
        """Every obligation holds at ``n`` random points of the parameter domain."""
        free = sorted(set().union(*(o.expr.free_symbols for o in self.obligations)), key=str)
        if not free:
            return all(bool(o.expr > 0 if o.strict else o.expr >= 0) for o in self.obligations)
        values = {s: np.exp(rng.uniform(-5, 5, n)) for s in free}  # all symbols are positive
        for o in self.obligations:
            # Factored, an obligation is a product of sign-definite factors (or literally 0),
            # so float evaluation cannot turn an exact zero into a rounding-level negative.
            expr = sp.factor(sp.simplify(o.expr))
            got = sp.lambdify(free, expr, "numpy")(*(values[s] for s in free))
            got = np.broadcast_to(np.asarray(got, dtype=np.float64), (n,))
            if not np.all(got > 0 if o.strict else got >= 0):
                return False
        return True


def _decide(expr: sp.Expr, strict: bool) -> bool | None:
    """Prove ``expr > 0`` / ``>= 0`` with SymPy's assumptions after factoring."""
    f = sp.factor(sp.simplify(expr))
    verdict = f.is_positive if strict else f.is_nonnegative
    if verdict is None:
        return None
    return bool(verdict)


_ASSUMPTIONS = {
    "contracting": ("0 < lambda < 1, x* > 0", {lam: _t / (1 + _t)}),
    "sign-flipping": ("1 < lambda < 2, x* > 0", {lam: 1 + _t / (1 + _t)}),
    "lambda > 0": ("lambda > 0 only, x* > 0", {}),
}


def _pieces(name: str, lo, hi, p_lo, p_hi, n_lo, n_hi):
    """(domain obligations, image obligations) for the named set's pieces, in lambda/x*."""
    up, down = 1 + lam, 1 - lam
    if name in ("narrow", "wide"):
        # [lo, x*) -> (1+lambda) x, needs 0 < lo; (x*, hi] -> (1-lambda) x, needs m > 0.
        domain = [("lower end > 0, so [lo, x*) lies in (0, x*)", lo, True),
                  ("x* < upper end", hi - xs, True),
                  ("1 - lambda > 0 (the map keeps order on (x*, hi])", down, True)]
        images = [("(1+lambda) lo >= lo", up * lo - lo, False),
                  ("(1+lambda) x* <= hi", hi - up * xs, False),
                  ("(1-lambda) x* >= lo", down * xs - lo, False),
                  ("(1-lambda) hi <= hi", hi - down * hi, False)]
        return domain, images
    # sign-flipping J = [p_lo, p_hi] U [n_lo, n_hi]
    domain = [("positive part starts above 0", p_lo, True),
              ("positive part starts below x*", xs - p_lo, True),
              ("x* < positive part's upper end", p_hi - xs, True),
              ("negative part lies below 0", -n_hi, True),
              ("1 - lambda < 0 (the map reverses order outside (0, x*))", -down, True)]
    images = [("(1+lambda) p_lo >= p_lo", up * p_lo - p_lo, False),
              ("(1+lambda) x* <= p_hi", p_hi - up * xs, False),
              ("(1-lambda) p_hi >= n_lo", down * p_hi - n_lo, False),
              ("(1-lambda) x* <= n_hi", n_hi - down * xs, False),
              ("(1-lambda) n_hi >= p_lo", down * n_hi - p_lo, False),
              ("(1-lambda) n_lo <= p_hi", p_hi - down * n_lo, False)]
    return domain, images


def prove_invariance(set_name: str = "narrow", assumptions: str = "contracting",
                     lam_value=None) -> InvarianceProof:
    """Prove with SymPy that a 1-D set is invariant under the LARS map.

    Parameters
    ----------
    set_name : {"narrow", "wide", "sign-flipping"}
        ``I = [(1-lambda) x*, (1+lambda) x*]``, ``[(1-lambda) x*, x*/(1-lambda)]``,
        or ``J`` of the sign-flipping regime.
    assumptions : {"contracting", "sign-flipping", "lambda > 0"}
        How lambda is constrained (``x* > 0`` always): ``0 < lambda < 1`` (encoded
        ``lambda = t/(1+t)``, ``t > 0``), ``1 < lambda < 2`` (``lambda = 1 + t/(1+t)``),
        or only ``lambda > 0`` (an assumption dropped).
    lam_value : number, optional
        A concrete lambda instead (e.g. ``1.5``: exactly as written), which
        replaces the assumption on lambda.

    Returns
    -------
    InvarianceProof
        ``bool(proof)`` is True iff every obligation is proved.
    """
    if set_name not in ("narrow", "wide", "sign-flipping"):
        raise ValueError(f"set_name must be 'narrow', 'wide' or 'sign-flipping', got {set_name!r}")
    if lam_value is not None:
        value = sp.nsimplify(lam_value, rational=True)
        if not (value.is_Rational and value > 0):
            raise ValueError(f"lam_value must be a positive number, got {lam_value!r}")
        text, subs = f"lambda = {value}, x* > 0", {lam: value}
    elif assumptions in _ASSUMPTIONS:
        text, subs = _ASSUMPTIONS[assumptions]
    else:
        raise ValueError(f"assumptions must be one of {sorted(_ASSUMPTIONS)}, got {assumptions!r}")
    ends = {"narrow": (INTERVAL_LO.expr, INTERVAL_HI.expr),
            "wide": (INTERVAL_LO.expr, WIDE_HI.expr)}
    if set_name == "sign-flipping":
        intervals = ((SF_POS_LO.expr, SF_POS_HI.expr), (SF_NEG_LO.expr, SF_NEG_HI.expr))
        domain, images = _pieces(set_name, None, None, *intervals[0], *intervals[1])
    else:
        intervals = (ends[set_name],)
        domain, images = _pieces(set_name, *ends[set_name], None, None, None, None)
    obligations = []
    for claim, expr, strict in domain + images:
        e = sp.sympify(expr).subs(subs)
        obligations.append(Obligation(claim, e, strict, _decide(e, strict)))
    return InvarianceProof(set_name, intervals, text, dict(subs), tuple(obligations))


def prove_no_skip() -> InvarianceProof:
    """1.5 under ``0 < lambda < 1``: the first iterate inside I is inside, from both sides.

    From above, the last iterate outside is ``> (1+lambda) x*``, so the next is
    ``> (1-lambda)(1+lambda) x* >= (1-lambda) x*``; from below it is
    ``< (1-lambda) x*``, so the next is ``< (1+lambda)(1-lambda) x* <= (1+lambda) x*``.
    """
    text, subs = _ASSUMPTIONS["contracting"]
    raw = [("from above: (1-lambda)(1+lambda) x* >= (1-lambda) x*",
            (1 - lam) * INTERVAL_HI.expr - INTERVAL_LO.expr, False),
           ("from below: (1+lambda)(1-lambda) x* <= (1+lambda) x*",
            INTERVAL_HI.expr - (1 + lam) * INTERVAL_LO.expr, False),
           ("the maps keep order: 1 - lambda > 0", 1 - lam, True)]
    obligations = tuple(Obligation(c, e.subs(subs), s, _decide(e.subs(subs), s))
                        for c, e, s in raw)
    return InvarianceProof("no-skip", ((INTERVAL_LO.expr, INTERVAL_HI.expr),), text, dict(subs),
                           obligations)


# ---------------------------------------------------------------- numeric API


def regime(lam_value: float) -> str:
    """Name of the regime of a rate: one of :data:`REGIMES`.

    The regimes of the 1-D update ``x_{k+1} = x_k - lambda |x_k| sign(x_k - x*)``
    (module docstring): ``"contracting"`` for ``0 < lambda < 1``, ``"collapse"``
    for ``lambda = 1``, ``"sign-flipping"`` for ``1 < lambda < 2``,
    ``"period-2"`` for ``lambda = 2`` and ``"divergent"`` for ``lambda > 2``. The
    boundaries 1 and 2 are compared exactly (a ``Fraction`` is compared as the
    rational it is).

    Parameters
    ----------
    lam_value : int, float, numpy scalar or fractions.Fraction
        The rate ``lambda``: a real scalar, finite and > 0 (not a ``bool`` and
        not an array).

    Returns
    -------
    str
        ``"contracting"``, ``"collapse"``, ``"sign-flipping"``, ``"period-2"`` or
        ``"divergent"``.

    Raises
    ------
    TypeError
        If ``lam_value`` is not a real scalar of the types above.
    ValueError
        If ``lam_value`` is not finite or is <= 0.
    """
    lam_value = _rate(lam_value)
    if lam_value < 1:
        return "contracting"
    if lam_value == 1:
        return "collapse"
    if lam_value < 2:
        return "sign-flipping"
    return "period-2" if lam_value == 2 else "divergent"


def _rate(lam_value) -> float:
    if isinstance(lam_value, bool) or not isinstance(lam_value, (int, float, np.floating,
                                                                 np.integer, Fraction)):
        raise TypeError(f"lam must be a real number, got {type(lam_value).__name__}")
    if not math.isfinite(lam_value) or lam_value <= 0:
        raise ValueError(f"lam must be finite and > 0, got {lam_value}")
    return lam_value


def _real(name: str, value):
    if isinstance(value, bool) or not isinstance(value, (int, float, np.floating, np.integer,
                                                         Fraction)):
        raise TypeError(f"{name} must be a real number, got {type(value).__name__}")
    if not math.isfinite(value):
        raise ValueError(f"{name} must be finite, got {value}")
    return value


def target_set(xstar: float, lam_value: float) -> list[tuple[float, float]]:
    """The attracting set of the regime around ``x*`` as closed intervals (sorted ends).

    contracting: ``[I]``; collapse: the fixed points ``[0, 0]`` and ``[x*, x*]``;
    sign-flipping: the two intervals of ``J``; period-2/divergent: ``[]`` (no
    interval attracts). For ``x* < 0`` everything is mirrored.
    """
    xstar, name = _real("xstar", xstar), regime(lam_value)
    s, m = (1.0 if xstar >= 0 else -1.0), abs(xstar)
    if name == "contracting":
        pieces = [(INTERVAL_LO(m, lam_value), INTERVAL_HI(m, lam_value))]
    elif name == "collapse":
        pieces = [(0.0, 0.0), (m, m)]
    elif name == "sign-flipping":
        pieces = [(SF_POS_LO(m, lam_value), SF_POS_HI(m, lam_value)),
                  (SF_NEG_LO(m, lam_value), SF_NEG_HI(m, lam_value))]
    else:
        return []
    return [tuple(sorted((float(s * lo), float(s * hi)))) for lo, hi in pieces]


def in_target(x, xstar: float, lam_value: float) -> np.ndarray:
    """Whether ``x`` (array) lies in :func:`target_set` (closed ends)."""
    x = np.asarray(x, dtype=np.float64)
    inside = np.zeros(x.shape, dtype=bool)
    for lo, hi in target_set(xstar, lam_value):
        inside |= (x >= lo) & (x <= hi)
    return inside


def _as_fraction(v) -> Fraction:
    return v if isinstance(v, Fraction) else Fraction(v)


def _exact_number(v) -> Fraction:
    """A Fraction as given, or a float read as the shortest decimal that rounds to it.

    ``0.1`` becomes ``1/10`` (what was typed), not the binary fraction
    ``3602879701896397/2^55`` it is stored as; boundary cases such as
    ``x0 = (1 + lambda) x*`` are then decided for the numbers the user meant.
    """
    if isinstance(v, Fraction):
        return v
    if isinstance(v, (int, np.integer)):
        return Fraction(int(v))
    return Fraction(repr(float(v)))


def _first_k(start, ratio, bound, rising: bool, estimate: float) -> int:
    """Smallest ``k >= 0`` with ``start ratio^k >= bound`` (rising) or ``<= bound``, exactly.

    ``estimate`` (the float closed form) is corrected by exact rational tests
    of its neighbours, so the result is the true first index.
    """
    start, ratio, bound = (_as_fraction(v) for v in (start, ratio, bound))

    def ok(j: int) -> bool:
        value = start * ratio**j
        return value >= bound if rising else value <= bound

    j = max(0, int(estimate) if math.isfinite(estimate) else 0)
    while j > 0 and ok(j - 1):
        j -= 1
    while not ok(j):
        j += 1
    return j


def _steps_positive(x: float, m: float, lam_value, exact: bool) -> float:
    """Steps into the target set for ``x* = m > 0`` (any sign of x)."""
    name = regime(float(lam_value))
    if x == m:
        return 0.0
    if name in ("period-2", "divergent"):
        return math.inf
    if name == "collapse":
        if x == 0 or x < 0 or x > m:
            return 0.0 if x == 0 else 1.0
        # Doubling is exact in binary floating point too, so decide exactly either way.
        j = _first_k(x, 2, m, True, float(COLLAPSE_DOUBLINGS(float(x), float(m))))
        return float(j) if _as_fraction(x) * 2**j == m else j + 1.0
    if x == 0:
        return math.inf
    lo_hi = [(_as_fraction(a) if exact else a, _as_fraction(b) if exact else b)
             for a, b in _exact_or_float_target(m, lam_value, exact)]
    if any(lo <= x <= hi for lo, hi in lo_hi):
        return 0.0
    lam_f = float(lam_value)
    if name == "contracting":
        if x < 0:
            return math.inf  # 1.8: x_k = (1-lambda)^k x0 -> 0, never changes sign
        (lo, hi), = lo_hi
        if x > hi:
            est = float(STEPS_FROM_ABOVE(float(x), float(m), lam_f))
            return float(_first_k(x, 1 - lam_value, hi, False, est)) if exact else est
        est = float(STEPS_FROM_BELOW(float(x), float(m), lam_f))
        return float(_first_k(x, 1 + lam_value, lo, True, est)) if exact else est
    # sign-flipping
    (p_lo, p_hi), _ = lo_hi
    if x < 0:  # one step to the positive side
        return 1.0 + _steps_positive((1 - lam_value) * x, m, lam_value, exact)
    if x > p_hi:
        est = float(SF_STEPS_FROM_ABOVE(float(x), float(m), lam_f))
        return 2.0 * _first_k(x, (1 - lam_value) ** 2, p_hi, False, est / 2) if exact else est
    est = float(SF_STEPS_FROM_BELOW(float(x), float(m), lam_f))
    return float(_first_k(x, 1 + lam_value, p_lo, True, est)) if exact else est


def _exact_or_float_target(m, lam_value, exact: bool):
    """The target intervals for ``x* = m > 0``, computed exactly when asked."""
    if not exact:
        return target_set(float(m), float(lam_value))
    one = Fraction(1)
    if lam_value < 1:
        return [((one - lam_value) * m, (one + lam_value) * m)]
    return [((lam_value - 1) ** 2 * m, (one + lam_value) * m),
            ((one - lam_value) * (one + lam_value) * m, (one - lam_value) * m)]


def steps_to_interval(x0_value, xstar, lam_value, *, exact: bool = False):
    """Number of LARS steps until the iterate first lies in :func:`target_set`.

    Parameters
    ----------
    x0_value, xstar : float or array_like
        Start and minimiser (any signs; broadcast).
    lam_value : float
        The rate (> 0).
    exact : bool
        Decide boundary cases with exact rational arithmetic: Fractions as
        given, floats as the shortest decimals that round to them (``0.1`` is
        ``1/10``; see :func:`_exact_number`). Without it the derived closed forms
        are evaluated in float64, which can be off by one when the start lies
        within a few ulp of a boundary-hitting point (see module docstring).

    Returns
    -------
    float or ndarray
        0 if already inside; ``inf`` where the set is never reached (opposite
        signs or ``x0 = 0`` for lambda < 1; ``x* = 0`` unless ``x0 = 0``;
        lambda >= 2; an ``x0 = 0`` start). For lambda = 1: steps to the fixed
        point (0 or x*).
    """
    lam_value = _rate(lam_value)
    lam_use = _exact_number(lam_value) if exact else float(lam_value)

    def one(x, m):
        x, m = _real("x0", x), _real("xstar", m)
        x, m = (_exact_number(x), _exact_number(m)) if exact else (float(x), float(m))
        if m < 0:
            x, m = -x, -m
        if m == 0:
            if x == 0:
                return 0.0
            return 1.0 if lam_value == 1 else math.inf
        return _steps_positive(x, m, lam_use, exact)

    out = np.frompyfunc(one, 2, 1)(x0_value, xstar)
    return np.asarray(out, dtype=np.float64) if isinstance(out, np.ndarray) else float(out)


def exact_hit_points(xstar: float, lam_value: float) -> list[float]:
    """``[x*/(1+lambda), x*/(1-lambda)]`` (1.6); for lambda = 1 only ``x*/2``.

    For ``x* = 0`` the list is empty (the formulas give ``x*`` itself); note that
    with ``lambda = 1`` every point then steps onto ``x* = 0`` at once.
    """
    xstar, lam_value = _real("xstar", xstar), _rate(lam_value)
    if xstar == 0:  # both formulas give x* itself: no other point steps onto it (lambda != 1)
        return []
    points = [float(HIT_FROM_BELOW(xstar, lam_value))]
    if lam_value != 1:
        points.append(float(HIT_FROM_ABOVE(xstar, lam_value)))
    return points


def eps_lambda(eps_value, xstar) -> np.ndarray:
    """1.7: the largest lambda with ``limsup |x_k - x*| <= eps``, ``eps/|x*|`` (inf for x* = 0).

    Values ``>= 1`` mean every rate of the contracting regime qualifies.
    """
    e = np.asarray(eps_value, dtype=np.float64)
    m = np.abs(np.asarray(xstar, dtype=np.float64))
    if not np.all(np.isfinite(e)) or np.any(e <= 0):
        raise ValueError("eps must be finite and > 0")
    if not np.all(np.isfinite(m)):
        raise ValueError("xstar must be finite")
    safe = np.where(m > 0, m, 1.0)
    return np.where(m > 0, EPS_LAMBDA(e, safe), np.inf)


def describe(x0_value: float, xstar: float, lam_value: float) -> str:
    """One paragraph: what the 1-D LARS iterates from ``x0`` do under this rate."""
    x, m, lam_value = _real("x0", x0_value), _real("xstar", xstar), _rate(lam_value)
    name = regime(lam_value)
    if x == m:
        return "x0 = x*: every step is 0."
    if x == 0:
        return "x0 = 0: ||x|| = 0, so every step is 0; the iterates stay at 0."
    opposite = x * m < 0
    if m == 0:
        laws = {"contracting": "x_k = (1-lambda)^k x0 -> 0 = x* linearly, never exactly",
                "collapse": "x_1 = 0 = x*",
                "sign-flipping": "x_k = (1-lambda)^k x0 -> 0 = x*, alternating in sign",
                "period-2": "x_k = (-1)^k x0: a 2-cycle around x* = 0",
                "divergent": "|x_k| = (lambda-1)^k |x0| -> inf, alternating in sign"}
        return f"x* = 0 ({name} regime): {laws[name]}."
    texts = {
        "contracting": ("0 < lambda < 1: the iterates reach I = [(1-lambda)x*, (1+lambda)x*] "
                        "without jumping over it and stay in it (1.3-1.5)"),
        "collapse": ("lambda = 1: outside (0, x*) one step goes to 0, which is fixed; inside "
                     "the iterates double until >= x* and end at x* only if x0 = x*/2^j"),
        "sign-flipping": ("1 < lambda < 2: outside (0, x*) each step flips the sign and shrinks "
                          "|x| by lambda-1; the iterates end in J = [(lambda-1)^2 x*, "
                          "(1+lambda)x*] U [-(lambda^2-1)x*, -(lambda-1)x*] and oscillate "
                          "there with amplitude up to lambda^2 |x*|"),
        "period-2": ("lambda = 2: once |x_k| >= |x*| the iterates alternate x_k, -x_k forever "
                     "(bounded, no convergence)"),
        "divergent": ("lambda > 2: outside (0, x*) |x| grows by lambda-1 > 1 per step with "
                      "alternating sign: divergence, unless the orbit hits x* exactly"),
    }
    text = texts[name]
    if opposite and name == "contracting":
        text += ("; but x0 and x* have opposite signs: x_k = (1-lambda)^k x0 -> 0, the sign "
                 "never changes and I is never reached (1.8)")
    elif opposite and name == "sign-flipping":
        text += "; x0 is on the other side of 0 and crosses over in the first step (1.8 fails)"
    return text + "."

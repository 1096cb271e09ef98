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

Regimes of lambda (:func:`~.one_d_exact.regime`)
----------------------------------
``"contracting"`` (``0 < lambda < 1``), the paper's setting:
  ``x0 > 0``: the iterates move geometrically (``x0 (1 -/+ lambda)^k``, solved
  by ``rsolve``) into ``I = [(1-lambda) x*, (1+lambda) x*]`` (1.3, invariant;
  so is the wider ``[(1-lambda) x*, x*/(1-lambda)]``, see
  :func:`~.one_d_proofs.prove_invariance`), never jumping over it (1.5), in the number of
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
  (:data:`SF_SET`, proof by :func:`~.one_d_proofs.prove_invariance`); the iterates oscillate
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
(``.expr``, ``.latex``, vectorised ``.numeric``). This module holds the
derivations; the SymPy invariance proofs (``prove_invariance``,
``prove_no_skip``) are in :mod:`larscheck.theory.one_d_proofs`, and the
exact numerics (``regime``, ``target_set``, ``steps_to_interval``,
``exact_hit_points``, ``eps_lambda``, ``describe``) in
:mod:`larscheck.theory.one_d_exact`.
"""

from __future__ import annotations

from functools import cache

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

r"""The closed-form n-D bounds of the paper (STATEMENTS §2) and their tight forms (§3.1, §3.2).

Every bound is written once here as a :class:`~larscheck.theory.formulas.Formula`
and comes in two **variants** that differ only through the lower bound ``c``
on ``cos alpha`` it is built on:

- ``"paper"``: ``c = mu / L`` (the paper's appendix, eq. 4, reconstructed);
- ``"tight"``: ``c = 2 sqrt(mu L) / (mu + L)``, the best bound for the class
  of mu-strongly convex L-smooth functions (derivation in :data:`COS_TIGHT`).

API
---
Formula objects (SymPy expression, ``.latex``, vectorised ``.numeric``); those
that depend on ``c`` have it as an argument, and :func:`variant` substitutes a
variant's ``c``:

====================  =======================================================  =========
name                  expression                                               statement
====================  =======================================================  =========
``COS_PAPER``         ``mu/L``                                                 2.1
``COS_TIGHT``         ``2 sqrt(mu L)/(mu+L)``                                  3.1
``LEMMA1_THRESHOLD``  ``2 c`` (S_lambda bounded for ``lambda < 2c``)           2.1, 3.2
``LEMMA1_RADIUS``     ``R = lambda ||x*|| / (2c - lambda)``                    3.2
``THEOREM1_ESCAPE``   ``R + lambda (R + ||x*||)`` (R of ``LEMMA1_RADIUS``)     2.3
``THEOREM1_D``        ``D = max(||x0-x*||, R + lambda (R + ||x*||))``          2.3
``THEOREM2_M``        ``M = D + ||x*||``                                       2.4
``THEOREM2_A``        ``A = D e0 / delta`` (``e0 = f(x0) - f*``)               2.4
``THEOREM2_B``        ``B = L D M^2 / (2 delta)``                              2.4
``THEOREM2_GAP``      ``A / (lambda (k+1)) + B lambda``                        2.4
``THEOREM2_GRAD``     ``e0/(lambda delta (k+1)) + L M^2 lambda/(2 delta)``     2.4
``THEOREM2_STEPS``    ``k+1 >= A / (lambda (eps - B lambda))`` (fixed lambda)  2.4
``COROLLARY_LAMBDA``  ``sqrt(A / (B (k+1)))`` (derived: minimiser)             2.5
``COROLLARY_BOUND``   ``2 sqrt(A B / (k+1))`` (derived)                        2.5
``COROLLARY_STEPS``   ``k+1 >= 4 A B / eps^2`` (derived)                       2.5
``THEOREM3_GAP``      ``(D/delta) (e0 + L M^2 Sigma_2 / 2) / Sigma_1``         2.6
====================  =======================================================  =========

``Sigma_1 = sum_{i=0}^k lambda_i``, ``Sigma_2 = sum_{i=0}^k lambda_i^2``;
:func:`schedule_sums` gives both in closed form for the schedules of
``larscheck.sims`` (constant, polynomial decay, inverse decay).

Vectorised functions (NumPy arrays broadcast; ``variant`` is ``"paper"`` or
``"tight"``; where ``lambda >= 2c`` the radius-based results are ``inf``, since
the theory gives no bound there):

- :func:`cos_lower_bound` ``(mu, L, variant)``
- :func:`lemma1_threshold` ``(mu, L, variant)``
- :func:`lemma1_radius` ``(lam, xstar_norm, mu, L, variant)``
- :func:`radius_for_cos` ``(lam, xstar_norm, c)``
- :func:`theorem1_D` ``(lam, xstar_norm, dist0, mu, L, variant)``
- :func:`theorem2_constants` ``(lam, xstar_norm, dist0, gap0, delta, mu, L, variant)``
  -> :class:`Theorem2Constants` ``(R, D, M, A, B)``
- :func:`theorem2_bound` ``(k, lam, ..., form="gap" | "grad")``
- :func:`corollary21` ``(k, ...)`` -> ``(lambda_opt, bound)``;
  :func:`corollary21_steps` ``(eps, ...)``
- :func:`theorem3_bound` ``(k, schedule, params, xstar_norm, dist0, gap0, delta, mu, L,
  variant)``, with ``D`` taken at the largest rate of the schedule.
- :func:`tight_cos_witness` ``(mu, L)``: the two-eigenvalue quadratic and the
  direction at which the tight bound is attained.

How the bounds chain (the proofs behind STATEMENTS §2). With ``r = x - x*``,
``g = grad f(x)`` and ``x+ = x - lambda ||x|| g / ||g||``,

.. math::

    \|x^+ - x^*\|^2 = \|r\|^2 - 2\lambda\|x\|\cos\alpha\,\|r\| + \lambda^2\|x\|^2,

so ``x`` is in ``S_lambda`` iff ``lambda ||x|| >= 2 cos(alpha) ||r||``. With
``cos alpha >= c`` and ``||x|| <= ||r|| + ||x*||``, points of ``S_lambda``
satisfy ``(2c - lambda) ||r|| <= lambda ||x*||``: the radius ``R``. Outside
``S_lambda`` the distance to ``x*`` drops; from inside it grows to at most
``R + lambda ||x|| <= R + lambda (R + ||x*||)``: Theorem 1's ``D``. Then
``||x_k|| <= M = D + ||x*||`` and, by L-smoothness,
``f(x_{k+1}) <= f(x_k) - lambda ||x_k|| ||g_k|| + L lambda^2 ||x_k||^2 / 2
<= f(x_k) - lambda delta ||g_k|| + L M^2 lambda^2 / 2``; summing gives the
gradient-norm form of Theorem 2, and convexity (``f - f* <= ||g|| D``) the
f-gap form, and with varying ``lambda_i`` Theorem 3.
"""

from __future__ import annotations

import numbers
from typing import NamedTuple

import numpy as np
import sympy as sp

from larscheck.theory.formulas import (
    D,
    Formula,
    L,
    M,
    R,
    c,
    delta,
    dist0,
    eps,
    gap0,
    k,
    lam,
    mu,
    sum_lam,
    sum_lam2,
    xstar_norm,
)

VARIANTS = ("paper", "tight")

# ---------------------------------------------------------------- cos(alpha)

COS_PAPER = Formula("cos.paper", mu / L, (mu, L),
                    "paper's lower bound on cos(angle(grad f, x - x*)): mu/L")

_t = sp.Symbol("t", positive=True)
_s = sp.Symbol("s", positive=True)


def derive_tight_cos() -> sp.Expr:
    r"""Derive the tight lower bound ``cos alpha >= 2 sqrt(mu L)/(mu + L)`` (STATEMENTS 3.1).

    Why it is a bound for every mu-strongly convex L-smooth f.
    ``h = f - mu/2 ||x||^2`` is convex with ``(L - mu)``-Lipschitz gradient, so
    it is co-coercive: with ``r = x - x*`` and ``g = grad f(x)``
    (``grad f(x*) = 0``), ``<g - mu r, r> >= ||g - mu r||^2 / (L - mu)``,
    which rearranges to

    .. math:: (\mu + L)\langle g, r\rangle \ge \|g\|^2 + \mu L \|r\|^2 .

    AM-GM on the right, ``||g||^2 + mu L ||r||^2 >= 2 sqrt(mu L) ||g|| ||r||``,
    gives ``cos alpha = <g, r> / (||g|| ||r||) >= 2 sqrt(mu L) / (mu + L)``.
    As ``sqrt(mu L) >= mu`` and ``L >= mu``,
    ``2 sqrt(mu L) L >= 2 mu L >= mu (mu + L)``: it is never below the paper's
    ``mu / L`` (equal iff ``mu = L``).

    Why it is attained (the expression is computed here, not typed in).
    Equality needs both steps tight, which a quadratic with eigenvalues
    ``mu`` and ``L`` achieves (Kantorovich). On ``f = 1/2 (mu r_1^2 + L r_2^2)``
    with ``t = r_1^2 / ||r||^2`` in ``[0, 1]``,

    .. math:: \cos^2\alpha(t) = \frac{(\mu t + L(1-t))^2}{\mu^2 t + L^2 (1-t)} .

    Its endpoints give 1; SymPy solves ``d cos^2 / dt = 0``, keeps the root
    inside ``(0, 1)`` (checked with ``L = mu (1 + s)``, ``s > 0``) and returns
    ``sqrt`` of the value there, ``2 sqrt(mu L) / (mu + L)``, reached at
    ``t = L/(mu + L)``, i.e. ``r ∝ (sqrt(L), sqrt(mu))`` (:func:`tight_cos_witness`).
    """
    cos2 = (mu * _t + L * (1 - _t)) ** 2 / (mu**2 * _t + L**2 * (1 - _t))
    inside = []
    # The derivative's numerator is a polynomial in t; its roots are the critical points.
    for root in sp.roots(sp.Poly(sp.numer(sp.together(sp.diff(cos2, _t))), _t)):
        r = sp.factor(root.subs(L, mu * (1 + _s)))
        if r.is_positive and (1 - r).is_positive:
            inside.append(root)
    if len(inside) != 1:
        raise ArithmeticError(f"expected one interior critical point, got {inside}")
    return sp.sqrt(sp.factor(cos2.subs(_t, inside[0])))


#: Tight lower bound on cos(alpha), derived by :func:`derive_tight_cos` (proof there).
COS_TIGHT = Formula("cos.tight", derive_tight_cos(), (mu, L),
                    "tight lower bound on cos(alpha): 2 sqrt(mu L)/(mu + L)")

COS = {"paper": COS_PAPER, "tight": COS_TIGHT}

# ---------------------------------------------------------------- Lemma 1, Theorem 1

LEMMA1_THRESHOLD = Formula("lemma1.threshold", 2 * c, (c,),
                           "Lemma 1: S_lambda is bounded for lambda < 2c")
LEMMA1_RADIUS = Formula("lemma1.radius", lam * xstar_norm / (2 * c - lam), (lam, xstar_norm, c),
                        "S_lambda lies in the ball of this radius around x* (lambda < 2c)")
THEOREM1_ESCAPE = Formula("theorem1.escape",
                          (R + lam * (R + xstar_norm)).subs(R, LEMMA1_RADIUS.expr),
                          (lam, xstar_norm, c),
                          "farthest a step from S_lambda can land: R + lambda (R + ||x*||)")
THEOREM1_D_OF_R = Formula("theorem1.D(R)", sp.Max(dist0, R + lam * (R + xstar_norm)),
                          (dist0, R, lam, xstar_norm),
                          "Theorem 1: ||x_k - x*|| <= D for all k, given the radius R")
THEOREM1_D = Formula("theorem1.D", sp.Max(dist0, THEOREM1_ESCAPE.expr),
                     (dist0, lam, xstar_norm, c),
                     "Theorem 1: ||x_k - x*|| <= D, with R of the constructive Lemma 1")

# ---------------------------------------------------------------- Theorem 2, Corollary 2.1

A_sym, B_sym = sp.symbols("A B", positive=True)
THEOREM2_M = Formula("theorem2.M", D + xstar_norm, (D, xstar_norm), "bound on ||x_k||")
THEOREM2_A = Formula("theorem2.A", D * gap0 / delta, (D, gap0, delta), "A = D (f(x0)-f*)/delta")
THEOREM2_B = Formula("theorem2.B", L * D * THEOREM2_M.expr**2 / (2 * delta),
                     (L, D, xstar_norm, delta), "B = L D M^2 / (2 delta)")
THEOREM2_GAP = Formula("theorem2.gap", A_sym / (lam * (k + 1)) + B_sym * lam,
                       (k, lam, A_sym, B_sym),
                       "Theorem 2: min_{i<=k} f(x_i) - f* <= A/(lambda (k+1)) + B lambda")
THEOREM2_GRAD = Formula(
    "theorem2.grad",
    gap0 / (lam * delta * (k + 1)) + L * M**2 * lam / (2 * delta),
    (k, lam, gap0, delta, L, M),
    "Theorem 2 (gradient form): min_{i<=k} ||grad f(x_i)|| <= e0/(lambda delta (k+1)) "
    "+ L M^2 lambda/(2 delta)",
)


def _derive_theorem2_steps() -> sp.Expr:
    """Solve ``A/(lambda (k+1)) + B lambda = eps`` for ``k + 1`` (valid when ``B lambda < eps``)."""
    kp1 = sp.Symbol("K", positive=True)
    (sol,) = sp.solve(sp.Eq(A_sym / (lam * kp1) + B_sym * lam, eps), kp1, simplify=False)
    return sp.factor(sol)


THEOREM2_STEPS = Formula("theorem2.steps", _derive_theorem2_steps(), (eps, lam, A_sym, B_sym),
                         "k+1 reaching min f - f* <= eps at fixed lambda (needs B lambda < eps)")


def _derive_corollary() -> tuple[sp.Expr, sp.Expr, sp.Expr]:
    """Minimise Theorem 2's bound over lambda; solve ``bound = eps`` for ``k + 1``.

    The bound is convex in ``lambda > 0``; the numerator of its derivative is a
    quadratic in lambda whose positive root is the minimiser.
    """
    slope = sp.numer(sp.together(sp.diff(THEOREM2_GAP.expr, lam)))
    (lam_opt,) = [r for r in sp.roots(sp.Poly(slope, lam)) if r.is_positive]
    bound = sp.powsimp(sp.factor(THEOREM2_GAP.expr.subs(lam, lam_opt)), force=True)
    kp1 = sp.Symbol("K", positive=True)
    (steps,) = sp.solve(sp.Eq(bound.subs(k, kp1 - 1), eps), kp1, simplify=False)
    return lam_opt, bound, sp.factor(steps)


_lam_opt, _bound_opt, _steps_opt = _derive_corollary()
COROLLARY_LAMBDA = Formula("corollary2.1.lambda", _lam_opt, (k, A_sym, B_sym),
                           "Corollary 2.1: the lambda minimising Theorem 2's bound at step k")
COROLLARY_BOUND = Formula("corollary2.1.bound", _bound_opt, (k, A_sym, B_sym),
                          "Corollary 2.1: min_{i<=k} f(x_i) - f* <= 2 sqrt(AB/(k+1))")
COROLLARY_STEPS = Formula("corollary2.1.steps", _steps_opt, (eps, A_sym, B_sym),
                          "Corollary 2.1: k+1 >= 4AB/eps^2 iterations reach eps")

# ---------------------------------------------------------------- Theorem 3 and schedule sums

THEOREM3_GAP = Formula(
    "theorem3.gap",
    (D / delta) * (gap0 + L * M**2 * sum_lam2 / 2) / sum_lam,
    (D, delta, gap0, L, M, sum_lam, sum_lam2),
    "Theorem 3: min_{i<=k} f(x_i) - f* <= (D/delta)(e0 + L M^2 Sigma_2/2)/Sigma_1",
)

_i = sp.Symbol("i", integer=True, nonnegative=True)
_n = sp.Symbol("n", integer=True, nonnegative=True)
lam0 = sp.Symbol("lambda_0", positive=True)  #: initial rate of a decaying schedule
T = sp.Symbol("T", integer=True, positive=True)  #: total steps of the polynomial decay
power = sp.Symbol("p", positive=True)  #: exponent of a decaying schedule
a_rate = sp.Symbol("a", positive=True)  #: scale of the inverse decay

SCHEDULE_KINDS = ("constant", "poly", "inverse")
_PARAMS = {"constant": ("lam",), "poly": ("lam0", "total_steps", "power"),
           "inverse": ("a", "power")}

#: Exponents :func:`theorem3_bound` assumes when ``params`` has none: those of
#: :class:`~larscheck.sims.schedules.PolynomialDecay` (2, the authors') and
#: :class:`~larscheck.sims.schedules.InverseDecay` (1).
THEOREM3_DEFAULTS = {"poly": {"power": 2}, "inverse": {"power": 1}}


def _exact(name: str, value, *, integer: bool = False):
    """A SymPy number from a user value (floats exactly as written), or a symbol passed through."""
    if isinstance(value, sp.Basic):
        return value
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a real number, got {type(value).__name__}")
    if not np.isfinite(value) or value <= 0:
        raise ValueError(f"{name} must be finite and > 0, got {value}")
    if integer:
        if int(value) != value:
            raise ValueError(f"{name} must be a positive integer, got {value}")
        return sp.Integer(int(value))
    return sp.nsimplify(value, rational=True)


def _harmonic(n: sp.Expr, m: sp.Expr) -> sp.Expr:
    """``H_n^{(m)}``, kept unevaluated unless ``m`` is an integer <= 0 (then a polynomial in n).

    With a number ``n`` SymPy would otherwise expand it into ``n`` surds.
    """
    if m.is_Integer and m <= 0:
        return sp.expand_func(sp.harmonic(n, m))
    return sp.harmonic(n, m, evaluate=False)


def _sum_powers(expr_i: sp.Expr, upper: sp.Expr) -> sp.Expr:
    """``sum_{i=0}^{upper} expr_i`` by SymPy, summed to a symbolic ``n`` then substituted."""
    return sp.summation(expr_i, (_i, 0, _n)).subs(_n, upper)


def schedule_sums(schedule: str, **params) -> tuple[Formula, Formula]:
    r"""``Sigma_1(k) = sum_{i=0}^k lambda_i`` and ``Sigma_2(k) = sum_{i=0}^k lambda_i^2`` exactly.

    Parameters
    ----------
    schedule : {"constant", "poly", "inverse"}
        - ``constant``: ``lambda_i = lam``;
        - ``poly``: ``lambda_i = lam0 (1 - i/T)^p`` for ``i < T`` and 0 after
          (``T = total_steps``);
        - ``inverse``: ``lambda_i = a / (i + 1)^p``.
    **params
        ``lam`` | ``lam0, total_steps, power`` | ``a, power``: numbers (floats
        are converted exactly as written, e.g. ``0.1 -> 1/10``) or SymPy symbols
        to keep them symbolic. Numbers that are absent stay symbolic.

    Returns
    -------
    (Formula, Formula)
        In ``k`` and any parameters left symbolic. Closed forms: for the
        polynomial decay with integer ``p``, Faulhaber polynomials in
        ``n = min(k, T - 1)``; otherwise generalised harmonic numbers
        ``H_n^{(m)}`` (``poly``: ``T^{-p} (H_T^{(-p)} - H_{T-n-1}^{(-p)})``;
        ``inverse``: ``a H_{k+1}^{(p)}``), evaluated numerically by
        :func:`~larscheck.theory.formulas.harmonic_numeric`.
    """
    if schedule not in _PARAMS:
        raise ValueError(f"schedule must be one of {SCHEDULE_KINDS}, got {schedule!r}")
    unknown = set(params) - set(_PARAMS[schedule])
    if unknown:
        raise TypeError(f"schedule {schedule!r} takes {_PARAMS[schedule]}, got {sorted(unknown)}")
    if schedule == "constant":
        rate = _exact("lam", params.get("lam", lam))
        s1, s2 = (k + 1) * rate, (k + 1) * rate**2
    elif schedule == "poly":
        l0 = _exact("lam0", params.get("lam0", lam0))
        big_t = _exact("total_steps", params.get("total_steps", T), integer=True)
        p = _exact("power", params.get("power", power))
        upper = sp.Min(k, big_t - 1)
        if p.is_Integer:
            s1 = l0 * _sum_powers((1 - _i / big_t) ** p, upper)
            s2 = l0**2 * _sum_powers((1 - _i / big_t) ** (2 * p), upper)
        else:  # j = T - i runs over T - n .. T
            s1, s2 = (l0**q * big_t**(-q * p) * (_harmonic(big_t, -q * p)
                                                 - _harmonic(big_t - upper - 1, -q * p))
                      for q in (1, 2))
    else:
        a = _exact("a", params.get("a", a_rate))
        p = _exact("power", params.get("power", power))
        s1, s2 = a * _harmonic(k + 1, p), a**2 * _harmonic(k + 1, 2 * p)
    out = []
    for name, expr in (("sum_lambda", s1), ("sum_lambda_sq", s2)):
        expr = sp.expand(expr) if expr.is_polynomial(k) else expr
        args = [k, *sorted(expr.free_symbols - {k}, key=str)]
        out.append(Formula(f"{schedule}.{name}", expr, args, f"{name} over i = 0..k"))
    return out[0], out[1]


def schedule_max_rate(schedule: str, **params) -> float:
    """``max_i lambda_i`` (``lam``, ``lam0`` or ``a``): the rate at which ``D`` is taken.

    ``R`` (and so ``D``) increases with ``lambda``, and Theorem 1's induction
    works step by step with ``lambda_i <= max lambda``, so ``D`` at the largest
    rate bounds ``||x_k - x*||`` for the whole schedule.
    """
    key = {"constant": "lam", "poly": "lam0", "inverse": "a"}.get(schedule)
    if key is None:
        raise ValueError(f"schedule must be one of {SCHEDULE_KINDS}, got {schedule!r}")
    if key not in params:
        raise TypeError(f"schedule {schedule!r} needs {key}")
    return float(params[key])


# ---------------------------------------------------------------- vectorised API


def variant(formula: Formula, which: str) -> Formula:
    """``formula`` with ``c`` replaced by the ``"paper"`` or ``"tight"`` cos bound."""
    if which not in COS:
        raise ValueError(f"variant must be one of {VARIANTS}, got {which!r}")
    if c not in formula.args:
        return formula
    return formula.subs(f"{formula.name}.{which}", c=COS[which].expr)


def _arrays(*, nonneg: tuple[str, ...] = (), **values) -> list[np.ndarray]:
    """Broadcast float64 arrays, checked finite and > 0 (>= 0 for the names in ``nonneg``)."""
    out = []
    for name, v in values.items():
        arr = np.asarray(v, dtype=np.float64)
        low_ok = np.all(arr >= 0) if name in nonneg else np.all(arr > 0)
        if not np.all(np.isfinite(arr)) or not low_ok:
            raise ValueError(f"{name} must be finite and {'>=' if name in nonneg else '>'} 0")
        out.append(arr)
    return list(np.broadcast_arrays(*out))


def cos_lower_bound(mu, L, variant: str = "tight") -> np.ndarray:
    """Lower bound ``c`` on ``cos alpha`` for mu-strongly convex L-smooth f (needs ``mu <= L``).

    ``alpha`` is the angle between ``grad f(x)`` and ``x - x*``. The variants are
    ``c = mu / L`` (``"paper"``, :data:`COS_PAPER`) and
    ``c = 2 sqrt(mu L) / (mu + L)`` (``"tight"``, :data:`COS_TIGHT`, never below
    the paper's, equal iff ``mu = L``).

    Parameters
    ----------
    mu : array_like
        Strong-convexity constant ``mu``: finite and > 0.
    L : array_like
        Smoothness constant ``L`` (Lipschitz constant of ``grad f``): finite,
        > 0 and ``>= mu`` element-wise. Broadcasts against ``mu``.
    variant : {"tight", "paper"}, default "tight"
        Which bound ``c``.

    Returns
    -------
    numpy.ndarray
        ``c``, float64, in ``(0, 1]``, of the broadcast shape of ``mu`` and ``L``
        (0-d for scalars).

    Raises
    ------
    ValueError
        If ``mu`` or ``L`` is not finite and > 0, if ``mu > L`` anywhere, or for
        an unknown ``variant``.
    """
    mu_, L_ = _arrays(mu=mu, L=L)
    if np.any(mu_ > L_):
        raise ValueError("mu must be <= L")
    if variant not in COS:
        raise ValueError(f"variant must be one of {VARIANTS}, got {variant!r}")
    return COS[variant](mu_, L_)


def lemma1_threshold(mu, L, variant: str = "tight") -> np.ndarray:
    """``2c``: Lemma 1 bounds ``S_lambda`` for ``lambda < 2c``.

    ``S_lambda`` is the set of points from which one step of eq. (1) does not
    bring ``x`` closer to ``x*`` (``lambda ||x|| >= 2 cos(alpha) ||x - x*||``).
    The threshold is ``2 mu / L`` (``"paper"``) or ``4 sqrt(mu L) / (mu + L)``
    (``"tight"``).

    Parameters
    ----------
    mu : array_like
        Strong-convexity constant ``mu``: finite and > 0.
    L : array_like
        Smoothness constant ``L``: finite, > 0 and ``>= mu``; broadcasts against
        ``mu``.
    variant : {"tight", "paper"}, default "tight"
        Which cos bound ``c`` (:func:`cos_lower_bound`).

    Returns
    -------
    numpy.ndarray
        ``2c``, float64, of the broadcast shape of ``mu`` and ``L``: the rates
        ``lambda < 2c`` are those for which Lemma 1 applies.
    """
    return LEMMA1_THRESHOLD(cos_lower_bound(mu, L, variant))


def radius_for_cos(lam, xstar_norm, c) -> np.ndarray:
    """``R = lambda ||x*|| / (2c - lambda)`` for a cos bound ``c``; ``inf`` if ``lambda >= 2c``."""
    lam_, xs_, c_ = _arrays(lam=lam, xstar_norm=xstar_norm, c=c, nonneg=("xstar_norm",))
    ok = lam_ < 2 * c_
    safe_lam = np.where(ok, lam_, c_)  # any rate with 2c - lambda > 0; masked below
    return np.where(ok, LEMMA1_RADIUS(safe_lam, xs_, c_), np.inf)


def lemma1_radius(lam, xstar_norm, mu, L, variant: str = "tight") -> np.ndarray:
    """Radius ``R`` of a ball about ``x*`` holding ``S_lambda`` (3.2); inf if ``lambda >= 2c``.

    ``R = lambda ||x*|| / (2c - lambda)`` with ``c`` from :func:`cos_lower_bound`
    (:data:`LEMMA1_RADIUS`): every ``x`` in ``S_lambda`` has ``||x - x*|| <= R``.

    Parameters
    ----------
    lam : array_like
        The rate ``lambda``: finite and > 0.
    xstar_norm : array_like
        ``||x*||``, the norm of the minimiser: finite and >= 0.
    mu : array_like
        Strong-convexity constant ``mu``: finite and > 0.
    L : array_like
        Smoothness constant ``L``: finite, > 0 and ``>= mu``.
    variant : {"tight", "paper"}, default "tight"
        Which cos bound ``c`` (:func:`cos_lower_bound`).

    Returns
    -------
    numpy.ndarray
        ``R``, float64, of the broadcast shape of all the arguments; ``inf`` where
        ``lambda >= 2c`` (the theory gives no bound there), 0 where ``||x*|| = 0``
        and ``lambda < 2c``.
    """
    return radius_for_cos(lam, xstar_norm, cos_lower_bound(mu, L, variant))


def theorem1_D(lam, xstar_norm, dist0, mu, L, variant: str = "tight") -> np.ndarray:
    """Theorem 1's ``D = max(||x0 - x*||, R + lambda (R + ||x*||))``; ``inf`` if ``lambda >= 2c``.

    ``R = lambda ||x*|| / (2c - lambda)`` is :func:`lemma1_radius`; Theorem 1
    states ``||x_k - x*|| <= D`` for every ``k`` at the fixed rate ``lambda``.

    Parameters
    ----------
    lam : array_like
        The rate ``lambda``: finite and > 0.
    xstar_norm : array_like
        ``||x*||``, the norm of the minimiser: finite and >= 0.
    dist0 : array_like
        ``||x0 - x*||``, the initial distance to the minimiser: finite and >= 0.
    mu : array_like
        Strong-convexity constant ``mu``: finite and > 0.
    L : array_like
        Smoothness constant ``L``: finite, > 0 and ``>= mu``.
    variant : {"tight", "paper"}, default "tight"
        Which cos bound ``c`` (:func:`cos_lower_bound`) builds ``R``.

    Returns
    -------
    numpy.ndarray
        ``D``, float64, of the broadcast shape of all the arguments; ``inf`` where
        ``lambda >= 2c``.
    """
    d0, lam_, xs_ = _arrays(dist0=dist0, lam=lam, xstar_norm=xstar_norm,
                            nonneg=("dist0", "xstar_norm"))
    r, d0, lam_, xs_ = np.broadcast_arrays(lemma1_radius(lam_, xs_, mu, L, variant), d0, lam_, xs_)
    ok = np.isfinite(r)
    return np.where(ok, THEOREM1_D_OF_R(d0, np.where(ok, r, 0.0), lam_, xs_), np.inf)


class Theorem2Constants(NamedTuple):
    """The constants of Theorems 1-3 for given problem data (arrays; ``inf`` when unbounded)."""

    R: np.ndarray
    D: np.ndarray
    M: np.ndarray
    A: np.ndarray
    B: np.ndarray


def theorem2_constants(lam, xstar_norm, dist0, gap0, delta, mu, L,
                       variant: str = "tight") -> Theorem2Constants:
    """``R, D, M = D + ||x*||, A = D e0/delta, B = L D M^2/(2 delta)``.

    Parameters
    ----------
    lam : array_like
        The (largest) rate.
    xstar_norm, dist0, gap0 : array_like
        ``||x*||``, ``||x0 - x*||``, ``f(x0) - f*`` (all >= 0).
    delta : array_like
        Lower bound on ``||x_k||`` (> 0).
    mu, L : array_like
        Strong convexity and smoothness constants.
    variant : {"paper", "tight"}
        Which cos bound ``c`` builds ``R``.
    """
    radius = lemma1_radius(lam, xstar_norm, mu, L, variant)
    d = theorem1_D(lam, xstar_norm, dist0, mu, L, variant)
    xs_, e0, dl, L_ = _arrays(xstar_norm=xstar_norm, gap0=gap0, delta=delta, L=L,
                              nonneg=("xstar_norm", "gap0"))
    with np.errstate(invalid="ignore", over="ignore"):  # inf D -> inf constants
        a = np.where(np.isinf(d), np.inf, THEOREM2_A(d, e0, dl))  # not inf * 0 = NaN at e0 = 0
        return Theorem2Constants(radius, d, THEOREM2_M(d, xs_), a, THEOREM2_B(L_, d, xs_, dl))


def theorem2_bound(k, lam, xstar_norm, dist0, gap0, delta, mu, L, variant: str = "tight",
                   form: str = "gap") -> np.ndarray:
    """Theorem 2 at step ``k``: bound on ``min_{i<=k} f - f*`` (``form="gap"``) or on
    ``min_{i<=k} ||grad f||`` (``form="grad"``).

    With the constants of :func:`theorem2_constants` at the rate ``lambda``
    (``D`` of :func:`theorem1_D`, ``M = D + ||x*||``, ``A = D e0 / delta``,
    ``B = L D M^2 / (2 delta)``, ``e0 = f(x0) - f*``):

    - ``form="gap"`` (:data:`THEOREM2_GAP`):
      ``min_{i<=k} f(x_i) - f* <= A / (lambda (k+1)) + B lambda``;
    - ``form="grad"`` (:data:`THEOREM2_GRAD`):
      ``min_{i<=k} ||grad f(x_i)|| <= e0 / (lambda delta (k+1)) + L M^2 lambda / (2 delta)``.

    Parameters
    ----------
    k : array_like
        Step index (``k + 1`` iterates ``x_0 .. x_k``): >= 0; not required to be
        an integer.
    lam : array_like
        The fixed rate ``lambda``: finite and > 0.
    xstar_norm : array_like
        ``||x*||``: finite and >= 0.
    dist0 : array_like
        ``||x0 - x*||``: finite and >= 0.
    gap0 : array_like
        ``e0 = f(x0) - f*``: finite and >= 0.
    delta : array_like
        ``delta`` > 0, the assumed lower bound ``||x_i|| >= delta`` on the iterates.
    mu : array_like
        Strong-convexity constant ``mu``: finite and > 0.
    L : array_like
        Smoothness constant ``L``: finite, > 0 and ``>= mu``.
    variant : {"tight", "paper"}, default "tight"
        Which cos bound ``c`` (:func:`cos_lower_bound`) builds ``D``.
    form : {"gap", "grad"}, default "gap"
        Which quantity is bounded (see above).

    Returns
    -------
    numpy.ndarray
        The bound, float64, of the broadcast shape of all the arguments; ``inf``
        where ``lambda >= 2c`` (the theory gives no bound there).

    Raises
    ------
    ValueError
        For an argument out of its range, ``k < 0``, or an unknown ``variant`` or
        ``form``.
    """
    const = theorem2_constants(lam, xstar_norm, dist0, gap0, delta, mu, L, variant)
    k_ = np.asarray(k, dtype=np.float64)
    if np.any(k_ < 0):
        raise ValueError("k must be >= 0")
    with np.errstate(invalid="ignore", over="ignore"):
        if form == "gap":
            return THEOREM2_GAP(k_, lam, const.A, const.B)
        if form == "grad":
            return THEOREM2_GRAD(k_, lam, gap0, delta, L, const.M)
    raise ValueError(f"form must be 'gap' or 'grad', got {form!r}")


def corollary21(k, xstar_norm, dist0, gap0, delta, mu, L, lam_for_D,
                variant: str = "tight") -> tuple[np.ndarray, np.ndarray]:
    """Corollary 2.1 at step ``k``: ``(lambda_opt, 2 sqrt(AB/(k+1)))``.

    ``A`` and ``B`` depend on ``lambda`` through ``D``; the paper treats them as
    constants, so they are evaluated at ``lam_for_D`` (the rate range the user
    considers; ``D`` grows with lambda, so the largest rate gives valid constants
    for every smaller rate, including ``lambda_opt`` when it is smaller).

    ``lambda_opt = sqrt(A / (B (k+1)))`` (:data:`COROLLARY_LAMBDA`) minimises
    Theorem 2's ``A / (lambda (k+1)) + B lambda``, and the minimum is
    ``2 sqrt(A B / (k+1))`` (:data:`COROLLARY_BOUND`), with ``A = D e0 / delta``,
    ``B = L D M^2 / (2 delta)``, ``M = D + ||x*||`` and ``D`` of
    :func:`theorem1_D` at ``lam_for_D``. Whether ``lambda_opt <= lam_for_D``
    (which the validity of the bound needs) is not checked: compare the two.

    Parameters
    ----------
    k : array_like
        Step index (>= 0): the bound is on ``min_{i<=k} f(x_i) - f*``.
    xstar_norm : array_like
        ``||x*||``: finite and >= 0.
    dist0 : array_like
        ``||x0 - x*||``: finite and >= 0.
    gap0 : array_like
        ``e0 = f(x0) - f*``: finite and >= 0.
    delta : array_like
        ``delta`` > 0, the assumed lower bound ``||x_i|| >= delta`` on the iterates.
    mu : array_like
        Strong-convexity constant ``mu``: finite and > 0.
    L : array_like
        Smoothness constant ``L``: finite, > 0 and ``>= mu``.
    lam_for_D : array_like
        The rate (> 0) at which ``D``, and so ``A`` and ``B``, are evaluated: the
        largest rate considered.
    variant : {"tight", "paper"}, default "tight"
        Which cos bound ``c`` (:func:`cos_lower_bound`) builds ``D``.

    Returns
    -------
    lambda_opt : numpy.ndarray
        ``sqrt(A / (B (k+1)))``, float64, of the broadcast shape of the arguments;
        ``nan`` where ``lam_for_D >= 2c`` (``A = B = inf``).
    bound : numpy.ndarray
        ``2 sqrt(A B / (k+1))``, same shape; ``inf`` where ``lam_for_D >= 2c``.

    Raises
    ------
    ValueError
        If ``k < 0``, or a constant is out of its range (see
        :func:`theorem2_constants`).
    """
    const = theorem2_constants(lam_for_D, xstar_norm, dist0, gap0, delta, mu, L, variant)
    k_ = np.asarray(k, dtype=np.float64)
    if np.any(k_ < 0):
        raise ValueError("k must be >= 0")
    with np.errstate(invalid="ignore", over="ignore"):
        return COROLLARY_LAMBDA(k_, const.A, const.B), COROLLARY_BOUND(k_, const.A, const.B)


def corollary21_steps(eps, xstar_norm, dist0, gap0, delta, mu, L, lam_for_D,
                      variant: str = "tight") -> np.ndarray:
    """Iterations ``k + 1 >= 4AB/eps^2`` of Corollary 2.1 (``A, B`` at ``lam_for_D``)."""
    const = theorem2_constants(lam_for_D, xstar_norm, dist0, gap0, delta, mu, L, variant)
    (eps_,) = _arrays(eps=eps)
    with np.errstate(invalid="ignore", over="ignore"):
        return COROLLARY_STEPS(eps_, const.A, const.B)


def theorem3_bound(k, schedule: str, params: dict, xstar_norm, dist0, gap0, delta, mu, L,
                   variant: str = "tight") -> np.ndarray:
    """Theorem 3's bound on ``min_{i<=k} f(x_i) - f*`` for a schedule.

    ``params`` are the schedule's numbers (see :func:`schedule_sums`); ``D`` is
    taken at the largest rate (:func:`schedule_max_rate`). ``k`` may be an array.

    The bound (:data:`THEOREM3_GAP`) is
    ``(D / delta) (e0 + L M^2 Sigma_2 / 2) / Sigma_1`` with
    ``Sigma_1 = sum_{i=0}^k lambda_i``, ``Sigma_2 = sum_{i=0}^k lambda_i^2``
    (closed forms of :func:`schedule_sums`), ``e0 = f(x0) - f*``,
    ``M = D + ||x*||`` and ``D`` of :func:`theorem1_D` at the largest rate
    (``lam``, ``lam0`` or ``a``).

    Parameters
    ----------
    k : int or array_like of int
        Step index (the minimum runs over ``x_0 .. x_k``): non-negative integers.
    schedule : {"constant", "poly", "inverse"}
        The rate law: ``lambda_i = lam``; ``lambda_i = lam0 (1 - i/T)^p`` for
        ``i < T`` and 0 after (``T = total_steps``); ``lambda_i = a / (i + 1)^p``.
    params : dict
        The schedule's numbers: ``{"lam"}`` | ``{"lam0", "total_steps", "power"}`` |
        ``{"a", "power"}``; ``power`` defaults to 2 (poly) and 1 (inverse), as in
        the simulator's schedules (:data:`THEOREM3_DEFAULTS`), the rest are required.
        Each a finite real number > 0 (``total_steps`` an integer), not an array;
        floats are converted exactly as written. A missing entry stays symbolic
        and makes the evaluation fail with ``TypeError``; an unknown key is a
        ``TypeError``.
    xstar_norm : array_like
        ``||x*||``: finite and >= 0.
    dist0 : array_like
        ``||x0 - x*||``: finite and >= 0.
    gap0 : array_like
        ``e0 = f(x0) - f*``: finite and >= 0.
    delta : array_like
        ``delta`` > 0, the assumed lower bound ``||x_i|| >= delta`` on the iterates.
    mu : array_like
        Strong-convexity constant ``mu``: finite and > 0.
    L : array_like
        Smoothness constant ``L``: finite, > 0 and ``>= mu``.
    variant : {"tight", "paper"}, default "tight"
        Which cos bound ``c`` (:func:`cos_lower_bound`) builds ``D``.

    Returns
    -------
    numpy.ndarray
        The bound, float64, of the broadcast shape of ``k`` and the problem
        arguments; ``inf`` where the largest rate is ``>= 2c``.

    Raises
    ------
    ValueError
        For an unknown ``schedule`` or ``variant``, an argument out of its range,
        or ``k`` negative or not an integer.
    """
    params = {**THEOREM3_DEFAULTS.get(schedule, {}), **params}
    missing = [name for name in _PARAMS.get(schedule, ()) if name not in params]
    if missing:
        raise TypeError(f"schedule {schedule!r} needs {', '.join(missing)} in params")
    s1, s2 = schedule_sums(schedule, **params)
    const = theorem2_constants(schedule_max_rate(schedule, **params), xstar_norm, dist0, gap0,
                               delta, mu, L, variant)
    k_ = np.asarray(k, dtype=np.float64)
    if np.any(k_ < 0) or np.any(k_ != np.floor(k_)):
        raise ValueError("k must be a non-negative integer")
    with np.errstate(invalid="ignore", over="ignore"):
        return THEOREM3_GAP(const.D, delta, gap0, L, const.M, s1(k_), s2(k_))


def tight_cos_witness(mu: float, L: float) -> tuple[np.ndarray, np.ndarray]:
    """Eigenvalues ``(mu, L)`` and the unit direction ``r ∝ (sqrt(L), sqrt(mu))``.

    On ``f = 1/2 (mu r_1^2 + L r_2^2)`` the angle at ``x = x* + t r`` (any
    ``t > 0``) has ``cos alpha = 2 sqrt(mu L)/(mu + L)`` exactly: the bound of
    :data:`COS_TIGHT` is attained.
    """
    mu_, L_ = (float(v) for v in _arrays(mu=mu, L=L))
    direction = np.array([np.sqrt(L_), np.sqrt(mu_)])
    return np.array([mu_, L_]), direction / np.linalg.norm(direction)

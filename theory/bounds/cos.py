r"""The cos(alpha) bounds, Lemma 1 and Theorem 1 (STATEMENTS 2.1, 2.3, 3.1, 3.2).

Part of :mod:`larscheck.theory.bounds` (the API and how the bounds chain are in
its docstring): the two lower bounds ``c`` on ``cos alpha``, the radius ``R`` of
``S_lambda`` and Theorem 1's ``D``, as Formulas and vectorised functions.
"""

from __future__ import annotations

import numpy as np
import sympy as sp

from larscheck.theory.bounds.problem import ProblemConstants, arrays
from larscheck.theory.formulas import Formula, L, R, c, dist0, lam, mu, xstar_norm

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

# ---------------------------------------------------------------- vectorised API


def variant(formula: Formula, which: str) -> Formula:
    """``formula`` with ``c`` replaced by the ``"paper"`` or ``"tight"`` cos bound."""
    if which not in COS:
        raise ValueError(f"variant must be one of {VARIANTS}, got {which!r}")
    if c not in formula.args:
        return formula
    return formula.subs(f"{formula.name}.{which}", c=COS[which].expr)


def cos_lower_bound(mu, L, variant: str = "tight") -> np.ndarray:
    """Lower bound ``c`` on ``cos alpha`` for mu-strongly convex L-smooth f (needs ``mu <= L``).

    ``alpha`` is the angle between ``grad f(x)`` and ``x - x*``. The variants are
    ``c = mu / L`` (``"paper"``, :data:`COS_PAPER`) and
    ``c = 2 sqrt(mu L) / (mu + L)`` (``"tight"``, :data:`COS_TIGHT`, never below
    the paper's, equal iff ``mu = L``).

    Parameters
    ----------
    mu, L : array_like
        ``mu`` and ``L`` as in :class:`~larscheck.theory.bounds.ProblemConstants`
        (finite, ``0 < mu <= L`` element-wise); they broadcast.
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
    mu_, L_ = arrays(mu=mu, L=L)
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
    mu, L, variant
        As in :func:`cos_lower_bound`.

    Returns
    -------
    numpy.ndarray
        ``2c``, float64, of the broadcast shape of ``mu`` and ``L``: the rates
        ``lambda < 2c`` are those for which Lemma 1 applies.
    """
    return LEMMA1_THRESHOLD(cos_lower_bound(mu, L, variant))


def radius_for_cos(lam, xstar_norm, c) -> np.ndarray:
    """``R = lambda ||x*|| / (2c - lambda)`` for a cos bound ``c``; ``inf`` if ``lambda >= 2c``."""
    lam_, xs_, c_ = arrays(lam=lam, xstar_norm=xstar_norm, c=c, nonneg=("xstar_norm",))
    ok = lam_ < 2 * c_
    safe_lam = np.where(ok, lam_, c_)  # any rate with 2c - lambda > 0; masked below
    return np.where(ok, LEMMA1_RADIUS(safe_lam, xs_, c_), np.inf)


def lemma1_radius(lam, problem: ProblemConstants, variant: str = "tight") -> np.ndarray:
    """Radius ``R`` of a ball about ``x*`` holding ``S_lambda`` (3.2); inf if ``lambda >= 2c``.

    ``R = lambda ||x*|| / (2c - lambda)`` with ``c`` from :func:`cos_lower_bound`
    (:data:`LEMMA1_RADIUS`): every ``x`` in ``S_lambda`` has ``||x - x*|| <= R``.

    Parameters
    ----------
    lam : array_like
        The rate ``lambda``: finite and > 0.
    problem : ProblemConstants
        ``mu``, ``L`` and ``xstar_norm`` are used.
    variant : {"tight", "paper"}, default "tight"
        Which cos bound ``c`` (:func:`cos_lower_bound`).

    Returns
    -------
    numpy.ndarray
        ``R``, float64, of the broadcast shape of ``lam`` and the constants; ``inf``
        where ``lambda >= 2c`` (the theory gives no bound there), 0 where
        ``||x*|| = 0`` and ``lambda < 2c``.
    """
    return radius_for_cos(lam, problem.xstar_norm, cos_lower_bound(problem.mu, problem.L, variant))


def theorem1_D(lam, problem: ProblemConstants, variant: str = "tight") -> np.ndarray:
    """Theorem 1's ``D = max(||x0 - x*||, R + lambda (R + ||x*||))``; ``inf`` if ``lambda >= 2c``.

    ``R = lambda ||x*|| / (2c - lambda)`` is :func:`lemma1_radius`; Theorem 1
    states ``||x_k - x*|| <= D`` for every ``k`` at the fixed rate ``lambda``.

    Parameters
    ----------
    lam : array_like
        The rate ``lambda``: finite and > 0.
    problem : ProblemConstants
        ``mu``, ``L``, ``xstar_norm`` and ``dist0`` (required) are used.
    variant : {"tight", "paper"}, default "tight"
        Which cos bound ``c`` (:func:`cos_lower_bound`) builds ``R``.

    Returns
    -------
    numpy.ndarray
        ``D``, float64, of the broadcast shape of ``lam`` and the constants;
        ``inf`` where ``lambda >= 2c``.
    """
    (d0,) = problem.need("theorem1_D", "dist0")
    (lam_,) = arrays(lam=lam)
    r, d0, lam_, xs_ = np.broadcast_arrays(lemma1_radius(lam_, problem, variant), d0, lam_,
                                           problem.xstar_norm)
    ok = np.isfinite(r)
    return np.where(ok, THEOREM1_D_OF_R(d0, np.where(ok, r, 0.0), lam_, xs_), np.inf)


def tight_cos_witness(mu: float, L: float) -> tuple[np.ndarray, np.ndarray]:
    """Eigenvalues ``(mu, L)`` and the unit direction ``r ∝ (sqrt(L), sqrt(mu))``.

    On ``f = 1/2 (mu r_1^2 + L r_2^2)`` the angle at ``x = x* + t r`` (any
    ``t > 0``) has ``cos alpha = 2 sqrt(mu L)/(mu + L)`` exactly: the bound of
    :data:`COS_TIGHT` is attained.
    """
    mu_, L_ = (float(v) for v in arrays(mu=mu, L=L))
    direction = np.array([np.sqrt(L_), np.sqrt(mu_)])
    return np.array([mu_, L_]), direction / np.linalg.norm(direction)

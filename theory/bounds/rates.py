r"""Theorem 2, Corollary 2.1 and Theorem 3: the rates (STATEMENTS 2.4-2.6).

Part of :mod:`larscheck.theory.bounds` (the API and how the bounds chain are in
its docstring): the constants ``M, A, B`` built on Theorem 1's ``D``, the bounds
on ``min_{i<=k} f(x_i) - f*`` at a fixed rate, at the best fixed rate and along a
schedule, and the closed-form sums of the schedules.
"""

from __future__ import annotations

import numbers
from typing import NamedTuple

import numpy as np
import sympy as sp

from larscheck.theory.bounds.cos import lemma1_radius, theorem1_D
from larscheck.theory.bounds.problem import ProblemConstants, arrays
from larscheck.theory.formulas import (
    D,
    Formula,
    L,
    M,
    delta,
    eps,
    gap0,
    k,
    lam,
    sum_lam,
    sum_lam2,
    xstar_norm,
)

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


class Theorem2Constants(NamedTuple):
    """The constants of Theorems 1-3 for given problem data (arrays; ``inf`` when unbounded)."""

    R: np.ndarray
    D: np.ndarray
    M: np.ndarray
    A: np.ndarray
    B: np.ndarray


def theorem2_constants(lam, problem: ProblemConstants,
                       variant: str = "tight") -> Theorem2Constants:
    """``R, D, M = D + ||x*||, A = D e0/delta, B = L D M^2/(2 delta)`` at the rate ``lam``.

    Parameters
    ----------
    lam : array_like
        The (largest) rate: finite and > 0.
    problem : ProblemConstants
        Every field is used (``dist0``, ``gap0`` and ``delta`` are required).
    variant : {"paper", "tight"}
        Which cos bound ``c`` builds ``R``.
    """
    radius = lemma1_radius(lam, problem, variant)
    d = theorem1_D(lam, problem, variant)
    e0, dl = problem.need("theorem2_constants", "gap0", "delta")
    xs_, e0, dl, L_ = np.broadcast_arrays(problem.xstar_norm, e0, dl, problem.L)
    with np.errstate(invalid="ignore", over="ignore"):  # inf D -> inf constants
        a = np.where(np.isinf(d), np.inf, THEOREM2_A(d, e0, dl))  # not inf * 0 = NaN at e0 = 0
        return Theorem2Constants(radius, d, THEOREM2_M(d, xs_), a, THEOREM2_B(L_, d, xs_, dl))


def _steps(k, *, integer: bool = False) -> np.ndarray:
    """``k`` as float64, checked >= 0 (and integer with ``integer``)."""
    k_ = np.asarray(k, dtype=np.float64)
    if integer and (np.any(k_ < 0) or np.any(k_ != np.floor(k_))):
        raise ValueError("k must be a non-negative integer")
    if np.any(k_ < 0):
        raise ValueError("k must be >= 0")
    return k_


def theorem2_bound(k, lam, problem: ProblemConstants, variant: str = "tight",
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
    problem : ProblemConstants
        Every field is used (``dist0``, ``gap0`` and ``delta`` are required).
    variant : {"tight", "paper"}, default "tight"
        Which cos bound ``c`` (:func:`~larscheck.theory.bounds.cos_lower_bound`) builds ``D``.
    form : {"gap", "grad"}, default "gap"
        Which quantity is bounded (see above).

    Returns
    -------
    numpy.ndarray
        The bound, float64, of the broadcast shape of ``k``, ``lam`` and the
        constants; ``inf`` where ``lambda >= 2c`` (the theory gives no bound there).

    Raises
    ------
    ValueError
        For a constant out of its range, ``k < 0``, or an unknown ``variant`` or
        ``form``.
    """
    const = theorem2_constants(lam, problem, variant)
    k_ = _steps(k)
    with np.errstate(invalid="ignore", over="ignore"):
        if form == "gap":
            return THEOREM2_GAP(k_, lam, const.A, const.B)
        if form == "grad":
            return THEOREM2_GRAD(k_, lam, problem.gap0, problem.delta, problem.L, const.M)
    raise ValueError(f"form must be 'gap' or 'grad', got {form!r}")


def corollary21(k, problem: ProblemConstants, lam_for_D,
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
    problem : ProblemConstants
        Every field is used (``dist0``, ``gap0`` and ``delta`` are required).
    lam_for_D : array_like
        The rate (> 0) at which ``D``, and so ``A`` and ``B``, are evaluated: the
        largest rate considered.
    variant : {"tight", "paper"}, default "tight"
        Which cos bound ``c`` builds ``D``.

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
        If ``k < 0``, or a constant is out of its range.
    """
    const = theorem2_constants(lam_for_D, problem, variant)
    k_ = _steps(k)
    with np.errstate(invalid="ignore", over="ignore"):
        return COROLLARY_LAMBDA(k_, const.A, const.B), COROLLARY_BOUND(k_, const.A, const.B)


def corollary21_steps(eps, problem: ProblemConstants, lam_for_D,
                      variant: str = "tight") -> np.ndarray:
    """Iterations ``k + 1 >= 4AB/eps^2`` of Corollary 2.1 (``A, B`` at ``lam_for_D``;
    arguments as :func:`corollary21`, ``eps`` > 0 the accuracy)."""
    const = theorem2_constants(lam_for_D, problem, variant)
    (eps_,) = arrays(eps=eps)
    with np.errstate(invalid="ignore", over="ignore"):
        return COROLLARY_STEPS(eps_, const.A, const.B)


def theorem3_bound(k, schedule: str, params: dict, problem: ProblemConstants,
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
    problem : ProblemConstants
        Every field is used (``dist0``, ``gap0`` and ``delta`` are required).
    variant : {"tight", "paper"}, default "tight"
        Which cos bound ``c`` builds ``D``.

    Returns
    -------
    numpy.ndarray
        The bound, float64, of the broadcast shape of ``k`` and the constants;
        ``inf`` where the largest rate is ``>= 2c``.

    Raises
    ------
    ValueError
        For an unknown ``schedule`` or ``variant``, a constant out of its range,
        or ``k`` negative or not an integer.
    """
    params = {**THEOREM3_DEFAULTS.get(schedule, {}), **params}
    missing = [name for name in _PARAMS.get(schedule, ()) if name not in params]
    if missing:
        raise TypeError(f"schedule {schedule!r} needs {', '.join(missing)} in params")
    s1, s2 = schedule_sums(schedule, **params)
    const = theorem2_constants(schedule_max_rate(schedule, **params), problem, variant)
    k_ = _steps(k, integer=True)
    with np.errstate(invalid="ignore", over="ignore"):
        return THEOREM3_GAP(const.D, problem.delta, problem.gap0, problem.L, const.M, s1(k_),
                            s2(k_))

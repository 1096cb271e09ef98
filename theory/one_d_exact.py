"""Exact 1-D numerics: regimes, target sets, step counts, hit points (STATEMENTS §1, 3.5).

The derived formulas of :mod:`larscheck.theory.one_d` evaluated for numbers:
the regime of a rate (:func:`regime`), the attracting set around ``x*``
(:func:`target_set`, :func:`in_target`), the steps into it
(:func:`steps_to_interval`, with ``exact=True`` decided in rational arithmetic
at boundary starts), the points that step exactly onto ``x*``
(:func:`exact_hit_points`), 1.7's largest rate for an accuracy
(:func:`eps_lambda`) and a description of an orbit (:func:`describe`).
"""

from __future__ import annotations

import math
from fractions import Fraction

import numpy as np

from larscheck.theory.one_d import (
    COLLAPSE_DOUBLINGS,
    EPS_LAMBDA,
    HIT_FROM_ABOVE,
    HIT_FROM_BELOW,
    INTERVAL_HI,
    INTERVAL_LO,
    SF_NEG_HI,
    SF_NEG_LO,
    SF_POS_HI,
    SF_POS_LO,
    SF_STEPS_FROM_ABOVE,
    SF_STEPS_FROM_BELOW,
    STEPS_FROM_ABOVE,
    STEPS_FROM_BELOW,
)

REGIMES = ("contracting", "collapse", "sign-flipping", "period-2", "divergent")


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

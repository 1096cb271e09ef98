"""Step-size schedules ``k -> lambda_k`` (k = 0, 1, 2, ...).

A schedule is a callable object; ``lambda_k`` may be a scalar or an array of
shape ``(B,)`` (one rate per problem of a batch, e.g. for stability maps).
Calling it with an integer array of steps returns the rates for all of them
(vectorised), which theory code and reports use to sum the schedule.

- :class:`Constant`: ``lambda_k = lam``.
- :class:`PolynomialDecay`: ``lambda_k = lam0 (1 - k/T)^p`` for ``k < T``, 0 after;
  the authors' choice is ``p = 2`` (STATEMENTS §0).
- :class:`InverseDecay`: ``lambda_k = a / (k+1)^p``; with ``1/2 < p <= 1`` it meets
  Theorem 3's conditions ``sum lambda_k = inf``, ``sum lambda_k^2 < inf``.
- :class:`FromCallable`: any user function of ``k``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from larscheck.sims.validation import finite_array, positive


def _rate(name: str, lam):
    """A positive finite rate: a float, or a 1-D array of them."""
    arr = finite_array(name, lam)
    if arr.ndim > 1:
        raise ValueError(f"{name} must be a scalar or a 1-D array (one rate per problem)")
    if np.any(arr <= 0):
        raise ValueError(f"{name} must be > 0, got {arr.min() if arr.ndim else float(arr)}")
    return float(arr) if arr.ndim == 0 else arr


class Schedule:
    """Base class: ``schedule(k)`` returns ``lambda_k``."""

    name = "schedule"

    def __call__(self, k):
        raise NotImplementedError


@dataclass(frozen=True)
class Constant(Schedule):
    """``lambda_k = lam`` for every k.

    Parameters
    ----------
    lam : float or array_like of shape (B,)
        The rate ``lambda``: a finite number > 0, or a 1-D array of them (one rate
        per problem of a batch). Stored as a ``float`` or a float64 array of shape
        ``(B,)``; anything else (non-finite, <= 0, two or more dimensions) raises
        ``ValueError``.

    Notes
    -----
    ``schedule(k)`` for one step returns ``lam`` itself (a float, or the ``(B,)``
    array); for an array of steps, like the decaying schedules, the rates of all
    of them: shape ``k.shape`` (scalar ``lam``) or ``k.shape + (B,)``.
    """

    lam: float | np.ndarray
    name = "constant"

    def __post_init__(self):
        object.__setattr__(self, "lam", _rate("lam", self.lam))

    def __call__(self, k):
        if np.ndim(k) == 0:
            return self.lam
        return np.broadcast_to(self.lam, np.shape(k) + np.shape(self.lam)).copy()


@dataclass(frozen=True)
class PolynomialDecay(Schedule):
    """``lambda_k = lam0 * (1 - k/total_steps)^power`` for ``k < total_steps``, else 0.

    Computed as ``lam0 * clip(1 - k/T, 0, 1)^power`` with ``T = total_steps``, so
    ``lambda_0 = lam0`` and ``lambda_k = 0`` for every ``k >= T``.

    Parameters
    ----------
    lam0 : float or array_like of shape (B,)
        Initial rate ``lambda_0``: a finite number > 0, or a 1-D array of them (one
        per problem of a batch); stored as a ``float`` or a float64 ``(B,)`` array.
    total_steps : int
        ``T``, the step at which the rate reaches 0: a positive integer (an
        integer-valued float is accepted as is); ``ValueError`` otherwise.
    power : float, default 2.0
        Exponent ``p`` > 0; the authors' choice is 2 (STATEMENTS §0).

    Notes
    -----
    ``schedule(k)`` accepts an integer or an integer array of steps. With a
    scalar ``lam0`` the result has the shape of ``k``; with a ``(B,)`` array it
    has shape ``k.shape + (B,)`` (``np.multiply.outer``).
    """

    lam0: float | np.ndarray
    total_steps: int
    power: float = 2.0
    name = "poly"

    def __post_init__(self):
        object.__setattr__(self, "lam0", _rate("lam0", self.lam0))
        if int(self.total_steps) != self.total_steps or self.total_steps < 1:
            raise ValueError(f"total_steps must be a positive integer, got {self.total_steps}")
        positive("power", self.power)

    def __call__(self, k):
        frac = np.clip(1.0 - np.asarray(k, dtype=np.float64) / self.total_steps, 0.0, 1.0)
        return np.multiply.outer(frac**self.power, self.lam0) if np.ndim(
            self.lam0
        ) else frac**self.power * self.lam0


@dataclass(frozen=True)
class InverseDecay(Schedule):
    """``lambda_k = a / (k + 1)^power``.

    With ``1/2 < power <= 1`` the rates meet Theorem 3's conditions
    ``sum lambda_k = inf`` and ``sum lambda_k^2 < inf``; the largest rate is
    ``lambda_0 = a``.

    Parameters
    ----------
    a : float or array_like of shape (B,)
        Scale (the rate at ``k = 0``): a finite number > 0, or a 1-D array of them
        (one per problem of a batch); stored as a ``float`` or a float64 ``(B,)``
        array.
    power : float, default 1.0
        Exponent ``p`` > 0 (any positive value is accepted; Theorem 3 needs
        ``1/2 < p <= 1``).

    Notes
    -----
    ``schedule(k)`` accepts an integer or an integer array of steps. With a
    scalar ``a`` the result has the shape of ``k``; with a ``(B,)`` array it has
    shape ``k.shape + (B,)`` (``np.multiply.outer``).
    """

    a: float | np.ndarray
    power: float = 1.0
    name = "inverse"

    def __post_init__(self):
        object.__setattr__(self, "a", _rate("a", self.a))
        positive("power", self.power)

    def __call__(self, k):
        base = (np.asarray(k, dtype=np.float64) + 1.0) ** (-self.power)
        return np.multiply.outer(base, self.a) if np.ndim(self.a) else base * self.a


@dataclass(frozen=True)
class FromCallable(Schedule):
    """Any function ``k -> lambda_k`` (scalar or per-problem array)."""

    fn: Callable
    name = "callable"

    def __call__(self, k):
        return self.fn(k)


SCHEDULES = ("constant", "poly", "inverse")


def as_schedule(lam, schedule: str = "constant", *, steps: int | None = None,
                power: float | None = None) -> Schedule:
    """Build a schedule from a rate and a name, or pass a schedule/callable through.

    Parameters
    ----------
    lam : float, array, Schedule or callable
        The (initial) rate, or a schedule object / function of ``k``.
    schedule : {"constant", "poly", "inverse"}
        Which law when ``lam`` is a number.
    steps : int, optional
        ``T`` of the polynomial decay.
    power : float, optional
        Exponent (poly: default 2; inverse: default 1).
    """
    if isinstance(lam, Schedule):
        return lam
    if callable(lam):
        return FromCallable(lam)
    if schedule == "constant":
        return Constant(lam)
    if schedule == "poly":
        if steps is None:
            raise ValueError("the poly schedule needs the number of steps")
        return PolynomialDecay(lam, steps, 2.0 if power is None else power)
    if schedule == "inverse":
        return InverseDecay(lam, 1.0 if power is None else power)
    raise ValueError(f"schedule must be one of {SCHEDULES}, got {schedule!r}")

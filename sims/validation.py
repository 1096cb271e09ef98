"""Argument validation shared by the simulator, problems and update rules.

Every public entry point of :mod:`larscheck.sims` validates its inputs with
these helpers, so that bad input fails early with a ``ValueError`` or
``TypeError`` that names the argument and the accepted range.
"""

from __future__ import annotations

import numbers

import numpy as np


def positive(name: str, value: float, *, allow_zero: bool = False) -> float:
    """Return ``value`` as a float after checking it is finite and > 0 (or >= 0)."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a real number, got {type(value).__name__}")
    value = float(value)
    if not np.isfinite(value):
        raise ValueError(f"{name} must be finite, got {value}")
    if allow_zero and value < 0:
        raise ValueError(f"{name} must be >= 0, got {value}")
    if not allow_zero and value <= 0:
        raise ValueError(f"{name} must be > 0, got {value}")
    return value


def in_range(name: str, value: float, lo: float, hi: float, *, hi_open: bool = True) -> float:
    """Return ``value`` as a float after checking ``lo <= value < hi`` (or ``<= hi``)."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a real number, got {type(value).__name__}")
    value = float(value)
    ok = lo <= value < hi if hi_open else lo <= value <= hi
    if not ok:
        bracket = ")" if hi_open else "]"
        raise ValueError(f"{name} must lie in [{lo}, {hi}{bracket}, got {value}")
    return value


def finite_array(name: str, value, *, ndim: int | None = None) -> np.ndarray:
    """Return ``value`` as a float64 array after checking it is finite (and of ``ndim``)."""
    try:
        arr = np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise TypeError(f"{name} must be an array of real numbers") from exc
    if ndim is not None and arr.ndim != ndim:
        raise ValueError(f"{name} must have {ndim} dimension(s), got shape {arr.shape}")
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} must be finite (no NaN or inf)")
    return arr


def batch_array(name: str, value, batch: int, dim: int) -> np.ndarray:
    """Return ``value`` broadcast to shape ``(batch, dim)``; a ``(dim,)`` vector is repeated."""
    arr = finite_array(name, value)
    if arr.ndim == 1 and arr.shape[0] == dim:
        arr = np.broadcast_to(arr, (batch, dim))
    if arr.shape != (batch, dim):
        raise ValueError(f"{name} must have shape ({batch}, {dim}) or ({dim},), got {arr.shape}")
    return np.array(arr, dtype=np.float64)


def count(name: str, value, lo: int = 0) -> int:
    """Return ``value`` as an int after checking it is an integer ``>= lo`` (``3.0`` is fine)."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be an integer >= {lo}, got {type(value).__name__}")
    if not isinstance(value, numbers.Integral) and (not np.isfinite(value)
                                                    or int(value) != value):
        raise ValueError(f"{name} must be an integer >= {lo}, got {value}")
    if value < lo:
        raise ValueError(f"{name} must be an integer >= {lo}, got {int(value)}")
    return int(value)


def non_negative_array(name: str, value) -> np.ndarray:
    """Return ``value`` as a float64 array after checking it is finite and ``>= 0``."""
    arr = finite_array(name, value)
    if np.any(arr < 0):
        raise ValueError(f"{name} must be >= 0, got {arr[arr < 0].reshape(-1)[0]:g}")
    return arr

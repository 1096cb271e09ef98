"""The problem constants every bound is built from, documented and validated once.

:class:`ProblemConstants` holds ``mu``, ``L``, ``||x*||`` and, for the bounds
that need them, ``||x0 - x*||``, ``f(x0) - f*`` and ``delta``. The rate
``lambda`` (or the schedule) and the step ``k`` stay arguments of the bound
functions: they are the algorithm's choices, evaluated against one problem at
many values. Every field is a scalar or an array; the bounds broadcast the
fields against each other and against the rate and step.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields

import numpy as np

#: Fields that may be 0 (the others must be > 0).
_NONNEG = ("xstar_norm", "dist0", "gap0")


def checked(name: str, value, *, nonneg: bool = False) -> np.ndarray:
    """``value`` as a float64 array, checked finite and > 0 (>= 0 with ``nonneg``).

    Raises
    ------
    ValueError
        Naming ``name``, if a value is not finite or out of range.
    """
    arr = np.asarray(value, dtype=np.float64)
    low_ok = np.all(arr >= 0) if nonneg else np.all(arr > 0)
    if not np.all(np.isfinite(arr)) or not low_ok:
        raise ValueError(f"{name} must be finite and {'>=' if nonneg else '>'} 0")
    return arr


def arrays(*, nonneg: tuple[str, ...] = (), **values) -> list[np.ndarray]:
    """Broadcast float64 arrays, checked finite and > 0 (>= 0 for the names in ``nonneg``)."""
    return list(np.broadcast_arrays(*(checked(name, v, nonneg=name in nonneg)
                                      for name, v in values.items())))


@dataclass(frozen=True, eq=False, kw_only=True)
class ProblemConstants:
    """The constants of a problem (or of an array of problems) that the bounds use.

    Every field is a scalar or an array_like; they are stored as float64 arrays
    (0-d for scalars) and broadcast against each other, the rate and the step
    when a bound is evaluated. The optional fields are needed only by the bounds
    built on them (a bound that needs one that is ``None`` raises ``ValueError``
    naming it).

    Attributes
    ----------
    mu : array_like
        Strong-convexity constant ``mu``: finite and > 0.
    L : array_like
        Smoothness constant ``L`` (Lipschitz constant of ``grad f``): finite,
        > 0 and ``>= mu`` element-wise.
    xstar_norm : array_like
        ``||x*||``, the norm of the minimiser: finite and >= 0.
    dist0 : array_like, optional
        ``||x0 - x*||``, the initial distance to the minimiser: finite and >= 0.
        Needed by Theorem 1's ``D`` and everything built on it.
    gap0 : array_like, optional
        ``e0 = f(x0) - f*``: finite and >= 0. Needed by Theorems 2, 3 and
        Corollary 2.1.
    delta : array_like, optional
        ``delta`` > 0, the assumed lower bound ``||x_i|| >= delta`` on the
        iterates. Needed by Theorems 2, 3 and Corollary 2.1.

    Raises
    ------
    ValueError
        Naming the field, if a value is not finite or out of its range, or if
        ``mu > L`` anywhere.
    """

    mu: np.ndarray
    L: np.ndarray
    xstar_norm: np.ndarray
    dist0: np.ndarray | None = None
    gap0: np.ndarray | None = None
    delta: np.ndarray | None = None

    def __post_init__(self):
        for f in fields(self):
            value = getattr(self, f.name)
            if value is not None:
                object.__setattr__(self, f.name,
                                   checked(f.name, value, nonneg=f.name in _NONNEG))
        if np.any(self.mu > self.L):
            raise ValueError("mu must be <= L")

    @classmethod
    def of(cls, values: Mapping, **overrides) -> ProblemConstants:
        """The constants named in ``values`` (e.g. a suite's ``params``), others ignored.

        ``overrides`` replace entries of ``values`` (e.g. ``delta=1.0``).
        """
        names = [f.name for f in fields(cls)]
        picked = {n: values[n] for n in names if n in values}
        return cls(**{**picked, **overrides})

    def need(self, by: str, *names: str) -> list[np.ndarray]:
        """The fields ``names``; ``ValueError`` naming the missing ones and the bound ``by``."""
        missing = [n for n in names if getattr(self, n) is None]
        if missing:
            raise ValueError(f"{by} needs {', '.join(missing)} in the ProblemConstants "
                             f"(e.g. ProblemConstants(..., {missing[0]}=...))")
        return [getattr(self, n) for n in names]

r"""A general family of convex L-smooth functions with a unique minimiser.

Each member is

.. math::

    f(x) = \sum_{j=1}^m a_j \, \phi_j(\langle w_j, x - x^* \rangle)
           + \frac{\mu}{2} \|x - x^*\|^2 ,

with weights :math:`a_j > 0`, directions :math:`w_j \in \mathbb{R}^n`,
:math:`\mu \ge 0`, and *atoms* :math:`\phi_j : \mathbb{R} \to \mathbb{R}`,
each convex with :math:`\phi(0) = \phi'(0) = 0`, :math:`\phi(t) > 0` for
:math:`t \ne 0` and :math:`0 \le \phi'' \le c_\phi`. Then

- :math:`\nabla f(x) = \sum_j a_j \phi_j'(t_j) w_j + \mu (x - x^*)`,
  :math:`t_j = \langle w_j, x - x^* \rangle`;
- :math:`f` is convex, :math:`f(x^*) = 0 = f^*` and :math:`\nabla f(x^*) = 0`;
- the Hessian satisfies :math:`\mu I \preceq \nabla^2 f \preceq
  \mu I + \sum_j a_j c_{\phi_j} w_j w_j^T`, so
  :math:`L = \mu + \lambda_{\max}(\sum_j a_j c_{\phi_j} w_j w_j^T)` is a
  valid gradient-Lipschitz constant;
- :math:`x^*` is the unique minimiser when :math:`\mu > 0`, or when the
  :math:`w_j` span :math:`\mathbb{R}^n` (then :math:`f(x) = 0` forces every
  :math:`t_j = 0`, i.e. :math:`x = x^*`). With :math:`\mu = 0` the
  constructor insists on the span.

Built-in atoms (:data:`ATOMS`), all evaluated stably for huge arguments:

============== ============================================ ======================= ===========
name           :math:`\phi(t)`                              :math:`\phi'(t)`        :math:`c`
============== ============================================ ======================= ===========
quadratic      :math:`t^2/2`                                :math:`t`               1
pseudo_huber   :math:`\sqrt{1+t^2} - 1`                     :math:`t/\sqrt{1+t^2}`  1
log_cosh       :math:`\log\cosh t`                          :math:`\tanh t`         1
softplus       :math:`\log(1+e^t)+\log(1+e^{-t})-2\log 2`   :math:`\tanh(t/2)`      1/2
huber          :math:`t^2/2` (:math:`|t|\le 1`), else       :math:`\mathrm{clip}(t,  1
               :math:`|t| - 1/2`                            -1, 1)`
============== ============================================ ======================= ===========

Only ``quadratic`` grows faster than linearly; the other four have
:math:`\phi'' \to 0` and :math:`|\phi'| \to 1` (``softplus``: 1) at infinity.
Users add their own atom with :func:`register_atom`.

A member serialises to (and from) the witness format of ``larscheck search``::

    {"mu": 0.0, "xstar": [...],
     "atoms": [{"kind": "pseudo_huber", "weight": 1.0, "direction": [...]}, ...]}
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from larscheck.sims.problems import Problem
from larscheck.sims.validation import finite_array, positive

#: Relative tolerance of the sampled checks of a user atom (``phi(0) = phi'(0) = 0``,
#: monotone ``phi'``, slopes of ``phi'`` below the curvature bound): a few hundred
#: ulps of the values involved, far below any real violation.
ATOM_CHECK_RTOL = 1e-9

#: Points where a user atom is sampled by :func:`register_atom`.
_ATOM_SAMPLES = np.concatenate([-np.geomspace(1e3, 1e-3, 61), [0.0], np.geomspace(1e-3, 1e3, 61)])


@dataclass(frozen=True)
class Atom:
    r"""A convex scalar function :math:`\phi` with :math:`\phi(0)=\phi'(0)=0`.

    Attributes
    ----------
    name : str
        Identifier used in JSON (``"kind"``).
    value, derivative : callable
        Vectorised :math:`\phi(t)` and :math:`\phi'(t)` on float arrays.
    curvature : float
        An upper bound :math:`c \ge \sup_t \phi''(t)` (> 0).
    formula : str
        Human-readable definition.
    """

    name: str
    value: Callable[[np.ndarray], np.ndarray]
    derivative: Callable[[np.ndarray], np.ndarray]
    curvature: float
    formula: str = ""


def _log_cosh(t):
    """``log cosh t`` without overflow or cancellation: ``log1p(2 sinh(t/2)^2)`` for
    ``|t| <= 1``, ``|t| + log1p(exp(-2|t|)) - log 2`` beyond."""
    a = np.abs(t)
    small = np.minimum(a, 1.0)
    return np.where(a <= 1.0, np.log1p(2.0 * np.sinh(0.5 * small) ** 2),
                    a + np.log1p(np.exp(-2.0 * a)) - np.log(2.0))


def _pseudo_huber(t):
    """``sqrt(1 + t^2) - 1`` written as ``t^2 / (hypot(1, t) + 1)`` (no cancellation),
    and as ``hypot(1, t) - 1`` once ``t^2`` could overflow."""
    h = np.hypot(1.0, t)
    a = np.minimum(np.abs(t), 1e150)
    return np.where(np.abs(t) <= 1e150, a * a / (h + 1.0), h - 1.0)


def _huber(t):
    a = np.abs(t)
    return np.where(a <= 1.0, 0.5 * np.minimum(a, 1.0) ** 2, a - 0.5)


def _quadratic(t):
    return 0.5 * np.square(t)


def _softplus(t):
    """``log(1+e^t) + log(1+e^-t) - 2 log 2 = log(2 + 2 cosh t) - 2 log 2 = 2 log cosh(t/2)``."""
    return 2.0 * _log_cosh(0.5 * t)


def _identity(t):
    return np.asarray(t, dtype=np.float64)


BUILTIN_ATOMS: tuple[Atom, ...] = (
    Atom("quadratic", _quadratic, _identity, 1.0, "t^2/2"),
    Atom("pseudo_huber", _pseudo_huber, lambda t: t / np.hypot(1.0, t), 1.0, "sqrt(1+t^2) - 1"),
    Atom("log_cosh", _log_cosh, np.tanh, 1.0, "log(cosh t)"),
    Atom("softplus", _softplus, lambda t: np.tanh(0.5 * t), 0.5,
         "log(1+e^t) + log(1+e^-t) - 2 log 2"),
    Atom("huber", _huber, lambda t: np.clip(t, -1.0, 1.0), 1.0,
         "t^2/2 for |t| <= 1, |t| - 1/2 beyond"),
)

#: Every known atom by name (built-ins plus those added with :func:`register_atom`).
ATOMS: dict[str, Atom] = {a.name: a for a in BUILTIN_ATOMS}
_BUILTIN_NAMES = tuple(a.name for a in BUILTIN_ATOMS)


def register_atom(name: str, value: Callable, derivative: Callable, curvature: float,
                  formula: str = "", *, replace: bool = False) -> Atom:
    r"""Add a user atom :math:`\phi` to :data:`ATOMS` (so members using it round-trip
    through JSON by name).

    The atom must be convex with :math:`\phi(0) = \phi'(0) = 0`, :math:`\phi(t) > 0`
    for :math:`t \ne 0` and :math:`\phi'' \le` ``curvature``. These are checked on a
    log-spaced grid of :math:`t \in [-10^3, 10^3]`: :math:`\phi(0)=\phi'(0)=0`,
    :math:`\phi > 0` off 0, :math:`\phi'` non-decreasing, and every difference quotient
    of :math:`\phi'` at most ``curvature`` (to :data:`ATOM_CHECK_RTOL`).

    Parameters
    ----------
    name : str
        New identifier (``replace=True`` to overwrite a user atom; built-ins are fixed).
    value, derivative : callable
        Vectorised :math:`\phi` and :math:`\phi'`.
    curvature : float
        Upper bound on :math:`\phi''` (> 0).
    formula : str
        Description for reports.

    Returns
    -------
    Atom
    """
    if not isinstance(name, str) or not name:
        raise TypeError("name must be a non-empty string")
    if name in {a.name for a in BUILTIN_ATOMS} or (name in ATOMS and not replace):
        raise ValueError(f"atom {name!r} already exists (built-ins cannot be replaced)")
    if not callable(value) or not callable(derivative):
        raise TypeError("value and derivative must be callables")
    curvature = positive("curvature", curvature)
    t = _ATOM_SAMPLES
    with np.errstate(all="ignore"):
        v = np.asarray(value(t), dtype=np.float64)
        d = np.asarray(derivative(t), dtype=np.float64)
    if v.shape != t.shape or d.shape != t.shape:
        raise ValueError(f"atom {name!r}: value and derivative must be vectorised "
                         "(same shape out as in)")
    if not (np.all(np.isfinite(v)) and np.all(np.isfinite(d))):
        raise ValueError(f"atom {name!r}: value/derivative not finite on [-1e3, 1e3]")
    zero = t.size // 2
    if abs(v[zero]) > 0 or abs(d[zero]) > 0:
        raise ValueError(f"atom {name!r}: needs phi(0) = phi'(0) = 0, got {v[zero]}, {d[zero]}")
    if np.any(np.delete(v, zero) <= 0):
        raise ValueError(f"atom {name!r}: needs phi(t) > 0 for t != 0")
    scale = np.maximum(np.abs(d[1:]), np.abs(d[:-1])) + 1.0
    steps = np.diff(d)
    if np.any(steps < -ATOM_CHECK_RTOL * scale):
        raise ValueError(f"atom {name!r}: phi' must be non-decreasing (phi convex)")
    if np.any(steps > curvature * np.diff(t) + ATOM_CHECK_RTOL * scale):
        raise ValueError(f"atom {name!r}: phi' grows faster than curvature={curvature}")
    atom = Atom(name, value, derivative, curvature, formula)
    ATOMS[name] = atom
    return atom


def convex_by_construction(kind: str) -> bool:
    r"""Whether atom ``kind`` is convex by construction: a built-in atom, whose
    :math:`\phi''` is known in closed form and nonnegative (``1``,
    :math:`(1+t^2)^{-3/2}`, :math:`\operatorname{sech}^2 t`,
    :math:`\tfrac12\operatorname{sech}^2(t/2)`, :math:`\mathbf 1_{|t|\le 1}`), with the
    curvature bound of the table attained at ``t = 0``. A user atom
    (:func:`register_atom`) was only sampled, so it is not.

    Parameters
    ----------
    kind : str
        An atom name.

    Returns
    -------
    bool
    """
    return kind in _BUILTIN_NAMES and ATOMS[kind] is BUILTIN_ATOMS[_BUILTIN_NAMES.index(kind)]


def _atom(kind: str) -> Atom:
    try:
        return ATOMS[kind]
    except KeyError:
        raise ValueError(f"unknown atom kind {kind!r}; known: {sorted(ATOMS)} "
                         "(add one with register_atom)") from None


class ConvexFamily(Problem):
    r"""A batch of ``B`` members of the family (see the module docstring).

    Parameters
    ----------
    kinds : sequence of str, length m
        Atom names (shared by the batch).
    weights : array (B, m) or (m,)
        :math:`a_j > 0`.
    directions : array (B, m, n) or (m, n)
        :math:`w_j` (rows); non-zero.
    xstar : array (B, n) or (n,)
        The minimiser :math:`x^*`.
    mu : float or array (B,)
        :math:`\mu \ge 0`; with :math:`\mu = 0` the :math:`w_j` must span
        :math:`\mathbb{R}^n`.

    Attributes
    ----------
    mu, L : ndarray (B,)
        The given :math:`\mu` and :math:`L = \mu + \lambda_{\max}(\sum_j a_j c_j w_j w_j^T)`.
    xstar : ndarray (B, n); fstar : ndarray (B,) of zeros.
    """

    def __init__(self, kinds: Sequence[str], weights, directions, xstar, mu=0.0):
        if isinstance(kinds, str) or not all(isinstance(k, str) for k in kinds):
            raise TypeError("kinds must be a sequence of atom names")
        self.kinds = tuple(kinds)
        self.atoms = tuple(_atom(k) for k in self.kinds)
        m = len(self.kinds)
        if m == 0:
            raise ValueError("kinds must name at least one atom")
        directions = finite_array("directions", directions)
        if directions.ndim == 2:
            directions = directions[None]
        if directions.ndim != 3 or directions.shape[1] != m:
            raise ValueError(f"directions must have shape (B, {m}, n) or ({m}, n), "
                             f"got {directions.shape}")
        self.batch, _, self.dim = directions.shape
        if np.any(np.linalg.norm(directions, axis=2) == 0):
            raise ValueError("directions must be non-zero vectors")
        weights = finite_array("weights", weights)
        weights = np.array(np.broadcast_to(weights, (self.batch, m)) if weights.shape in
                           ((m,), (1, m)) else weights, dtype=np.float64)
        if weights.shape != (self.batch, m):
            raise ValueError(f"weights must have shape ({self.batch}, {m}) or ({m},), "
                             f"got {weights.shape}")
        if np.any(weights <= 0):
            raise ValueError("weights must be > 0")
        mu = finite_array("mu", mu)
        mu = np.array(np.broadcast_to(mu, (self.batch,)) if mu.ndim == 0 else mu)
        if mu.shape != (self.batch,) or np.any(mu < 0):
            raise ValueError(f"mu must be >= 0, a scalar or shape ({self.batch},)")
        xstar = finite_array("xstar", xstar)
        if xstar.ndim == 1:
            xstar = np.broadcast_to(xstar, (self.batch, self.dim))
        if xstar.shape != (self.batch, self.dim):
            raise ValueError(f"xstar must have shape ({self.batch}, {self.dim}) or "
                             f"({self.dim},), got {xstar.shape}")
        flat = mu == 0
        if flat.any():
            rank = np.linalg.matrix_rank(directions[flat])
            if np.any(rank < self.dim):
                raise ValueError(f"with mu = 0 the directions must span R^{self.dim} "
                                 "(else x* is not the unique minimiser)")
        self.weights = weights
        self.directions = directions
        self.xstar = np.array(xstar, dtype=np.float64)
        self.fstar = np.zeros(self.batch)
        self.mu = mu.astype(np.float64)
        curv = np.array([a.curvature for a in self.atoms])
        upper = np.einsum("bm,bmi,bmj->bij", weights * curv, directions, directions)
        self.L = self.mu + np.linalg.eigvalsh(upper)[:, -1]

    def _project(self, x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """``x - x*`` and ``t_j = <w_j, x - x*>`` (shape ``(B, m)``)."""
        x = np.asarray(x, dtype=np.float64)
        if x.shape != (self.batch, self.dim):
            raise ValueError(f"x must have shape ({self.batch}, {self.dim}), got {x.shape}")
        diff = x - self.xstar
        return diff, np.einsum("bmn,bn->bm", self.directions, diff)

    def value_and_grad(self, x):
        diff, t = self._project(x)
        phi = np.empty_like(t)
        dphi = np.empty_like(t)
        for j, atom in enumerate(self.atoms):
            phi[:, j] = atom.value(t[:, j])
            dphi[:, j] = atom.derivative(t[:, j])
        quad = 0.5 * self.mu * np.einsum("bi,bi->b", diff, diff)
        f = np.einsum("bm,bm->b", self.weights, phi) + quad
        g = np.einsum("bm,bmn->bn", self.weights * dphi, self.directions) + self.mu[:, None] * diff
        return f, g

    def select(self, index) -> ConvexFamily:
        """The sub-batch at ``index`` (an index array or slice)."""
        index = np.atleast_1d(np.arange(self.batch)[index])
        return type(self)(self.kinds, self.weights[index], self.directions[index],
                            self.xstar[index], self.mu[index])

    def repeat(self, times: int) -> ConvexFamily:
        """Every member repeated ``times`` times (member-major), e.g. for many starts."""
        idx = np.repeat(np.arange(self.batch), int(times))
        return self.select(idx)

    def to_dict(self, index: int = 0) -> dict:
        """Member ``index`` in the witness format ``{"mu", "xstar", "atoms": [...]}``."""
        i = int(index)
        return {
            "mu": float(self.mu[i]),
            "xstar": self.xstar[i].tolist(),
            "atoms": [{"kind": k, "weight": float(self.weights[i, j]),
                       "direction": self.directions[i, j].tolist()}
                      for j, k in enumerate(self.kinds)],
        }

    @classmethod
    def from_dict(cls, data: Mapping) -> ConvexFamily:
        """A batch of one from the witness format (inverse of :meth:`to_dict`)."""
        return cls.from_dicts([data])

    @classmethod
    def from_dicts(cls, members: Sequence[Mapping]) -> ConvexFamily:
        """A batch from several members with the same atom kinds in the same order."""
        if not members:
            raise ValueError("members must not be empty")
        try:
            kinds = [tuple(a["kind"] for a in d["atoms"]) for d in members]
            if len(set(kinds)) != 1:
                raise ValueError("members of one batch must share their atom kinds")
            weights = [[a["weight"] for a in d["atoms"]] for d in members]
            directions = [[a["direction"] for a in d["atoms"]] for d in members]
            xstar = [d["xstar"] for d in members]
            mu = [d.get("mu", 0.0) for d in members]
        except (KeyError, TypeError) as exc:
            raise ValueError(f"not a family member: missing or malformed field {exc}") from None
        return cls(kinds[0], weights, directions, xstar, mu)

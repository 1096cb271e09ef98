"""Update rules, vectorised over a batch of problems and layer-wise.

Every rule acts on ``x`` of shape ``(B, n)`` (B independent problems) with the
gradient ``g`` of the same shape and a rate ``lam`` that is a scalar or one
value per problem (shape ``(B,)``). Rules are tiny immutable objects; their
mutable state (momentum buffers, Adam moments) lives in a separate dict made
by :meth:`UpdateRule.init`, as in optax.

The proportional update of the paper (eq. 1) is

.. math:: x_{k+1} = x_k - \\lambda_k \\frac{\\|x_k\\|}{\\|\\nabla f(x_k)\\|} \\nabla f(x_k),

with the L2 norm (LARS) or the L1 norm (PercentDelta), applied per block.
:class:`LARS` implements it together with the refinements of the authors'
TensorFlow code (STATEMENTS §0): per block ``b``,

.. math::

    r_b = \\eta \\frac{\\|w_b\\|}{\\epsilon + \\|g_b\\| + \\beta \\|w_b\\|},\\qquad
    r_b \\leftarrow \\eta \\text{ if } \\|w_b\\| < \\tau,

    v_b \\leftarrow m v_b + r_b (g_b + \\beta w_b),\\qquad w_b \\leftarrow w_b - \\lambda_k v_b.

This is the authors' order: the scaled gradient ``r_b (g_b + beta w_b)`` is fed
to a momentum optimizer (TF 1 ``MomentumOptimizer``) whose learning rate is the
global rate ``lambda_k``, so ``lambda_k`` multiplies the *accumulated* velocity
(Nesterov: ``w_b -= lambda_k (m v_b + r_b (g_b + beta w_b))``). For a constant
rate this equals putting ``lambda_k`` inside the velocity; for a decaying rate
it does not. With ``eta = 1``, ``eps = beta = m = 0`` and no switch this is
exactly eq. (1).
Where the denominator is 0 the direction ``g + beta w`` is 0 as well, and the
step is 0 (no NaN).
"""

from __future__ import annotations

import numbers
from dataclasses import dataclass
from typing import ClassVar

import numpy as np

from larscheck.sims.blocks import NORMS, Blocks
from larscheck.sims.validation import in_range, positive

State = dict[str, np.ndarray]


def _rate_column(lam) -> np.ndarray | float:
    """A rate as a scalar or a ``(B, 1)`` column that broadcasts against ``(B, n)``."""
    if isinstance(lam, numbers.Real):
        return float(lam)
    lam = np.asarray(lam, dtype=np.float64)
    return lam if lam.ndim == 0 else lam.reshape(-1, 1)


class UpdateRule:
    """Base class: ``init`` makes the state, ``apply`` moves ``x`` in place.

    Attributes
    ----------
    name : str
        Short name used by the CLI and in reports.
    rotation_invariant : bool
        True when ``apply`` commutes with any orthogonal change of basis of
        the whole vector (only meaningful without blocks). The simulator
        then runs quadratics in their eigenbasis.
    """

    name: ClassVar[str] = "rule"
    rotation_invariant: ClassVar[bool] = False

    def init(self, x: np.ndarray, blocks: Blocks) -> State:
        """Return the initial state for iterates shaped like ``x``."""
        return {}

    def apply(self, x: np.ndarray, g: np.ndarray, lam, state: State, blocks: Blocks) -> None:
        """Overwrite ``x`` with the next iterate, given its gradient ``g`` and rate ``lam``."""
        raise NotImplementedError


def _momentum_step(x, direction, rate, momentum, nesterov, state) -> None:
    """``v = m v + d; x -= rate v`` (Nesterov: ``x -= rate (m v + d)``), in place.

    ``rate`` is a scalar or a ``(B, 1)`` column; with ``momentum = 0`` this is
    ``x -= rate d``.
    """
    if momentum == 0.0:
        x -= rate * direction
        return
    v = state["velocity"]
    v *= momentum
    v += direction
    x -= rate * (momentum * v + direction) if nesterov else rate * v


@dataclass(frozen=True)
class LARS(UpdateRule):
    """Proportional update, eq. (1), with the authors' refinements.

    Parameters
    ----------
    norm : {"l2", "l1"}
        ``"l2"`` is LARS, ``"l1"`` is PercentDelta.
    trust_coefficient : float
        ``eta`` > 0, multiplies the trust ratio (1 in the paper's analysis).
    eps : float
        ``epsilon`` >= 0 added to the gradient norm in the denominator.
    switch_threshold : float or None
        ``tau``: when ``||w_b|| < tau`` the ratio is replaced by ``eta`` (a plain
        gradient step, as in the authors' code with ``tau = 0.01``).
    weight_decay : float
        ``beta`` >= 0: ``beta w`` is added to the gradient and ``beta ||w||``
        to the denominator (LARS Algorithm 1).
    momentum : float
        ``m`` in [0, 1), applied per block to the scaled direction.
    nesterov : bool
        Nesterov variant of the momentum step.
    adapt : tuple of bool, optional
        Per block, whether the trust ratio is used; a block with ``False``
        takes ratio 1 (plain SGD with momentum), as ``exclude_from_layer_adaptation``
        does in other LARS implementations. ``None``: every block adapts.
    """

    norm: str = "l2"
    trust_coefficient: float = 1.0
    eps: float = 0.0
    switch_threshold: float | None = None
    weight_decay: float = 0.0
    momentum: float = 0.0
    nesterov: bool = False
    adapt: tuple[bool, ...] | None = None

    def __post_init__(self):
        if self.norm not in NORMS:
            raise ValueError(f"norm must be one of {NORMS}, got {self.norm!r}")
        positive("trust_coefficient", self.trust_coefficient)
        positive("eps", self.eps, allow_zero=True)
        positive("weight_decay", self.weight_decay, allow_zero=True)
        in_range("momentum", self.momentum, 0.0, 1.0)
        if self.switch_threshold is not None:
            positive("switch_threshold", self.switch_threshold)
        if self.adapt is not None:
            object.__setattr__(self, "adapt", tuple(bool(a) for a in self.adapt))

    @property
    def name(self) -> str:  # type: ignore[override]
        return "lars" if self.norm == "l2" else "percentdelta"

    @property
    def rotation_invariant(self) -> bool:  # type: ignore[override]
        return self.norm == "l2" and self.adapt is None

    def init(self, x: np.ndarray, blocks: Blocks) -> State:
        if self.adapt is not None and len(self.adapt) != blocks.count:
            raise ValueError(
                f"adapt has {len(self.adapt)} entries but there are {blocks.count} blocks"
            )
        return {"velocity": np.zeros_like(x)} if self.momentum else {}

    def trust_ratio(self, x: np.ndarray, g: np.ndarray, blocks: Blocks) -> np.ndarray:
        """Per-block ratio ``r_b`` (shape ``(B, n_blocks)``); 0 where the direction vanishes."""
        beta = self.weight_decay
        wn = blocks.norms(x, self.norm)
        gn = blocks.norms(g, self.norm)
        denom = self.eps + gn + beta * wn
        ratio = np.divide(
            self.trust_coefficient * wn, denom, out=np.zeros_like(wn), where=denom > 0
        )
        if self.switch_threshold is not None:
            ratio = np.where(wn < self.switch_threshold, self.trust_coefficient, ratio)
        if self.adapt is not None:
            ratio = np.where(np.asarray(self.adapt)[None, :], ratio, 1.0)
        return ratio

    def apply(self, x, g, lam, state, blocks) -> None:
        ratio = blocks.expand(self.trust_ratio(x, g, blocks))
        direction = g + self.weight_decay * x if self.weight_decay else g
        _momentum_step(x, ratio * direction, _rate_column(lam), self.momentum, self.nesterov,
                       state)


def PercentDelta(**kwargs) -> LARS:
    """The L1 variant of eq. (1): ``LARS(norm="l1", ...)``.

    A factory function, not a class: it builds a :class:`LARS` whose trust
    ratio uses the L1 norm, per block ``b``
    ``r_b = eta ||w_b||_1 / (eps + ||g_b||_1 + beta ||w_b||_1)``.

    Parameters
    ----------
    **kwargs
        Any keyword argument of :class:`LARS` except ``norm`` (fixed to ``"l1"``;
        passing it raises ``TypeError``), with the same defaults and checks:
        ``trust_coefficient`` (``eta`` > 0, default 1.0), ``eps`` (``epsilon`` >= 0,
        default 0.0), ``switch_threshold`` (``tau`` > 0 or ``None``, default
        ``None``; compared with the L1 block norm), ``weight_decay`` (``beta`` >= 0,
        default 0.0), ``momentum`` (``m`` in [0, 1), default 0.0), ``nesterov``
        (bool, default ``False``) and ``adapt`` (tuple of bool, one per block, or
        ``None``, default ``None``). With the defaults this is exactly eq. (1)
        with the L1 norm.

    Returns
    -------
    LARS
        The rule, with ``norm == "l1"`` and ``name == "percentdelta"``; it is not
        rotation invariant.
    """
    return LARS(norm="l1", **kwargs)


@dataclass(frozen=True)
class GradientDescent(UpdateRule):
    """Plain gradient descent, ``x_{k+1} = x_k - lambda_k g_k``."""

    name: ClassVar[str] = "gd"
    rotation_invariant: ClassVar[bool] = True

    def apply(self, x, g, lam, state, blocks) -> None:
        x -= _rate_column(lam) * g


@dataclass(frozen=True)
class Momentum(UpdateRule):
    """Heavy-ball momentum, ``v = m v + lambda_k g``, ``x -= v`` (Nesterov optional).

    The rate ``lambda_k`` (a scalar or one value per problem, shape ``(B,)``)
    scales the gradient *before* it enters the velocity, so for a decaying rate
    the velocity keeps the old, larger rates (unlike :class:`LARS`, which
    multiplies the accumulated velocity by ``lambda_k``). The velocity has the
    shape ``(B, n)`` of ``x`` and starts at 0. The rule has no blocks.

    Parameters
    ----------
    momentum : float, default 0.9
        ``m`` in [0, 1) (``ValueError`` otherwise). With ``m = 0`` the rule is
        plain gradient descent, ``x -= lambda_k g``.
    nesterov : bool, default False
        Nesterov variant: after ``v = m v + lambda_k g`` the step is
        ``x -= m v + lambda_k g`` instead of ``x -= v``.
    """

    momentum: float = 0.9
    nesterov: bool = False
    name: ClassVar[str] = "momentum"
    rotation_invariant: ClassVar[bool] = True

    def __post_init__(self):
        in_range("momentum", self.momentum, 0.0, 1.0)

    def init(self, x, blocks) -> State:
        return {"velocity": np.zeros_like(x)}

    def apply(self, x, g, lam, state, blocks) -> None:
        _momentum_step(x, _rate_column(lam) * g, 1.0, self.momentum, self.nesterov, state)


@dataclass(frozen=True)
class Adam(UpdateRule):
    """Adam with bias correction (Kingma & Ba, Algorithm 1).

    .. math::

        m \\leftarrow \\beta_1 m + (1-\\beta_1) g,\\quad
        v \\leftarrow \\beta_2 v + (1-\\beta_2) g^2,\\quad
        x \\leftarrow x - \\lambda_k
        \\frac{m / (1-\\beta_1^t)}{\\sqrt{v / (1-\\beta_2^t)} + \\epsilon}.

    Element-wise on ``x`` of shape ``(B, n)``: the moments ``m`` and ``v`` have that
    shape and start at 0; the step count ``t`` (1 at the first step) is one scalar
    shared by the batch. ``lambda_k`` is a scalar or one rate per problem (shape
    ``(B,)``). The rule has no blocks and is not rotation invariant.

    Parameters
    ----------
    beta1 : float, default 0.9
        ``beta_1`` in [0, 1): decay of the first moment ``m`` (mean of ``g``).
    beta2 : float, default 0.999
        ``beta_2`` in [0, 1): decay of the second moment ``v`` (mean of ``g^2``).
    eps : float, default 1e-8
        ``epsilon`` > 0, added to ``sqrt(v / (1 - beta_2^t))`` (outside the square
        root) in the denominator.
    """

    beta1: float = 0.9
    beta2: float = 0.999
    eps: float = 1e-8
    name: ClassVar[str] = "adam"

    def __post_init__(self):
        in_range("beta1", self.beta1, 0.0, 1.0)
        in_range("beta2", self.beta2, 0.0, 1.0)
        positive("eps", self.eps)

    def init(self, x, blocks) -> State:
        return {"m": np.zeros_like(x), "v": np.zeros_like(x), "t": np.zeros(())}

    def apply(self, x, g, lam, state, blocks) -> None:
        state["t"] += 1
        t = float(state["t"])
        m, v = state["m"], state["v"]
        m *= self.beta1
        m += (1 - self.beta1) * g
        v *= self.beta2
        v += (1 - self.beta2) * g * g
        mhat = m / (1 - self.beta1**t)
        vhat = v / (1 - self.beta2**t)
        x -= _rate_column(lam) * mhat / (np.sqrt(vhat) + self.eps)


METHODS = {
    "lars": LARS,
    "percentdelta": PercentDelta,
    "gd": GradientDescent,
    "momentum": Momentum,
    "adam": Adam,
}


def make_rule(method: str, **options) -> UpdateRule:
    """Build a rule by its CLI name (``lars``, ``percentdelta``, ``gd``, ``momentum``, ``adam``)."""
    try:
        factory = METHODS[method]
    except KeyError:
        raise ValueError(f"method must be one of {sorted(METHODS)}, got {method!r}") from None
    return factory(**options)

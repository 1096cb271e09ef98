"""LARS as a Keras 3 optimizer: the update of :class:`larscheck.sims.rules.LARS`.

Each Keras variable is one block. For a variable ``w`` with gradient ``g``,
rate ``lambda_k`` (a float or a Keras schedule evaluated at the iteration
count ``k``), and the hyper-parameters ``eta`` (``trust_coefficient``),
``epsilon``, ``beta`` (``weight_decay``), ``tau`` (``switch_threshold``) and
``m`` (``momentum``):

.. math::

    r = \\eta \\frac{\\|w\\|_2}{\\epsilon + \\|g\\|_2 + \\beta \\|w\\|_2}
        \\quad (r = 0 \\text{ where the denominator is } 0),\\qquad
    r \\leftarrow \\eta \\text{ if } \\|w\\|_2 < \\tau,

    v \\leftarrow m v + r (g + \\beta w),\\qquad
    w \\leftarrow w - \\lambda_k v
    \\quad (\\text{Nesterov: } w \\leftarrow w - \\lambda_k (m v + r (g + \\beta w))).

A variable whose path matches ``exclude_from_layer_adaptation`` takes
``r = 1`` (plain SGD with momentum and weight decay, the reference's ``adapt``
flag set to ``False``). With the defaults (``momentum = 0``, ``epsilon = 0``,
``weight_decay = 0``, ``trust_coefficient = 1``, no switch) one step is the
paper's eq. (1), ``w <- w - lambda_k ||w|| / ||g|| g``, per variable.

Where this differs from other LARS implementations
--------------------------------------------------
- **The authors' code** (``bparr/lars``, TF 1; STATEMENTS §0): same ratio with
  ``epsilon = 1e-9`` and ``tau = 1e-2``; it feeds ``r (g + beta w)`` to
  ``tf.train.MomentumOptimizer``, which multiplies the *accumulated* velocity
  by the current rate (``v = m v + r d; w -= lambda_k v``). This optimizer and
  the reference rule do the same. Keras SGD instead puts the rate inside the
  velocity (``v = m v + lambda_k d``): the two agree for a constant rate; with
  a decaying rate the old velocity is damped more here.
- **TensorFlow Model Garden** (``official/modeling/optimization/lars.py``)
  and ``tf.contrib.opt.LARSOptimizer``: ``eeta = 0.001`` by default,
  ``momentum = 0.9``; the Model Garden version divides by
  ``||g + beta w||`` (decay added to the gradient first) instead of
  ``||g|| + beta ||w||``, and both use ``r = 1`` (not 0) when ``||w|| = 0`` or
  ``||g|| = 0``; no switch threshold; ``exclude_from_layer_adaptation``
  defaults to ``exclude_from_weight_decay`` (a separate mask for the decay,
  which the reference rule cannot express: here decay applies to every
  variable). Its ``classic_momentum=False`` mode rescales the velocity instead.
- **optax.lars**: ``trust_coefficient = 0.001``, ``momentum = 0.9``; ratio
  ``eta ||w|| / (||g + beta w|| + eps)``, 1 where either norm is 0; separate
  masks for decay and for the trust ratio.
- **TensorFlow Addons** ships no LARS (it has LAMB), nor does Keras 3.

Keras's own decoupled weight decay (the base class's ``weight_decay``) is not
used: ``weight_decay`` here is the coupled ``beta`` of LARS Algorithm 1.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import keras
from keras import ops

from larscheck.sims.validation import in_range, positive


def _patterns(exclude) -> tuple[str, ...]:
    """``exclude_from_layer_adaptation`` as a tuple of regular expressions (checked)."""
    if exclude is None:
        return ()
    if isinstance(exclude, str):
        exclude = (exclude,)
    if not isinstance(exclude, Sequence) or not all(isinstance(p, str) for p in exclude):
        raise TypeError(
            "exclude_from_layer_adaptation must be None, a string or a sequence of strings "
            f"(variable names or regular expressions), got {exclude!r}"
        )
    for p in exclude:
        try:
            re.compile(p)
        except re.error as exc:
            raise ValueError(
                f"exclude_from_layer_adaptation: {p!r} is not a regular expression ({exc})"
            ) from None
    return tuple(exclude)


@keras.saving.register_keras_serializable(package="larscheck")
class LARS(keras.optimizers.Optimizer):
    """Layer-wise adaptive rate scaling (LARS), one Keras variable per block.

    Parameters
    ----------
    learning_rate : float or keras.optimizers.schedules.LearningRateSchedule
        The global rate ``lambda_k`` (default 0.01).
    momentum : float
        ``m`` in [0, 1) (default 0: the paper's eq. (1); the authors' code
        uses 0.9).
    weight_decay : float
        ``beta`` >= 0, coupled as in LARS Algorithm 1 (default 0).
    trust_coefficient : float
        ``eta`` > 0 (default 1, the paper's analysis; You et al. use 0.001).
    epsilon : float
        ``epsilon`` >= 0 added to the denominator (default 0; the authors'
        code uses 1e-9). A zero denominator gives ratio 0, never NaN.
    switch_threshold : float or None
        ``tau`` > 0: a variable with ``||w|| < tau`` takes ratio ``eta`` (a
        plain gradient step, e.g. for zero-initialised biases). Default
        None (no switch); the authors' code uses 1e-2.
    exclude_from_layer_adaptation : str or sequence of str, optional
        Regular expressions searched (``re.search``) in each variable's path
        (e.g. ``"dense/bias"``, ``"batch_normalization/gamma"``); a match
        takes ratio 1. Example: ``["bias", "batch_normalization"]``.
    nesterov : bool
        Nesterov momentum (default False).
    name : str
        Optimizer name (default ``"lars"``).
    **kwargs
        Other arguments of :class:`keras.optimizers.Optimizer` (``clipnorm``,
        ``use_ema``, ...), except its decoupled ``weight_decay``.
    """

    def __init__(
        self,
        learning_rate=0.01,
        momentum=0.0,
        weight_decay=0.0,
        trust_coefficient=1.0,
        epsilon=0.0,
        switch_threshold=None,
        exclude_from_layer_adaptation=None,
        nesterov=False,
        name="lars",
        **kwargs,
    ):
        if not isinstance(learning_rate, keras.optimizers.schedules.LearningRateSchedule) \
                and not callable(learning_rate):
            # a rate <= 0 would ascend the loss, NaN would poison every weight
            learning_rate = positive("learning_rate", learning_rate)
        super().__init__(learning_rate=learning_rate, name=name, weight_decay=None, **kwargs)
        self.momentum = in_range("momentum", momentum, 0.0, 1.0)
        self.weight_decay = positive("weight_decay", weight_decay, allow_zero=True)
        self.trust_coefficient = positive("trust_coefficient", trust_coefficient)
        self.epsilon = positive("epsilon", epsilon, allow_zero=True)
        self.switch_threshold = (
            None if switch_threshold is None else positive("switch_threshold", switch_threshold)
        )
        self.exclude_from_layer_adaptation = _patterns(exclude_from_layer_adaptation)
        if not isinstance(nesterov, bool):
            raise TypeError(f"nesterov must be a bool, got {type(nesterov).__name__}")
        self.nesterov = nesterov

    def adapts(self, variable) -> bool:
        """Whether ``variable`` uses the trust ratio (its path matches no exclusion)."""
        path = getattr(variable, "path", None) or variable.name
        return not any(re.search(p, path) for p in self.exclude_from_layer_adaptation)

    def build(self, variables):
        """Create one velocity per variable (when ``momentum > 0``) and fix the exclusions."""
        if self.built:
            return
        super().build(variables)
        self._adapt = [self.adapts(v) for v in variables]
        self.velocities = (
            self.add_optimizer_variables(variables, "velocity") if self.momentum else []
        )

    def _apply_weight_decay(self, variables):
        """Disable the base class's decoupled decay: ``beta`` acts inside :meth:`update_step`."""

    def trust_ratio(self, variable, gradient):
        """The ratio ``r`` of ``variable`` (a scalar tensor), before any exclusion.

        Terms that are zero are left out of the graph (fewer operations per
        variable; the optimizer runs once per variable and step).
        """
        w_norm = ops.sqrt(ops.sum(ops.square(variable)))
        denom = ops.sqrt(ops.sum(ops.square(gradient)))
        if self.weight_decay:
            denom = denom + self.weight_decay * w_norm
        if self.epsilon:
            denom = denom + self.epsilon
        eta = self.trust_coefficient
        ratio = ops.divide_no_nan(w_norm if eta == 1.0 else eta * w_norm, denom)
        if self.switch_threshold is not None:
            ratio = ops.where(ops.less(w_norm, self.switch_threshold),
                              ops.cast(eta, ratio.dtype), ratio)
        return ratio

    def update_step(self, gradient, variable, learning_rate):
        """One LARS step of ``variable`` (see the module docstring)."""
        dtype = variable.dtype
        gradient = ops.cast(gradient, dtype)
        scale = ops.cast(learning_rate, dtype)
        index = self._get_variable_index(variable)
        direction = gradient + self.weight_decay * variable if self.weight_decay else gradient
        if self._adapt[index]:
            direction = self.trust_ratio(variable, gradient) * direction
        if not self.momentum:
            self.assign_sub(variable, scale * direction)
            return
        velocity = self.velocities[index]
        new_velocity = self.momentum * velocity + direction
        self.assign(velocity, new_velocity)
        self.assign_sub(
            variable,
            scale * (self.momentum * new_velocity + direction if self.nesterov else new_velocity),
        )

    def get_config(self):
        """Keras config: the base keys plus every LARS hyper-parameter."""
        config = super().get_config()
        config.update(
            momentum=self.momentum,
            weight_decay=self.weight_decay,
            trust_coefficient=self.trust_coefficient,
            epsilon=self.epsilon,
            switch_threshold=self.switch_threshold,
            exclude_from_layer_adaptation=list(self.exclude_from_layer_adaptation),
            nesterov=self.nesterov,
        )
        return config

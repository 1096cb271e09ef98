"""Simulation: problems, update rules, schedules and the batched simulator.

Public API (re-exported from :mod:`larscheck`):

- problems: :class:`Quadratic`, :class:`SmoothProblem`, :func:`random_quadratics`;
- rules: :class:`LARS`, :func:`PercentDelta`, :class:`GradientDescent`,
  :class:`Momentum`, :class:`Adam`, :func:`make_rule`;
- schedules: :class:`Constant`, :class:`PolynomialDecay`, :class:`InverseDecay`,
  :class:`FromCallable`;
- :func:`simulate` and its result :class:`Trajectory`;
- convex functions with a unique minimiser: :class:`ConvexFamily`,
  :func:`register_atom` (user atoms).
"""

from larscheck.sims.blocks import Blocks
from larscheck.sims.convex_family import ConvexFamily, register_atom
from larscheck.sims.problems import (
    Problem,
    Quadratic,
    SmoothProblem,
    random_orthogonal,
    random_quadratics,
)
from larscheck.sims.rules import (
    LARS,
    Adam,
    GradientDescent,
    Momentum,
    PercentDelta,
    UpdateRule,
    make_rule,
)
from larscheck.sims.schedules import Constant, FromCallable, InverseDecay, PolynomialDecay, Schedule
from larscheck.sims.simulate import Trajectory, log_checkpoints, simulate

__all__ = [
    "LARS",
    "Adam",
    "Blocks",
    "Constant",
    "ConvexFamily",
    "FromCallable",
    "GradientDescent",
    "InverseDecay",
    "Momentum",
    "PercentDelta",
    "PolynomialDecay",
    "Problem",
    "Quadratic",
    "Schedule",
    "SmoothProblem",
    "Trajectory",
    "UpdateRule",
    "log_checkpoints",
    "make_rule",
    "random_orthogonal",
    "random_quadratics",
    "register_atom",
    "simulate",
]

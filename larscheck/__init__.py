"""larscheck: put the convergence theory of LARS and PercentDelta to the test.

The update under study (Gitman, Dilipkumar, Parr 2018, eq. 1) is

.. math:: x_{k+1} = x_k - \\lambda_k \\frac{\\|x_k\\|}{\\|\\nabla f(x_k)\\|} \\nabla f(x_k).

Subpackages: :mod:`larscheck.theory` (SymPy derivations and bounds),
:mod:`larscheck.sims` (problems, rules, simulator, experiments) and
:mod:`larscheck.proofs_check` (statements, checks, searches, reports).
The most used names are re-exported here.
"""

__version__ = "0.1.0"

from larscheck.sims import (
    LARS,
    Adam,
    Constant,
    GradientDescent,
    InverseDecay,
    Momentum,
    PercentDelta,
    PolynomialDecay,
    Quadratic,
    SmoothProblem,
    Trajectory,
    random_quadratics,
    simulate,
)

__all__ = [
    "LARS",
    "Adam",
    "Constant",
    "GradientDescent",
    "InverseDecay",
    "Momentum",
    "PercentDelta",
    "PolynomialDecay",
    "Quadratic",
    "SmoothProblem",
    "Trajectory",
    "__version__",
    "random_quadratics",
    "simulate",
]

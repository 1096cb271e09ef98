"""larscheck: put the convergence theory of LARS and PercentDelta to the test.

The update under study (Gitman, Dilipkumar, Parr 2018, eq. 1) is

.. math:: x_{k+1} = x_k - \\lambda_k \\frac{\\|x_k\\|}{\\|\\nabla f(x_k)\\|} \\nabla f(x_k).

Subpackages: :mod:`larscheck.theory` (SymPy derivations and bounds),
:mod:`larscheck.sims` (problems, rules, simulator, experiments) and
:mod:`larscheck.proofs_check` (statements, checks, searches, reports).
The most used names are re-exported here: the simulation API eagerly, the
theory, verification and search names lazily (PEP 562), so that
``import larscheck`` runs no SymPy derivation; ``larscheck.KerasLARS`` (the
Keras optimizer) loads TensorFlow only when asked for. Hypothesis strategies
live in :mod:`larscheck.strategies`.
"""

__version__ = "0.1.0"

from larscheck.sims import (
    LARS,
    Adam,
    Constant,
    ConvexFamily,
    GradientDescent,
    InverseDecay,
    Momentum,
    PercentDelta,
    PolynomialDecay,
    Quadratic,
    SmoothProblem,
    Trajectory,
    random_quadratics,
    register_atom,
    simulate,
)
from larscheck.theory._lazy import lazy_exports as _lazy_exports

#: Lazily imported public names: name -> module that defines it.
_LAZY = {
    **dict.fromkeys(
        ("Formula", "ProblemConstants", "cos_lower_bound", "lemma1_threshold", "lemma1_radius",
         "theorem1_D",
         "theorem2_constants", "theorem2_bound", "corollary21", "theorem3_bound",
         "recursion_bound", "steps_to_interval", "regime", "prove_invariance"),
        "larscheck.theory"),
    **dict.fromkeys(("verify", "Report", "Verdict", "statements", "plug_search"),
                    "larscheck.proofs_check"),
    "search_conjecture": "larscheck.proofs_check.search.conjecture",
    "verify_witness": "larscheck.proofs_check.search.witness",
}


# KerasLARS is not in __all__: `from larscheck import *` must not load TensorFlow.
__getattr__, __dir__ = _lazy_exports(__name__, _LAZY,
                                     hidden={"KerasLARS": "larscheck.sims.keras.lars:LARS"})


__all__ = [
    "LARS",
    "Adam",
    "Constant",
    "ConvexFamily",
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
    "register_atom",
    "simulate",
    *_LAZY,
]

"""Theory: SymPy derivations of the 1-D results and the closed-form n-D bounds.

Modules: :mod:`.formulas` (the Formula type, shared symbols), :mod:`.bounds`
(n-D bounds, paper and tight variants), :mod:`.recursion` (the 3.3 one-step
recursion solved), :mod:`.one_d` (the 1-D theory, derived).

Every formula is a :class:`~larscheck.theory.formulas.Formula`: one SymPy
expression from which its LaTeX and its vectorised NumPy function derive.
This package imports nothing from :mod:`larscheck.sims`.
"""

from .bounds import (
    COS,
    VARIANTS,
    Theorem2Constants,
    corollary21,
    corollary21_steps,
    cos_lower_bound,
    lemma1_radius,
    lemma1_threshold,
    radius_for_cos,
    schedule_sums,
    theorem1_D,
    theorem2_bound,
    theorem2_constants,
    theorem3_bound,
    tight_cos_witness,
)
from .formulas import Formula
from .one_d import (
    InvarianceProof,
    prove_invariance,
    prove_no_skip,
    regime,
    steps_to_interval,
    target_set,
)
from .recursion import recursion_bound, recursion_steps

__all__ = [
    "COS",
    "VARIANTS",
    "Formula",
    "InvarianceProof",
    "Theorem2Constants",
    "corollary21",
    "corollary21_steps",
    "cos_lower_bound",
    "lemma1_radius",
    "lemma1_threshold",
    "prove_invariance",
    "prove_no_skip",
    "radius_for_cos",
    "recursion_bound",
    "recursion_steps",
    "regime",
    "schedule_sums",
    "steps_to_interval",
    "target_set",
    "theorem1_D",
    "theorem2_bound",
    "theorem2_constants",
    "theorem3_bound",
    "tight_cos_witness",
]

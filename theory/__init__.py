"""Theory: SymPy derivations of the 1-D results and the closed-form n-D bounds.

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
from .recursion import recursion_bound, recursion_steps

__all__ = [
    "COS",
    "VARIANTS",
    "Formula",
    "Theorem2Constants",
    "corollary21",
    "corollary21_steps",
    "cos_lower_bound",
    "lemma1_radius",
    "lemma1_threshold",
    "radius_for_cos",
    "recursion_bound",
    "recursion_steps",
    "schedule_sums",
    "theorem1_D",
    "theorem2_bound",
    "theorem2_constants",
    "theorem3_bound",
    "tight_cos_witness",
]

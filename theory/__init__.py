"""Theory: SymPy derivations of the 1-D results and the closed-form n-D bounds.

Every formula is a :class:`~larscheck.theory.formulas.Formula`: one SymPy
expression from which its LaTeX and its vectorised NumPy function derive.
This package imports nothing from :mod:`larscheck.sims`.
"""

from .formulas import Formula

__all__ = ["Formula"]

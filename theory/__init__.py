"""Theory: SymPy derivations of the 1-D results and the closed-form n-D bounds.

Modules: :mod:`.formulas` (the Formula type, shared symbols), :mod:`.bounds`
(n-D bounds, paper and tight variants), :mod:`.recursion` (the 3.3 one-step
recursion solved), :mod:`.one_d` (the 1-D theory, derived), :mod:`.one_d_proofs` (its
SymPy invariance proofs), :mod:`.one_d_exact` (its exact numerics: regimes, target sets,
step counts), :mod:`.contraction` (the one-step contraction).

Every formula is a :class:`~larscheck.theory.formulas.Formula`: one SymPy
expression from which its LaTeX and its vectorised NumPy function derive.
This package imports nothing from :mod:`larscheck.sims`.

The derivations run when their module is first imported (a few seconds of
SymPy), so the names below are loaded lazily: ``import larscheck.theory.bounds``
does not pay for the 1-D derivations, and ``larscheck --help`` stays fast.
"""

from larscheck.theory._lazy import lazy_exports as _lazy_exports

#: Public name -> submodule that defines it.
_EXPORTS = {
    "Formula": ".formulas",
    **dict.fromkeys(
        ["COS", "VARIANTS", "ProblemConstants", "Theorem2Constants", "corollary21",
         "corollary21_steps", "cos_lower_bound", "lemma1_radius", "lemma1_threshold",
         "radius_for_cos",
         "schedule_sums", "theorem1_D", "theorem2_bound", "theorem2_constants",
         "theorem3_bound", "tight_cos_witness"], ".bounds"),
    **dict.fromkeys(["recursion_bound", "recursion_steps"], ".recursion"),
    **dict.fromkeys(["InvarianceProof", "prove_invariance", "prove_no_skip"], ".one_d_proofs"),
    **dict.fromkeys(["regime", "steps_to_interval", "target_set"], ".one_d_exact"),
}

__all__ = sorted(_EXPORTS)

__getattr__, __dir__ = _lazy_exports(__name__, _EXPORTS)

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

from importlib import import_module

#: Public name -> submodule that defines it.
_EXPORTS = {
    "Formula": "formulas",
    **dict.fromkeys(
        ["COS", "VARIANTS", "ProblemConstants", "Theorem2Constants", "corollary21",
         "corollary21_steps", "cos_lower_bound", "lemma1_radius", "lemma1_threshold",
         "radius_for_cos",
         "schedule_sums", "theorem1_D", "theorem2_bound", "theorem2_constants",
         "theorem3_bound", "tight_cos_witness"], "bounds"),
    **dict.fromkeys(["recursion_bound", "recursion_steps"], "recursion"),
    **dict.fromkeys(["InvarianceProof", "prove_invariance", "prove_no_skip"], "one_d_proofs"),
    **dict.fromkeys(["regime", "steps_to_interval", "target_set"], "one_d_exact"),
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str):
    """Import the defining submodule on first use of a public name (PEP 562)."""
    if name not in _EXPORTS:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(import_module(f".{_EXPORTS[name]}", __name__), name)
    globals()[name] = value
    return value


def __dir__():
    return sorted(set(globals()) | set(__all__))

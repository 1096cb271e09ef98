"""The checks of the paper's statements, one module per family.

Every module here is imported by the default registry
(:data:`larscheck.proofs_check.registry.DEFAULT`, found with :mod:`pkgutil`), which collects
the statements its checks declare with :func:`larscheck.proofs_check.registry.register`:
:mod:`.one_d` and :mod:`.one_d_orbits` (Section 1 and 3.5, the 1-D theory),
:mod:`.lemma1` (Lemma 1, Section 3.1–3.2),
:mod:`.rates` (Theorems 1–2, Corollary 2.1), :mod:`.decaying` (Theorem 3),
:mod:`.beyond` (what larscheck adds),
:mod:`.conjecture` (Conjecture 1); :mod:`.pep` is the performance-estimation cross-check
of one LARS step (optional extra ``pep``).
"""

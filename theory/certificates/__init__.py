"""Certificates: proofs by SymPy and rigorous (interval or exact rational) arithmetic.

- :mod:`.atoms`: symbolic facts about the convex family's atoms (convexity,
  ``sup phi''``, ``sup |phi'|``, strict convexity at 0);
- :mod:`.exact`: exact rational arithmetic (fractions, integer square roots);
- :mod:`.family`: the certificate that a member of the convex family refutes
  Conjecture 1 (convexity, smoothness, uniqueness, decay along a curve);
- :mod:`.check`: its independent re-check from the certificate's data alone;
- :mod:`.tight`: SymPy proofs of the tight cos bound and of the explicit Lemma 1
  radius (and that both are attained).

Like all of :mod:`larscheck.theory`, nothing here imports :mod:`larscheck.sims`.
"""

"""Adversarial searches: Hypothesis-driven maximisation and what it hunts for.

:mod:`.engine` (the maximiser), :mod:`.strategies` (problem strategies, public as
:mod:`larscheck.strategies`), :mod:`.bounds` (``larscheck search`` on a bound),
:mod:`.conjecture` (counterexamples to Conjecture 1), :mod:`.boundedness` (LARS runs
from a witness), :mod:`.witness` (the independent verifier of a witness), :mod:`.hooks`
(the built-in search that ``verify`` plugs into ``conjecture1``).
"""

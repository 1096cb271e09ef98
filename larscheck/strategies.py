"""Hypothesis strategies for adversarial LARS problems (public API).

A thin re-export of :mod:`larscheck.proofs_check.search.strategies`; write, e.g.::

    from hypothesis import given
    import larscheck.strategies as lst

    @given(lst.quadratics(), lst.rates(0.5))
    def test_something(problem, lam):
        ...

See that module for every strategy and its parameters.
"""

from larscheck.proofs_check.search.strategies import (
    MIN_DIRECTION_NORM,
    MIN_SPAN_SINGULAR_VALUE,
    SPECTRUM_SHAPES,
    START_KINDS,
    convex_functions,
    log_uniform,
    quadratics,
    rates,
    spectra,
    starts,
    unit_vectors,
)

__all__ = [
    "MIN_DIRECTION_NORM",
    "MIN_SPAN_SINGULAR_VALUE",
    "SPECTRUM_SHAPES",
    "START_KINDS",
    "convex_functions",
    "log_uniform",
    "quadratics",
    "rates",
    "spectra",
    "starts",
    "unit_vectors",
]

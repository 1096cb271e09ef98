"""The adversarial searches that verify plugs into the registry.

:func:`conjecture_hook` is the built-in ``conjecture1`` search: the statement's
declaration names it (``@register(..., search=conjecture_hook)`` in
:mod:`larscheck.proofs_check.checks.conjecture`), so every ``larscheck verify`` uses it
unless another search is plugged
(:func:`larscheck.proofs_check.registry.plug_search`). The budget
follows the run mode, :data:`QUICK` or :data:`DEFAULT` (Hypothesis examples,
candidates traced), sized for verify's wall-time targets (the search alone
finds a verified witness from 100 examples; see ``benchmarks/search_speed.py``).
"""

from __future__ import annotations

from larscheck.proofs_check.search.conjecture import search_conjecture

#: (budget, keep, ladder points) of the conjecture search under ``verify --quick`` and
#: ``verify``; most of its time is the tracing of candidates along the ladder of norms.
QUICK = (40, 1, 9)
DEFAULT = (150, 4, 13)


def conjecture_hook(ctx) -> dict:
    """The ``conjecture1`` search for a verify run (seeded by ``ctx.seed``)."""
    budget, keep, ladder_points = QUICK if ctx.quick else DEFAULT
    return search_conjecture(budget, ctx.seed, keep=keep, ladder_points=ladder_points)


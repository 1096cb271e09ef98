"""Hypothesis as a seeded maximiser: the first stage of every search.

:func:`hypothesis_maximise` runs Hypothesis's generate and target phases on a
strategy with a fixed seed and no example database, calls
``hypothesis.target(score)`` on every example so that Hypothesis hill-climbs
toward large scores, and keeps the best few examples. There is no shrink
phase (nothing fails); the same seed and budget give the same examples, bit
for bit. The second stage, local refinement with :mod:`scipy.optimize`, is
specific to each search.

Reproducibility needs one more step. Hypothesis mixes into its draws the
numeric literals it finds in every *local* module the process has imported
(its "local constants"), so the same seed would give different examples
depending on which other larscheck modules happen to be loaded, on the order
of a test run, and on whether larscheck is installed editable (local) or into
site-packages. :func:`hypothesis_maximise` therefore runs with that pool
empty (:func:`_without_local_constants`); Hypothesis's built-in constants stay.
"""

from __future__ import annotations

import contextlib
import heapq
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from hypothesis import HealthCheck, Phase, given, settings, target
from hypothesis import seed as hypothesis_seed
from hypothesis import strategies as st
from hypothesis.internal.conjecture import providers as _providers


@contextlib.contextmanager
def _without_local_constants() -> Iterator[None]:
    """Run Hypothesis with an empty pool of constants mined from local modules.

    Uses Hypothesis internals (``providers._get_local_constants`` and its value
    cache, present in hypothesis 6.1xx); where they are absent, nothing is patched.
    """
    getter = getattr(_providers, "_get_local_constants", None)
    cache = getattr(_providers, "CONSTANTS_CACHE", None)
    if getter is None or cache is None:
        yield
        return
    empty = _providers.Constants()
    cache.cache.clear()
    _providers._get_local_constants = lambda: empty
    try:
        yield
    finally:
        _providers._get_local_constants = getter
        cache.cache.clear()


@dataclass
class Maximised:
    """What :func:`hypothesis_maximise` found.

    Attributes
    ----------
    best : list of (score, example)
        The ``keep`` best examples, best first (distinct by ``key``).
    examples : int
        Examples Hypothesis ran (valid ones, i.e. scored).
    history : list of float
        The score of every example, in order (for plots and benchmarks).
    """

    best: list[tuple[float, Any]]
    examples: int
    history: list[float] = field(default_factory=list)

    @property
    def best_score(self) -> float:
        """The largest score seen (``-inf`` when nothing scored)."""
        return self.best[0][0] if self.best else -np.inf


def hypothesis_maximise(strategy: st.SearchStrategy, score: Callable[[Any], float], *,
                        budget: int, seed: int, keep: int = 5,
                        key: Callable[[Any], Any] = repr,
                        stop: Callable[[float, Any], bool] | None = None) -> Maximised:
    """Maximise ``score`` over ``strategy`` with Hypothesis targeting.

    Parameters
    ----------
    strategy : SearchStrategy
        What to draw.
    score : callable
        ``score(example) -> float``; non-finite scores are skipped (not targeted).
    budget : int
        ``max_examples`` (>= 1).
    seed : int
        Hypothesis seed.
    keep : int
        How many best distinct examples to keep.
    key : callable
        Identity of an example for de-duplication.
    stop : callable, optional
        ``stop(score, example) -> bool``; once true, the remaining examples Hypothesis
        draws are skipped without scoring (they do not count in ``examples``).
    """
    if isinstance(budget, bool) or int(budget) != budget or budget < 1:
        raise ValueError(f"budget must be an integer >= 1, got {budget}")
    heap: list[tuple[float, int, Any]] = []
    seen: set = set()
    history: list[float] = []
    done = False

    @hypothesis_seed(int(seed))
    @settings(max_examples=int(budget), database=None, deadline=None, derandomize=False,
              phases=[Phase.generate, Phase.target], suppress_health_check=list(HealthCheck),
              print_blob=False, report_multiple_bugs=False)
    @given(strategy)
    def _run(example):
        nonlocal done
        if done:
            return
        value = float(score(example))
        history.append(value)
        if not np.isfinite(value):
            return
        target(value)
        k = key(example)
        if k not in seen:
            seen.add(k)
            heapq.heappush(heap, (value, len(history), example))
            if len(heap) > keep:
                heapq.heappop(heap)
        done = stop is not None and stop(value, example)

    with _without_local_constants():
        _run()
    best = sorted(heap, key=lambda item: (-item[0], item[1]))
    return Maximised([(s, ex) for s, _, ex in best], len(history), history)

"""Run the checks of :func:`~larscheck.proofs_check.report.verify` on several processes.

Each check is a pure function of the seed, the mode and its statement, so the
statements can run side by side: :func:`run_checks` hands them to ``workers``
processes forked from this one (so they start with the check modules and their
SymPy derivations loaded: importing them costs about 5 s of CPU, more than many
checks) and puts the verdicts back in report order. A worker keeps one
:class:`~larscheck.proofs_check.context.Context` per seed and mode, so checks
that share a run in the same worker share it, as in one process.

The report's ``simulated_problems`` counts a shared run once: every worker
reports its problems simulated outside shared runs and, per shared key, the
problems its build simulated; the total adds the first to one copy of each key,
the number one process would count. Verdicts, counts, and so the JSON, are the
same bytes for any number of workers.

Only the built-in statements with their built-in searches run in workers (what
a worker runs is looked up in the default registry by id); anything else runs
here, in order. Where ``fork`` is not available the checks run here too.
"""

from __future__ import annotations

import multiprocessing
import os
import pickle
import time
from concurrent.futures import ProcessPoolExecutor, as_completed

from larscheck.proofs_check.context import Context
from larscheck.proofs_check.registry import DEFAULT, Registry, Statement

#: This worker's contexts, by ``(seed, quick)``.
_CONTEXTS: dict[tuple[int, bool], Context] = {}


def _check(job: tuple[str, int, bool]):
    """In a worker: run statement ``id``'s check; return what :func:`run_checks` collects."""
    statement_id, seed, quick = job
    ctx = _CONTEXTS.setdefault((seed, quick), Context(seed=seed, quick=quick))
    entry = DEFAULT.statements([statement_id])[0]
    start = time.perf_counter()
    verdict = entry.check(ctx)
    seconds = time.perf_counter() - start
    try:
        pickle.dumps(verdict)
    except (pickle.PicklingError, AttributeError, TypeError):
        verdict = None  # cannot travel back: run_checks reruns it in its own process
    return statement_id, verdict, seconds, os.getpid(), ctx.simulated, dict(ctx.shared_simulated)


def builtin_only(registry: Registry) -> bool:
    """Whether ``registry`` is the default one with exactly its built-in searches plugged."""
    if registry is not DEFAULT:
        return False
    builtin = {s.id: s.search for s in registry.load().values() if s.search is not None}
    return registry.searches == builtin


def run_checks(chosen: list[Statement], seed: int, quick: bool, workers: int,
               registry: Registry, bar) -> tuple[list, int]:
    """The ``(statement, verdict, seconds)`` of each chosen statement in order, and the
    problems simulated; on ``workers`` processes where :func:`builtin_only` allows.

    ``bar`` (a tqdm bar over the statements) advances as checks finish.
    """
    ctx = Context(seed=seed, quick=quick)
    if (workers <= 1 or len(chosen) <= 1 or not builtin_only(registry)
            or "fork" not in multiprocessing.get_all_start_methods()):
        done = [_run_here(entry, ctx, bar) for entry in chosen]
        return done, ctx.simulated
    by_id, totals = {}, {}
    with ProcessPoolExecutor(min(workers, len(chosen)),
                             mp_context=multiprocessing.get_context("fork")) as pool:
        futures = [pool.submit(_check, (s.id, seed, quick)) for s in chosen]
        for future in as_completed(futures):
            sid, verdict, seconds, pid, simulated, shared = future.result()
            if verdict is not None:
                by_id[sid] = (verdict, seconds)
            if simulated >= totals.get(pid, (0,))[0]:  # a worker's counts only grow
                totals[pid] = (simulated, shared)
            bar.set_postfix_str(sid)
            bar.update()
    done = [(s, *by_id[s.id]) if s.id in by_id else _run_here(s, ctx, None) for s in chosen]
    totals[None] = (ctx.simulated, ctx.shared_simulated)
    keys, own = {}, 0
    for simulated, shared in totals.values():
        own += simulated - sum(shared.values())
        keys.update(shared)
    return done, own + sum(keys.values())


def _run_here(entry: Statement, ctx: Context, bar) -> tuple:
    """Run ``entry``'s check in this process: ``(entry, verdict, seconds)``."""
    if bar is not None:
        bar.set_postfix_str(entry.id)
    start = time.perf_counter()
    verdict = entry.check(ctx)
    if bar is not None:
        bar.update()
    return entry, verdict, time.perf_counter() - start

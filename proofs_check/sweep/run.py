"""Run a sweep from Python: :func:`run_sweep` (what ``larscheck sweep`` calls).

>>> from larscheck.proofs_check.sweep.grid import spec_from_mapping
>>> spec = spec_from_mapping({"kappa": [1, 10], "lam": [0.05, 0.5], "steps": [200]})
>>> summary = run_sweep(spec, "sweep.jsonl", workers=2)          # doctest: +SKIP
>>> summary.computed, summary.resumed                            # doctest: +SKIP
(4, 0)
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from tqdm import tqdm

from larscheck.proofs_check.sweep.cells import run_cell
from larscheck.proofs_check.sweep.executors import (
    CONNECT_TIMEOUT,
    DaskCluster,
    LocalPool,
    available_cores,
)
from larscheck.proofs_check.sweep.grid import SweepSpec
from larscheck.proofs_check.sweep.store import ResultStore
from larscheck.sims.resources import require_memory, simulate_bytes
from larscheck.sims.validation import count


@dataclass(frozen=True)
class SweepSummary:
    """What a :func:`run_sweep` call did.

    Attributes
    ----------
    cells : int
        Cells in the grid (all of them are in the results file afterwards).
    resumed : int
        Cells found already finished in the file (``resume=True``).
    computed : int
        Cells computed by this call.
    where : str
        The executor, in words.
    dropped_torn_line : bool
        Whether a torn last line from an interrupted write was cut off (and redone).
    """

    cells: int
    resumed: int
    computed: int
    where: str
    dropped_torn_line: bool


def run_sweep(spec: SweepSpec, out: str | os.PathLike, *, resume: bool = False,
              workers: int | None = None, scheduler: str | None = None,
              connect_timeout: float = CONNECT_TIMEOUT,
              progress: bool | None = None) -> SweepSummary:
    """Run every cell of ``spec`` not yet in ``out``, appending each record as it finishes.

    Parameters
    ----------
    spec : SweepSpec
        The grid (:func:`~larscheck.proofs_check.sweep.grid.spec_from_mapping`).
    out : path-like
        JSON Lines results file (see :mod:`~larscheck.proofs_check.sweep.store`).
    resume : bool
        Continue ``out`` (same grid only); otherwise ``out`` must be new or empty.
    workers : int, optional
        Local processes, >= 1 (default: the usable cores). Ignored with ``scheduler``.
    scheduler : str, optional
        Dask scheduler address ``tcp://HOST:PORT``: run there instead.
    connect_timeout : float
        Seconds to wait for the scheduler and for a first worker.
    progress : bool or None
        Progress bar (cells done / total, ETA); ``None``: only on a terminal.
    """
    if not isinstance(spec, SweepSpec):
        raise TypeError(f"spec must be a SweepSpec (build one with spec_from_mapping(...)), "
                        f"got {type(spec).__name__}")
    if workers is not None:
        workers = count("workers", workers, 1)
    cells = spec.cells()
    concurrent = 1 if scheduler else min(workers or available_cores(), max(len(cells), 1))
    peak = max((simulate_bytes(spec.settings.batch, c.dim, rotated=c.dim > 1) for c in cells),
               default=0)
    require_memory(concurrent * peak, f"the sweep ({concurrent} cell(s) at a time, "
                                      f"batch {spec.settings.batch})")
    with ResultStore(out, spec.to_dict(), resume=resume) as store:
        todo = [(cell, spec.settings) for cell in cells if cell.key not in store.done]
        if scheduler:
            executor = DaskCluster(scheduler, connect_timeout)
        else:
            executor = LocalPool(workers or available_cores(), preload=[run_cell.__module__])
        try:
            where = executor.describe()
            with tqdm(total=len(cells), initial=len(cells) - len(todo), unit="cell",
                      desc="sweep", disable=None if progress is None else not progress,
                      dynamic_ncols=True) as bar:
                for record in executor.imap_unordered(run_cell, todo):
                    store.append(record)
                    bar.update()
        finally:
            executor.close()
        missing = [cell.key for cell in cells if cell.key not in store.done]
        if missing:  # an executor that lost work without raising would be a bug
            raise RuntimeError(f"{len(missing)} cells did not finish, e.g. {missing[0]}")
        return SweepSummary(cells=len(cells), resumed=len(cells) - len(todo),
                            computed=len(todo), where=where,
                            dropped_torn_line=store.dropped_torn_line)

"""Faults are results: a killed local worker is retried and the sweep finishes.

A cell function kills its own worker process (``SIGKILL``, as the OOM killer
would) the first time it sees item 3; the pool must rerun the lost cells in a
fresh pool and return every result exactly once. A cell that kills every
worker that runs it is given up after a bounded number of pools, with the
finished results kept. Full-disk and second-writer faults are in
``test_reliability_disk.py`` and the sweep store tests.
"""

from __future__ import annotations

import json
import os
import signal
from pathlib import Path

import pytest

from larscheck.proofs_check.sweep import executors
from larscheck.proofs_check.sweep.executors import LocalPool


def _kill_once(item):
    x, marker = item
    if x == 3 and not Path(marker).exists():
        Path(marker).write_text("killed")
        os.kill(os.getpid(), signal.SIGKILL)
    return x * x


def _kill_always(item):
    x, _ = item
    if x == 3:
        os.kill(os.getpid(), signal.SIGKILL)
    return x * x


def test_a_killed_worker_is_retried_and_every_result_arrives_once(tmp_path, capsys):
    marker = str(tmp_path / "killed")
    out = list(LocalPool(2).imap_unordered(_kill_once, [(x, marker) for x in range(8)]))
    assert sorted(out) == [x * x for x in range(8)]
    assert Path(marker).exists()  # the worker really died once
    assert "a local worker process died" in capsys.readouterr().err


def test_a_cell_that_always_kills_its_worker_is_given_up(tmp_path, monkeypatch):
    monkeypatch.setattr(executors, "POOL_RESTARTS", 1)
    got = []
    with pytest.raises(OSError, match=r"died 2 times; \d+ cell\(s\) left undone; finished"):
        for r in LocalPool(2).imap_unordered(_kill_always, [(x, "") for x in range(6)]):
            got.append(r)
    assert 9 not in got and len(set(got)) == len(got)  # what finished came back, once
    assert set(got) <= {x * x for x in range(6)}


def test_a_sweep_survives_a_killed_worker(tmp_path, monkeypatch):
    """run_sweep on 2 local processes; the first run of one cell kills its worker."""
    from larscheck.proofs_check.sweep import cells, run
    from larscheck.proofs_check.sweep.grid import spec_from_mapping

    marker = tmp_path / "killed"
    real = cells.run_cell
    spec = spec_from_mapping({"kappa": [1.0, 10.0], "lam": [0.1, 0.2], "dim": [2],
                              "steps": [5], "batch": 2})
    monkeypatch.setattr(run, "run_cell", _KillingCell(str(marker), real))
    summary = run.run_sweep(spec, tmp_path / "r.jsonl", workers=2)
    assert marker.exists()
    keys = [json.loads(line)["key"] for line in
            (tmp_path / "r.jsonl").read_text().splitlines()[1:]]
    assert summary.cells == summary.computed == len(keys) == len(set(keys)) == 4
    assert set(keys) == {c.key for c in spec.cells()}


class _KillingCell:
    """A picklable stand-in for run_cell whose first call in any process dies."""

    def __init__(self, marker, real):
        self.marker, self.real = marker, real
        self.__module__ = real.__module__

    def __call__(self, args):
        if not Path(self.marker).exists():
            Path(self.marker).write_text("killed")
            os.kill(os.getpid(), signal.SIGKILL)
        return self.real(args)

"""Memory guards: a run that cannot fit is refused before anything is allocated or written."""

from __future__ import annotations

import numpy as np
import pytest

from larscheck.cli import main
from larscheck.sims import LARS, Quadratic, random_quadratics, simulate
from larscheck.sims.resources import (
    MEMORY_LIMIT_ENV,
    ResourceError,
    available_memory,
    require_memory,
    simulate_bytes,
)


def test_available_memory_reads_the_machine_or_the_override(monkeypatch):
    monkeypatch.delenv(MEMORY_LIMIT_ENV, raising=False)
    nbytes, source = available_memory()
    assert nbytes > 0 and source in ("MemAvailable", "free pages")
    for text, expected in (("64G", 64 * 2**30), ("1500", 1500), ("2.5M", int(2.5 * 2**20)),
                           ("1GiB", 2**30)):
        monkeypatch.setenv(MEMORY_LIMIT_ENV, text)
        assert available_memory() == (expected, MEMORY_LIMIT_ENV)
    monkeypatch.setenv(MEMORY_LIMIT_ENV, "lots")
    with pytest.raises(ValueError, match=f"{MEMORY_LIMIT_ENV} must be a number of bytes"):
        available_memory()


def test_estimate_counts_what_a_run_holds():
    base = simulate_bytes(10, 4, checkpoints=0)
    assert base == 8 * 12 * 10 * 4
    assert simulate_bytes(10, 4, 99, record_path=True, checkpoints=0) == base + 8 * 100 * 40
    assert simulate_bytes(10, 4, rotated=True, checkpoints=0) == base + 8 * 2 * 10 * 16


def test_guard_names_the_estimate_and_the_available_memory(monkeypatch):
    monkeypatch.setenv(MEMORY_LIMIT_ENV, "1M")
    with pytest.raises(ResourceError, match=r"needs about .* GiB of memory but 0.000977 GiB is "
                                            r"available \(LARSCHECK_MEMORY_LIMIT\)"):
        require_memory(2 * 2**20, "this run")
    require_memory(2**20, "this run")  # exactly the limit fits


def test_random_quadratics_refuses_before_allocating(monkeypatch):
    monkeypatch.setenv(MEMORY_LIMIT_ENV, "1M")
    with pytest.raises(ResourceError, match="a batch of 100000 problems in R"):
        random_quadratics(np.random.default_rng(0), 100_000, 50)


def test_simulate_refuses_a_path_that_cannot_fit(monkeypatch):
    q = Quadratic([[1.0, 2.0]], [[1.0, 1.0]])
    simulate(q, LARS(), [[3.0, 3.0]], 10, 0.1, record_path=True)
    monkeypatch.setenv(MEMORY_LIMIT_ENV, "1M")
    with pytest.raises(ResourceError, match="record_path"):
        simulate(q, LARS(), [[3.0, 3.0]], 10**8, 0.1, record_path=True)


def test_the_cli_refuses_huge_runs_in_one_line_and_writes_nothing(tmp_path, capsys):
    # the cases: 744 GiB for simulate, 21 GB on a 24 GB machine for sweep
    cases = [["simulate", "--batch", "100000000", "--dim", "1000",
              "--json", str(tmp_path / "s.json")],
             ["sweep", "--batch", "100000000", "--dim", "10", "--kappa", "1", "--steps", "5",
              "--out", str(tmp_path / "r.jsonl")]]
    for argv in cases:
        assert main(argv) == 2
        (line,) = capsys.readouterr().err.strip().splitlines()
        assert "GiB of memory but" in line and "is available" in line
    assert list(tmp_path.iterdir()) == []

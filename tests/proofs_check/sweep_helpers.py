"""Helpers for the sweep tests: small grids, running the CLI, reading result sets."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from larscheck.cli import main

#: A small grid (12 cells) that covers lambda below and above Lemma 1's threshold.
SMALL_GRID = ["--kappa", "1,10", "--lam", "0.5,1.5,3", "--lam-ref", "lemma1.tight",
              "--dim", "3", "--xstar-norm", "1,4", "--steps", "200", "--batch", "8",
              "--seeds", "1", "--seed", "7", "--eps", "0.1"]


def record_lines(path: Path) -> list[str]:
    """The cell lines of a results file, sorted (the result *set*; order is completion order)."""
    lines = Path(path).read_text().splitlines()
    assert json.loads(lines[0])["kind"] == "larscheck.sweep"
    return sorted(lines[1:])


def run_sweep(out: Path, *extra: str, grid=SMALL_GRID) -> int:
    """``larscheck sweep`` in this process."""
    return main(["sweep", *grid, "--out", str(out), *extra])


def cli_subprocess(*args: str, **kwargs) -> subprocess.Popen:
    """``python -m larscheck ARGS`` as a child process (stdout/stderr captured)."""
    env = dict(os.environ, PYTHONUNBUFFERED="1")
    return subprocess.Popen([sys.executable, "-m", "larscheck", *args], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, **kwargs)


def wait_for(predicate, timeout: float, what: str, poll: float = 0.05):
    """Poll ``predicate()`` until it returns a true value; fail the test after ``timeout`` s."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(poll)
    pytest.fail(f"timed out after {timeout} s waiting for {what}")

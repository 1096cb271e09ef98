"""``larscheck sweep`` end to end: results, resume after a crash, SIGKILL, plots."""

from __future__ import annotations

import json
import os
import signal

import pytest

from larscheck.cli import main
from larscheck.proofs_check.sweep.grid import spec_from_mapping
from larscheck.proofs_check.sweep.run import run_sweep as run_sweep_api
from tests.proofs_check.sweep_helpers import cli_subprocess, record_lines, run_sweep, wait_for

#: 36 cells of ~0.1 s each: long enough to be killed mid-run, short enough for CI.
KILL_GRID = ["--kappa", "1,10,100", "--lam", "0.25,0.5,1,2", "--lam-ref", "lemma1",
             "--dim", "10", "--xstar-norm", "1,10,100", "--steps", "2000", "--batch", "32",
             "--seed", "3"]


@pytest.fixture(scope="module")
def reference(tmp_path_factory):
    """The small grid run once, uninterrupted, on one process."""
    path = tmp_path_factory.mktemp("ref") / "ref.jsonl"
    assert run_sweep(path, "--workers", "1") == 0
    return path


def test_one_record_per_cell(reference):
    lines = record_lines(reference)
    assert len(lines) == 12
    records = [json.loads(line) for line in lines]
    assert len({r["key"] for r in records}) == 12
    cells = {(r["cell"]["kappa"], r["cell"]["lam"], r["cell"]["xstar_norm"]) for r in records}
    assert len(cells) == 2 * 3 * 2
    for r in records:
        s = r["stats"]
        assert s["problems"] == 8 and 0 <= s["frac_diverged"] <= 1
        above = r["cell"]["lam"] > 1  # lam is relative to the tight threshold
        assert s["bounds"]["tight"]["applies"] is not above


def test_pool_gives_the_same_results(reference, tmp_path, capsys):
    out = tmp_path / "pool.jsonl"
    assert run_sweep(out, "--workers", "2") == 0
    assert record_lines(out) == record_lines(reference)
    assert "12 cells (0 already done, 12 computed on 2 local processes)" in capsys.readouterr().out


def test_resume_after_a_crash_with_a_torn_line(reference, tmp_path, capsys):
    full = reference.read_bytes().splitlines(keepends=True)
    out = tmp_path / "crashed.jsonl"
    out.write_bytes(b"".join(full[:6]) + full[6][: len(full[6]) // 2])
    assert run_sweep(out, "--resume", "--workers", "1") == 0
    captured = capsys.readouterr()
    assert "dropped a torn last line" in captured.err
    assert "12 cells (5 already done, 7 computed" in captured.out
    assert record_lines(out) == record_lines(reference)
    assert out.read_bytes().endswith(b"\n")


def test_resume_of_a_finished_sweep_computes_nothing(reference, tmp_path, capsys):
    out = tmp_path / "done.jsonl"
    out.write_bytes(reference.read_bytes())
    assert run_sweep(out, "--resume") == 0
    assert "12 cells (12 already done, 0 computed" in capsys.readouterr().out
    assert out.read_bytes() == reference.read_bytes()


def _group_alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    return True


def test_sigkill_mid_run_then_resume_equals_uninterrupted(tmp_path):
    total = 36
    killed = tmp_path / "killed.jsonl"
    proc = cli_subprocess("sweep", *KILL_GRID, "--workers", "2", "--out", str(killed),
                          start_new_session=True)
    try:
        wait_for(lambda: killed.exists() and killed.read_bytes().count(b"\n") >= 4, 120,
                 "the sweep to finish a few cells")
        running = proc.poll() is None
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)
        # the pool's workers (and its fork server) notice and exit by themselves
        wait_for(lambda: not _group_alive(proc.pid), 30, "the orphaned pool workers to exit")
    finally:
        if _group_alive(proc.pid):
            os.killpg(proc.pid, signal.SIGKILL)
    assert running and proc.returncode == -signal.SIGKILL
    done_before = len(killed.read_bytes().splitlines()) - 1
    assert 3 <= done_before < total, "the kill must land mid-sweep"
    assert main(["sweep", *KILL_GRID, "--workers", "2", "--out", str(killed), "--resume"]) == 0
    straight = tmp_path / "straight.jsonl"
    assert main(["sweep", *KILL_GRID, "--workers", "2", "--out", str(straight)]) == 0
    assert len(record_lines(straight)) == total
    assert record_lines(killed) == record_lines(straight)


def test_toml_grid_and_plots(tmp_path, capsys):
    grid = tmp_path / "grid.toml"
    grid.write_text('kappa = [1, 4, 16]\nlam = {geomspace = [0.25, 4, 3]}\n'
                    'lam_ref = "lemma1.tight"\ndim = [2, 5]\nmethod = ["lars", "percentdelta"]\n'
                    'steps = 150\nbatch = 6\n')
    results = tmp_path / "r.jsonl"
    assert main(["sweep", "--grid", str(grid), "--out", str(results), "--workers", "1"]) == 0
    assert len(record_lines(results)) == 3 * 3 * 2 * 2
    capsys.readouterr()
    assert main(["plot", "sweep", str(results), "--out", str(tmp_path / "maps")]) == 0
    written = capsys.readouterr().out.split()
    names = sorted(os.path.basename(p) for p in written)
    assert names == sorted(["stability.png", "tail_radius.png"] + [
        f"ratio_{m}_{v}.png" for m in ("theorem1", "tail", "theorem2") for v in ("paper", "tight")
    ])
    for p in written:
        data = open(p, "rb").read()
        assert data.startswith(b"\x89PNG") and len(data) > 5000


def test_flags_override_the_grid_file(tmp_path):
    grid = tmp_path / "grid.toml"
    grid.write_text("kappa = [1, 10]\nlam = [0.1]\ndim = [3]\nsteps = 50\nbatch = 2\n")
    results = tmp_path / "r.jsonl"
    assert main(["sweep", "--grid", str(grid), "--kappa", "2", "--out", str(results)]) == 0
    (line,) = record_lines(results)
    assert json.loads(line)["cell"]["kappa"] == 2.0
    spec = json.loads(results.read_text().splitlines()[0])["spec"]
    assert spec["kappa"] == [2.0] and spec["steps"] == [50]


def test_python_api_summary(tmp_path):
    spec = spec_from_mapping({"kappa": [1, 10], "lam": [0.05, 0.5], "steps": [50], "batch": 3})
    out = tmp_path / "api.jsonl"
    first = run_sweep_api(spec, out, workers=1, progress=False)
    assert (first.cells, first.resumed, first.computed) == (4, 0, 4)
    assert first.where == "1 local process" and not first.dropped_torn_line
    again = run_sweep_api(spec, out, resume=True, workers=1, progress=False)
    assert (again.resumed, again.computed) == (4, 0)
    assert len(record_lines(out)) == 4

"""Sweeps on Dask: a LocalCluster, and real scheduler/worker processes with a worker killed.

Every wait has a timeout and every process started here is stopped in a
``finally``, so a broken cluster fails the test instead of hanging CI.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from larscheck.cli import main
from larscheck.proofs_check.sweep.executors import DaskCluster
from tests.proofs_check.sweep_helpers import (
    cli_subprocess,
    record_lines,
    run_sweep,
    wait_for,
)

distributed = pytest.importorskip("distributed")

#: 36 cells of ~0.1 s: a worker can be killed while the sweep runs.
GRID = ["--kappa", "1,10,100", "--lam", "0.25,0.5,1,2", "--lam-ref", "lemma1",
        "--dim", "10", "--xstar-norm", "1,10,100", "--steps", "1500", "--batch", "24",
        "--seed", "5"]
TOTAL = 36


def _stop(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)


def _start(args: list[str], log: Path) -> subprocess.Popen:
    with open(log, "wb") as fh:
        return subprocess.Popen([sys.executable, "-m", *args], stdout=fh, stderr=subprocess.STDOUT)


@pytest.fixture(scope="module")
def reference(tmp_path_factory):
    path = tmp_path_factory.mktemp("dask-ref") / "ref.jsonl"
    assert run_sweep(path, "--workers", "1", grid=GRID) == 0
    return path


def test_local_cluster_equals_local_pool(reference, tmp_path):
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  dashboard_address=None) as cluster:
        out = tmp_path / "dask.jsonl"
        assert run_sweep(out, "--scheduler", cluster.scheduler_address, grid=GRID) == 0
    assert record_lines(out) == record_lines(reference)


def test_real_processes_and_a_killed_worker(reference, tmp_path, capsys):
    procs = []
    try:
        sched_log = tmp_path / "scheduler.log"
        procs.append(_start(["distributed.cli.dask_scheduler", "--host", "127.0.0.1",
                             "--port", "0", "--no-dashboard"], sched_log))
        address = wait_for(lambda: re.search(r"Scheduler at:\s+(tcp://127\.0\.0\.1:\d+)",
                                             sched_log.read_text()), 60, "the scheduler")[1]
        # A scheduler without workers: a clear error, not a hang.
        assert main(["sweep", *GRID, "--scheduler", address, "--connect-timeout", "1",
                     "--out", str(tmp_path / "none.jsonl")]) == 2
        assert f"the Dask scheduler at {address} has no worker" in capsys.readouterr().err
        workers = [_start(["distributed.cli.dask_worker", address, "--nthreads", "1",
                           "--no-nanny", "--no-dashboard", "--host", "127.0.0.1"],
                          tmp_path / f"worker{i}.log") for i in range(2)]
        procs.extend(workers)
        with distributed.Client(address, timeout=30) as client:
            client.wait_for_workers(2, timeout=60)
        out = tmp_path / "cluster.jsonl"
        sweep = cli_subprocess("sweep", *GRID, "--scheduler", address, "--out", str(out))
        procs.append(sweep)
        wait_for(lambda: out.exists() and out.read_bytes().count(b"\n") >= 4, 120,
                 "the first cells from the cluster")
        running = sweep.poll() is None
        done_at_kill = out.read_bytes().count(b"\n") - 1
        workers[0].send_signal(signal.SIGKILL)
        stdout, stderr = sweep.communicate(timeout=180)
        assert sweep.returncode == 0, stderr
        assert running and done_at_kill < TOTAL, "the worker must die mid-sweep"
        assert workers[0].wait(timeout=10) == -signal.SIGKILL
        killed = re.search(r"Start worker at:\s+(\S+)", (tmp_path / "worker0.log").read_text())[1]
        assert f"Remove worker addr: {killed}" in sched_log.read_text()  # it was lost mid-run
        assert f"{TOTAL} cells (0 already done, {TOTAL} computed on Dask cluster" in stdout
        lines = record_lines(out)
        assert len(lines) == len(set(lines)) == TOTAL
        assert lines == record_lines(reference)
    finally:
        for proc in reversed(procs):
            _stop(proc)


def test_cells_that_kill_every_worker_end_in_one_clear_error():
    import dask

    with dask.config.set({"distributed.scheduler.allowed-failures": 0}), \
            distributed.LocalCluster(n_workers=1, threads_per_worker=1,
                                     dashboard_address=None) as cluster:
        executor = DaskCluster(cluster.scheduler_address, timeout=30)
        try:
            with pytest.raises(OSError, match="Dask gave up on a cell: every worker"):
                list(executor.imap_unordered(os._exit, [1, 1]))  # each run kills its worker
        finally:
            executor.close()


def test_losing_the_scheduler_ends_in_one_clear_error():
    cluster = distributed.LocalCluster(n_workers=1, threads_per_worker=1,
                                       dashboard_address=None)
    executor = DaskCluster(cluster.scheduler_address, timeout=30)
    try:
        results = executor.imap_unordered(time.sleep, [0.2] * 200)
        next(results)
        address = cluster.scheduler_address
        cluster.close()
        with pytest.raises(OSError, match=f"lost the Dask scheduler at {address}"):
            list(results)
    finally:
        executor.close()
        cluster.close()

"""A gradient or iterate whose norm overflows is an error (``overflow:``), never a bounded run.

With eigenvalues 1e-300 and 1e300, ``||g||^2`` is inf although every entry of
``g`` is finite; LARS's step ``lambda ||x|| / ||g|| g`` is then exactly 0 and
the iterate never moves, which the statistics alone read as "bounded, not
diverged" (issue 18).
"""

from __future__ import annotations

import numpy as np
import pytest

from larscheck.cli import main
from larscheck.sims import LARS, Adam, Quadratic, simulate

EXTREME = Quadratic([[1e-300, 1e300]], [[1.0, 1.0]])


@pytest.mark.parametrize("record_path", [False, True])  # fused kernel and NumPy loop
def test_stuck_lars_run_is_an_overflow_error(record_path):
    traj = simulate(EXTREME, LARS(), [[3.0, 3.0]], 20, 0.1, record_path=record_path)
    assert list(traj.errors) == [0]
    assert traj.errors[0].startswith("overflow: problem 0")
    assert np.isnan(traj.final_x).all()
    assert traj.to_dict()["problems"][0]["error"].startswith("overflow:")


def test_both_paths_agree_on_a_mixed_batch():
    prob = Quadratic([[1e-300, 1e300], [1.0, 2.0]], [[1.0, 1.0], [1.0, 1.0]])
    a = simulate(prob, LARS(), [[3.0, 3.0], [3.0, 3.0]], 30, 0.1)
    b = simulate(prob, LARS(), [[3.0, 3.0], [3.0, 3.0]], 30, 0.1, record_path=True)
    assert list(a.errors) == list(b.errors) == [0]
    np.testing.assert_array_equal(a.final_x, b.final_x)
    assert np.isfinite(a.final_x[1]).all()


def test_adam_with_an_overflowing_second_moment_is_an_error():
    prob = Quadratic([[1.0, 1e200]], [[1.0, 1.0]])
    traj = simulate(prob, Adam(), [[2.0, 2.0]], 10, 0.1)
    assert traj.errors[0].startswith("overflow:")


def test_ordinary_runs_have_no_overflow():
    prob = Quadratic([[1.0, 1e6]], [[1.0, -2.0]])
    traj = simulate(prob, LARS(), [[1e3, 1e3]], 50, 0.1)
    assert traj.errors == {}


def test_the_table_counts_errors_and_leaves_them_out(capsys):
    argv = ["simulate", "--eigs", "1e-300,1e300", "--xstar", "1,1", "--x0", "3,3",
            "--steps", "10"]
    assert main(argv) == 0
    captured = capsys.readouterr()
    assert "errors: 1 of 1 (overflow: 1" in captured.out
    assert "2e+300" not in captured.out  # the stuck run's gap is not a statistic
    assert captured.err == ""


def test_an_overflowing_start_is_counted(capsys):
    argv = ["simulate", "--eigs", "1,1e300", "--xstar", "1,1", "--x0", "1e10,1e10",
            "--steps", "10"]
    assert main(argv) == 0
    captured = capsys.readouterr()
    assert "errors: 1 of 1" in captured.out and captured.err == ""

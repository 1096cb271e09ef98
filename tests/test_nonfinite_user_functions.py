"""User functions that return NaN or inf mid-run: a clear error per problem, others unaffected.

``simulate`` records such a problem in ``Trajectory.errors`` with a message
naming the problem index and the step, freezes it (NaN final iterate, not
counted as diverged), and the rest of the batch runs exactly as it would
without it.
"""

from __future__ import annotations

import numpy as np
import pytest

from larscheck.sims import LARS, GradientDescent, SmoothProblem, simulate

B, N, STEPS = 5, 3, 40
XSTAR = np.arange(1.0, 1.0 + B * N).reshape(B, N) / 4


def _problem(poison: dict[int, tuple[int, str, float]], rows=slice(None)):
    """Quadratics ``1/2 ||x - x*||^2`` whose ``value``/``grad`` is poisoned for some problems
    at one call: ``{problem: (call, "value" | "grad", bad_number)}``. Calls are counted per
    function, one per step."""
    calls = {"value": 0, "grad": 0}
    xstar = XSTAR[rows]

    def counted(kind, fn):
        def wrapped(x):
            out = fn(x)
            for i, (when, where, bad) in poison.items():
                if where == kind and calls[kind] == when:
                    out[i] = bad
            calls[kind] += 1
            return out
        return wrapped

    value = counted("value", lambda x: 0.5 * np.sum((x - xstar) ** 2, axis=1))
    grad = counted("grad", lambda x: x - xstar)
    return SmoothProblem(value, grad, len(xstar), N, xstar=xstar, fstar=0.0, mu=1.0, L=1.0)


@pytest.mark.parametrize("rule", [LARS(), GradientDescent()], ids=["lars", "gd"])
def test_nan_and_inf_are_reported_per_problem(rule):
    x0 = XSTAR + 5.0
    poison = {1: (7, "grad", np.nan), 3: (12, "value", np.inf)}
    traj = simulate(_problem(poison), rule, x0, STEPS, 0.1)
    assert sorted(traj.errors) == [1, 3]
    assert "problem 1" in traj.errors[1] and "step 7" in traj.errors[1]
    assert "problem 3" in traj.errors[3] and "step 12" in traj.errors[3]
    assert "non-finite" in traj.errors[1]
    assert not traj.diverged.any()  # a failing function is an error, not divergence
    assert np.isnan(traj.final_x[[1, 3]]).all()
    # The others ran exactly as in a batch without the failing problems.
    keep = [0, 2, 4]
    clean = simulate(_problem({}, rows=keep), rule, x0[keep], STEPS, 0.1)
    np.testing.assert_array_equal(traj.final_x[keep], clean.final_x)
    np.testing.assert_array_equal(traj.min_gap[keep], clean.min_gap)
    np.testing.assert_array_equal(traj.max_dist[keep], clean.max_dist)
    assert not clean.errors


def test_failure_at_the_start_is_step_zero():
    traj = simulate(_problem({0: (0, "value", -np.inf)}), LARS(), XSTAR + 1.0, 5, 0.1)
    assert list(traj.errors) == [0] and "step 0" in traj.errors[0]

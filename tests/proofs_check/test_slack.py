"""The slack budget: shares add to the total, the trace agrees with the simulator, and a
broken proof step is caught."""

import numpy as np
import pytest

from larscheck.proofs_check import slack
from larscheck.proofs_check.checks import rates
from larscheck.proofs_check.context import Context, quadratic_cases, with_rates
from larscheck.sims import LARS, simulate
from larscheck.sims.simulate import log_checkpoints
from larscheck.theory import bounds, chains
from larscheck.theory.chains import Chain, Step


def _runs(steps=120):
    rng = np.random.default_rng(3)
    cases = quadratic_cases(rng, 3, 40, kappas=(1.0, 10.0, 100.0))
    p = cases.params
    rc = with_rates(cases, bounds.lemma1_threshold(p["mu"], p["L"], "paper"), (0.3, 0.9))
    cps = log_checkpoints(steps, 12)
    return rc, cps, slack.trace(rc.problem, rc.x0, rc.params["lam"], steps, cps), steps


def test_trace_agrees_with_simulate():
    rc, cps, tr, steps = _runs()
    traj = simulate(rc.problem, LARS(), rc.x0, steps, rc.params["lam"], checkpoints=12)
    np.testing.assert_array_equal(traj.checkpoints, cps)
    np.testing.assert_allclose(tr.values[chains.e_min], traj.gap_at, rtol=1e-9, atol=1e-300)
    np.testing.assert_allclose(tr.values[chains.r_sup][:, -1], traj.max_dist, rtol=1e-12)


def _theorem2_budget(chain=chains.THEOREM2):
    rc, cps, tr, steps = _runs()
    delta = simulate(rc.problem, LARS(), rc.x0, steps, rc.params["lam"]).min_norm
    consts = slack.descent_constants(rc.params, delta, np.full(rc.batch, cps[-1]),
                                     rc.params["lam"])
    return slack.measure(chain, tr, consts, np.full(rc.batch, cps.size - 1),
                         np.ones(rc.batch, bool))


def test_shares_add_up_to_the_total():
    b = _theorem2_budget()
    np.testing.assert_allclose(b.shares.sum(axis=0), b.total, rtol=1e-12, atol=1e-12)
    rows = b.rows()
    for key in ("log10_slack_worst", "log10_slack_median"):
        total = b.total[b.worst if key.endswith("worst") else b.median]
        assert sum(r[key] for r in rows) == pytest.approx(total, rel=1e-12, abs=1e-12)
    assert b.summary()["step_violations"] == 0


def test_a_broken_step_is_counted():
    good = chains.THEOREM2
    # claim e_j <= e_j / 10: false on every run
    broken = Chain("broken", good.observed, (
        good.steps[0], Step("bad", "false", good.steps[1].pointwise, good.steps[0].rhs / 10),
        *good.steps[1:]))
    b = _theorem2_budget(broken)
    rows = {r["step"]: r for r in b.rows()}
    assert rows["bad"]["violations"] == b.total.size
    assert b.summary()["step_violations"] >= b.total.size


def test_theorem2_verdict_carries_its_budget():
    v = rates.check_theorem2(Context(seed=0, quick=True))
    s = v.details["slack_budget"]
    assert [r["step"] for r in v.slack] == [st.name for st in chains.THEOREM2.steps]
    assert 10 ** -s["log10_total_worst"] == pytest.approx(v.worst_ratio, rel=1e-6)
    assert sum(r["log10_slack_worst"] for r in v.slack) == pytest.approx(
        s["log10_total_worst"], rel=1e-12)
    assert s["loosest_step"] in {r["step"] for r in v.slack}
    assert s["repaired_worst_ratio"] >= v.worst_ratio * (1 - 1e-9)
    assert s["step_violations"] == 0

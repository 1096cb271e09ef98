"""One sweep cell: its statistics against an independent recomputation and the theory."""

from __future__ import annotations

import numpy as np
import pytest

from larscheck.proofs_check.sweep.cells import run_cell
from larscheck.proofs_check.sweep.grid import spec_from_mapping
from larscheck.sims import LARS, random_quadratics, simulate
from larscheck.sims.problems import random_directions
from larscheck.theory import bounds

REFS = ("lemma1", "lemma1.tight")

#: Observed/bound ratios may exceed 1 by rounding only: at k = 0 the sup distance is
#: ||x0 - x*|| computed in the eigenbasis, D's first term the same norm computed in the
#: standard basis; the two differ by a few ulps for n <= 100.
RATIO_RTOL = 1e-12


def _one(**values):
    """The single cell of a grid and its record."""
    spec = spec_from_mapping(values, lam_refs=REFS)
    (cell,) = spec.cells()
    return cell, run_cell((cell, spec.settings))


def test_record_matches_a_direct_simulation():
    cell, rec = _one(kappa=[20.0], lam=[0.05], dim=[6], xstar_norm=[3.0],
                               steps=[400], batch=16, seed=11, eps=[1e-1, 1e-3])
    rng = np.random.default_rng([11, 0])
    prob = random_quadratics(rng, 16, 6, mu=1.0, L=20.0, xstar_norm=3.0)
    x0 = prob.xstar + 30.0 * random_directions(rng, 16, 6)
    traj = simulate(prob, LARS(), x0, 400, 0.05, gap_thresholds=[1e-1, 1e-3])
    s = rec["stats"]
    assert rec["key"] == cell.key and s["lam"] == 0.05 and s["problems"] == 16
    assert s["frac_diverged"] == traj.diverged.mean()
    dist0 = np.linalg.norm(x0 - prob.xstar, axis=1)
    assert s["sup_dist_rel"] == np.max(traj.max_dist / dist0)
    assert s["tail_radius"]["max"] == traj.tail_radius.max()
    assert s["min_norm"] == traj.min_norm.min()
    for j, entry in enumerate(s["iters_to_eps"]):
        reached = traj.first_below[:, j] >= 0
        assert entry["frac_reached"] == reached.mean()
        if reached.any():
            assert entry["max"] == traj.first_below[reached, j].max()


def test_same_cell_same_record():
    assert _one(kappa=[5.0], batch=4, steps=[100]) == _one(kappa=[5.0], batch=4, steps=[100])


@pytest.mark.parametrize("kappa", [1.0, 10.0, 300.0])
@pytest.mark.parametrize("rel", [0.2, 0.9])
def test_theorems_1_and_2_hold_below_the_threshold(kappa, rel):
    """Within Lemma 1's hypotheses the measured sup distance stays below Theorem 1's D
    and min f - f* below Theorem 2's bound (a failure here would be a finding)."""
    _, rec = _one(kappa=[kappa], lam=[rel], lam_ref="lemma1.tight", dim=[8],
                     xstar_norm=[2.0], steps=[600], batch=24, seed=1)
    for variant, entry in rec["stats"]["bounds"].items():
        threshold = float(bounds.lemma1_threshold(1.0, kappa, variant))
        assert entry["threshold"] == threshold
        if entry["applies"]:
            assert entry["dist_ratio"] <= 1 + RATIO_RTOL
            assert entry["gap_ratio"] <= 1 + RATIO_RTOL
    assert rec["stats"]["bounds"]["tight"]["applies"]


def test_relative_rate_uses_the_statement_threshold():
    _, rec = _one(kappa=[10.0], lam=[0.5], lam_ref="lemma1", batch=2, steps=[10])
    assert rec["stats"]["lam"] == 0.5 * float(bounds.lemma1_threshold(1.0, 10.0, "paper"))
    assert rec["stats"]["bounds"]["paper"]["applies"]


def test_far_above_the_threshold_runs_diverge_and_no_bound_is_claimed():
    _, rec = _one(kappa=[1.0], lam=[4.0], lam_ref="lemma1.tight", dim=[3], batch=8,
                     steps=[300])
    s = rec["stats"]
    assert s["frac_diverged"] == 1.0
    assert s["sup_dist_rel"] is None and s["tail_radius"]["max"] is None
    for entry in s["bounds"].values():
        assert entry == {"threshold": entry["threshold"], "applies": False}


def test_bounds_only_for_plain_lars():
    _, rec = _one(method=["percentdelta"], batch=2, steps=[10])
    assert rec["stats"]["bounds"] is None

"""The numbers behind the sweep maps: pooling over the axes a map does not show."""

from __future__ import annotations

import numpy as np

from larscheck.proofs_check.sweep.plots import _bounded, _edges, _grid, _panels


def _rec(lam, kappa, xstar_norm, dim, frac, ratio):
    return {"cell": {"lam": lam, "kappa": kappa, "xstar_norm": xstar_norm, "dim": dim,
                     "method": "lars"},
            "stats": {"frac_diverged": frac, "bounds": {"tight": {"dist_ratio": ratio}}}}


RECORDS = [
    _rec(0.5, 1.0, 1.0, 2, 0.0, 0.9), _rec(0.5, 1.0, 4.0, 2, 0.5, 0.7),
    _rec(2.0, 1.0, 1.0, 2, 1.0, None), _rec(2.0, 1.0, 4.0, 2, 1.0, None),
    _rec(0.5, 10.0, 1.0, 2, 0.25, 0.2),
    _rec(0.5, 1.0, 1.0, 5, 0.0, 0.3),
]


def test_stability_is_the_mean_and_ratios_the_worst_over_pooled_cells():
    panels = _panels(RECORDS)
    assert set(panels) == {(2, "lars"), (5, "lars")}
    lams, kappas = [0.5, 2.0], [1.0, 10.0]
    stability = _grid(panels[(2, "lars")], lams, kappas, _bounded, np.mean)
    np.testing.assert_array_equal(stability, [[0.75, 0.0], [0.75, np.nan]])
    worst = _grid(panels[(2, "lars")], lams, kappas,
                  lambda r: r["stats"]["bounds"]["tight"]["dist_ratio"], np.max)
    np.testing.assert_array_equal(worst, [[0.9, np.nan], [0.2, np.nan]])  # None: no bound


def test_edges_surround_each_grid_value():
    edges, log = _edges(np.array([1.0, 10.0, 100.0]))
    assert log
    np.testing.assert_allclose(edges, [10**-0.5, 10**0.5, 10**1.5, 10**2.5], rtol=1e-12)
    edges, log = _edges(np.array([1.0, 2.0, 3.0]))
    assert not log
    np.testing.assert_allclose(edges, [0.5, 1.5, 2.5, 3.5])
    edges, log = _edges(np.array([0.3]))
    assert log and edges[0] < 0.3 < edges[1]

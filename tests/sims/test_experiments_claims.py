"""Each claim check passes on curves that show the claim and fails on curves that contradict it."""

import numpy as np
import pytest

from larscheck.sims.experiments import claims
from larscheck.sims.experiments.runner import MODES, Curves

FSTAR = 0.5
EPOCHS = 100
E = np.arange(EPOCHS + 1)


def _curves(gaps: dict[str, np.ndarray], seeds: int = 3) -> Curves:
    """Curves with the same gap curve (per epoch) for every seed and mode."""
    c = Curves("test", FSTAR, epochs=EPOCHS)
    for mode in MODES:
        for m, gap in gaps.items():
            c.values[(m, mode)] = np.tile(np.asarray(gap, dtype=float), (seeds, 1)) + FSTAR
    return c


def _decay(rate: float, start: float = 1.0) -> np.ndarray:
    return start * np.exp(-rate * E)


def _oscillating(level: float, amplitude: float) -> np.ndarray:
    return np.maximum(_decay(0.5), level + amplitude * (E % 2))


def test_all_reach_optimum():
    good = {"A": _decay(0.5), "B": _decay(0.2)}
    assert claims.all_reach_optimum(_curves(good))["reproduced"]
    bad = {"A": _decay(0.5), "B": np.full(EPOCHS + 1, 2 * claims.OPTIMUM_RTOL * FSTAR)}
    result = claims.all_reach_optimum(_curves(bad))
    assert not result["reproduced"]
    assert result["measured"]["final f - f* (B, full batch)"] == pytest.approx(0.01)


def test_faster_follows_the_epochs_to_a_decade():
    curves = _curves({"LARS": _decay(0.5), "SGD": _decay(0.05), "Adam": _decay(0.1)})
    pairs = [("LARS", "SGD"), ("LARS", "Adam")]
    assert claims.faster(curves, pairs, "LARS fastest")["reproduced"]
    assert not claims.faster(curves, [("SGD", "LARS")], "SGD first")["reproduced"]
    assert claims.epochs_to_level(curves.gap("LARS", MODES[0])) == 5.0  # e^-2.5 < 0.1 < e^-2


def test_methods_that_never_arrive_tie_and_contradict_the_order():
    flat = np.ones(EPOCHS + 1)
    curves = _curves({"LARS": flat, "SGD": flat * 2})
    result = claims.faster(curves, [("LARS", "SGD")], "LARS first")
    assert not result["reproduced"]
    assert result["measured"]["epochs to 1/10 of initial f - f* (LARS, full batch)"] == "never"


def test_a_diverged_seed_never_reaches_a_level():
    gap = np.tile(_decay(0.5), (3, 1))
    gap[:2, 3:] = np.nan  # two of three seeds diverge before the level (epoch 5)
    assert claims.epochs_to_level(gap) == np.inf
    assert claims.final_gap(gap) == np.inf


def test_initial_spike():
    spike = _decay(0.3)
    spike[2] = 3.0
    assert claims.initial_spike(_curves({"LARS": spike}))["reproduced"]
    assert not claims.initial_spike(_curves({"LARS": _decay(0.3)}))["reproduced"]
    late = _decay(0.3)
    late[50] = 3.0  # outside the first 10 % of the epochs: not an initial spike
    assert not claims.initial_spike(_curves({"LARS": late}))["reproduced"]


def test_fixed_versus_decaying():
    tol = claims.OPTIMUM_RTOL * FSTAR
    osc = _oscillating(1e-2, 1e-2)
    smooth = _decay(0.3)
    assert claims.fixed_vs_decaying(_curves({"LARS": osc, "LARS decay": smooth}))["reproduced"]
    # The decaying one oscillates as much: contradicted.
    assert not claims.fixed_vs_decaying(_curves({"LARS": osc, "LARS decay": osc}))["reproduced"]
    # The decaying one is calm but stalls above the optimum: contradicted.
    stalled = np.maximum(smooth, 10 * tol)
    result = claims.fixed_vs_decaying(_curves({"LARS": osc, "LARS decay": stalled}))
    assert not result["reproduced"]


def test_fixed_lars_that_drifts_away_counts_as_a_large_tail():
    drift = np.maximum(_decay(0.2), 1e-3) + np.where(E > 80, (E - 80) * 1e-3, 0.0)
    curves = _curves({"LARS": drift, "LARS decay": _decay(0.3)})
    assert claims.tail_amplitude(curves.gap("LARS", MODES[0])) == pytest.approx(0.02)
    assert claims.fixed_vs_decaying(curves, behaviour="drifts away")["reproduced"]


def test_region_depends_on_rate():
    lams = [0.2, 0.05, 0.1]
    assert claims.region_depends_on_rate(lams, [0.4, 0.1, 0.2])["reproduced"]
    assert not claims.region_depends_on_rate(lams, [0.1, 0.1, 0.2])["reproduced"]
    assert not claims.region_depends_on_rate(lams, [0.4, 0.0, 0.2])["reproduced"]
    assert not claims.region_depends_on_rate(lams, [0.4, np.nan, 0.2])["reproduced"]


def test_figure1_comparisons():
    assert claims.gd_beats_fixed_lars(1e-9, [0.1, 0.2])["reproduced"]
    assert not claims.gd_beats_fixed_lars(0.5, [0.1, 0.2])["reproduced"]
    assert claims.decaying_inside_region(1e-3, 0.2, 0.2)["reproduced"]
    assert not claims.decaying_inside_region(0.3, 0.2, 0.2)["reproduced"]
    assert claims.within_predicted([0.1, 0.2], [0.1, 0.2], lambda lam: 2 * lam, "t")["reproduced"]
    assert not claims.within_predicted([0.1, 0.2], [0.1, 0.5], lambda lam: 2 * lam,
                                       "t")["reproduced"]


def test_fig1_checks_and_draws_a_supplied_predicted_region(tmp_path):
    from larscheck.sims.experiments import fig1, plots

    wide = fig1.run(steps=40, predicted=lambda mu, L, lam, xn: 100.0 * lam, predicted_source="t")
    assert wide.claims[-1]["reproduced"] and "predicted" in wide.claims[-1]["claim"]
    assert set(wide.extra["predicted"]) == set(fig1.LAMS)
    narrow = fig1.run(steps=40, predicted=lambda mu, L, lam, xn: 1e-9)
    assert not narrow.claims[-1]["reproduced"]
    assert len(fig1.run(steps=40).claims) == 3  # nothing predicted, nothing claimed
    paths = plots.save(plots.figure1(wide), tmp_path / "f")
    assert all(p.stat().st_size > 0 for p in paths)

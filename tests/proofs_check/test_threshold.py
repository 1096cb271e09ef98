"""lambda*(kappa): the bisection brackets 2, and the confirmation rejects a wrong threshold."""

import numpy as np

from larscheck.proofs_check.search import threshold as th


def test_bisection_brackets_two():
    rng = np.random.default_rng(0)
    lo, hi = th.threshold(10.0, rng, adversarial=False, steps=8)
    assert lo <= 2.0 <= hi + 1e-12 and hi - lo < 5e-3


def test_growth_sign_around_two():
    rng = np.random.default_rng(1)
    assert th.worst_growth(100.0, 1.98, rng, adversarial=False, starts=4) <= th.GROWTH_TOL
    assert th.worst_growth(100.0, 2.02, rng, adversarial=False, starts=4) > th.GROWTH_TOL


def test_confirmation_rejects_a_wrong_threshold():
    rng = np.random.default_rng(2)
    good = th.confirm([3.0, 1e3], [2.0, 2.0], rng, per=4)
    assert min(good["bounded_below"]) == 1.0 and min(good["diverged_above"]) == 1.0
    low = th.confirm([3.0, 1e3], [1.5, 1.5], rng, per=4)  # 1.515 is still stable
    assert max(low["diverged_above"]) == 0.0
    assert max(low["growth_above"]) <= th.GROWTH_TOL


def test_stored_threshold_is_confirmed():
    sharp = th.sharp_threshold(np.random.default_rng(3))
    assert sharp["confirmed"]
    assert all(lo <= hi for lo, hi in zip(sharp["lo"], sharp["hi"], strict=True))
    assert sharp["precision"] < 1e-3


def test_a_wrong_stored_threshold_is_not_confirmed(monkeypatch):
    from larscheck.proofs_check.search import threshold_data

    monkeypatch.setattr(threshold_data, "BRACKETS", ((10.0, 1.5, 1.5002), (1e3, 1.5, 1.5002)))
    sharp = th.sharp_threshold(np.random.default_rng(4))
    assert not sharp["confirmed"]
    assert sharp["lambda_star"] == [1.5, 1.5]

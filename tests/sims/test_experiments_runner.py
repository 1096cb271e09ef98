"""Training loop: layer-wise LARS on weights and bias, the origin, seeds, schedules."""

from dataclasses import dataclass
from typing import ClassVar

import numpy as np
import pytest

from larscheck.sims.blocks import Blocks
from larscheck.sims.experiments.data import separable_data
from larscheck.sims.experiments.losses import Hinge
from larscheck.sims.experiments.runner import PAPER_LARS, Method, paper_methods, train
from larscheck.sims.rules import LARS, UpdateRule


@pytest.fixture(scope="module")
def hinge():
    X, y = separable_data(np.random.default_rng(0), n=60, dim=3)
    return Hinge(X, y, alpha=0.01)


def test_one_lars_step_scales_weights_and_bias_separately(hinge):
    x0 = np.array([[0.5, -1.0, 2.0, 0.7]])
    _, g = hinge.value_and_grad(x0)
    lam = 0.1
    w, b, gw, gb = x0[0, :3], x0[0, 3], g[0, :3], g[0, 3]
    expected = np.append(w - lam * np.linalg.norm(w) / np.linalg.norm(gw) * gw,
                         b - lam * abs(b) / abs(gb) * gb)
    out = np.array(x0)
    LARS().apply(out, g, lam, {}, Blocks(hinge.dim, hinge.blocks))
    np.testing.assert_allclose(out[0], expected, rtol=1e-14)
    # and train() uses exactly those blocks
    curve = train(hinge, Method("LARS", LARS(), lam), x0, epochs=1)
    assert curve[0, 1] == pytest.approx(hinge.value(expected[None])[0], rel=1e-14)


def test_plain_lars_never_leaves_the_origin_but_the_switch_does(hinge):
    x0 = np.zeros((1, hinge.dim))
    stuck = train(hinge, Method("LARS", LARS(), 0.1), x0, epochs=5)
    np.testing.assert_array_equal(stuck, hinge.value(x0)[0])  # f(0) = 1 forever
    moved = train(hinge, Method("LARS", PAPER_LARS, 0.1), x0, epochs=5)
    assert moved[0, -1] < moved[0, 0]


def test_same_seed_same_curves_and_seeds_differ(hinge):
    x0 = np.random.default_rng(1).standard_normal((3, hinge.dim))
    m = paper_methods(0.01, 0.1, 0.1)[1]
    a = train(hinge, m, x0, epochs=4, batch_size=7, seed=3)
    b = train(hinge, m, x0, epochs=4, batch_size=7, seed=3)
    c = train(hinge, m, x0, epochs=4, batch_size=7, seed=4)
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a, c)


def test_full_batch_seeds_run_independently(hinge):
    x0 = np.random.default_rng(2).standard_normal((3, hinge.dim))
    m = Method("LARS", PAPER_LARS, 0.1)
    together = train(hinge, m, x0, epochs=6)
    alone = train(hinge, m, x0[1:2], epochs=6)
    np.testing.assert_array_equal(together[1], alone[0])


@dataclass(frozen=True)
class _Recorder(UpdateRule):
    """Moves nothing; records the rates and the mini-batch gradients it is given."""

    log: list
    name: ClassVar[str] = "recorder"

    def apply(self, x, g, lam, state, blocks):
        self.log.append(float(np.asarray(lam)))


def test_decay_reaches_zero_over_all_minibatch_steps(hinge):
    log = []
    train(hinge, Method("rec", _Recorder(log), 0.1, decay=True), np.ones((2, hinge.dim)),
          epochs=3, batch_size=25)
    steps = 3 * 3  # ceil(60 / 25) = 3 mini-batches per epoch
    assert len(log) == steps
    np.testing.assert_allclose(log, 0.1 * (1 - np.arange(steps) / steps) ** 2)


def test_bad_settings(hinge):
    m = paper_methods(0.01, 0.1, 0.1)[0]
    with pytest.raises(ValueError, match="epochs"):
        train(hinge, m, np.zeros((1, hinge.dim)), epochs=0)
    with pytest.raises(ValueError, match="batch_size"):
        train(hinge, m, np.zeros((1, hinge.dim)), epochs=1, batch_size=61)


@pytest.mark.parametrize("method", paper_methods(0.01, 0.1, 0.1), ids=lambda m: m.label)
def test_overflow_is_a_result_not_a_crash(hinge, method):
    """No floating-point warning escapes (pytest makes them errors); the curve shows it."""
    curve = train(hinge, method, np.full((1, hinge.dim), 1e308), epochs=3, batch_size=20)
    assert not np.all(np.isfinite(curve))

"""Losses of the convex experiments: gradients against finite differences, mini-batches."""

import numpy as np
import pytest

from larscheck.sims.experiments import losses
from larscheck.sims.experiments.data import separable_data
from larscheck.sims.experiments.losses import Hinge, Softmax

#: Central differences with step H have error O(H^2 f''') ~ 1e-10 here, rounding
#: O(eps |f| / H) ~ 1e-10; the directional derivatives are O(1).
H = 1e-6
FD_ATOL = 1e-7


def _directional(loss, x, v, rows=None):
    fp = loss.value_and_grad(x + H * v, rows)[0]
    fm = loss.value_and_grad(x - H * v, rows)[0]
    return (fp - fm) / (2 * H)


def _softmax(rng, n=40, p=5, k=4, alpha=1e-2):
    return Softmax(rng.standard_normal((n, p)), rng.integers(0, k, n), classes=k, alpha=alpha)


@pytest.mark.parametrize("seed", range(3))
def test_softmax_gradient_matches_finite_differences(seed):
    rng = np.random.default_rng(seed)
    loss = _softmax(rng)
    x = rng.standard_normal((3, loss.dim))
    v = rng.standard_normal((3, loss.dim))
    _, g = loss.value_and_grad(x)
    np.testing.assert_allclose(_directional(loss, x, v), np.einsum("sn,sn->s", g, v),
                               atol=FD_ATOL)


@pytest.mark.parametrize("seed", range(3))
def test_hinge_gradient_matches_finite_differences_away_from_kinks(seed):
    rng = np.random.default_rng(seed)
    X, y = separable_data(rng, n=50, dim=3)
    loss = Hinge(X, y, alpha=0.05)
    x = rng.standard_normal((3, loss.dim))
    v = rng.standard_normal((3, loss.dim))
    margins = y * (x[:, :-1] @ X.T + x[:, -1:])
    # The finite difference must not cross a kink: margin 1 or a zero weight.
    step = H * (np.abs(v[:, :-1]).sum(axis=1) * np.abs(X).max() + np.abs(v[:, -1]))
    assert np.all(np.abs(margins - 1).min(axis=1) > step)
    assert np.all(np.abs(x[:, :-1]) > H * np.abs(v[:, :-1]))
    _, g = loss.value_and_grad(x)
    np.testing.assert_allclose(_directional(loss, x, v), np.einsum("sn,sn->s", g, v),
                               atol=FD_ATOL)


def test_hinge_value_by_hand():
    loss = Hinge([[1.0], [-2.0]], [1.0, -1.0], alpha=0.5)
    # w = 0.5, b = 0: margins 0.5 and 1.0 -> hinge (0.5 + 0) / 2, penalty 0.25.
    f, g = loss.value_and_grad([[0.5, 0.0]])
    assert f[0] == pytest.approx(0.25 + 0.25)
    np.testing.assert_allclose(g[0], [-0.5 + 0.5, -0.5])


@pytest.mark.parametrize("limit", [losses.GATHER_LIMIT, 1])
def test_minibatch_equals_loss_on_the_subset(monkeypatch, limit):
    """Both the gathered path and the seed-by-seed path evaluate on each seed's rows."""
    monkeypatch.setattr(losses, "GATHER_LIMIT", limit)
    rng = np.random.default_rng(5)
    loss = _softmax(rng)
    x = rng.standard_normal((3, loss.dim))
    rows = np.stack([rng.permutation(loss.n_samples)[:7] for _ in range(3)])
    f, g = loss.value_and_grad(x, rows)
    for s in range(3):
        sub = Softmax(loss.X[rows[s]], loss.labels[rows[s]], classes=loss.classes,
                      alpha=loss.alpha)
        fs, gs = sub.value_and_grad(x[s:s + 1])
        np.testing.assert_allclose(f[s], fs[0], rtol=1e-13)
        np.testing.assert_allclose(g[s], gs[0], rtol=1e-12, atol=1e-15)


def test_blocks_are_weights_then_bias():
    rng = np.random.default_rng(0)
    assert _softmax(rng, p=5, k=4).blocks == (20, 4)
    assert Hinge(rng.standard_normal((4, 3)), [1.0, -1, 1, -1]).blocks == (3, 1)


@pytest.mark.parametrize(("make", "match"), [
    (lambda: Hinge([[1.0]], [0.5]), "y must contain only"),
    (lambda: Hinge([[1.0]], [1.0, -1.0]), "labels but X has"),
    (lambda: Hinge([[1.0]], [1.0], alpha=-1.0), "alpha"),
    (lambda: Softmax([[1.0]], [-1]), "non-negative"),
    (lambda: Softmax([[1.0], [2.0]], [0, 3], classes=2), "classes"),
    (lambda: Hinge([[np.nan]], [1.0]), "finite"),
])
def test_bad_input_names_the_argument(make, match):
    with pytest.raises(ValueError, match=match):
        make()


def test_wrong_parameter_shape_is_rejected():
    loss = Hinge([[1.0, 2.0]], [1.0])
    with pytest.raises(ValueError, match=r"shape \(S, 3\)"):
        loss.value_and_grad(np.zeros((2, 2)))
    with pytest.raises(ValueError, match="rows"):
        loss.value_and_grad(np.zeros((2, 3)), np.zeros(3, dtype=int))

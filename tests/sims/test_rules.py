"""Update rules against hand-worked steps and the authors' algorithm as a plain loop."""

import itertools
import math

import numpy as np
import pytest
from numpy.testing import assert_allclose

from larscheck.sims import LARS, Adam, Blocks, GradientDescent, Momentum, PercentDelta, make_rule


def step(rule, x, g, lam, sizes=None, state=None):
    x = np.array(x, dtype=float)
    blocks = Blocks(x.shape[1], sizes)
    state = rule.init(x, blocks) if state is None else state
    rule.apply(x, np.array(g, dtype=float), lam, state, blocks)
    return x, state


def test_lars_hand_step():
    # x = (3, 4): ||x|| = 5; g = (0, 2): ||g|| = 2; lambda = 0.1 -> step 0.1 * 5/2 * g = (0, 0.5)
    x, _ = step(LARS(), [[3.0, 4.0]], [[0.0, 2.0]], 0.1)
    assert_allclose(x, [[3.0, 3.5]], rtol=0, atol=1e-15)


def test_percentdelta_hand_step():
    # ||x||_1 = 7, ||g||_1 = 3, g = (1, -2): step 0.1 * 7/3 * g
    x, _ = step(PercentDelta(), [[3.0, 4.0]], [[1.0, -2.0]], 0.1)
    assert_allclose(x, [[3.0 - 0.7 / 3, 4.0 + 1.4 / 3]], rtol=1e-15)


def test_step_length_is_lambda_times_norm():
    rng = np.random.default_rng(1)
    x = rng.standard_normal((50, 7))
    g = rng.standard_normal((50, 7))
    lam = rng.uniform(0.01, 1.0, 50)
    new, _ = step(LARS(), x, g, lam)
    assert_allclose(np.linalg.norm(new - x, axis=1), lam * np.linalg.norm(x, axis=1), rtol=1e-13)


def test_zero_gradient_gives_no_step_and_no_nan():
    x, _ = step(LARS(), [[1.0, 2.0], [0.0, 0.0]], [[0.0, 0.0], [0.0, 0.0]], 0.5)
    assert_allclose(x, [[1.0, 2.0], [0.0, 0.0]])
    x, _ = step(LARS(weight_decay=0.1, momentum=0.9), [[0.0, 0.0]], [[0.0, 0.0]], 0.5)
    assert np.all(np.isfinite(x))


def test_zero_weights_without_switch_stay_at_origin():
    x, _ = step(LARS(), [[0.0, 0.0]], [[1.0, 1.0]], 0.5)
    assert_allclose(x, [[0.0, 0.0]])


def test_blocks_have_their_own_ratio():
    # block 1 = (3, 4) with g = (0, 2); block 2 = (1,) with g = (10,)
    x, _ = step(LARS(), [[3.0, 4.0, 1.0]], [[0.0, 2.0, 10.0]], 0.1, sizes=(2, 1))
    assert_allclose(x, [[3.0, 3.5, 0.9]], rtol=1e-15)


def test_gradient_descent_and_momentum_hand_steps():
    x, _ = step(GradientDescent(), [[1.0]], [[2.0]], 0.25)
    assert_allclose(x, [[0.5]])
    rule = Momentum(momentum=0.5)
    x, st = step(rule, [[1.0]], [[2.0]], 0.25)
    x2, _ = step(rule, x, [[2.0]], 0.25, state=st)
    # v1 = 0.5, v2 = 0.25 + 0.5 = 0.75
    assert_allclose(x2, [[1.0 - 0.5 - 0.75]])


def test_adam_first_step_is_lambda_times_sign():
    # bias correction makes the first step lambda * g / (|g| + eps')
    x, _ = step(Adam(eps=1e-12), [[1.0, -1.0]], [[3.0, -0.5]], 0.01)
    assert_allclose(x, [[0.99, -0.99]], rtol=1e-9)


def authors_loop(w, grads, rates, eta, eps, beta, tau, m, nesterov, adapt):
    """The authors' per-variable algorithm (STATEMENTS §0), one variable at a time, in floats."""
    w = [list(map(float, block)) for block in w]
    v = [[0.0] * len(block) for block in w]
    for g, lr_k in zip(grads, rates, strict=True):
        for b, (wb, gb) in enumerate(zip(w, g, strict=True)):
            wn = math.sqrt(sum(t * t for t in wb))
            gn = math.sqrt(sum(t * t for t in gb))
            denom = eps + gn + beta * wn
            local = eta * wn / denom if denom > 0 else 0.0
            if tau is not None and wn < tau:
                local = eta
            if not adapt[b]:
                local = 1.0
            for i in range(len(wb)):
                # the scaled gradient goes to a momentum optimizer whose rate is lr
                d = local * (gb[i] + beta * wb[i])
                v[b][i] = m * v[b][i] + d
                wb[i] -= lr_k * (m * v[b][i] + d if nesterov else v[b][i])
    return [t for block in w for t in block]


@pytest.mark.parametrize(
    "eps,tau,beta,m,nesterov,adapt",
    [
        (eps, tau, beta, m, nest, adapt)
        for eps, tau, beta, m, nest, adapt in itertools.product(
            (0.0, 1e-3), (None, 0.5), (0.0, 0.01), (0.0, 0.9), (False, True),
            ((True, True), (True, False)),
        )
        if not (nest and m == 0.0)
    ],
)
def test_lars_matches_authors_algorithm(eps, tau, beta, m, nesterov, adapt):
    rng = np.random.default_rng(7)
    sizes = (3, 2)
    w0 = rng.standard_normal(5) * np.array([1, 1, 1, 0.2, 0.2])
    grads = rng.standard_normal((6, 5))
    rule = LARS(eps=eps, switch_threshold=tau, weight_decay=beta, momentum=m,
                nesterov=nesterov, adapt=adapt, trust_coefficient=0.8)
    x = w0[None, :].copy()
    blocks = Blocks(5, sizes)
    state = rule.init(x, blocks)
    rates = 0.05 * (1 - np.arange(6) / 6) ** 2  # the authors' decaying global rate
    for g, rate in zip(grads, rates, strict=True):
        rule.apply(x, g[None, :], rate, state, blocks)
    expected = authors_loop([w0[:3], w0[3:]], [[g[:3], g[3:]] for g in grads], rates, 0.8,
                            eps, beta, tau, m, nesterov, adapt)
    assert_allclose(x[0], expected, rtol=1e-13, atol=1e-15)


def test_switch_threshold_takes_plain_step():
    # ||w|| = 0.005 < tau = 0.01: ratio = eta = 1, step = lambda * g
    x, _ = step(LARS(switch_threshold=0.01), [[0.003, 0.004]], [[1.0, 0.0]], 0.1)
    assert_allclose(x, [[0.003 - 0.1, 0.004]])


@pytest.mark.parametrize(
    "kwargs,match",
    [
        (dict(norm="l3"), "norm"),
        (dict(eps=-1.0), "eps"),
        (dict(momentum=1.0), "momentum"),
        (dict(trust_coefficient=0.0), "trust_coefficient"),
        (dict(switch_threshold=-0.1), "switch_threshold"),
        (dict(weight_decay=float("nan")), "weight_decay"),
    ],
)
def test_lars_rejects_bad_options(kwargs, match):
    with pytest.raises(ValueError, match=match):
        LARS(**kwargs)


def test_make_rule_unknown_method():
    with pytest.raises(ValueError, match="method must be one of"):
        make_rule("sgdx")


def test_adapt_length_must_match_blocks():
    with pytest.raises(ValueError, match="adapt has 1 entries but there are 2 blocks"):
        step(LARS(adapt=(True,)), [[1.0, 2.0]], [[1.0, 1.0]], 0.1, sizes=(1, 1))

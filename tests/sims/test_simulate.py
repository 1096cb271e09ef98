"""The batched simulator: statistics against full paths, invariance, divergence, errors."""

import json

import numpy as np
import pytest
from numpy.testing import assert_allclose

from larscheck.sims import (
    LARS,
    GradientDescent,
    PercentDelta,
    PolynomialDecay,
    Quadratic,
    SmoothProblem,
    random_quadratics,
    simulate,
)
from larscheck.sims.problems import random_directions

#: Agreement of two float64 evaluation orders of the same iteration: each step loses a few
#: ulps. Only far from x* though: near x* the LARS map amplifies perturbations by about
#: lambda ||x|| / ||x - x*|| per step (the direction g/||g|| turns fast there), so two
#: evaluation orders separate once the iterates oscillate around x*; the comparison
#: stops before that (30 steps from distance 30 with lambda = 0.05).
PATH_RTOL = 1e-12


def batch(seed=0, B=40, n=6, L=30.0):
    rng = np.random.default_rng(seed)
    p = random_quadratics(rng, B, n, mu=1.0, L=L, xstar_norm=(0.5, 20.0))
    x0 = p.xstar + 30.0 * random_directions(rng, B, n)
    return p, x0


def dense(p: Quadratic) -> SmoothProblem:
    """The same quadratics through the general (dense matrix) path."""
    A = p.matrix()

    def grad(x):
        return np.einsum("bij,bj->bi", A, x - p.xstar)

    def value(x):
        return 0.5 * np.einsum("bi,bi->b", x - p.xstar, grad(x))

    return SmoothProblem(value, grad, p.batch, p.dim, xstar=p.xstar, fstar=0.0)


def test_eigenbasis_run_equals_dense_run():
    p, x0 = batch()
    a = simulate(p, LARS(), x0, 30, 0.05, record_path=True)
    b = simulate(dense(p), LARS(), x0, 30, 0.05, record_path=True)
    assert_allclose(a.path, b.path, rtol=PATH_RTOL, atol=PATH_RTOL * 30)
    for name in ("max_dist", "min_norm", "tail_radius"):
        assert_allclose(getattr(a, name), getattr(b, name), rtol=PATH_RTOL)
    assert_allclose(a.min_gap, b.min_gap, rtol=1e-9, atol=1e-12)


def test_percentdelta_is_not_rotation_invariant():
    p, x0 = batch(B=10)
    rotated = simulate(p, PercentDelta(), x0, 50, 0.05)
    # The same problems and starts written in the eigenbasis: L2 LARS agrees, L1 does not.
    d = p.diagonal()
    y0 = p.to_eigen(x0)
    in_eigen = simulate(d, PercentDelta(), y0, 50, 0.05)
    gap = np.abs(p.to_eigen(rotated.final_x) - in_eigen.final_x).max()
    assert gap > 1e-3
    lars_rot = simulate(p, LARS(), x0, 50, 0.05)
    lars_eig = simulate(d, LARS(), y0, 50, 0.05)
    assert_allclose(p.to_eigen(lars_rot.final_x), lars_eig.final_x, rtol=1e-10, atol=1e-10)


def test_statistics_match_the_full_path():
    p, x0 = batch(seed=1, B=25)
    lam = np.linspace(0.01, 0.3, 25)
    t = simulate(p, LARS(), x0, 200, lam, record_path=True, ball_radius=5.0,
                 gap_thresholds=(1.0, 1e-3))
    path = t.path
    dist = np.linalg.norm(path - p.xstar, axis=2)
    norm = np.linalg.norm(path, axis=2)
    gap = np.stack([p.value(x) for x in path])
    assert_allclose(t.max_dist, dist.max(0), rtol=1e-14)
    assert_allclose(t.min_norm, norm.min(0), rtol=1e-14)
    # f is evaluated in the eigenbasis by the simulator and in the original basis here:
    # 1/2 d^T A d loses about 1e-16 * L ||x|| ||d|| absolutely to rounding either way.
    assert_allclose(t.min_gap, gap.min(0), rtol=1e-9, atol=1e-15)
    assert_allclose(t.tail_radius, dist[150:].max(0), rtol=1e-14)
    inside = dist <= 5.0
    assert np.array_equal(t.first_inside, np.where(inside.any(0), inside.argmax(0), -1))
    for e, eps in enumerate((1.0, 1e-3)):
        below = gap <= eps
        assert np.array_equal(t.first_below[:, e], np.where(below.any(0), below.argmax(0), -1))
    running = np.minimum.accumulate(gap, axis=0)
    assert_allclose(t.gap_at, running[t.checkpoints].T, rtol=1e-9, atol=1e-15)
    # distances in the eigenbasis vs the original basis: rounding of about 1e-16 ||x||.
    assert_allclose(t.dist_at, dist[t.checkpoints].T, rtol=1e-12, atol=1e-13)
    assert t.checkpoints[0] == 0 and t.checkpoints[-1] == 200
    assert_allclose(t.final_x, path[-1])


def test_same_seed_same_result():
    runs = []
    for _ in range(2):
        p, x0 = batch(seed=5)
        runs.append(simulate(p, LARS(), x0, 300, PolynomialDecay(0.2, 300)))
    for name in ("final_x", "gap_at", "max_dist", "min_norm", "tail_radius"):
        assert np.array_equal(getattr(runs[0], name), getattr(runs[1], name))


def one_d(value, grad):
    return SmoothProblem(lambda x: value(x[:, 0]), lambda x: grad(x[:, 0])[:, None], 1, 1,
                         xstar=[2.0], fstar=value(np.array([2.0]))[0])


CONVEX_1D = {
    "quadratic": (lambda x: 3.0 * (x - 2.0) ** 2, lambda x: 6.0 * (x - 2.0)),
    "log_cosh": (lambda x: np.log(np.cosh(x - 2.0)), lambda x: np.tanh(x - 2.0)),
    "quartic": (lambda x: (x - 2.0) ** 4 + 0.1 * (x - 2.0) ** 2,
                lambda x: 4 * (x - 2.0) ** 3 + 0.2 * (x - 2.0)),
    "exp": (lambda x: np.exp(x - 2.0) - (x - 2.0), lambda x: np.exp(x - 2.0) - 1.0),
}


@pytest.mark.parametrize("x0", [50.0, 0.3, -4.0])
def test_one_dimensional_iterates_do_not_depend_on_f(x0):
    """STATEMENTS 1.9: in 1-D only sign f'(x) = sign(x - x*) enters the LARS step."""
    paths = {name: simulate(one_d(v, g), LARS(), [x0], 120, 0.1, record_path=True).path[:, 0, 0]
             for name, (v, g) in CONVEX_1D.items()}
    ref = paths.pop("quadratic")
    for path in paths.values():
        assert_allclose(path, ref, rtol=1e-13, atol=1e-15)


def test_large_lambda_is_flagged_divergent_without_warnings():
    p = Quadratic([[1.0], [1.0]], [[1.0], [1.0]])
    t = simulate(p, LARS(), [[5.0], [5.0]], 500, np.array([2.5, 0.5]))
    assert t.diverged.tolist() == [True, False]
    assert t.diverged_at[0] > 0 and t.diverged_at[1] == -1
    assert np.isnan(t.final_x[0]).all() and np.isfinite(t.final_x[1]).all()
    path = simulate(p, LARS(), [[5.0], [5.0]], 500, np.array([2.5, 0.5]), record_path=True).path
    assert np.isfinite(path[: t.diverged_at[0], 0]).all()
    assert np.isnan(path[t.diverged_at[0]:, 0]).all() and np.isfinite(path[:, 1]).all()


def test_divergence_does_not_affect_other_problems():
    p, x0 = batch(seed=2, B=6)
    lam = np.full(6, 0.05)
    alone = simulate(p, GradientDescent(), x0, 100, lam * 0 + 0.01)
    lam_mixed = np.where(np.arange(6) == 3, 10.0, 0.01)
    mixed = simulate(p, GradientDescent(), x0, 100, lam_mixed)
    assert mixed.diverged.tolist() == [False, False, False, True, False, False]
    keep = np.arange(6) != 3
    assert np.array_equal(mixed.final_x[keep], alone.final_x[keep])
    assert np.array_equal(mixed.min_gap[keep], alone.min_gap[keep])


def test_non_finite_user_function_is_reported_with_step_and_index():
    def grad(x):
        g = x - 1.0
        g[1] = np.where(np.abs(x[1]) < 3.0, np.nan, g[1])  # problem 1 fails near the origin
        return g

    p = SmoothProblem(lambda x: 0.5 * ((x - 1.0) ** 2).sum(1), grad, 3, 2, xstar=[1.0, 1.0],
                      fstar=0.0)
    x0 = np.array([[10.0, 10.0], [10.0, 10.0], [-8.0, 5.0]])
    t = simulate(p, GradientDescent(), x0, 150, 0.2)
    assert set(t.errors) == {1}
    assert "problem 1" in t.errors[1] and "step" in t.errors[1]
    assert not t.diverged.any()
    assert np.isnan(t.final_x[1]).all()
    assert_allclose(t.final_x[[0, 2]], 1.0, atol=1e-10)


@pytest.mark.parametrize(
    "kwargs,exc,match",
    [
        (dict(steps=-1), ValueError, "steps"),
        (dict(steps=2.5), ValueError, "steps"),
        (dict(x0=np.zeros((3, 2))), ValueError, "x0 must have shape"),
        (dict(x0=np.array([np.nan] * 6)), ValueError, "x0 must be finite"),
        (dict(schedule=-0.1), ValueError, "lam must be > 0"),
        (dict(rule="lars"), TypeError, "UpdateRule"),
        (dict(blocks=(2, 2)), ValueError, "sum to the dimension"),
    ],
)
def test_simulate_rejects_bad_input(kwargs, exc, match):
    p, x0 = batch(B=4)
    args = dict(problem=p, rule=LARS(), x0=x0, steps=10, schedule=0.1)
    args.update(kwargs)
    with pytest.raises(exc, match=match):
        simulate(**args)


def test_cli_threads_option_gives_the_same_json(tmp_path):
    from larscheck.cli import main

    paths = [tmp_path / f"{t}.json" for t in (1, 2)]
    for t, path in zip((1, 2), paths, strict=True):
        assert main(["simulate", "--batch", "40", "--dim", "130", "--steps", "50",
                     "--threads", str(t), "--json", str(path)]) == 0
    one, two = (json.loads(p.read_text()) for p in paths)
    assert (one["inputs"].pop("threads"), two["inputs"].pop("threads")) == (1, 2)
    assert one == two  # every other byte of the document too
    assert main(["simulate", "--threads", "0"]) == 2

"""The measurements and the suite: S_lambda on rays, seeded cases, rates per threshold."""

import numpy as np

from larscheck.proofs_check.context import Context, quadratic_cases, with_rates
from larscheck.proofs_check.measure import ray_directions, sup_S_on_rays
from larscheck.sims import Quadratic
from larscheck.theory import bounds


def test_sup_of_S_is_the_exact_radius_in_one_dimension():
    # kappa = 1: cos alpha = 1, and along the ray through x* the radius
    # lambda |x*| / (2 - lambda) is attained (x+ - x* = x* - x at the boundary).
    xstar = np.array([[0.5], [3.0], [-40.0]])
    lam = np.array([0.1, 1.0, 1.9])
    prob = Quadratic(np.full((3, 1), 2.0), xstar)
    sup, unbounded, point = sup_S_on_rays(prob, lam, ray_directions(None, 3, 1, 2))
    expected = bounds.lemma1_radius(
        lam, bounds.ProblemConstants(mu=2.0, L=2.0, xstar_norm=np.abs(xstar[:, 0])), "tight")
    np.testing.assert_allclose(sup, expected, rtol=1e-8)
    assert not unbounded.any()
    np.testing.assert_allclose(np.abs(point - xstar)[:, 0], sup)


def test_beyond_the_threshold_S_is_unbounded_on_some_ray():
    prob = Quadratic(np.array([[1.0, 100.0]]), np.array([[1.0, 0.0]]))
    c = bounds.cos_lower_bound(1.0, 100.0)
    dirs = ray_directions(np.random.default_rng(0), 1, 2, 64)
    assert sup_S_on_rays(prob, 3.0 * c, dirs)[1].all()
    assert not sup_S_on_rays(prob, 0.5 * c, dirs)[1].any()


def test_cases_are_reproducible_and_cover_the_starts():
    a, b = (quadratic_cases(Context(seed=1).rng("k"), 10, 90) for _ in range(2))
    np.testing.assert_array_equal(a.x0, b.x0)
    np.testing.assert_array_equal(a.problem.eigs, b.problem.eigs)
    p = a.params
    far, origin = p["start"] == "far", p["start"] == "origin"
    assert np.all(p["dist0"][far] >= 9.99 * p["xstar_norm"][far])
    assert np.all(np.linalg.norm(a.x0[origin], axis=1) <= 0.1 * p["xstar_norm"][origin])
    assert p["kappa"].min() == 1.0 and p["kappa"].max() == 1e4


def test_rates_relative_to_the_threshold():
    cases = quadratic_cases(np.random.default_rng(0), 2, 9)
    thr = bounds.lemma1_threshold(cases.params["mu"], cases.params["L"], "paper")
    rc = with_rates(cases, thr, (0.5, 2.0))
    assert rc.batch == 18
    np.testing.assert_allclose(rc.params["lam"], rc.params["factor"] * np.repeat(thr, 2))
    np.testing.assert_array_equal(rc.problem.xstar, np.repeat(cases.problem.xstar, 2, axis=0))

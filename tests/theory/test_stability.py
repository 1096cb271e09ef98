"""The 2-D far-field orbits of LARS, derived by SymPy, against the iterated map."""

import numpy as np
import sympy as sp

from larscheck.theory.stability import far_field_orbits, kappa, lam


def test_mirror_orbit_and_switches():
    o = far_field_orbits()
    assert sp.simplify(o["mirror_N"] - lam * (kappa + 1) / 2) == 0
    assert sp.simplify(o["mirror_growth"].subs(kappa, 5) - sp.Rational(4, 6)) == 0
    assert sp.simplify(o["e2_attracts_above"] - 2 * kappa / (kappa + 1)) == 0
    assert sp.simplify(o["e1_attracts_below"] - 2 / (kappa + 1)) == 0
    assert sp.simplify(o["mirror_range"][1] - o["e2_attracts_above"]) == 0


def test_mirror_growth_matches_the_iterated_map():
    from larscheck.proofs_check.search.threshold import far_field_growth

    o = far_field_orbits()
    for k, rate in ((10.0, 1.2), (100.0, 1.5), (4.0, 0.9)):
        measured = far_field_growth(np.array([[1.0, k]]), np.array([rate]),
                                    np.array([[1.0, 0.3]]), burn=3000, horizon=1000)[0]
        expected = float(sp.log(o["mirror_growth"]).subs({kappa: k, lam: rate}))
        assert abs(measured - expected) < 1e-9
        assert abs(measured - np.log(abs(1 - rate))) > 1e-3  # not the eigen-direction's growth

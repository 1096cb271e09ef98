"""The tight one-step contraction: derived maximiser, equality with the cos-bound form,
attainment on a two-eigenvalue quadratic, and the PEPit SDP cross-check (small SDPs)."""

import numpy as np
import pytest
import sympy as sp
from numpy.testing import assert_allclose

from larscheck.proofs_check.checks.pep import SDP_RTOL, worst_one_step, worst_one_step_any_gradient
from larscheck.sims import Quadratic
from larscheck.theory import contraction, tight_cos_witness

pytest.importorskip("PEPit")


def test_derived_maximum_equals_the_tight_cos_form():
    assert sp.simplify(contraction.WORST_DIST_SQ.expr
                       - contraction.WORST_DIST_SQ_VIA_COS.expr) == 0
    assert sp.simplify(contraction.WORST_GRADIENT_NORM.expr
                       - sp.sqrt(contraction.mu * contraction.L) * contraction.r) == 0


def test_worst_case_is_attained_by_a_lars_step_on_a_quadratic():
    mu, L, lam = 1.0, 9.0, 0.2
    eigs, d = tight_cos_witness(mu, L)
    xstar = np.array([3.0, -1.0])
    q = Quadratic(eigs[None], xstar[None])
    x = xstar + 5.0 * d
    g = q.grad(x[None])[0]
    step = x - lam * np.linalg.norm(x) / np.linalg.norm(g) * g
    worst = contraction.WORST_DIST_SQ(mu, L, lam, np.linalg.norm(x), 5.0)
    assert_allclose(np.sum((step - xstar) ** 2), worst, rtol=1e-12)


@pytest.mark.parametrize("mu,L,lam,x_norm,r,G", [
    (1.0, 10.0, 0.3, 5.0, 4.0, 12.0),
    (0.5, 4.0, 0.5, 2.0, 1.0, 0.5),
    (1e-2, 1e2, 0.01, 50.0, 3.0, 1.0),
])
def test_pep_matches_the_closed_form(mu, L, lam, x_norm, r, G):
    res = worst_one_step(mu, L, lam, x_norm, r, G)
    assert res["rel_diff"] <= SDP_RTOL, res


def test_pep_maximum_over_gradient_norms():
    res = worst_one_step_any_gradient(1.0, 10.0, 0.3, 5.0, 4.0, grid=3)
    assert res["rel_diff"] <= SDP_RTOL
    assert_allclose(res["argmax_G"], res["closed_form_argmax_G"], rtol=1e-12)


def test_bad_input():
    with pytest.raises(ValueError, match="G must lie"):
        worst_one_step(1.0, 2.0, 0.1, 1.0, 1.0, 5.0)
    with pytest.raises(ValueError, match="mu must be <= L"):
        worst_one_step(3.0, 2.0, 0.1, 1.0, 1.0, 2.5)

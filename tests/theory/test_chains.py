"""The proof chains end at the statements' bounds, symbolically."""

import itertools

import sympy as sp

from larscheck.theory import bounds, chains
from larscheck.theory.formulas import D, M, c, xstar_norm


def _same(a, b):
    return sp.simplify(a - b) == 0


def test_theorem1_chain_ends_at_D():
    assert _same(chains.THEOREM1.bound, bounds.THEOREM1_D.expr.subs(c, bounds.COS_PAPER.expr))
    assert chains.THEOREM1.observed == chains.r_sup


def test_theorem2_chain_ends_at_the_bound():
    expected = bounds.THEOREM2_GAP.expr.subs({bounds.A_sym: bounds.THEOREM2_A.expr,
                                              bounds.B_sym: bounds.THEOREM2_B.expr})
    assert _same(chains.THEOREM2.bound, expected)
    assert chains.THEOREM2.observed == chains.e_min


def test_theorem3_chain_ends_at_the_bound():
    assert _same(chains.THEOREM3.bound, bounds.THEOREM3_GAP.expr.subs(M, D + xstar_norm))


def test_corollary_chain_ends_at_two_sqrt_ab():
    expected = bounds.COROLLARY_BOUND.expr.subs({bounds.A_sym: bounds.THEOREM2_A.expr,
                                                 bounds.B_sym: bounds.THEOREM2_B.expr})
    assert _same(chains.COROLLARY.bound, expected)


def test_a_wrong_chain_does_not_end_at_the_bound():
    wrong = chains.THEOREM2.substitute("wrong", {xstar_norm: 0})
    expected = bounds.THEOREM2_GAP.expr.subs({bounds.A_sym: bounds.THEOREM2_A.expr,
                                              bounds.B_sym: bounds.THEOREM2_B.expr})
    assert not _same(wrong.bound, expected)


def test_pairs_telescope():
    for chain in chains.CHAINS.values():
        pairs = chain.pairs
        assert len(pairs) == len(chain.steps)
        assert pairs[0][0] == chain.observed and pairs[-1][1] == chain.bound
        assert all(a[1] == b[0] for a, b in itertools.pairwise(pairs))

"""The seed matters: two seeds give different cases in verify's check streams.

A check stream that ignored the seed (``verify --seed 3`` silently rerunning seed 0)
would pass every same-seed-same-output test; this one fails it.
"""

import numpy as np
import pytest

from larscheck.proofs_check.checks import lemma1 as checks_lemma1
from larscheck.proofs_check.checks import one_d as checks_one_d
from larscheck.proofs_check.context import Context


def test_context_streams_depend_on_the_seed_and_the_key():
    a, b = Context(seed=0, quick=True), Context(seed=1, quick=True)
    assert not np.array_equal(a.rng("k").random(4), b.rng("k").random(4))
    assert not np.array_equal(a.rng("k").random(4), a.rng("other").random(4))
    np.testing.assert_array_equal(a.rng("k").random(4), Context(seed=0).rng("k").random(4))


@pytest.mark.parametrize("check", [checks_one_d.check_update, checks_one_d.check_interval,
                                   checks_one_d.check_no_skip, checks_lemma1.check_cos_bound,
                                   checks_lemma1.check_lemma1],
                         ids=["one_d.update", "one_d.interval", "one_d.no_skip",
                              "cos_bound.tight", "lemma1"])
def test_two_seeds_give_different_cases(check):
    w0 = check(Context(seed=0, quick=True)).witness
    w1 = check(Context(seed=1, quick=True)).witness
    p0, p1 = w0["parameters"], w1["parameters"]
    floats = [k for k, v in p0.items() if isinstance(v, float)]
    assert floats and any(p0[k] != p1[k] for k in floats), (p0, p1)
    assert w0["seed"] == 0 and w1["seed"] == 1

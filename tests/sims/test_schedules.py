"""Schedules: values, vectorisation over steps and problems, validation."""

import numpy as np
import pytest
from numpy.testing import assert_allclose

from larscheck.sims import Constant, FromCallable, InverseDecay, PolynomialDecay
from larscheck.sims.schedules import as_schedule


def test_polynomial_decay_reaches_zero():
    s = PolynomialDecay(0.1, 10)
    assert_allclose(s(np.arange(12)), 0.1 * np.clip(1 - np.arange(12) / 10, 0, 1) ** 2)
    assert s(10) == 0.0


def test_inverse_decay():
    s = InverseDecay(2.0, power=0.5)
    assert_allclose(s(np.array([0, 3])), [2.0, 1.0])


def test_per_problem_rates_broadcast():
    lam = np.array([0.1, 0.2])
    assert_allclose(Constant(lam)(5), lam)
    assert PolynomialDecay(lam, 4)(np.arange(3)).shape == (3, 2)
    assert_allclose(InverseDecay(lam)(1), lam / 2)


@pytest.mark.parametrize("make", [lambda lam: Constant(lam), lambda lam: PolynomialDecay(lam, 4),
                                  lambda lam: InverseDecay(lam, 0.7)])
@pytest.mark.parametrize("lam", [0.3, np.array([0.1, 0.2, 0.5])])
def test_every_schedule_vectorises_over_steps_like_one_call_per_step(make, lam):
    s, ks = make(lam), np.arange(6)
    table = s(ks)
    assert table.shape == ks.shape + np.shape(lam)
    for k in ks:
        assert_allclose(table[k], s(int(k)), rtol=1e-15)


@pytest.mark.parametrize("bad", [0.0, -1.0, np.nan, [[0.1]]])
def test_rates_must_be_positive_finite(bad):
    with pytest.raises(ValueError):
        Constant(bad)


def test_as_schedule():
    assert isinstance(as_schedule(0.1), Constant)
    assert isinstance(as_schedule(lambda k: 0.1), FromCallable)
    assert isinstance(as_schedule(0.1, "poly", steps=5), PolynomialDecay)
    with pytest.raises(ValueError, match="schedule must be one of"):
        as_schedule(0.1, "cosine")

r"""The sharp stability threshold of LARS on quadratics: the far-field map in 2-D (SymPy).

Far from ``x*`` (``||x|| >> ||x*||``) a LARS step on ``f = 1/2 (x-x*)^T A (x-x*)``
is, up to ``O(||x*||)``, the *homogeneous* map
``T(x) = x - lambda ||x|| A x / ||A x||``, which commutes with scaling: the
direction ``u = x/||x||`` follows a map of the sphere and the norm is multiplied
by ``rho(u) = ||u - lambda A u / ||A u|| ||`` per step. Whether runs stay bounded
is decided by the growth of ``rho`` along the direction orbits. LARS does not
depend on the scale of ``A``, so in 2-D only ``kappa`` matters:
``A = diag(1, kappa)``, ``u = (p, q)``, ``N = ||A u|| = sqrt(p^2 + kappa^2 q^2)``,

.. math:: T(u) = \bigl(p (1 - \lambda / N),\; q (1 - \lambda\kappa / N)\bigr).

Derived here (:func:`far_field_orbits`):

- the eigen-directions are fixed, with growth ``|1 - lambda|``; ``e_1`` (small
  eigenvalue) attracts the directions iff ``lambda < 2/(kappa+1)``, ``e_2`` iff
  ``lambda > 2 kappa/(kappa+1)`` (derivative of the direction map there);
- in between, ``T`` maps ``(p, q)`` to a multiple of its mirror image ``(p, -q)``
  exactly when ``1 - lambda kappa/N = -(1 - lambda/N)``, i.e.
  ``N = lambda (kappa+1)/2``: a period-2 orbit of directions with growth
  ``(kappa-1)/(kappa+1)`` per step, *independent of lambda*.

So every one of these orbits has growth below 1 for ``lambda < 2``, and the
attracting one at ``lambda > 2`` (``e_2``) grows by ``lambda - 1 > 1``: runs
started on the line ``x* + t e_i`` with ``x*`` on it are 1-D LARS, which diverges
for every ``lambda > 2`` (STATEMENTS 3.5). Hence ``lambda*(kappa) <= 2`` for every
kappa and dimension (proved: the 1-D sub-problem), and in 2-D the three orbit
families above have growth < 1 for all ``lambda < 2``.

What is *not* proved (the obstacle to a full 2-D proof): that every direction
orbit converges to one of these three (no other invariant set of the circle map
with average log-growth >= 0), and that the ``O(||x*||)`` difference between the
affine and the homogeneous map cannot sustain growth. Both are checked by
simulation and adversarial search (:mod:`larscheck.proofs_check.search.threshold`),
which is *evidence*, not proof.
"""

from __future__ import annotations

import sympy as sp

kappa = sp.Symbol("kappa", positive=True)  #: L / mu (> 1 for the mixed orbit)
lam = sp.Symbol("lambda", positive=True)
N = sp.Symbol("N", positive=True)  #: ||A u|| for a unit direction u
t = sp.Symbol("t", real=True)  #: tan of the direction angle, q / p

#: The proved upper bound: lambda* <= 2 for every kappa (the 1-D sub-problem).
THRESHOLD = sp.Integer(2)


def direction_map() -> sp.Expr:
    """``tan`` of the next direction angle as a function of ``t = q/p`` (2-D far field)."""
    n_of_t = sp.sqrt((1 + kappa**2 * t**2) / (1 + t**2))
    return t * (1 - lam * kappa / n_of_t) / (1 - lam / n_of_t)


def far_field_orbits() -> dict:
    """Derive the 2-D far-field orbits and their growth (see the module docstring).

    Returns
    -------
    dict
        ``mirror_N``: the ``N = ||A u||`` of the period-2 (mirror) orbit;
        ``mirror_growth``: its growth per step; ``mirror_range``: the lambdas for
        which it exists (``1 <= N <= kappa``) as ``(low, high)``;
        ``e1_slope``, ``e2_slope``: the derivative of the direction map at
        ``e_1`` (in ``t``) and at ``e_2`` (in ``1/t``): attracting iff ``|slope| < 1``;
        ``e1_attracts_below``, ``e2_attracts_above``: the lambdas where that switches.
    """
    (n_mirror,) = sp.solve(sp.Eq(1 - lam * kappa / N, -(1 - lam / N)), N)
    growth = sp.simplify(sp.Abs(1 - lam / n_mirror))
    low = sp.solve(sp.Eq(n_mirror, 1), lam)[0]
    high = sp.solve(sp.Eq(n_mirror, kappa), lam)[0]
    phi = direction_map()
    e1 = sp.simplify(sp.diff(phi, t).subs(t, 0))  # (1 - lambda kappa)/(1 - lambda)
    s = sp.Symbol("s", real=True)  # s = 1/t near e_2
    psi = 1 / phi.subs(t, 1 / s)
    e2 = sp.simplify(sp.limit(sp.diff(psi, s), s, 0, "+"))
    # |slope| = 1 where the eigen-direction changes stability (lambda in (1, 2) for e_2)
    e1_switch = sp.solve(sp.Eq(lam * kappa - 1, 1 - lam), lam)[0]
    e2_switch = sp.solve(sp.Eq(lam - 1, 1 - lam / kappa), lam)[0]
    return {"mirror_N": n_mirror, "mirror_growth": growth, "mirror_range": (low, high),
            "e1_slope": e1, "e2_slope": e2, "e1_attracts_below": e1_switch,
            "e2_attracts_above": e2_switch}

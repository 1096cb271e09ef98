r"""The tight one-step contraction of LARS on mu-strongly convex L-smooth functions.

One LARS step from ``x`` is a gradient step with the *effective* step
:math:`h = \lambda\|x\|/\|g\|`: :math:`x^+ = x - h g`. With :math:`d = x - x^*`,
:math:`r = \|d\|` and :math:`G = \|g\|`,

.. math:: \|x^+ - x^*\|^2 = r^2 - 2h\langle g, d\rangle + h^2 G^2 .

For the class of mu-strongly convex L-smooth functions the interpolation
(co-coercivity) inequality between ``x`` and :math:`x^*` is

.. math:: \langle g, d\rangle \ge \frac{G^2 + \mu L r^2}{\mu + L},

and it is attained (by a two-eigenvalue quadratic) for every
:math:`G \in [\mu r, L r]`. Hence, for fixed :math:`(\mu, L, \lambda, \|x\|, r, G)`,
the worst case is (:data:`WORST_DIST_SQ_GIVEN_G`)

.. math:: \|x^+ - x^*\|^2_{\max} = r^2 - \frac{2 h (G^2 + \mu L r^2)}{\mu + L} + h^2 G^2,
          \qquad h = \lambda\|x\|/G .

Maximising over the free gradient norm ``G`` (derived below with SymPy: the
stationary point is :math:`G = \sqrt{\mu L}\, r`) gives
(:data:`WORST_DIST_SQ`)

.. math:: \|x^+ - x^*\|^2_{\max} = r^2 - 2\lambda\|x\| r\, c + \lambda^2\|x\|^2,
          \qquad c = \frac{2\sqrt{\mu L}}{\mu + L},

the tight cos bound of :mod:`larscheck.theory.bounds` (:data:`~.bounds.COS_TIGHT`),
recovered here as a consequence. A step is non-expanding exactly when
:math:`\lambda\|x\| \le 2 c r`, which is Lemma 1's criterion.

The performance-estimation cross-check (:mod:`larscheck.proofs_check.checks.pep`)
solves the same worst case as a small SDP with PEPit.
"""

from __future__ import annotations

import sympy as sp

from larscheck.theory.bounds import COS_TIGHT
from larscheck.theory.formulas import Formula, L, lam, mu

#: ``||x||`` at the step, ``r = ||x - x*||`` and ``G = ||grad f(x)||``.
x_norm = sp.Symbol(r"\|x\|", positive=True)
r = sp.Symbol("r", positive=True)
G = sp.Symbol("G", positive=True)

_h = lam * x_norm / G
_worst_given_g = r**2 - 2 * _h * (G**2 + mu * L * r**2) / (mu + L) + _h**2 * G**2

WORST_DIST_SQ_GIVEN_G = Formula(
    "contraction.worst_dist_sq_given_G", _worst_given_g, (mu, L, lam, x_norm, r, G),
    "largest ||x+ - x*||^2 after one LARS step with ||grad f(x)|| = G (tight)")


def derive_worst_over_g() -> tuple[sp.Expr, sp.Expr]:
    """Maximise :data:`WORST_DIST_SQ_GIVEN_G` over ``G > 0``: the unique stationary point
    and the maximum, simplified."""
    (g_star,) = [s for s in sp.solve(sp.diff(_worst_given_g, G), G) if s.is_positive]
    return g_star, sp.simplify(_worst_given_g.subs(G, g_star))


_G_STAR, _WORST = derive_worst_over_g()

#: The maximising gradient norm, ``sqrt(mu L) r``.
WORST_GRADIENT_NORM = Formula("contraction.worst_G", _G_STAR, (mu, L, r),
                              "gradient norm of the worst case")

WORST_DIST_SQ = Formula(
    "contraction.worst_dist_sq", _WORST, (mu, L, lam, x_norm, r),
    "largest ||x+ - x*||^2 after one LARS step over the mu-strongly convex L-smooth class")

#: The same maximum written with the tight cos bound ``c`` (equal to :data:`WORST_DIST_SQ`;
#: the tests check ``simplify(difference) == 0``).
WORST_DIST_SQ_VIA_COS = Formula(
    "contraction.worst_dist_sq_via_cos",
    r**2 - 2 * lam * x_norm * r * COS_TIGHT.expr + lam**2 * x_norm**2,
    (mu, L, lam, x_norm, r), "r^2 - 2 lambda ||x|| r c_tight + lambda^2 ||x||^2")

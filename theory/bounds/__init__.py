r"""The closed-form n-D bounds of the paper (STATEMENTS §2) and their tight forms (§3.1, §3.2).

Every bound is written once here as a :class:`~larscheck.theory.formulas.Formula`
and comes in two **variants** that differ only through the lower bound ``c``
on ``cos alpha`` it is built on:

- ``"paper"``: ``c = mu / L`` (the paper's appendix, eq. 4, reconstructed);
- ``"tight"``: ``c = 2 sqrt(mu L) / (mu + L)``, the best bound for the class
  of mu-strongly convex L-smooth functions (derivation in :data:`COS_TIGHT`).

API
---
Formula objects (SymPy expression, ``.latex``, vectorised ``.numeric``); those
that depend on ``c`` have it as an argument, and :func:`variant` substitutes a
variant's ``c``:

=====================  =====================================================  ==========
name                   expression                                             statement
=====================  =====================================================  ==========
``COS_PAPER``          ``mu/L``                                               2.1
``COS_TIGHT``          ``2 sqrt(mu L)/(mu+L)``                                3.1
``LEMMA1_THRESHOLD``   ``2 c`` (S_lambda bounded for ``lambda < 2c``)          2.1, 3.2
``LEMMA1_RADIUS``      ``R = lambda ||x*|| / (2c - lambda)``                  3.2
``THEOREM1_ESCAPE``    ``R + lambda (R + ||x*||)`` (R of ``LEMMA1_RADIUS``)    2.3
``THEOREM1_D``         ``D = max(||x0-x*||, R + lambda (R + ||x*||))``        2.3
``THEOREM2_M``         ``M = D + ||x*||``                                     2.4
``THEOREM2_A``         ``A = D e0 / delta`` (``e0 = f(x0) - f*``)              2.4
``THEOREM2_B``         ``B = L D M^2 / (2 delta)``                            2.4
``THEOREM2_GAP``       ``A / (lambda (k+1)) + B lambda``                      2.4
``THEOREM2_GRAD``      ``e0/(lambda delta (k+1)) + L M^2 lambda/(2 delta)``   2.4
``THEOREM2_STEPS``     ``k+1 >= A / (lambda (eps - B lambda))`` (fixed lambda) 2.4
``COROLLARY_LAMBDA``   ``sqrt(A / (B (k+1)))`` (derived: minimiser)           2.5
``COROLLARY_BOUND``    ``2 sqrt(A B / (k+1))`` (derived)                      2.5
``COROLLARY_STEPS``    ``k+1 >= 4 A B / eps^2`` (derived)                     2.5
``THEOREM3_GAP``       ``(D/delta) (e0 + L M^2 Sigma_2 / 2) / Sigma_1``       2.6
=====================  =====================================================  ==========

``Sigma_1 = sum_{i=0}^k lambda_i``, ``Sigma_2 = sum_{i=0}^k lambda_i^2``;
:func:`schedule_sums` gives both in closed form for the schedules of
``larscheck.sims`` (constant, polynomial decay, inverse decay).

Vectorised functions (NumPy arrays broadcast; ``variant`` is ``"paper"`` or
``"tight"``; where ``lambda >= 2c`` the radius-based results are ``inf``, since
the theory gives no bound there):

The problem's constants travel as one :class:`ProblemConstants` record
(``mu``, ``L``, ``xstar_norm`` and, where needed, ``dist0``, ``gap0``, ``delta``;
documented and validated there); the rate and the step are arguments:

- :func:`cos_lower_bound` ``(mu, L, variant)``
- :func:`lemma1_threshold` ``(mu, L, variant)``
- :func:`lemma1_radius` ``(lam, problem, variant)``
- :func:`radius_for_cos` ``(lam, xstar_norm, c)``
- :func:`theorem1_D` ``(lam, problem, variant)`` (needs ``dist0``)
- :func:`theorem2_constants` ``(lam, problem, variant)``
  -> :class:`Theorem2Constants` ``(R, D, M, A, B)`` (needs ``dist0, gap0, delta``)
- :func:`theorem2_bound` ``(k, lam, problem, variant, form="gap" | "grad")``
- :func:`corollary21` ``(k, problem, lam_for_D, variant)`` -> ``(lambda_opt, bound)``;
  :func:`corollary21_steps` ``(eps, problem, lam_for_D, variant)``
- :func:`theorem3_bound` ``(k, schedule, params, problem, variant)``, with ``D``
  taken at the largest rate of the schedule.
- :func:`tight_cos_witness` ``(mu, L)``: the two-eigenvalue quadratic and the
  direction at which the tight bound is attained.

How the bounds chain (the proofs behind STATEMENTS §2). With ``r = x - x*``,
``g = grad f(x)`` and ``x+ = x - lambda ||x|| g / ||g||``,

.. math::

    \|x^+ - x^*\|^2 = \|r\|^2 - 2\lambda\|x\|\cos\alpha\,\|r\| + \lambda^2\|x\|^2,

so ``x`` is in ``S_lambda`` iff ``lambda ||x|| >= 2 cos(alpha) ||r||``. With
``cos alpha >= c`` and ``||x|| <= ||r|| + ||x*||``, points of ``S_lambda``
satisfy ``(2c - lambda) ||r|| <= lambda ||x*||``: the radius ``R``. Outside
``S_lambda`` the distance to ``x*`` drops; from inside it grows to at most
``R + lambda ||x|| <= R + lambda (R + ||x*||)``: Theorem 1's ``D``. Then
``||x_k|| <= M = D + ||x*||`` and, by L-smoothness,
``f(x_{k+1}) <= f(x_k) - lambda ||x_k|| ||g_k|| + L lambda^2 ||x_k||^2 / 2
<= f(x_k) - lambda delta ||g_k|| + L M^2 lambda^2 / 2``; summing gives the
gradient-norm form of Theorem 2, and convexity (``f - f* <= ||g|| D``) the
f-gap form, and with varying ``lambda_i`` Theorem 3.

Modules: :mod:`.problem` (:class:`ProblemConstants`), :mod:`.cos` (cos bounds,
Lemma 1, Theorem 1), :mod:`.rates` (Theorems 2-3, Corollary 2.1, schedule sums);
every public name is importable from :mod:`larscheck.theory.bounds`.
"""


from larscheck.theory.bounds.cos import (
    COS,
    COS_PAPER,
    COS_TIGHT,
    LEMMA1_RADIUS,
    LEMMA1_THRESHOLD,
    THEOREM1_D,
    THEOREM1_D_OF_R,
    THEOREM1_ESCAPE,
    VARIANTS,
    cos_lower_bound,
    derive_tight_cos,
    lemma1_radius,
    lemma1_threshold,
    radius_for_cos,
    theorem1_D,
    tight_cos_witness,
    variant,
)
from larscheck.theory.bounds.problem import ProblemConstants
from larscheck.theory.bounds.rates import (
    COROLLARY_BOUND,
    COROLLARY_LAMBDA,
    COROLLARY_STEPS,
    SCHEDULE_KINDS,
    THEOREM2_A,
    THEOREM2_B,
    THEOREM2_GAP,
    THEOREM2_GRAD,
    THEOREM2_M,
    THEOREM2_STEPS,
    THEOREM3_DEFAULTS,
    THEOREM3_GAP,
    A_sym,
    B_sym,
    Theorem2Constants,
    corollary21,
    corollary21_steps,
    schedule_max_rate,
    schedule_sums,
    theorem2_bound,
    theorem2_constants,
    theorem3_bound,
)

__all__ = [
    "COROLLARY_BOUND",
    "COROLLARY_LAMBDA",
    "COROLLARY_STEPS",
    "COS",
    "COS_PAPER",
    "COS_TIGHT",
    "LEMMA1_RADIUS",
    "LEMMA1_THRESHOLD",
    "SCHEDULE_KINDS",
    "THEOREM1_D",
    "THEOREM1_D_OF_R",
    "THEOREM1_ESCAPE",
    "THEOREM2_A",
    "THEOREM2_B",
    "THEOREM2_GAP",
    "THEOREM2_GRAD",
    "THEOREM2_M",
    "THEOREM2_STEPS",
    "THEOREM3_DEFAULTS",
    "THEOREM3_GAP",
    "VARIANTS",
    "A_sym",
    "B_sym",
    "ProblemConstants",
    "Theorem2Constants",
    "corollary21",
    "corollary21_steps",
    "cos_lower_bound",
    "derive_tight_cos",
    "lemma1_radius",
    "lemma1_threshold",
    "radius_for_cos",
    "schedule_max_rate",
    "schedule_sums",
    "theorem1_D",
    "theorem2_bound",
    "theorem2_constants",
    "theorem3_bound",
    "tight_cos_witness",
    "variant",
]

r"""SymPy proofs of the tight constants: the cos bound (3.1) and the explicit radius (3.2).

:func:`prove_cos_bound` proves that for SPD ``A`` with spectrum in
:math:`[\mu, L]` (:math:`0 < \mu \le L`)

.. math:: \min_{d \ne 0} \cos\angle(A d, d) = c^* = \frac{2\sqrt{\mu L}}{\mu + L},

and that the same constant bounds :math:`\cos\alpha` for every
:math:`\mu`-strongly convex ``f`` with ``L``-Lipschitz gradient. In the
eigenbasis, with :math:`w_i = d_i^2/\|d\|^2` on the simplex,
:math:`\cos^2 = m^2 / S`, :math:`m = \sum\lambda_i w_i`,
:math:`S = \sum \lambda_i^2 w_i`: a ratio of linear forms in ``w``.

``chord``
    :math:`(\mu+L)\lambda - \mu L - \lambda^2 = (\lambda-\mu)(L-\lambda) \ge 0` on
    :math:`[\mu, L]`; summed with the weights, :math:`S \le (\mu+L)m - \mu L`, with
    equality iff ``w`` sits on :math:`\{\mu, L\}` only (the two extreme eigenvalues);
``reduction``
    hence :math:`\cos^2 \ge h(m) = m^2/((\mu+L)m - \mu L)`, the denominator being
    :math:`\ge \mu^2 > 0` for :math:`m \in [\mu, L]`;
``scalar_min``
    the two-point problem solved: :math:`h'(m) = 0` at :math:`m^* = 2\mu L/(\mu+L) \in
    [\mu, L]` and :math:`h(m) - h(m^*) = ((\mu+L)m - 2\mu L)^2 / ((\mu+L)^2((\mu+L)m - \mu
    L)) \ge 0`, so :math:`\min h = h(m^*) = (c^*)^2`;
``lower_bound``
    the candidate constant is :math:`\le c^*` for all :math:`0 < \mu \le L`;
``attained``
    at :math:`A = \mathrm{diag}(\mu, L)`, :math:`d = (\sqrt L, \sqrt\mu)` the cosine equals
    the candidate exactly (so with ``lower_bound``: the candidate is the minimum);
``functions``
    for any such ``f`` with :math:`r = x - x^*`, :math:`g = \nabla f(x)`: the identity
    :math:`(\mu+L)\langle g,r\rangle - \|g\|^2 - \mu L\|r\|^2 = (L-\mu)\langle g-\mu r,
    r\rangle - \|g-\mu r\|^2`, whose right side is :math:`\ge 0` by co-coercivity of the
    convex, :math:`(L-\mu)`-smooth :math:`f - \tfrac\mu2\|\cdot\|^2` (Nesterov 2004,
    Thm 2.1.5), and :math:`\|g\|^2 + \mu L\|r\|^2 - 2\sqrt{\mu L}\|g\|\|r\| =
    (\|g\| - \sqrt{\mu L}\|r\|)^2`: together :math:`\cos\alpha \ge c^*`.

:func:`prove_explicit_radius` proves that :math:`S_\lambda` lies in the ball of radius
:math:`R = \lambda\|x^*\|/(2c - \lambda)` (:data:`~larscheck.theory.bounds.LEMMA1_RADIUS`)
for a proved cos bound ``c``, and, for :math:`c = c^*`, that the radius is attained.
"""

from __future__ import annotations

import functools

import sympy as sp

from larscheck.theory import bounds
from larscheck.theory.formulas import L, c, lam, mu, xstar_norm

_lam_i, _m, _p, _q, _s = sp.symbols("lambda_i m p q s", nonnegative=True)
_gr, _gg, _rr, _gn, _rn = sp.symbols("gr gg rr gnorm rnorm", real=True)


def _ok(name: str, ok, method: str, result: str) -> dict:
    return {"name": name, "ok": bool(ok), "method": method, "result": result}


def _verdict(obligations: list[dict]) -> dict:
    """``obligations`` keyed by name (copies: the cached ones stay intact), ``proved`` and
    ``failed`` (names, in order)."""
    keyed = {o["name"]: {k: v for k, v in o.items() if k != "name"} for o in obligations}
    failed = [name for name, o in keyed.items() if not o["ok"]]
    return {"obligations": keyed, "proved": not failed, "failed": failed}


def _zero(expr: sp.Expr) -> bool:
    """``expr`` is identically 0 (SymPy ``simplify``)."""
    return sp.simplify(expr) == 0


def _nonneg_on_class(expr: sp.Expr) -> bool:
    """``expr(mu, L) >= 0`` for all ``0 < mu <= L``: with ``L = mu (1 + s)``, ``s >= 0``,
    the factored expression's sign is decided by SymPy's assumptions."""
    return bool(sp.factor(sp.simplify(expr.subs(L, mu * (1 + _s)))).is_nonnegative)


def tight_cos_point() -> tuple[sp.Matrix, sp.Matrix]:
    """``A = diag(mu, L)`` and ``d = (sqrt L, sqrt mu) / sqrt(mu + L)`` (unit), symbolically:
    the point of :func:`~larscheck.theory.bounds.tight_cos_witness`."""
    return sp.diag(mu, L), sp.Matrix([sp.sqrt(L), sp.sqrt(mu)]) / sp.sqrt(mu + L)


def _cos(a: sp.Matrix, d: sp.Matrix) -> sp.Expr:
    g = a * d
    return (g.T * d)[0] / (sp.sqrt(sp.factor((g.T * g)[0])) * sp.sqrt(sp.factor((d.T * d)[0])))


@functools.lru_cache(maxsize=1)
def _two_point_minimum() -> tuple[sp.Expr, list[dict]]:
    """The candidate-free obligations: ``(c*^2, obligations)``."""
    chord = (mu + L) * _lam_i - mu * L - _lam_i**2
    factored = (_lam_i - mu) * (L - _lam_i)
    on_interval = factored.subs({_lam_i: mu + _p, L: mu + _p + _q})
    out = [_ok("chord", _zero(chord - factored) and sp.factor(on_interval).is_nonnegative,
               "SymPy: expand the identity; sign with lambda_i = mu + p, L = mu + p + q, p, q >= 0",
               "(mu+L) lambda - mu L - lambda^2 = (lambda - mu)(L - lambda) >= 0 on [mu, L]: "
               "sum_i lambda_i^2 w_i <= (mu+L) m - mu L, equality iff w sits on {mu, L}")]
    h = _m**2 / ((mu + L) * _m - mu * L)
    den = ((mu + L) * _m - mu * L).subs(_m, mu + _p)
    out.append(_ok("reduction", sp.expand(den).is_positive,
                   "SymPy sign of the denominator at m = mu + p, p >= 0",
                   "cos^2 = m^2 / sum lambda_i^2 w_i >= h(m) = m^2 / ((mu+L) m - mu L), "
                   "denominator >= mu^2 > 0 on [mu, L]"))
    roots = [r for r in sp.solve(sp.numer(sp.together(sp.diff(h, _m))), _m) if r != 0]
    inside = [r for r in roots if _nonneg_on_class(r - mu) and _nonneg_on_class(L - r)]
    if len(inside) != 1:
        out.append(_ok("scalar_min", False, "SymPy solve of h'(m) = 0",
                       f"expected one critical point in [mu, L], got {inside}"))
        return sp.nan, out
    m_star = sp.factor(inside[0])
    c2 = sp.factor(h.subs(_m, m_star))
    square = ((mu + L) * _m - 2 * mu * L) ** 2 / ((mu + L) ** 2 * ((mu + L) * _m - mu * L))
    out.append(_ok("scalar_min", _zero(h - c2 - square), "SymPy: critical point of h, then "
                   "the identity h(m) - h(m*) = square / positive",
                   f"min over [mu, L] of h is h(m*) = {c2} at m* = {m_star}"))
    return c2, out


@functools.lru_cache(maxsize=8)
def _prove_cos_bound(constant: sp.Expr) -> dict:
    c2, out = _two_point_minimum()
    ok_lower = c2 is not sp.nan and _nonneg_on_class(c2 - constant**2) and \
        bool(constant.subs({mu: 1, L: 2}).is_positive)
    out = [*out, _ok("lower_bound", ok_lower, "SymPy sign of c*^2 - constant^2 with L = "
                     "mu (1 + s), s >= 0", f"{constant} <= sqrt(min h) = sqrt({c2})"
                     if ok_lower else f"{constant} exceeds the minimum sqrt({c2}) somewhere")]
    a, d = tight_cos_point()
    attained = _cos(a, d)
    ok_att = _zero(attained - constant)
    out.append(_ok("attained", ok_att, "SymPy: cos angle(A d, d) at A = diag(mu, L), d = "
                   "(sqrt L, sqrt mu)/sqrt(mu + L), simplified against the constant",
                   f"cos = {sp.simplify(attained)} {'=' if ok_att else '!='} {constant}"))
    identity = (mu + L) * _gr - _gg - mu * L * _rr - (
        (L - mu) * (_gr - mu * _rr) - (_gg - 2 * mu * _gr + mu**2 * _rr))
    amgm = _gn**2 + mu * L * _rn**2 - 2 * sp.sqrt(mu * L) * _gn * _rn \
        - (_gn - sp.sqrt(mu * L) * _rn) ** 2
    out.append(_ok("functions", _zero(identity) and _zero(amgm) and ok_lower,
                   "SymPy identities + co-coercivity of f - mu/2 ||x||^2 (Nesterov 2004, "
                   "Thm 2.1.5)", "(mu+L) <g, r> >= ||g||^2 + mu L ||r||^2 >= 2 sqrt(mu L) "
                   "||g|| ||r||: cos alpha >= c* for every mu-strongly convex L-smooth f"))
    return {"statement": "cos_bound.tight", "constant": str(constant),
            "claim": f"min over SPD A with spectrum in [mu, L] of cos angle(A d, d) = "
                     f"{constant}; cos alpha >= it for every mu-strongly convex L-smooth f",
            **_verdict(out)}


def prove_cos_bound(constant: sp.Expr | None = None) -> dict:
    """Prove ``constant(mu, L)`` (default :data:`~larscheck.theory.bounds.COS_TIGHT`) is
    the minimum of ``cos angle(A d, d)`` (module docstring).

    Returns
    -------
    dict
        ``statement``, ``constant``, ``claim``, ``obligations`` (``{name: {"ok", "method",
        "result"}}``), ``proved`` and ``failed`` (names).
    """
    return _prove_cos_bound(sp.sympify(bounds.COS_TIGHT.expr if constant is None
                                       else constant))


@functools.lru_cache(maxsize=8)
def _prove_radius(constant: sp.Expr) -> dict:
    cos_proof = prove_cos_bound(constant)
    lower = cos_proof["obligations"]["lower_bound"]
    out = [_ok("premise", lower["ok"], "prove_cos_bound (lower_bound)",
               f"cos alpha >= {constant} is proved for the class" if lower["ok"] else
               f"{constant} is not a proved lower bound on cos alpha")]
    r = sp.Matrix(sp.symbols("r1:4", real=True))
    gh = sp.Matrix(sp.symbols("g1:4", real=True))
    x_norm = sp.Symbol("X", positive=True)
    step = r - lam * x_norm * gh  # x+ - x*, with gh = g / ||g||
    lhs = (step.T * step)[0]
    rhs = (r.T * r)[0] - 2 * lam * x_norm * (gh.T * r)[0] + lam**2 * x_norm**2 * (gh.T * gh)[0]
    out.append(_ok("step_identity", _zero(lhs - rhs), "SymPy expansion",
                   "||x+ - x*||^2 = ||r||^2 - 2 lambda ||x|| cos(alpha) ||r|| + lambda^2 ||x||^2 "
                   "(||g/||g|||| = 1): x in S_lambda iff lambda ||x|| >= 2 cos(alpha) ||r||"))
    radius = bounds.LEMMA1_RADIUS.expr.subs(c, constant)
    rho = sp.Symbol("rho", positive=True)
    solved = sp.solve((2 * constant - lam) * rho - lam * xstar_norm, rho)
    out.append(_ok("containment", len(solved) == 1 and _zero(solved[0] - radius),
                   "SymPy solve of the boundary equation against LEMMA1_RADIUS",
                   "lambda (||r|| + ||x*||) >= lambda ||x|| >= 2 c ||r|| gives "
                   "(2c - lambda) ||r|| <= lambda ||x*||: ||r|| <= R for lambda < 2c"))
    a, d = tight_cos_point()
    xstar = xstar_norm * d
    x = xstar + radius * d
    g = a * (x - xstar)
    x_plus = x - lam * sp.sqrt((x.T * x)[0]) * g / sp.sqrt((g.T * g)[0])
    gap = ((x_plus - xstar).T * (x_plus - xstar))[0] - ((x - xstar).T * (x - xstar))[0]
    ok_att = _zero(gap)
    out.append(_ok("attained", ok_att, "SymPy: one LARS step from x = x* + R d on "
                   "diag(mu, L), x* = ||x*|| d, d = (sqrt L, sqrt mu)/sqrt(mu + L)",
                   "||x+ - x*|| = ||x - x*|| = R exactly: x is in S_lambda at distance R, "
                   "no smaller radius holds" if ok_att else
                   "||x+ - x*|| != ||x - x*|| at distance R: the radius is not attained"))
    return {"statement": "lemma1.explicit_radius", "constant": str(constant),
            "claim": f"S_lambda lies in the ball about x* of radius {radius} (0 < lambda < 2c), "
                     "and the radius is attained",
            **_verdict(out)}


def prove_explicit_radius(constant: sp.Expr | None = None) -> dict:
    """Prove the Lemma 1 radius with cos bound ``constant`` (default the tight ``c*``):
    containment for a proved bound, attainment (module docstring). Same keys as
    :func:`prove_cos_bound`."""
    return _prove_radius(sp.sympify(bounds.COS_TIGHT.expr if constant is None else constant))

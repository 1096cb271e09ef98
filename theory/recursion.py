r"""The one-step recursion of STATEMENTS 3.3, solved in closed form.

Under Theorem 2's assumptions (``||x_k - x*|| <= D``, ``delta <= ||x_k|| <= M``),
L-smoothness and convexity give, for ``e_k = f(x_k) - f*`` and a fixed rate,

.. math::

    e_{k+1} \le f(x_k) - \lambda\|x_k\|\|g_k\| + \tfrac{L}{2}\lambda^2\|x_k\|^2 - f^*
            \le \Bigl(1 - \frac{\lambda\delta}{D}\Bigr) e_k + \frac{L M^2}{2}\lambda^2 ,

using ``||g_k|| >= e_k / D`` (convexity: ``e_k <= <g_k, x_k - x*> <= ||g_k|| D``).
Write ``q = 1 - lambda delta / D`` and ``b = L M^2 lambda^2 / 2``.

Results (each derived by SymPy below, not typed in):

- :data:`SOLUTION`: ``rsolve`` of ``u_{k+1} = q u_k + b``, ``u_0 = e_0``:
  ``u_k = q^k (e_0 - e_inf) + e_inf``. For ``0 <= q < 1`` the map
  ``u -> q u + b`` is non-decreasing, so ``e_k <= u_k`` for every k by
  induction. (If ``lambda delta > D``, ``q < 0`` and the recursion gives
  ``e_{k+1} <= b`` directly; the functions below return that.)
- :data:`FLOOR`: ``e_inf = b / (1 - q) = L D M^2 lambda / (2 delta) = B lambda``,
  exactly the constant term ``B lambda`` of Theorem 2 (``B = L D M^2/(2 delta)``):
  the recursion has the same floor as Theorem 2 but reaches it *geometrically*,
  with rate ``q`` per step, and bounds the last iterate, not only the best one.
- :data:`STEPS`: solving ``u_k = eps`` for k: for ``B lambda < eps < e_0``,
  ``k = ln((e_0 - B lambda)/(eps - B lambda)) / (-ln(1 - lambda delta/D))``
  (round up); ``k = 0`` when ``e_0 <= eps`` and no k when ``eps <= B lambda``.
- :data:`STEPS_HALF`: the count at ``lambda = eps / (2B)`` (floor at ``eps/2``),
  ``ln(2 (e_0 - eps/2)/eps) / (-ln(1 - eps delta/(2 B D)))``
  ``<= (2 B D / (delta eps)) ln(2 e_0/eps)``: **O(ln(1/eps)/eps)** iterations.
- :data:`RATIO_TO_COROLLARY`: that count (its ``-ln(1-z) >= z`` upper form)
  divided by Corollary 2.1's ``4AB/eps^2`` with ``A = D e_0/delta``:
  ``(x/2) ln(2/x - 1)`` with ``x = eps/e_0``; since ``ln(2/x - 1) < 2/x``
  it is < 1 for every ``eps <= e_0`` (numerically its maximum on ``(0, 1]`` is
  about 0.278, near ``x = 0.44``), and it tends to 0 as
  ``eps -> 0`` (:data:`RATIO_LIMIT` is SymPy's limit). So the recursion
  improves Corollary 2.1's O(1/eps^2) to O(ln(1/eps)/eps) for a fixed rate
  chosen from eps, with the same constants (D, delta, M) — the paper's remark
  that LARS is "worse than gradient descent's O(1/eps)" is, by this
  argument, off only by the log factor.
"""

from __future__ import annotations

import numpy as np
import sympy as sp
from sympy.codegen.cfunctions import expm1, log1p

from larscheck.theory.formulas import D, Formula, L, M, delta, eps, gap0, k, lam

_q, _b = sp.symbols("q b", positive=True)
_n = sp.Symbol("n", integer=True, nonnegative=True)
_K = sp.Symbol("K", positive=True)
B = sp.Symbol("B", positive=True)  #: Theorem 2's B = L D M^2 / (2 delta)
#: Relative distance of the accuracy from the initial gap, x = eps / e_0, in the ratio.
ratio_x = sp.Symbol("x", positive=True)

Q_EXPR = 1 - lam * delta / D
B_EXPR = L * M**2 * lam**2 / 2
B_OF_M = L * D * M**2 / (2 * delta)


def _derive():
    """Solve the recurrence, its floor and its iteration count with SymPy.

    ``rsolve`` gives the solution in some arrangement; it is checked equal
    (``simplify(a - b) == 0``) to ``e_inf + q^k (e_0 - e_inf)`` and then to the
    arrangement used, ``q^k e_0 - e_inf expm1(k log1p(-lambda delta/D))`` with
    ``q^k = exp(k log1p(-lambda delta/D))``, which evaluates without overflow or
    cancellation in float64 (``e_inf = B lambda`` can exceed ``e_0`` by 1e13 when
    lambda nears the threshold, where the first arrangement loses every digit).
    Likewise the root of the count equation is checked to be its ``log1p`` form
    (substituted back, it solves the equation, whose root is unique).
    """
    e = sp.Function("e")
    generic = sp.rsolve(e(_n + 1) - _q * e(_n) - _b, e(_n), {e(0): gap0})
    fixed = _b / (1 - _q)
    if sp.simplify(generic - (fixed + _q**_n * (gap0 - fixed))) != 0:
        raise ArithmeticError(f"unexpected solution of the recursion: {generic}")
    floor = sp.simplify(sp.simplify(fixed.subs({_q: Q_EXPR, _b: B_EXPR})) / B_OF_M) * B
    z = lam * delta / D
    t = k * log1p(-z)  # ln q^k
    # q^k e_0 + e_inf (1 - q^k): no cancellation when e_inf >> e_0 and q^k ~ 1
    # (written as e_inf + q^k (e_0 - e_inf) it loses every digit of e_0 there).
    solution = sp.exp(t) * gap0 - floor * expm1(t)
    if sp.simplify(sp.expand_func(solution - (floor + sp.exp(t) * (gap0 - floor)))) != 0:
        raise ArithmeticError("the stable arrangement of the solution is not equal to it")
    bound_at = floor + (1 - z) ** _K * (gap0 - floor)
    # Solved with q = 1 - z as a positive symbol (SymPy's general path is slow here).
    (steps,) = sp.solve(sp.Eq(floor + _q**_K * (gap0 - floor), eps), _K)
    stable = sp.log((gap0 - floor) / (eps - floor)) / -log1p(-z)
    # bound_at is strictly monotone in K, so the root is unique: check stable is it.
    if sp.simplify(sp.powdenest(bound_at.subs(_K, stable.rewrite(sp.log)) - eps,
                                force=True)) != 0:
        raise ArithmeticError(f"the log1p form does not solve the count equation: {steps}")
    half = stable.subs(lam, eps / (2 * B))
    # Upper form of the count with -ln(1 - z) >= z, divided by Corollary 2.1's 4AB/eps^2.
    upper = (sp.log((gap0 - floor) / (eps - floor)) / z).subs(lam, eps / (2 * B))
    ratio = sp.simplify(upper / (4 * (D * gap0 / delta) * B / eps**2))
    return solution, floor, stable, half, sp.simplify(ratio.subs(eps, ratio_x * gap0))


_solution, _floor, _steps, _half, _ratio = _derive()

SOLUTION = Formula("recursion.solution", _solution, (k, lam, delta, D, gap0, B),
                   "3.3: f(x_k) - f* <= (1 - lambda delta/D)^k (e0 - B lambda) + B lambda")
FLOOR = Formula("recursion.floor", _floor, (lam, B),
                "3.3: the level the recursion converges to, B lambda (Theorem 2's term)")
STEPS = Formula("recursion.steps", _steps, (eps, lam, delta, D, gap0, B),
                "3.3: k with bound = eps at fixed lambda (needs B lambda < eps < e0)")
STEPS_HALF = Formula("recursion.steps_half", _half, (eps, delta, D, gap0, B),
                     "3.3: k at lambda = eps/(2B): O(ln(1/eps)/eps)")
RATIO_TO_COROLLARY = Formula("recursion.ratio_to_corollary", _ratio, (ratio_x,),
                             "3.3 (upper form) / Corollary 2.1 iterations, x = eps/e0")
#: lim_{x -> 0+} of the ratio: 0, the recursion is asymptotically far better.
RATIO_LIMIT = sp.limit(_ratio, ratio_x, 0, "+")


def _nonneg(name: str, value) -> np.ndarray:
    arr = np.asarray(value, dtype=np.float64)
    if not np.all(np.isfinite(arr)) or np.any(arr < 0):
        raise ValueError(f"{name} must be finite and >= 0")
    return arr


def _positive(name: str, value) -> np.ndarray:
    arr = _nonneg(name, value)
    if np.any(arr == 0):
        raise ValueError(f"{name} must be > 0")
    return arr


def recursion_bound(k, lam, delta, D, gap0, B) -> np.ndarray:
    """Bound on ``f(x_k) - f*`` from the 3.3 recursion at fixed ``lambda`` (arrays broadcast).

    With ``q = 1 - lambda delta / D``:

    - ``q > 0`` (``lambda delta < D``): the closed form :data:`SOLUTION`,
      ``u_k = q^k e0 + B lambda (1 - q^k)``, i.e.
      ``(1 - lambda delta/D)^k (e0 - B lambda) + B lambda``, evaluated as
      ``exp(k log1p(-lambda delta/D)) e0 - B lambda expm1(k log1p(-lambda delta/D))``;
    - ``q <= 0`` (``lambda delta >= D``): ``e0`` at ``k = 0`` and the one-step bound
      ``b = B lambda (1 - q) = B lambda^2 delta / D = L M^2 lambda^2 / 2`` for
      ``k >= 1`` (at ``q = 0`` the closed form gives the same: ``e0``, then
      ``B lambda``).

    Parameters
    ----------
    k : array_like
        Step index: finite and >= 0 (not required to be an integer).
    lam : array_like
        The fixed rate ``lambda``: finite and > 0.
    delta : array_like
        ``delta`` > 0, Theorem 2's lower bound ``||x_k|| >= delta``.
    D : array_like
        ``D`` > 0, Theorem 1's bound ``||x_k - x*|| <= D`` (e.g.
        :func:`~larscheck.theory.bounds.theorem1_D`).
    gap0 : array_like
        ``e0 = f(x0) - f*``: finite and > 0.
    B : array_like
        Theorem 2's ``B = L D M^2 / (2 delta)`` (``M = D + ||x*||``): finite and
        > 0 (e.g. ``theorem2_constants(...).B``).

    Returns
    -------
    numpy.ndarray
        The bound on ``f(x_k) - f*``, float64, of the broadcast shape of the
        arguments. As ``k -> inf`` it tends to the floor ``B lambda`` (the
        constant term of Theorem 2's bound) when ``q >= 0``.

    Raises
    ------
    ValueError
        If an argument is not finite, or ``k < 0``, or another argument is <= 0.
    """
    k_ = _nonneg("k", k)
    lam_, dl, d, e0, b_ = (_positive(n, v) for n, v in
                           (("lam", lam), ("delta", delta), ("D", D), ("gap0", gap0), ("B", B)))
    q = 1 - lam_ * dl / d
    geometric = q > 0
    # the closed form only where it is defined (log1p(-lam delta/D) needs q > 0);
    # lambda = 0 elsewhere keeps it finite and quiet, and is masked out below
    closed = SOLUTION(k_, np.where(geometric, lam_, 0.0), dl, d, e0, b_)
    one_step = np.where(k_ == 0, e0, b_ * lam_ * (1 - q))
    return np.where(geometric, closed, one_step)


def recursion_steps(eps, lam, delta, D, gap0, B) -> np.ndarray:
    """Iterations after which the 3.3 bound is ``<= eps`` (integer-valued floats).

    0 where ``e0 <= eps``; ``inf`` where ``eps <= B lam`` (the floor is not below
    eps); otherwise ``ceil`` of :data:`STEPS` (for ``q < 0``: 1 step).
    """
    eps_ = _positive("eps", eps)
    lam_, dl, d, e0, b_ = (_positive(n, v) for n, v in
                           (("lam", lam), ("delta", delta), ("D", D), ("gap0", gap0), ("B", B)))
    eps_, lam_, dl, d, e0, b_ = np.broadcast_arrays(eps_, lam_, dl, d, e0, b_)
    floor = b_ * lam_
    reachable = eps_ > floor
    geometric = lam_ * dl < d
    # Evaluate the closed form only where it is defined; the rest is masked below.
    ok = reachable & geometric & (e0 > eps_)
    safe = [np.where(ok, v, fill) for v, fill in
            ((eps_, 1.0), (lam_, 0.5), (dl, 1.0), (d, 1.0), (e0, 2.0), (b_, 1.0))]
    steps = np.ceil(STEPS(*safe))
    out = np.where(geometric, steps, 1.0)
    out = np.where(e0 <= eps_, 0.0, out)
    return np.where(reachable | (e0 <= eps_), out, np.inf)

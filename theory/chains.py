r"""The proofs of Theorems 1-3 and Corollary 2.1 as chains of inequalities (the slack budget).

A proof of ``observed <= bound`` is written as a telescoping chain

.. math:: Q_0 \le Q_1 \le \dots \le Q_m, \qquad Q_0 = \text{observed},\ Q_m = \text{bound},

where each ``Q_j`` is a SymPy expression in *aggregates of per-iteration
quantities* of one run (``||x_i||``, ``||g_i||``, ``cos alpha_i``,
``e_i = f(x_i) - f*`` summed, maximised or taken at one iterate) and in the
constants of the statement (``D``, ``delta``, ``M``, ``L`` ...). Step ``j`` is
the pair ``(Q_{j-1}, Q_j)`` with the inequality it uses (its name, a sentence and
the per-iteration inequality as a SymPy relational). On a run, the step's ratio
``Q_j / Q_{j-1} >= 1`` is its slack, and since the chain telescopes

.. math:: \log\frac{\text{bound}}{\text{observed}} = \sum_{j=1}^m \log\frac{Q_j}{Q_{j-1}}

exactly: the steps' shares of the log-slack add up to the total.
The measurement lives in :mod:`larscheck.proofs_check.slack`; this module has
no simulation.

Chains (``r = x - x*``, ``g = grad f``, ``S_lambda = {x : ||x+ - x*|| >= ||r||}``):

- :data:`THEOREM1` (``sup_k ||r_k|| <= D``): a new farthest iterate follows a
  step from ``S_lambda``, which moves by ``lambda ||x_k||``; triangle inequality;
  membership in ``S_lambda`` (``2 cos alpha ||r|| <= lambda ||x|| <= lambda (||r|| + ||x*||)``);
  ``cos alpha >= c_tight`` on all of ``S_lambda``; ``c_tight >= mu/L``.
- :data:`DESCENT` (Theorem 3, and Theorem 2 with constant rates): the iterate
  of smallest gradient; convexity ``e <= <g, r>``; ``cos alpha <= 1``;
  ``||r_j|| <= max_i ||r_i|| <= D``; min <= weighted mean; ``||x_i|| >= delta``;
  the descent lemma summed (it telescopes); ``f >= f*``;
  ``||x_i|| <= max_i ||x_i|| <= max_i ||r_i|| + ||x*|| <= D + ||x*|| = M``.
- :data:`THEOREM2` = :data:`DESCENT` with ``Sigma_1 = (k+1) lambda``,
  ``Sigma_2 = (k+1) lambda^2``; :data:`COROLLARY` adds the choice
  ``lambda = sqrt(A/(B(k+1)))`` (AM-GM, an equality at that rate).

The final ``Q_m`` of each chain equals the statement's bound of
:mod:`larscheck.theory.bounds` (checked symbolically by the tests).
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from functools import cached_property

import sympy as sp

from larscheck.theory import bounds
from larscheck.theory.formulas import (
    D,
    L,
    c,
    delta,
    dist0,
    gap0,
    k,
    lam,
    sum_lam,
    sum_lam2,
    xstar_norm,
)


def _pos(name: str) -> sp.Symbol:
    return sp.Symbol(name, positive=True)


# Per-iteration quantities (for the pointwise inequalities) ---------------------------------
e_i, e_next, g_i, r_i, x_i, cos_i, lam_i = map(
    _pos, ("e_i", "e_{i+1}", r"\|g_i\|", r"\|r_i\|", r"\|x_i\|", r"\cos\alpha_i", "lambda_i"))

# Aggregates of one run at checkpoint k (the arguments of the chains) -----------------------
e_min = _pos(r"\min_{i\le k} e_i")  #: the observed quantity of Theorems 2, 3
e_j = _pos("e_j")  #: f - f* at j = argmin_{i<=k} ||g_i||
g_j = _pos(r"\|g_j\|")  #: smallest gradient norm up to k
r_j = _pos(r"\|r_j\|")  #: ||x_j - x*|| there
cos_j = _pos(r"\cos\alpha_j")  #: cos alpha there
r_max = _pos(r"\max_{i\le k}\|r_i\|")  #: largest distance to x* up to k
x_max = _pos(r"\max_{i\le k}\|x_i\|")  #: largest norm up to k
S_g = _pos(r"\sum\lambda_i\|g_i\|")
S_xg = _pos(r"\sum\lambda_i\|x_i\|\|g_i\|")
S_x2 = _pos(r"\sum\lambda_i^2\|x_i\|^2")
e_last = sp.Symbol("e_{k+1}", nonnegative=True)  #: f(x_{k+1}) - f*
# Theorem 1 (whole run; V = the iterates in S_lambda, aggregates 0 when V is empty)
r_sup = _pos(r"\sup_k\|r_k\|")
P_step = sp.Symbol(r"\max_V(\|r_k\|+\lambda\|x_k\|)", nonnegative=True)
P_tri = sp.Symbol(r"\max_V((1+\lambda)\|r_k\|+\lambda\|x^*\|)", nonnegative=True)
P_cos = sp.Symbol(r"\max_V((1+\lambda)\rho_k+\lambda\|x^*\|)", nonnegative=True)


@dataclass(frozen=True)
class Step:
    """One inequality of a proof: the previous bound ``<=`` :attr:`rhs`.

    Attributes
    ----------
    name : str
        Short id, e.g. ``"convexity"``.
    inequality : str
        What it uses, in words.
    pointwise : sympy.Rel
        The per-iteration inequality it rests on (for the report's LaTeX).
    rhs : sympy.Expr
        The bound after this step (the lhs is the previous step's rhs).
    """

    name: str
    inequality: str
    pointwise: sp.Basic
    rhs: sp.Expr


@dataclass(frozen=True)
class Chain:
    """A telescoping chain ``observed = Q_0 <= Q_1 <= (...) <= Q_m = bound``.

    Attributes
    ----------
    statement : str
        Statement id, e.g. ``"theorem2"``.
    observed : sympy.Expr
        ``Q_0``.
    steps : tuple of Step
    """

    statement: str
    observed: sp.Expr
    steps: tuple[Step, ...]

    @property
    def values(self) -> tuple[sp.Expr, ...]:
        """``(Q_0, ..., Q_m)``."""
        return (self.observed, *(s.rhs for s in self.steps))

    @property
    def pairs(self) -> list[tuple[sp.Expr, sp.Expr]]:
        """``[(lhs, rhs)]`` of every step."""
        q = self.values
        return list(itertools.pairwise(q))

    @property
    def bound(self) -> sp.Expr:
        """``Q_m``."""
        return self.steps[-1].rhs

    @cached_property
    def args(self) -> tuple[sp.Symbol, ...]:
        """Every symbol of the chain, sorted by name (the numeric function's keywords)."""
        free = set().union(*(q.free_symbols for q in self.values))
        return tuple(sorted(free, key=str))

    @cached_property
    def _function(self):
        return sp.lambdify(self.args, list(self.values), modules="numpy")

    def evaluate(self, values: dict) -> list:
        """``[Q_0, ..., Q_m]`` (NumPy, vectorised) from ``{symbol: array}`` for :attr:`args`."""
        missing = [str(s) for s in self.args if s not in values]
        if missing:
            raise TypeError(f"the {self.statement} chain needs {missing}")
        return self._function(*(values[s] for s in self.args))

    def substitute(self, statement: str, repl: dict, extra: tuple[Step, ...] = ()) -> Chain:
        """The chain with ``repl`` substituted in every ``Q_j``, and ``extra`` steps appended."""
        steps = tuple(Step(s.name, s.inequality, s.pointwise, s.rhs.subs(repl))
                      for s in self.steps)
        return Chain(statement, self.observed.subs(repl), steps + extra)


def _theorem1_chain() -> Chain:
    rad = bounds.LEMMA1_RADIUS.expr  # lambda ||x*|| / (2c - lambda)
    escape = lambda R_: (1 + lam) * R_ + lam * xstar_norm  # noqa: E731
    rho = lam * xstar_norm / (2 * cos_i - lam)
    steps = (
        Step("induction", "Theorem 1's induction: outside S_lambda the distance drops, so a new "
             "farthest iterate follows a step from S_lambda, of length lambda ||x_k||",
             sp.Le(sp.Symbol(r"\|r_{k+1}\|"), r_i + lam * x_i), sp.Max(dist0, P_step)),
        Step("triangle", "||x_k|| <= ||x_k - x*|| + ||x*||", sp.Le(x_i, r_i + xstar_norm),
             sp.Max(dist0, P_tri)),
        Step("S-membership", "x_k in S_lambda: 2 cos(alpha_k) ||r_k|| <= lambda ||x_k|| <= "
             "lambda (||r_k|| + ||x*||), so ||r_k|| <= rho_k = lambda ||x*||/(2 cos alpha_k - "
             "lambda)", sp.Le(r_i, rho), sp.Max(dist0, P_cos)),
        Step("cos>=c_tight", "cos alpha >= 2 sqrt(mu L)/(mu + L) on all of S_lambda (Lemma 1's "
             "radius with the tight c)", sp.Ge(cos_i, bounds.COS_TIGHT.expr),
             sp.Max(dist0, escape(rad.subs(c, bounds.COS_TIGHT.expr)))),
        Step("c_tight>=mu/L", "the paper's cos bound mu/L <= 2 sqrt(mu L)/(mu + L)",
             sp.Ge(bounds.COS_TIGHT.expr, bounds.COS_PAPER.expr),
             sp.Max(dist0, escape(rad.subs(c, bounds.COS_PAPER.expr)))),
    )
    return Chain("theorem1", r_sup, steps)


def _descent_chain() -> Chain:
    front = D / (delta * sum_lam)
    steps = (
        Step("min<=e_j", "min_{i<=k} e_i <= e_j at j = argmin_{i<=k} ||g_i||",
             sp.Le(e_min, e_j), e_j),
        Step("convexity", "convexity: f(x) - f* <= <grad f(x), x - x*>",
             sp.Le(e_i, g_i * r_i * cos_i), g_j * r_j * cos_j),
        Step("cos<=1", "Cauchy-Schwarz: cos alpha <= 1", sp.Le(cos_i, 1), g_j * r_j),
        Step("r_j<=max", "||x_j - x*|| <= max_{i<=k} ||x_i - x*||", sp.Le(r_j, r_max),
             g_j * r_max),
        Step("theorem1(D)", "Theorem 1: ||x_i - x*|| <= D", sp.Le(r_max, D), g_j * D),
        Step("min<=mean", "min_i ||g_i|| <= the lambda-weighted mean of ||g_i||",
             sp.Le(g_j, S_g / sum_lam), D * S_g / sum_lam),
        Step("delta", "||x_i|| >= delta (Theorem 2's assumption, delta = min ||x_i|| measured)",
             sp.Le(delta, x_i), front * S_xg),
        Step("descent-lemma", "L-smoothness, summed (telescoping): lambda_i ||x_i|| ||g_i|| <= "
             "e_i - e_{i+1} + L lambda_i^2 ||x_i||^2 / 2",
             sp.Le(lam_i * x_i * g_i, e_i - e_next + L * lam_i**2 * x_i**2 / 2),
             front * (gap0 - e_last + L * S_x2 / 2)),
        Step("f>=f*", "f(x_{k+1}) - f* >= 0", sp.Ge(e_next, 0), front * (gap0 + L * S_x2 / 2)),
        Step("||x_i||<=max", "||x_i|| <= max_{i<=k} ||x_i||", sp.Le(x_i, x_max),
             front * (gap0 + L * x_max**2 * sum_lam2 / 2)),
        Step("triangle", "||x_i|| <= ||x_i - x*|| + ||x*||", sp.Le(x_i, r_i + xstar_norm),
             front * (gap0 + L * (r_max + xstar_norm)**2 * sum_lam2 / 2)),
        Step("theorem1(M)", "Theorem 1 again: M = D + ||x*||", sp.Le(r_max, D),
             front * (gap0 + L * (D + xstar_norm)**2 * sum_lam2 / 2)),
    )
    return Chain("theorem3", e_min, steps)


#: Theorem 1: ``sup_k ||x_k - x*|| <= D`` (paper's c).
THEOREM1 = _theorem1_chain()
#: Theorem 3 (any schedule, sums ``Sigma_1``, ``Sigma_2``; D at the largest rate).
DESCENT = _descent_chain()
THEOREM3 = DESCENT
#: Theorem 2: constant rate.
THEOREM2 = DESCENT.substitute("theorem2", {sum_lam: (k + 1) * lam, sum_lam2: (k + 1) * lam**2})


def _corollary_chain() -> Chain:
    a, b = bounds.THEOREM2_A.expr, bounds.THEOREM2_B.expr
    opt = bounds.COROLLARY_BOUND.expr.subs({bounds.A_sym: a, bounds.B_sym: b})
    lam_k = bounds.COROLLARY_LAMBDA.expr.subs({bounds.A_sym: a, bounds.B_sym: b})
    step = Step("AM-GM at lambda_k", "lambda = lambda_K = sqrt(A/(B(K+1))) minimises "
                "A/(lambda(K+1)) + B lambda: AM-GM, an equality at that rate",
                sp.Eq(lam, lam_k), opt)
    return THEOREM2.substitute("corollary2_1", {}, (step,))


#: Corollary 2.1: Theorem 2's chain at the horizon, then the tuned rate (an equality).
COROLLARY = _corollary_chain()

#: statement id -> chain.
CHAINS = {ch.statement: ch for ch in (THEOREM1, THEOREM2, COROLLARY, THEOREM3)}

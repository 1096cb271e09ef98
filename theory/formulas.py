"""One definition of each formula: a SymPy expression and what comes from it.

A :class:`Formula` wraps a SymPy expression with its ordered arguments. Its
LaTeX (for reports), its vectorised NumPy function (``sympy.lambdify``) and
its plots all derive from that one expression, so a bound is typed once.

The symbols used across :mod:`larscheck.theory` are defined here with their
assumptions (all positive reals unless stated), so that SymPy can simplify
under the paper's hypotheses.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cached_property

import numpy as np
import sympy as sp
from sympy.codegen.cfunctions import log1p
from sympy.printing.latex import LatexPrinter

# Problem constants and the rate (positive reals).
mu = sp.Symbol("mu", positive=True)  #: strong-convexity constant
L = sp.Symbol("L", positive=True)  #: Lipschitz constant of the gradient
lam = sp.Symbol("lambda", positive=True)  #: the rate lambda
c = sp.Symbol("c", positive=True)  #: a lower bound on cos(alpha)
xstar_norm = sp.Symbol(r"\|x^*\|", positive=True)  #: ||x*||
k = sp.Symbol("k", integer=True, nonnegative=True)  #: iteration counter
eps = sp.Symbol("epsilon", positive=True)  #: target accuracy

# Constants of the n-D theorems (positive reals).
delta = sp.Symbol("delta", positive=True)  #: lower bound on ||x_k|| (Theorem 2)
D = sp.Symbol("D", positive=True)  #: bound on ||x_k - x*|| (Theorem 1)
M = sp.Symbol("M", positive=True)  #: bound on ||x_k|| (Theorem 2), D + ||x*||
R = sp.Symbol("R", positive=True)  #: radius of the set S_lambda around x* (Lemma 1)
gap0 = sp.Symbol("e_0", positive=True)  #: f(x0) - f*
dist0 = sp.Symbol(r"\|x_0 - x^*\|", positive=True)  #: ||x0 - x*||
sum_lam = sp.Symbol(r"\Sigma_1", positive=True)  #: sum_{i<=k} lambda_i
sum_lam2 = sp.Symbol(r"\Sigma_2", positive=True)  #: sum_{i<=k} lambda_i^2


def harmonic_numeric(n, m=1):
    """Generalised harmonic number ``H_n^{(m)} = sum_{j=1}^n j^{-m}``, elementwise.

    SymPy's ``harmonic`` has no NumPy translation, and SciPy's Hurwitz zeta is
    undefined for ``m < 1`` (the polynomial-decay sums need ``m = -p < 0``), so
    this evaluates ``zeta(m) - zeta(m, n + 1)`` (``H_n`` for ``m = 1``) with
    mpmath at 40 digits, which leaves the cancellation between the two zeta
    values far below float64 resolution, and rounds to float64.
    """
    import mpmath

    def one(n_i, m_i):
        with mpmath.workdps(40):
            n_i, m_i = int(n_i), mpmath.mpf(float(m_i))
            if n_i == 0:
                return 0.0
            if m_i == 1:
                return float(mpmath.harmonic(n_i))
            return float(mpmath.zeta(m_i) - mpmath.zeta(m_i, n_i + 1))

    return np.asarray(np.frompyfunc(one, 2, 1)(n, m), dtype=np.float64)


#: lambdify modules: NumPy plus the special functions NumPy lacks.
NUMERIC_MODULES = [{"harmonic": harmonic_numeric}, "numpy"]


def _exp_log_as_power(e: sp.exp) -> sp.Expr:
    """``exp(k log(b))`` -> ``b^k`` for display (SymPy keeps the exp if ``b``'s sign is unknown)."""
    (logs,) = [f for f in e.args[0].args if isinstance(f, sp.log)]
    return sp.Pow(logs.args[0], e.args[0] / logs, evaluate=False)


class _LatexPrinter(LatexPrinter):
    """SymPy's LaTeX with textbook forms for the numerically motivated functions."""

    def _print_harmonic(self, expr, exp=None):
        n, m = expr.args
        out = rf"H_{{{self._print(n)}}}^{{({self._print(m)})}}"
        return rf"\left({out}\right)^{{{exp}}}" if exp else out


class Formula:
    """A named closed-form expression in fixed arguments.

    Parameters
    ----------
    name : str
        Short identifier, e.g. ``"lemma1.radius"``.
    expr : sympy.Expr
        The expression.
    args : sequence of sympy.Symbol
        The arguments, in the order the numeric function takes them.
    description : str
        One line saying what it is (shown in reports).

    Examples
    --------
    >>> f = Formula("tight_cos", 2 * sp.sqrt(mu * L) / (mu + L), (mu, L))
    >>> float(f(1.0, 1.0))
    1.0
    """

    def __init__(self, name: str, expr: sp.Expr, args: Sequence[sp.Symbol],
                 description: str = ""):
        self.name = name
        self.expr = sp.sympify(expr)
        self.args = tuple(args)
        self.description = description
        missing = self.expr.free_symbols - set(self.args)
        if missing:
            raise ValueError(f"{name}: free symbols {missing} are not among the arguments")

    @cached_property
    def latex(self) -> str:
        """LaTeX of the expression (``log1p(x)`` shown as ``ln(1 + x)``, ``H_n^{(m)}``)."""
        shown = self.expr.replace(lambda e: isinstance(e, log1p), lambda e: sp.log(1 + e.args[0]))
        shown = shown.replace(lambda e: isinstance(e, sp.exp) and e.args[0].is_Mul
                              and any(isinstance(f, sp.log) for f in e.args[0].args),
                              _exp_log_as_power)
        # Names already written in LaTeX (e.g. "\|x^*\|") are printed verbatim.
        names = {s: s.name for s in shown.free_symbols if s.name.startswith("\\")}
        return _LatexPrinter({"symbol_names": names}).doprint(shown)

    @cached_property
    def numeric(self):
        """Vectorised NumPy function of the arguments (``sympy.lambdify``)."""
        return sp.lambdify(self.args, self.expr, modules=NUMERIC_MODULES)

    def __call__(self, *values, **named):
        """Evaluate numerically; arrays broadcast. Arguments by position or by symbol name."""
        if named:
            by_name = {str(s): s for s in self.args}
            unknown = set(named) - set(by_name)
            if unknown:
                raise TypeError(f"{self.name}: unknown arguments {sorted(unknown)}; "
                                f"expected {[str(s) for s in self.args]}")
            values = values + tuple(named[str(s)] for s in self.args[len(values):])
        if len(values) != len(self.args):
            raise TypeError(f"{self.name} takes {len(self.args)} arguments "
                            f"({', '.join(map(str, self.args))}), got {len(values)}")
        arrays = [np.asarray(v, dtype=np.float64) for v in values]
        out = self.numeric(*arrays)
        return np.broadcast_to(np.asarray(out, dtype=np.float64),
                               np.broadcast_shapes(*(a.shape for a in arrays))).copy()

    def subs(self, name: str | None = None, **values) -> Formula:
        """A new formula with some arguments replaced (by symbol name) by numbers or expressions."""
        by_name = {str(s): s for s in self.args}
        repl = {by_name[n]: sp.sympify(v) for n, v in values.items()}
        expr = self.expr.subs(repl)
        args = [s for s in self.args if s not in repl]
        args += sorted(expr.free_symbols - set(args), key=str)
        return Formula(name or self.name, expr, args, self.description)

    def __repr__(self) -> str:
        return f"Formula({self.name!r}: {self.expr})"

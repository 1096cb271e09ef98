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

# Problem constants and the rate (positive reals).
mu = sp.Symbol("mu", positive=True)  #: strong-convexity constant
L = sp.Symbol("L", positive=True)  #: Lipschitz constant of the gradient
lam = sp.Symbol("lambda", positive=True)  #: the rate lambda
c = sp.Symbol("c", positive=True)  #: a lower bound on cos(alpha)
xstar_norm = sp.Symbol(r"\|x^*\|", positive=True)  #: ||x*||
k = sp.Symbol("k", integer=True, nonnegative=True)  #: iteration counter
eps = sp.Symbol("epsilon", positive=True)  #: target accuracy


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
        """LaTeX of the expression."""
        return sp.latex(self.expr)

    @cached_property
    def numeric(self):
        """Vectorised NumPy function of the arguments (``sympy.lambdify``)."""
        return sp.lambdify(self.args, self.expr, modules="numpy")

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

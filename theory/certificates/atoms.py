r"""Symbolic facts about the atoms of the convex family, each proved by SymPy.

An *atom* is a function :math:`\phi : \mathbb{R} \to \mathbb{R}` given as
pieces :math:`(\phi_k, [b_k, b_{k+1}])` with :math:`b_0 = -\infty`, the last
end :math:`+\infty`, each :math:`\phi_k` a SymPy expression in :data:`T`
(:data:`SYMBOLIC_ATOMS` holds the built-in atoms of
:mod:`larscheck.sims.convex_family`, written again here as SymPy expressions,
since this package does not import the simulator; a test compares the two).
:func:`atom_facts` proves, or fails to prove:

``regular``
    :math:`\phi_k''` and :math:`\phi_k'''` are continuous on each closed piece
    (SymPy ``continuous_domain``), their limits at an infinite end exist, and the
    pieces join to a :math:`C^1` function (values and first derivatives agree at
    every break point, exactly);
``anchored``
    :math:`\phi(0) = \phi'(0) = 0` (exactly);
``curvature``
    :math:`\inf \phi''` and :math:`\sup \phi''` over :math:`\mathbb{R}`: on each piece
    the extrema of the continuous :math:`\phi_k''` lie at the zeros of
    :math:`\phi_k'''` inside the piece (SymPy ``solveset``, which must return a
    finite set, or all of the piece when :math:`\phi_k''` is constant) or at
    its ends (values, or limits at :math:`\pm\infty`);
``convex``
    :math:`\inf \phi'' \ge 0` with :math:`\phi \in C^1`: :math:`\phi'` is
    non-decreasing, so :math:`\phi` is convex, and :math:`\phi'` is Lipschitz
    with constant :math:`\sup \phi''`;
``slope``
    :math:`\sup |\phi'| = \max(|\phi'(-\infty)|, |\phi'(+\infty)|)` (the limits;
    valid because :math:`\phi'` is monotone), :math:`+\infty` when unbounded;
``strict_at_0``
    :math:`\phi''(0^\pm) > 0`; with convexity and :math:`\phi'(0) = 0` this
    gives :math:`\phi'(s) > 0` for :math:`s > 0` and :math:`< 0` for :math:`s < 0`,
    hence :math:`\phi(s) > 0 = \phi(0)` for :math:`s \ne 0`;
``quadratic``
    :math:`\phi = q t^2 / 2` exactly on all of :math:`\mathbb{R}` (then ``q``).

The facts depend on the pieces only, so they are cached per process.
"""

from __future__ import annotations

import functools
import itertools
from dataclasses import dataclass

import sympy as sp
from sympy.calculus.util import continuous_domain

#: The variable of every atom.
T = sp.Symbol("t", real=True)
_Z = sp.Symbol("z", positive=True)  # e^t, for limits at infinity

_HALF = sp.Rational(1, 2)

#: ``(expression, lo, hi)`` pieces of the built-in atoms (same names as
#: :data:`larscheck.sims.convex_family.ATOMS`).
SYMBOLIC_ATOMS: dict[str, tuple[tuple[sp.Expr, sp.Expr, sp.Expr], ...]] = {
    "quadratic": ((T**2 / 2, -sp.oo, sp.oo),),
    "pseudo_huber": ((sp.sqrt(1 + T**2) - 1, -sp.oo, sp.oo),),
    "log_cosh": ((sp.log(sp.cosh(T)), -sp.oo, sp.oo),),
    "softplus": ((sp.log(1 + sp.exp(T)) + sp.log(1 + sp.exp(-T)) - 2 * sp.log(2),
                  -sp.oo, sp.oo),),
    "huber": ((-T - _HALF, -sp.oo, sp.Integer(-1)), (T**2 / 2, sp.Integer(-1), sp.Integer(1)),
              (T - _HALF, sp.Integer(1), sp.oo)),
}


@dataclass(frozen=True)
class AtomFacts:
    """What :func:`atom_facts` proved about one atom.

    Attributes
    ----------
    ok : bool
        ``regular``, ``anchored`` and ``convex`` all proved.
    reason : str
        Why not (empty when ``ok``).
    inf_curvature, sup_curvature : sympy.Expr or None
        :math:`\\inf \\phi''` and :math:`\\sup \\phi''` (``None`` if not derived).
    slope : sympy.Expr or None
        :math:`\\sup |\\phi'|` (``sympy.oo`` when unbounded).
    strict_at_0 : bool
        :math:`\\phi''(0^-) > 0` and :math:`\\phi''(0^+) > 0`.
    quadratic : sympy.Expr or None
        ``q`` when :math:`\\phi = q t^2/2`.
    """

    ok: bool
    reason: str
    inf_curvature: sp.Expr | None = None
    sup_curvature: sp.Expr | None = None
    slope: sp.Expr | None = None
    strict_at_0: bool = False
    quadratic: sp.Expr | None = None

    def to_dict(self) -> dict:
        """JSON-ready: the expressions as strings."""
        def text(e):
            return None if e is None else str(e)
        return {"ok": self.ok, "reason": self.reason, "inf_phi2": text(self.inf_curvature),
                "sup_phi2": text(self.sup_curvature), "sup_abs_phi1": text(self.slope),
                "strict_at_0": self.strict_at_0, "quadratic": text(self.quadratic)}


def pieces_of(kind: str, expression=None) -> tuple[tuple[sp.Expr, sp.Expr, sp.Expr], ...]:
    """The pieces of atom ``kind``: ``expression`` if given (a SymPy expression in
    :data:`T`, one piece on the real line, or a sequence of ``(expr, lo, hi)``), else the
    built-in one. ``KeyError`` for an unknown kind without an expression."""
    if expression is None:
        return SYMBOLIC_ATOMS[kind]
    if isinstance(expression, sp.Basic):
        return ((expression, -sp.oo, sp.oo),)
    return tuple((sp.sympify(e), sp.sympify(lo), sp.sympify(hi)) for e, lo, hi in expression)


def _as_rational_in_exp(expr: sp.Expr) -> sp.Expr | None:
    """``expr`` as a function of ``z = e^t`` (``t`` gone), or ``None``: limits of a
    rational function of ``z`` are fast, where SymPy's Gruntz algorithm on hyperbolic
    functions takes seconds."""
    def power(e):
        ratio = sp.simplify(e.args[0] / T)
        return _Z**ratio if ratio.is_Rational else e
    out = sp.expand_power_exp(expr.rewrite(sp.exp)).replace(
        lambda e: isinstance(e, sp.exp), power)
    return None if out.has(T) else sp.cancel(out)


def _limit(expr: sp.Expr, point: sp.Expr, direction: str) -> sp.Expr:
    """``expr`` at ``point`` (a limit at an infinite end); a NaN-like result raises."""
    if point in (sp.oo, -sp.oo):
        in_z = _as_rational_in_exp(expr)
        value = (sp.limit(expr, T, point) if in_z is None else
                 sp.limit(in_z, _Z, sp.oo if point == sp.oo else 0, "-" if point == sp.oo
                          else "+"))
    else:
        value = sp.limit(expr, T, point, direction)
    if value.has(sp.AccumBounds, sp.nan, sp.zoo) or not (value.is_extended_real or
                                                         value in (sp.oo, -sp.oo)):
        raise ArithmeticError(f"no limit of {expr} at {point}")
    return value


def _extrema(d2: sp.Expr, lo: sp.Expr, hi: sp.Expr) -> tuple[sp.Expr, sp.Expr]:
    """``(min, max)`` of the continuous ``d2`` on the closed piece ``[lo, hi]``: at a zero
    of ``d2'`` inside or at an end (Fermat + extreme value theorem on the extended line)."""
    interval = sp.Interval(lo, hi)
    d3 = sp.diff(d2, T)
    for e, name in ((d2, "phi''"), (d3, "phi'''")):
        if continuous_domain(e, T, interval) != interval:
            raise ArithmeticError(f"{name} = {e} is not continuous on {interval}")
    critical = sp.solveset(d3, T, sp.Interval.open(lo, hi))
    if critical == sp.Interval.open(lo, hi):  # phi'' constant on the piece
        value = sp.simplify(d2.subs(T, (lo + hi) / 2 if lo.is_finite and hi.is_finite
                                    else (lo + 1 if lo.is_finite else hi - 1)))
        return value, value
    if not isinstance(critical, sp.FiniteSet):
        raise ArithmeticError(f"the zeros of phi''' = {d3} on {interval} are not a finite "
                              f"set SymPy can list ({critical})")
    values = [sp.simplify(d2.subs(T, p)) for p in critical]
    values += [_limit(d2, end, "+" if end == lo else "-") for end in (lo, hi)]
    return sp.Min(*values), sp.Max(*values)


def _piece_at(pieces, point: sp.Expr, side: str):
    """The piece holding ``point`` on its ``side`` (``"+"``: to the right)."""
    for expr, lo, hi in pieces:
        if (lo <= point < hi) if side == "+" else (lo < point <= hi):
            return expr
    raise ArithmeticError(f"no piece holds {point}")


def _check_cover(pieces) -> None:
    """The pieces tile the real line in order."""
    if pieces[0][1] != -sp.oo or pieces[-1][2] != sp.oo:
        raise ArithmeticError("the pieces must start at -oo and end at +oo")
    for (_, lo, hi), (_, nxt, _) in itertools.pairwise(pieces):
        if not (lo < hi and hi == nxt):
            raise ArithmeticError(f"pieces must be contiguous intervals, got [{lo}, {hi}] "
                                  f"then [{nxt}, ...]")


def _check_c1(pieces) -> None:
    """Values and first derivatives agree exactly at every break point."""
    for (left, _, b), (right, _, _) in itertools.pairwise(pieces):
        for order in (0, 1):
            jump = sp.simplify(sp.diff(left, T, order).subs(T, b)
                               - sp.diff(right, T, order).subs(T, b))
            if jump != 0:
                raise ArithmeticError(f"phi{chr(39) * order} jumps by {jump} at t = {b}")


@functools.lru_cache(maxsize=64)
def _facts(pieces) -> AtomFacts:
    try:
        _check_cover(pieces)
        _check_c1(pieces)
        lows, highs = zip(*(_extrema(sp.diff(e, T, 2), lo, hi) for e, lo, hi in pieces),
                          strict=True)
    except (ArithmeticError, NotImplementedError, TypeError, ValueError) as exc:
        return AtomFacts(False, f"not regular: {exc}")
    low, high = sp.Min(*lows), sp.Max(*highs)
    at0 = _piece_at(pieces, sp.Integer(0), "+")
    phi0, dphi0 = (sp.simplify(sp.diff(at0, T, o).subs(T, 0)) for o in (0, 1))
    curv0 = [sp.simplify(sp.diff(_piece_at(pieces, sp.Integer(0), s), T, 2).subs(T, 0))
             for s in "-+"]
    strict = all(bool(v.is_positive) for v in curv0)
    quadratic = None
    if len(pieces) == 1 and low == high and sp.simplify(at0 - high * T**2 / 2) == 0:
        quadratic = high
    ends = (_limit(sp.diff(pieces[0][0], T), -sp.oo, "+"),
            _limit(sp.diff(pieces[-1][0], T), sp.oo, "-"))
    slope = sp.Max(*(sp.Abs(e) for e in ends))
    facts = {"inf_curvature": low, "sup_curvature": high, "slope": slope,
             "strict_at_0": strict, "quadratic": quadratic}
    if phi0 != 0 or dphi0 != 0:
        return AtomFacts(False, f"not anchored: phi(0) = {phi0}, phi'(0) = {dphi0}", **facts)
    if not bool(sp.Ge(low, 0)):
        return AtomFacts(False, f"not convex: inf phi'' = {low} < 0", **facts)
    if not high.is_finite:
        return AtomFacts(False, f"phi'' is unbounded (sup = {high}): no Lipschitz gradient",
                         **facts)
    return AtomFacts(True, "", **facts)


def atom_facts(kind: str, expression=None) -> AtomFacts:
    """Prove the facts of the module docstring for atom ``kind``.

    Parameters
    ----------
    kind : str
        A name of :data:`SYMBOLIC_ATOMS`, or any name when ``expression`` is given.
    expression : sympy.Expr or sequence of (expr, lo, hi), optional
        The atom in :data:`T` (see :func:`pieces_of`).

    Returns
    -------
    AtomFacts
        ``ok`` false, with the reason, when a fact fails or SymPy cannot prove it;
        an atom without a symbolic form is not proved.
    """
    try:
        pieces = pieces_of(kind, expression)
    except KeyError:
        return AtomFacts(False, f"no symbolic expression for atom kind {kind!r} (pass one)")
    return _facts(pieces)

"""SymPy proofs of the 1-D invariance claims (STATEMENTS 1.3, 1.5, 3.5).

A proof is a list of :class:`Obligation` inequalities in ``lambda`` and ``x*``,
each decided by SymPy's assumptions after factoring; an
:class:`InvarianceProof` holds them, re-decides them (:meth:`~InvarianceProof.check`)
and samples them numerically (:meth:`~InvarianceProof.sample`). The sets and
maps are the derived ones of :mod:`larscheck.theory.one_d`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import sympy as sp

from larscheck.theory.formulas import lam
from larscheck.theory.one_d import (
    INTERVAL_HI,
    INTERVAL_LO,
    SF_NEG_HI,
    SF_NEG_LO,
    SF_POS_HI,
    SF_POS_LO,
    WIDE_HI,
    xs,
)

_t = sp.Symbol("t", positive=True)  # encodes a range of lambda, e.g. lambda = t/(1+t)


@dataclass(frozen=True)
class Obligation:
    """One inequality ``expr > 0`` (``strict``) or ``expr >= 0`` of a proof, and its verdict.

    ``verdict`` is True (SymPy proved it under the assumptions), False
    (disproved: SymPy found it negative) or None (undecided, counts as failed).
    """

    claim: str
    expr: sp.Expr
    strict: bool
    verdict: bool | None


@dataclass(frozen=True)
class InvarianceProof:
    """A checkable proof that a set is mapped into itself by the 1-D LARS map.

    Attributes
    ----------
    set_name : str
    intervals : tuple of (lo, hi) SymPy expressions
    assumptions : str
    substitution : dict
        How the assumptions were encoded (e.g. ``lambda = t/(1+t)``, ``t > 0``).
    obligations : tuple of Obligation
        Domain obligations (the piece lies where the map is ``x -> m x``, and
        ``m > 0`` or ``< 0`` as used) and image obligations (the image of each
        piece's ends lies in the target interval). The map is linear on each
        piece, so the ends' images bound the piece's image.

    ``bool(proof)`` and :attr:`holds` say whether every obligation was proved;
    :meth:`check` re-decides them from the expressions; :meth:`sample` checks
    them numerically at random points satisfying the assumptions.
    """

    set_name: str
    intervals: tuple
    assumptions: str
    substitution: dict
    obligations: tuple

    @property
    def holds(self) -> bool:
        return all(o.verdict is True for o in self.obligations)

    def __bool__(self) -> bool:
        return self.holds

    def failed(self) -> list[Obligation]:
        """The obligations not proved."""
        return [o for o in self.obligations if o.verdict is not True]

    def check(self) -> bool:
        """Re-decide every obligation from its expression (independent of stored verdicts)."""
        return all(_decide(o.expr, o.strict) is True for o in self.obligations)

    def sample(self, rng: np.random.Generator, n: int = 200) -> bool:
        """Every obligation holds at ``n`` random points of the parameter domain."""
        free = sorted(set().union(*(o.expr.free_symbols for o in self.obligations)), key=str)
        if not free:
            return all(bool(o.expr > 0 if o.strict else o.expr >= 0) for o in self.obligations)
        values = {s: np.exp(rng.uniform(-5, 5, n)) for s in free}  # all symbols are positive
        for o in self.obligations:
            # Factored, an obligation is a product of sign-definite factors (or literally 0),
            # so float evaluation cannot turn an exact zero into a rounding-level negative.
            expr = sp.factor(sp.simplify(o.expr))
            got = sp.lambdify(free, expr, "numpy")(*(values[s] for s in free))
            got = np.broadcast_to(np.asarray(got, dtype=np.float64), (n,))
            if not np.all(got > 0 if o.strict else got >= 0):
                return False
        return True


def _decide(expr: sp.Expr, strict: bool) -> bool | None:
    """Prove ``expr > 0`` / ``>= 0`` with SymPy's assumptions after factoring."""
    f = sp.factor(sp.simplify(expr))
    verdict = f.is_positive if strict else f.is_nonnegative
    if verdict is None:
        return None
    return bool(verdict)


_ASSUMPTIONS = {
    "contracting": ("0 < lambda < 1, x* > 0", {lam: _t / (1 + _t)}),
    "sign-flipping": ("1 < lambda < 2, x* > 0", {lam: 1 + _t / (1 + _t)}),
    "lambda > 0": ("lambda > 0 only, x* > 0", {}),
}


def _pieces(name: str, lo, hi, p_lo, p_hi, n_lo, n_hi):
    """(domain obligations, image obligations) for the named set's pieces, in lambda/x*."""
    up, down = 1 + lam, 1 - lam
    if name in ("narrow", "wide"):
        # [lo, x*) -> (1+lambda) x, needs 0 < lo; (x*, hi] -> (1-lambda) x, needs m > 0.
        domain = [("lower end > 0, so [lo, x*) lies in (0, x*)", lo, True),
                  ("x* < upper end", hi - xs, True),
                  ("1 - lambda > 0 (the map keeps order on (x*, hi])", down, True)]
        images = [("(1+lambda) lo >= lo", up * lo - lo, False),
                  ("(1+lambda) x* <= hi", hi - up * xs, False),
                  ("(1-lambda) x* >= lo", down * xs - lo, False),
                  ("(1-lambda) hi <= hi", hi - down * hi, False)]
        return domain, images
    # sign-flipping J = [p_lo, p_hi] U [n_lo, n_hi]
    domain = [("positive part starts above 0", p_lo, True),
              ("positive part starts below x*", xs - p_lo, True),
              ("x* < positive part's upper end", p_hi - xs, True),
              ("negative part lies below 0", -n_hi, True),
              ("1 - lambda < 0 (the map reverses order outside (0, x*))", -down, True)]
    images = [("(1+lambda) p_lo >= p_lo", up * p_lo - p_lo, False),
              ("(1+lambda) x* <= p_hi", p_hi - up * xs, False),
              ("(1-lambda) p_hi >= n_lo", down * p_hi - n_lo, False),
              ("(1-lambda) x* <= n_hi", n_hi - down * xs, False),
              ("(1-lambda) n_hi >= p_lo", down * n_hi - p_lo, False),
              ("(1-lambda) n_lo <= p_hi", p_hi - down * n_lo, False)]
    return domain, images


def prove_invariance(set_name: str = "narrow", assumptions: str = "contracting",
                     lam_value=None) -> InvarianceProof:
    """Prove with SymPy that a 1-D set is invariant under the LARS map.

    Parameters
    ----------
    set_name : {"narrow", "wide", "sign-flipping"}
        ``I = [(1-lambda) x*, (1+lambda) x*]``, ``[(1-lambda) x*, x*/(1-lambda)]``,
        or ``J`` of the sign-flipping regime.
    assumptions : {"contracting", "sign-flipping", "lambda > 0"}
        How lambda is constrained (``x* > 0`` always): ``0 < lambda < 1`` (encoded
        ``lambda = t/(1+t)``, ``t > 0``), ``1 < lambda < 2`` (``lambda = 1 + t/(1+t)``),
        or only ``lambda > 0`` (an assumption dropped).
    lam_value : number, optional
        A concrete lambda instead (e.g. ``1.5``: exactly as written), which
        replaces the assumption on lambda.

    Returns
    -------
    InvarianceProof
        ``bool(proof)`` is True iff every obligation is proved.
    """
    if set_name not in ("narrow", "wide", "sign-flipping"):
        raise ValueError(f"set_name must be 'narrow', 'wide' or 'sign-flipping', got {set_name!r}")
    if lam_value is not None:
        value = sp.nsimplify(lam_value, rational=True)
        if not (value.is_Rational and value > 0):
            raise ValueError(f"lam_value must be a positive number, got {lam_value!r}")
        text, subs = f"lambda = {value}, x* > 0", {lam: value}
    elif assumptions in _ASSUMPTIONS:
        text, subs = _ASSUMPTIONS[assumptions]
    else:
        raise ValueError(f"assumptions must be one of {sorted(_ASSUMPTIONS)}, got {assumptions!r}")
    ends = {"narrow": (INTERVAL_LO.expr, INTERVAL_HI.expr),
            "wide": (INTERVAL_LO.expr, WIDE_HI.expr)}
    if set_name == "sign-flipping":
        intervals = ((SF_POS_LO.expr, SF_POS_HI.expr), (SF_NEG_LO.expr, SF_NEG_HI.expr))
        domain, images = _pieces(set_name, None, None, *intervals[0], *intervals[1])
    else:
        intervals = (ends[set_name],)
        domain, images = _pieces(set_name, *ends[set_name], None, None, None, None)
    obligations = []
    for claim, expr, strict in domain + images:
        e = sp.sympify(expr).subs(subs)
        obligations.append(Obligation(claim, e, strict, _decide(e, strict)))
    return InvarianceProof(set_name, intervals, text, dict(subs), tuple(obligations))


def prove_no_skip() -> InvarianceProof:
    """1.5 under ``0 < lambda < 1``: the first iterate inside I is inside, from both sides.

    From above, the last iterate outside is ``> (1+lambda) x*``, so the next is
    ``> (1-lambda)(1+lambda) x* >= (1-lambda) x*``; from below it is
    ``< (1-lambda) x*``, so the next is ``< (1+lambda)(1-lambda) x* <= (1+lambda) x*``.
    """
    text, subs = _ASSUMPTIONS["contracting"]
    raw = [("from above: (1-lambda)(1+lambda) x* >= (1-lambda) x*",
            (1 - lam) * INTERVAL_HI.expr - INTERVAL_LO.expr, False),
           ("from below: (1+lambda)(1-lambda) x* <= (1+lambda) x*",
            INTERVAL_HI.expr - (1 + lam) * INTERVAL_LO.expr, False),
           ("the maps keep order: 1 - lambda > 0", 1 - lam, True)]
    obligations = tuple(Obligation(c, e.subs(subs), s, _decide(e.subs(subs), s))
                        for c, e, s in raw)
    return InvarianceProof("no-skip", ((INTERVAL_LO.expr, INTERVAL_HI.expr),), text, dict(subs),
                           obligations)

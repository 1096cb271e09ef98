r"""Exact rational arithmetic for re-checking certificates (:mod:`fractions` only).

Every float64 is a dyadic rational, so the data of a certificate (weights,
directions, :math:`x^*`, the curve) are exact rationals and the obligations
are decided exactly: dot products and Gaussian elimination in
:class:`~fractions.Fraction`, square roots enclosed by integer square roots
(:func:`sqrt_bounds`). Nothing here uses floating point, SymPy or mpmath, so
a re-check through this module shares no arithmetic with the builder
(:mod:`.family`, which uses SymPy matrices and mpmath interval arithmetic).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from fractions import Fraction

#: Bits of the enclosures of square roots: ``hi - lo <= 2^-SQRT_BITS`` relative.
SQRT_BITS = 128


def rational(value) -> Fraction:
    """A float (exactly), an int, a Fraction or a ``"p/q"`` string as a Fraction.

    Raises ``ValueError`` for a non-finite float or a malformed string."""
    if isinstance(value, bool):
        raise TypeError("a boolean is not a number")
    if isinstance(value, float) and not math.isfinite(value):
        raise ValueError(f"not a finite number: {value}")
    return Fraction(value)


def vector(values: Iterable) -> list[Fraction]:
    """:func:`rational` of every entry."""
    return [rational(v) for v in values]


def text(value: Fraction) -> str:
    """``"p/q"`` (or ``"p"``): the exact JSON form of a rational."""
    return str(value)


def dot(a: Sequence[Fraction], b: Sequence[Fraction]) -> Fraction:
    """Exact inner product (``ValueError`` on a length mismatch)."""
    if len(a) != len(b):
        raise ValueError(f"vectors of lengths {len(a)} and {len(b)}")
    return sum((x * y for x, y in zip(a, b, strict=True)), Fraction(0))


def sqrt_bounds(value: Fraction, bits: int = SQRT_BITS) -> tuple[Fraction, Fraction]:
    r"""Rationals ``lo <= sqrt(value) <= hi`` with ``hi - lo = 2^-bits / q`` (``value = p/q``).

    :math:`\sqrt{p/q} = \sqrt{p q}/q` and :math:`\lfloor\sqrt{N}\rfloor \le \sqrt{N}
    < \lfloor\sqrt{N}\rfloor + 1` for :math:`N = p q\, 4^{b}` (``math.isqrt`` is exact).
    """
    if value < 0:
        raise ValueError(f"square root of a negative number {value}")
    p, q = value.numerator, value.denominator
    root = math.isqrt(p * q * 4**bits)
    scale = q * 2**bits
    exact = root * root == p * q * 4**bits
    return Fraction(root, scale), Fraction(root + (0 if exact else 1), scale)


def norm_bounds(v: Sequence[Fraction]) -> tuple[Fraction, Fraction]:
    """Enclosure of the Euclidean norm."""
    return sqrt_bounds(dot(v, v))


def _eliminate(rows: list[list[Fraction]]) -> list[list[Fraction]]:
    """Row echelon form by exact Gaussian elimination (rows of equal length)."""
    rows = [list(r) for r in rows]
    out = []
    cols = len(rows[0]) if rows else 0
    for j in range(cols):
        pivot = next((r for r in rows if r[j] != 0), None)
        if pivot is None:
            continue
        rows.remove(pivot)
        rows = [[x - r[j] / pivot[j] * y for x, y in zip(r, pivot, strict=True)]
                for r in rows]
        out.append(pivot)
    return out


def rank(rows: Sequence[Sequence[Fraction]]) -> int:
    """Exact rank of a rational matrix."""
    return len(_eliminate([list(r) for r in rows]))


def is_psd(matrix: Sequence[Sequence[Fraction]]) -> bool:
    r"""Whether the symmetric rational ``matrix`` is positive semidefinite, exactly.

    Symmetric Gaussian elimination (:math:`LDL^T` without pivoting): a negative pivot
    means not PSD; a zero pivot needs its whole row to vanish (in a PSD matrix
    :math:`a_{kk} = 0` forces :math:`a_{kj} = 0`, since the 2x2 minors are
    :math:`\ge 0`), and then that row and column are dropped.
    """
    a = [list(r) for r in matrix]
    n = len(a)
    if any(len(r) != n for r in a) or any(a[i][j] != a[j][i] for i in range(n)
                                          for j in range(i)):
        raise ValueError("is_psd needs a symmetric square matrix")
    while a:
        pivot = a[0][0]
        if pivot < 0 or (pivot == 0 and any(x != 0 for x in a[0])):
            return False
        rest = a[1:]
        a = ([[x - r[0] / pivot * y for x, y in zip(r[1:], a[0][1:], strict=True)]
              for r in rest] if pivot > 0 else [r[1:] for r in rest])
    return True


def quadratic_form(vectors: Sequence[Sequence[Fraction]], weights: Sequence[Fraction],
                   dim: int) -> list[list[Fraction]]:
    r""":math:`\sum_i w_i a_i a_i^T` (``dim x dim``), exactly."""
    out = [[Fraction(0)] * dim for _ in range(dim)]
    for a, w in zip(vectors, weights, strict=True):
        for i in range(dim):
            for j in range(dim):
                out[i][j] += w * a[i] * a[j]
    return out


def matvec(matrix: Sequence[Sequence[Fraction]], v: Sequence[Fraction]) -> list[Fraction]:
    """Exact matrix-vector product."""
    return [dot(row, v) for row in matrix]


def project_out(u: Sequence[Fraction], rows: Sequence[Sequence[Fraction]]) -> list[Fraction]:
    """``u`` minus its orthogonal projection on the span of ``rows`` (exact Gram-Schmidt)."""
    basis: list[list[Fraction]] = []
    for r in rows:
        e = list(r)
        for b in basis:
            e = [x - dot(e, b) / dot(b, b) * y for x, y in zip(e, b, strict=True)]
        if any(x != 0 for x in e):
            basis.append(e)
    out = list(u)
    for b in basis:
        out = [x - dot(out, b) / dot(b, b) * y for x, y in zip(out, b, strict=True)]
    return out

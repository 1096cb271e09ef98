r"""The angle between the gradient and the direction to the optimum.

.. math:: \cos\alpha(x) = \frac{\langle \nabla f(x), x - x^* \rangle}
                              {\|\nabla f(x)\| \, \|x - x^*\|}

Lemma 1 and Conjecture 1 of the paper are statements about this number: a
LARS step from ``x`` moves away from :math:`x^*` exactly when
:math:`\lambda \|x\| \ge 2 \cos\alpha \, \|x - x^*\|`.
"""

from __future__ import annotations

import numpy as np


def cos_from(g: np.ndarray, diff: np.ndarray) -> np.ndarray:
    r""":math:`\langle g, d \rangle / (\|g\| \|d\|)` row by row (``(B, n)`` inputs, ``(B,)``
    out); NaN where ``g`` or ``d`` is zero. Rows are rescaled by their largest entry
    first, so huge or tiny vectors neither overflow nor underflow."""
    g = np.asarray(g, dtype=np.float64)
    diff = np.asarray(diff, dtype=np.float64)
    gs = np.max(np.abs(g), axis=-1, keepdims=True)
    ds = np.max(np.abs(diff), axis=-1, keepdims=True)
    with np.errstate(invalid="ignore", divide="ignore"):
        gn = g / gs
        dn = diff / ds
        return np.einsum("...i,...i->...", gn, dn) / (
            np.linalg.norm(gn, axis=-1) * np.linalg.norm(dn, axis=-1))


def cos_alpha(problem, x: np.ndarray) -> np.ndarray:
    """``cos alpha`` of every problem of a batch at ``x`` (shape ``(B, n)``), shape ``(B,)``."""
    if problem.xstar is None:
        raise ValueError("cos alpha needs a problem with a known xstar")
    x = np.asarray(x, dtype=np.float64)
    return cos_from(problem.grad(x), x - problem.xstar)

"""Per-block (layer-wise) norms for batches of parameter vectors.

A parameter vector of length ``n`` is split into contiguous blocks (the layers
of a network, e.g. a weight matrix flattened and then its bias). LARS computes
its trust ratio per block: for block ``b`` of problem ``i``,

.. math:: r_{ib} = \\frac{\\|x_{ib}\\|}{\\|g_{ib}\\|}.

:class:`Blocks` turns ``(B, n)`` arrays into ``(B, n_blocks)`` norms and back.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

NORMS = ("l2", "l1")


class Blocks:
    """A partition of ``n`` coordinates into contiguous blocks.

    Parameters
    ----------
    dim : int
        Number of coordinates ``n``.
    sizes : sequence of int, optional
        Block sizes, summing to ``dim``. ``None`` (default) is one block.
    """

    def __init__(self, dim: int, sizes: Sequence[int] | None = None):
        if sizes is None:
            sizes = (dim,)
        sizes = tuple(int(s) for s in sizes)
        if any(s <= 0 for s in sizes):
            raise ValueError(f"blocks must have positive sizes, got {sizes}")
        if sum(sizes) != dim:
            raise ValueError(f"block sizes {sizes} must sum to the dimension {dim}")
        self.dim = dim
        self.sizes = sizes
        self.single = len(sizes) == 1
        self.offsets = np.concatenate(([0], np.cumsum(sizes)[:-1])).astype(np.intp)

    @property
    def count(self) -> int:
        """Number of blocks."""
        return len(self.sizes)

    def norms(self, v: np.ndarray, norm: str = "l2") -> np.ndarray:
        """Per-block norms of ``v`` (shape ``(B, n)``), shape ``(B, n_blocks)``.

        The L2 norm is ``sqrt(sum v_i^2)`` without rescaling (NumPy's order, which the
        fused kernel reproduces bit for bit), so it is exact in float64 only for block
        norms within about ``[1e-154, 1e154]``: below, the squares underflow to 0 and
        LARS's ratio ``||x|| / ||g||`` becomes 0 (no step); above, they overflow and the
        simulator reports divergence.
        """
        if norm == "l2":
            sq = v * v
            red = sq.sum(axis=1, keepdims=True) if self.single else np.add.reduceat(
                sq, self.offsets, axis=1
            )
            return np.sqrt(red)
        if norm == "l1":
            a = np.abs(v)
            return a.sum(axis=1, keepdims=True) if self.single else np.add.reduceat(
                a, self.offsets, axis=1
            )
        raise ValueError(f"norm must be one of {NORMS}, got {norm!r}")

    def expand(self, per_block: np.ndarray) -> np.ndarray:
        """Broadcastable ``(B, n)`` (or ``(B, 1)``) array from ``(B, n_blocks)`` values."""
        if self.single:
            return per_block
        return np.repeat(per_block, self.sizes, axis=1)

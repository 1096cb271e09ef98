"""Data sets of the paper's convex experiments, and writing them to ``.npz``.

- :func:`separable_data`: seeded, linearly separable two-class data for the
  SVM (labels in ``{-1, +1}``) with a guaranteed geometric margin.
- :func:`load_digits_split`: the 8x8 digits that scikit-learn ships (the
  ``data`` extra), pixels scaled to ``[0, 1]``, a seeded training split.
- :func:`load_mnist`: MNIST from local files — a folder with the IDX files
  (``train-images-idx3-ubyte`` and ``train-labels-idx1-ubyte``, gzipped or
  not), or an ``.npz`` with ``x_train`` and ``y_train`` (the layout of
  ``keras.datasets.mnist``). Pixels scaled to ``[0, 1]``.
- :func:`save_npz`: the exact data used, as ``X`` and ``y``, written
  atomically so that anyone can re-solve for ``f*`` independently.

Every loader raises ``FileNotFoundError`` for a missing path and
``ValueError`` (one line, naming the file) for a malformed one.
"""

from __future__ import annotations

import gzip
import io
import os
import zlib
from pathlib import Path

import numpy as np

from larscheck.sims.datafiles import read_npz
from larscheck.sims.output import atomic_write_bytes
from larscheck.sims.validation import positive

#: IDX element types (third byte of the magic number) -> NumPy big-endian dtypes.
IDX_TYPES = {0x08: ">u1", 0x09: ">i1", 0x0B: ">i2", 0x0C: ">i4", 0x0D: ">f4", 0x0E: ">f8"}

#: MNIST training files, without the optional ``.gz``.
MNIST_IMAGES = "train-images-idx3-ubyte"
MNIST_LABELS = "train-labels-idx1-ubyte"


class MissingExtraError(ImportError):
    """An optional dependency is missing; the message names the extra to install."""


def separable_data(rng: np.random.Generator, n: int = 1000, dim: int = 2,
                   margin: float = 0.1) -> tuple[np.ndarray, np.ndarray]:
    """Linearly separable points with labels ``y in {-1, +1}``.

    Points ``z_i ~ N(c, I)`` around a random centre ``c`` (``|c| = 2``, so the
    best bias is not 0) are labelled by a random hyperplane ``u.z + b0``
    (``|u| = 1``; ``-b0`` a random quantile between 30 % and 70 % of ``u.z_i``,
    so both classes appear) and then pushed ``margin`` away from it along
    ``y_i u``:

    .. math:: x_i = z_i + \\text{margin}\\; y_i u, \\qquad
              y_i (u \\cdot x_i + b_0) = |u \\cdot z_i + b_0| + \\text{margin} \\ge \\text{margin}.

    Parameters
    ----------
    rng : numpy.random.Generator
    n : int
        Number of points (>= 2; both classes are guaranteed to appear).
    dim : int
        Dimension (>= 1).
    margin : float
        Geometric margin of the separator ``(u, b0)``, > 0.
    """
    if int(n) != n or n < 2:
        raise ValueError(f"n must be an integer >= 2, got {n}")
    if int(dim) != dim or dim < 1:
        raise ValueError(f"dim must be an integer >= 1, got {dim}")
    positive("margin", margin)
    n, dim = int(n), int(dim)
    u = rng.standard_normal(dim)
    u /= np.linalg.norm(u)
    centre = rng.standard_normal(dim)
    centre *= 2.0 / np.linalg.norm(centre)
    z = centre + rng.standard_normal((n, dim))
    proj = z @ u
    b0 = -float(np.quantile(proj, rng.uniform(0.3, 0.7)))
    y = np.where(proj + b0 >= 0, 1.0, -1.0)
    x = z + margin * y[:, None] * u
    return x, y


def load_digits_split(seed: int = 0, train_fraction: float = 6 / 7
                      ) -> tuple[np.ndarray, np.ndarray]:
    """Training part of scikit-learn's 8x8 digits, pixels in ``[0, 1]``.

    The split is a seeded permutation; ``train_fraction`` defaults to MNIST's
    60,000 / 70,000. Needs the ``data`` extra (scikit-learn).

    Returns
    -------
    X : ndarray (m, 64), float64
    y : ndarray (m,), int64 labels 0..9
    """
    try:
        from sklearn.datasets import load_digits
    except ImportError:
        raise MissingExtraError(
            "the digits data needs scikit-learn: pip install 'larscheck[data]' "
            "(or give MNIST files with --data PATH)"
        ) from None
    if not 0 < train_fraction <= 1:
        raise ValueError(f"train_fraction must lie in (0, 1], got {train_fraction}")
    X, y = load_digits(return_X_y=True)
    order = np.random.default_rng(seed).permutation(len(y))
    keep = order[: max(1, round(train_fraction * len(y)))]
    return X[keep].astype(np.float64) / 16.0, y[keep].astype(np.int64)


def _open_maybe_gzip(path: Path) -> bytes:
    raw = path.read_bytes()
    if raw[:2] == b"\x1f\x8b":
        try:
            return gzip.decompress(raw)
        except (OSError, EOFError, zlib.error) as exc:
            raise ValueError(f"{path}: corrupt gzip file ({exc})") from None
    return raw


def read_idx(path: str | os.PathLike) -> np.ndarray:
    """Read one IDX file (gzipped or not) into an array of its declared shape.

    The format: two zero bytes, a type byte (see :data:`IDX_TYPES`), the
    number of dimensions, then each dimension as a big-endian uint32, then
    the data in row-major order.
    """
    path = Path(path)
    raw = _open_maybe_gzip(path)
    if len(raw) < 4 or raw[0] != 0 or raw[1] != 0 or raw[2] not in IDX_TYPES:
        raise ValueError(f"{path}: not an IDX file (bad magic number)")
    ndim = raw[3]
    header = 4 + 4 * ndim
    if ndim == 0 or len(raw) < header:
        raise ValueError(f"{path}: truncated IDX header")
    shape = tuple(int(d) for d in np.frombuffer(raw, ">u4", count=ndim, offset=4))
    dtype = np.dtype(IDX_TYPES[raw[2]])
    expected = int(np.prod(shape)) * dtype.itemsize
    if len(raw) - header != expected:
        raise ValueError(
            f"{path}: IDX header declares shape {shape} ({expected} bytes of data) "
            f"but the file holds {len(raw) - header}"
        )
    return np.frombuffer(raw, dtype, offset=header).reshape(shape)


def _find(folder: Path, stem: str) -> Path:
    for name in (stem, stem + ".gz", stem.replace("-idx", ".idx"),
                 stem.replace("-idx", ".idx") + ".gz"):
        if (folder / name).is_file():
            return folder / name
    raise FileNotFoundError(f"{folder}: no {stem} or {stem}.gz (MNIST IDX training file)")


def _checked(X: np.ndarray, y: np.ndarray, source: str) -> tuple[np.ndarray, np.ndarray]:
    """Flatten images, scale pixels to [0, 1], check labels are 0..9 and counts agree."""
    if X.ndim < 2:
        raise ValueError(f"{source}: images must have at least 2 dimensions, got shape {X.shape}")
    if y.ndim != 1 or len(y) != len(X):
        raise ValueError(
            f"{source}: {len(X)} images but labels of shape {y.shape} (need one label each)"
        )
    if not np.issubdtype(y.dtype, np.integer) or y.min() < 0 or y.max() > 9:
        raise ValueError(f"{source}: labels must be integers 0..9")
    X = X.reshape(len(X), -1).astype(np.float64)
    if not np.all(np.isfinite(X)):
        raise ValueError(f"{source}: images contain NaN or inf")
    scale = X.max()
    if scale > 1.0:
        X /= 255.0 if scale <= 255.0 else scale
    return X, y.astype(np.int64)


def load_mnist(path: str | os.PathLike) -> tuple[np.ndarray, np.ndarray]:
    """MNIST training set from a folder of IDX files or an ``.npz`` file.

    Returns
    -------
    X : ndarray (m, 784), float64 in [0, 1]
    y : ndarray (m,), int64 labels 0..9
    """
    path = Path(path)
    if not path.exists():
        raise FileNotFoundError(f"{path}: no such file or folder")
    if path.is_dir():
        X = read_idx(_find(path, MNIST_IMAGES))
        y = read_idx(_find(path, MNIST_LABELS))
        return _checked(X, y, str(path))
    arrays = read_npz(path, ("x_train", "y_train"))
    missing = sorted({"x_train", "y_train"} - set(arrays))
    if missing:
        raise ValueError(f"{path}: the .npz lacks {missing} (needs x_train and y_train)")
    X, y = arrays["x_train"], arrays["y_train"]
    return _checked(X, y, str(path))


def save_npz(path: str | os.PathLike, X: np.ndarray, y: np.ndarray) -> Path:
    """Write ``X`` and ``y`` to an ``.npz`` file atomically."""
    buf = io.BytesIO()
    np.savez(buf, X=X, y=y)
    return atomic_write_bytes(path, buf.getvalue())

"""Writing results: atomic files and JSON with non-finite numbers made explicit.

A result file is written to a temporary file in the same folder, flushed,
fsynced and renamed over the target, so a reader never sees half a file and
an interruption never leaves a torn one. The temporary file is created with
mode ``0o666`` filtered by the process umask, as ``open(path, "w")`` would
create it (``0o644`` under the usual umask 022), not the ``0o600`` of
:func:`tempfile.mkstemp`.
"""

from __future__ import annotations

import json
import math
import os
import platform
import secrets
import sys
from pathlib import Path

import numpy as np


def atomic_write_bytes(path: str | os.PathLike, data: bytes) -> Path:
    """Write ``data`` to ``path`` atomically (temp file + fsync + rename).

    The file gets the mode a plain ``open(path, "wb")`` gives a new file:
    ``0o666 & ~umask``.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = _create_temporary(path)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def _create_temporary(path: Path) -> tuple[int, Path]:
    """A new, exclusively created file next to ``path`` (mode ``0o666``, the kernel applies
    the umask) and its open descriptor."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
    while True:
        tmp = path.parent / f".{path.name}.{secrets.token_hex(6)}.tmp"
        try:
            return os.open(tmp, flags, 0o666), tmp
        except FileExistsError:  # pragma: no cover - a 48-bit random name collided
            continue


def atomic_write_text(path: str | os.PathLike, text: str) -> Path:
    """Write ``text`` (UTF-8) to ``path`` atomically."""
    return atomic_write_bytes(path, text.encode("utf-8"))


def to_jsonable(obj):
    """Convert NumPy scalars/arrays recursively; NaN and inf become ``None``."""
    if isinstance(obj, dict):
        return {str(k): to_jsonable(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [to_jsonable(v) for v in obj]
    if isinstance(obj, np.ndarray):
        return to_jsonable(obj.tolist())
    if isinstance(obj, np.bool_):
        return bool(obj)
    if isinstance(obj, np.integer):
        return int(obj)
    if isinstance(obj, (float, np.floating)):
        value = float(obj)
        return value if math.isfinite(value) else None
    return obj


def write_json(path: str | os.PathLike, data) -> None:
    """Write ``data`` as indented JSON to ``path`` atomically, or to stdout for ``"-"``."""
    text = json.dumps(to_jsonable(data), indent=2, allow_nan=False) + "\n"
    if str(path) == "-":
        sys.stdout.write(text)
    else:
        atomic_write_text(path, text)


def pyplot():
    """``matplotlib.pyplot``, on the headless Agg backend unless pyplot is already in use.

    A command-line run gets Agg (no display needed); inside Jupyter, where pyplot
    was imported with the inline backend, the backend is left alone so figures
    keep showing.
    """
    if "matplotlib.pyplot" not in sys.modules:
        import matplotlib

        matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


#: Distributions whose versions :func:`versions` records (those that shape results).
RECORDED_PACKAGES = ("numpy", "scipy", "sympy", "hypothesis", "numba")


def larscheck_version() -> str:
    """The installed larscheck's version (from its metadata, so that no module below the
    CLI imports the umbrella package for it)."""
    from importlib import metadata

    return metadata.version("larscheck")


def versions(*extra: str) -> dict[str, str]:
    """Versions that produced a result: larscheck, Python and the numerical packages.

    ``extra`` names further distributions to record (e.g. ``"keras"``).

    Every command writes this next to its results (``"versions"`` in its JSON), so a
    reported number can be traced to the code that computed it. A package that is not
    installed is recorded as ``"not installed"``.
    """
    from importlib import metadata

    out = {"larscheck": larscheck_version(), "python": platform.python_version()}
    for name in (*RECORDED_PACKAGES, *extra):
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            out[name] = "not installed"
    return out

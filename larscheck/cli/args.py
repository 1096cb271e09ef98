"""Argument types and the usage error of the ``larscheck`` command line.

Every command module takes its argparse types from here; a bad value becomes an
:class:`argparse.ArgumentTypeError`, which the parser reports as one line (exit 2).
"""

from __future__ import annotations

import argparse
import math
import os
import re
from pathlib import Path

#: A number as the argument types below read it (``-1``, ``-.5``, ``-2.5e-3``) ...
_NUMBER = r"(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?"
#: ... and a word that starts with ``-`` but is a value: a negative number or a
#: comma-separated list of numbers whose first is negative (``-1,4,0.3``).
NEGATIVE_VALUE = re.compile(rf"^-{_NUMBER}(?:,\s*[-+]?{_NUMBER})*,?$")


class UsageError(ValueError):
    """A command-line input error; reported as one line, exit code 2.

    Parameters
    ----------
    message : str
        What is wrong, naming the argument.
    prog : str, optional
        The command it belongs to (``"larscheck one-d"``); when omitted, the
        command line's error handler names the command that was running.
    """

    def __init__(self, message: str, prog: str | None = None):
        super().__init__(message)
        self.prog = prog


class Parser(argparse.ArgumentParser):
    """argparse with its usage errors reported as a single line (exit 2), and
    negative numbers and number lists read as values.

    argparse takes any word that starts with ``-`` for an option unless it is a
    plain negative number, so ``--xstar -1,4`` failed with "expected one argument".
    Here every word that matches :data:`NEGATIVE_VALUE` is a value (no option of
    larscheck looks like a number).
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._negative_number_matcher = NEGATIVE_VALUE

    def error(self, message):  # pragma: no cover - exercised through main()
        raise UsageError(message, prog=self.prog)


def finite_float(text: str) -> float:
    """argparse type: a finite float."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
    if not math.isfinite(value):
        raise argparse.ArgumentTypeError(f"must be finite, got {text!r}")
    return value


def positive_float(text: str) -> float:
    """argparse type: a finite float > 0."""
    value = finite_float(text)
    if value <= 0:
        raise argparse.ArgumentTypeError(f"must be > 0, got {text!r}")
    return value


def _int_at_least(text: str, lo: int) -> int:
    """An integer ``>= lo`` from ``text``, or an argparse error naming the problem."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not an integer: {text!r}") from None
    if value < lo:
        raise argparse.ArgumentTypeError(f"must be >= {lo}, got {text!r}")
    return value


def positive_int(text: str) -> int:
    """argparse type: an integer >= 1."""
    return _int_at_least(text, 1)


def seed_int(text: str) -> int:
    """argparse type: a seed, an integer >= 0 (what ``numpy.random.default_rng`` takes)."""
    return _int_at_least(text, 0)


def float_list(text: str) -> list[float]:
    """argparse type: comma-separated finite floats, e.g. ``1,10`` or ``-1,4,0.3``."""
    return [finite_float(t) for t in text.split(",") if t.strip()]


def int_list(text: str) -> list[int]:
    """argparse type: comma-separated integers, e.g. ``2,10,100``."""
    try:
        return [int(t) for t in text.split(",") if t.strip()]
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a list of integers: {text!r}") from None


def _writable_parent(path: Path, text: str) -> None:
    """Check the nearest existing ancestor of ``path`` is a folder we may write in."""
    parent = path.parent
    while not parent.exists() and parent != parent.parent:
        parent = parent.parent
    if not parent.is_dir():
        raise argparse.ArgumentTypeError(f"{text!r}: {parent} is a file, not a folder")
    if not os.access(parent, os.W_OK | os.X_OK):
        raise argparse.ArgumentTypeError(f"{text!r}: cannot write in {parent} (permission denied "
                                         "or read-only)")


def out_dir(text: str) -> str:
    """argparse type: a folder to write into (made if missing), checked before any work."""
    if not text.strip():
        raise argparse.ArgumentTypeError("expected a folder path, got ''")
    path = Path(text)
    if path.exists() and not path.is_dir():
        raise argparse.ArgumentTypeError(f"{text!r} is a file, not a folder")
    if path.is_dir():
        if not os.access(path, os.W_OK | os.X_OK):
            raise argparse.ArgumentTypeError(f"{text!r}: cannot write in it (permission denied "
                                             "or read-only)")
        return text
    _writable_parent(path, text)
    return text


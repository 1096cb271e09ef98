"""The ``larscheck`` command line.

Each subcommand is a module that defines ``NAME``, ``HELP``,
``add_arguments(parser)`` and ``run(args) -> int``; adding one is a new module
plus one line in :data:`COMMANDS`. Command modules keep heavy imports
(TensorFlow, Dask) inside ``run`` so that ``larscheck --help`` stays fast.

Bad input (``ValueError``, ``TypeError``, unreadable files) becomes one line on
stderr and exit code 2, never a traceback.
"""

from __future__ import annotations

import argparse
import importlib
import math
import sys
from collections.abc import Sequence

import larscheck

#: Subcommand modules, in the order ``--help`` lists them.
COMMANDS: tuple[str, ...] = (
    "larscheck.proofs_check.cmd_verify",
    "larscheck.proofs_check.cmd_search",
    "larscheck.proofs_check.cmd_one_d",
    "larscheck.sims.cmd_simulate",
    "larscheck.proofs_check.cmd_experiments",
    "larscheck.sims.cmd_resnet",
    "larscheck.proofs_check.cmd_sweep",
    "larscheck.proofs_check.cmd_plot",
)


class UsageError(ValueError):
    """A command-line input error; reported as one line, exit code 2."""


class _Parser(argparse.ArgumentParser):
    """argparse with its usage errors reported as a single line (exit 2)."""

    def error(self, message):  # pragma: no cover - exercised through main()
        raise UsageError(f"{self.prog}: {message}")


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
    """argparse type: comma-separated finite floats, e.g. ``1,10``."""
    return [finite_float(t) for t in text.split(",") if t.strip()]


def build_parser() -> argparse.ArgumentParser:
    """The top-level parser with every registered subcommand."""
    parser = _Parser(prog="larscheck", description=(larscheck.__doc__ or "").splitlines()[0])
    parser.add_argument("--version", action="version", version=f"larscheck {larscheck.__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    for path in COMMANDS:
        module = importlib.import_module(path)
        cmd = sub.add_parser(module.NAME, help=module.HELP, description=module.HELP)
        module.add_arguments(cmd)
        cmd.set_defaults(_run=module.run)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the console script; returns the exit code."""
    try:
        parser = build_parser()
        args = parser.parse_args(argv)
        if args.command is None:
            parser.print_help()
            return 2
        return int(args._run(args) or 0)
    except (ValueError, TypeError, OSError) as exc:
        message = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        print(f"larscheck: error: {message}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("larscheck: interrupted", file=sys.stderr)
        return 130

"""The ``larscheck`` command line: the parser, the dispatch, errors as exit code 2.

Each subcommand is a module of this package that defines ``NAME``, ``HELP``,
``add_arguments(parser)`` and ``run(args) -> int``; adding one is a new module
plus one line in :data:`COMMANDS`. Command modules keep heavy imports
(TensorFlow, Dask, SymPy derivations) inside ``run`` so that ``larscheck --help``
stays fast.

Bad input (``ValueError``, ``TypeError``, unreadable files) becomes one line on
stderr, ``larscheck COMMAND: error: MESSAGE`` (argparse's own form, with the
command that was given), and exit code 2, never a traceback.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence
from importlib.metadata import version

from larscheck.cli.args import Parser

#: First line of ``larscheck --help``.
DESCRIPTION = "larscheck: put the convergence theory of LARS and PercentDelta to the test."

#: Subcommand modules, in the order ``--help`` lists them.
COMMANDS: tuple[str, ...] = (
    "larscheck.cli.verify",
    "larscheck.cli.statements",
    "larscheck.cli.search",
    "larscheck.cli.one_d",
    "larscheck.cli.simulate",
    "larscheck.cli.experiments",
    "larscheck.cli.resnet",
    "larscheck.cli.sweep",
    "larscheck.cli.plot",
)


def build_parser() -> argparse.ArgumentParser:
    """The top-level parser with every registered subcommand."""
    parser = Parser(prog="larscheck", description=DESCRIPTION)
    parser.add_argument("--version", action="version", version=f"larscheck {version('larscheck')}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=Parser)
    for path in COMMANDS:
        module = importlib.import_module(path)
        cmd = sub.add_parser(module.NAME, help=module.HELP, description=module.HELP)
        module.add_arguments(cmd)
        cmd.set_defaults(_run=module.run, _prog=cmd.prog)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the console script; returns the exit code."""
    prog = "larscheck"
    try:
        parser = build_parser()
        args = parser.parse_args(argv)
        if args.command is None:
            parser.print_help()
            return 2
        prog = args._prog
        return int(args._run(args) or 0)
    except (ValueError, TypeError, OSError) as exc:
        message = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        print(f"{getattr(exc, 'prog', None) or prog}: error: {message}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("larscheck: interrupted", file=sys.stderr)
        return 130

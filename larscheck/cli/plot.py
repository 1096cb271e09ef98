"""``larscheck plot KIND ...``: figures from result files.

Each kind is a module with ``HELP``, ``add_arguments(parser)`` and
``run(args) -> int``, registered in :data:`KINDS`; adding a kind is a new
module plus one line there.
"""

from __future__ import annotations

import argparse
import importlib

NAME = "plot"
HELP = "Draw figures from result files (e.g. 'larscheck plot sweep RESULTS.jsonl --out DIR')."

#: Plot kinds: name -> module.
KINDS = {
    "sweep": "larscheck.proofs_check.sweep.plots",
}


def add_arguments(p: argparse.ArgumentParser) -> None:
    """One sub-command per plot kind (parsed with the same one-line-error parser)."""
    sub = p.add_subparsers(dest="kind", metavar="KIND", required=True, parser_class=type(p))
    for name, path in KINDS.items():
        module = importlib.import_module(path)
        kind = sub.add_parser(name, help=module.HELP, description=module.HELP)
        module.add_arguments(kind)
        kind.set_defaults(_plot=module.run, _prog=kind.prog)


def run(args) -> int:
    return args._plot(args)

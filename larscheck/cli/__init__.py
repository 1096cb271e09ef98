"""The ``larscheck`` command line (:func:`main`); one module per command.

:mod:`.main` holds the parser and the dispatch, :mod:`.args` the argument types
and :class:`~.args.UsageError`; every other module is one subcommand.
"""

from larscheck.cli.main import COMMANDS, build_parser, main

__all__ = ["COMMANDS", "build_parser", "main"]

"""Argument parsing: negative numbers and number lists are values, not options."""

from __future__ import annotations

import argparse

import pytest

from larscheck.cli import build_parser, main
from larscheck.cli.args import NEGATIVE_VALUE, float_list, int_list


def _subparsers(parser: argparse.ArgumentParser, prefix=()):
    """Every (command path, parser) below ``parser``, depth first."""
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                yield (*prefix, name), sub
                yield from _subparsers(sub, (*prefix, name))


def _list_options():
    """(command path, parser, action) of every option that takes a number list."""
    for path, parser in _subparsers(build_parser()):
        for action in parser._actions:
            if action.type in (float_list, int_list) and action.option_strings:
                yield path, parser, action


def _required_argv(parser: argparse.ArgumentParser, skip) -> list[str]:
    """Placeholder values for the required arguments of ``parser`` other than ``skip``."""
    argv = []
    for action in parser._actions:
        if action is skip or isinstance(action, argparse._SubParsersAction):
            continue
        if not action.option_strings:
            argv.append("x")
        elif action.required:
            argv += [action.option_strings[0], "x"]
    return argv


LIST_OPTIONS = list(_list_options())


def test_every_command_with_list_options_is_covered():
    commands = {path[0] for path, _, _ in LIST_OPTIONS}
    assert {"simulate", "sweep", "resnet"} <= commands
    assert any(a.dest == "xstar" for _, _, a in LIST_OPTIONS)


@pytest.mark.parametrize("path, parser, action", LIST_OPTIONS,
                         ids=[f"{' '.join(p)} {a.option_strings[0]}" for p, _, a in LIST_OPTIONS])
def test_a_list_option_takes_a_negative_first_value(path, parser, action):
    argv = [*_required_argv(parser, action), action.option_strings[0], "-1,4"]
    args = parser.parse_args(argv)
    assert getattr(args, action.dest) == [-1, 4]


@pytest.mark.parametrize("text", ["-1", "-1,4", "-1,4,0.3", "-.5", "-2.5e-3,1e3", "-1, -2",
                                  "-3,"])
def test_negative_values_are_recognised(text):
    assert NEGATIVE_VALUE.match(text)


@pytest.mark.parametrize("text", ["--lam", "-x", "-1,a", "-", "-e3", "-1..2"])
def test_options_are_not_taken_for_values(text):
    assert not NEGATIVE_VALUE.match(text)


def test_simulate_with_a_negative_minimiser_runs(capsys):
    assert main(["simulate", "--eigs", "1,2,3", "--xstar", "-1,4,0.3", "--x0", "1,-1,1",
                 "--steps", "3", "--lam", "-1e-3"]) == 2  # a negative rate: caught by its type
    assert "argument --lam: must be > 0" in capsys.readouterr().err
    assert main(["simulate", "--eigs", "1,2,3", "--xstar", "-1,4,0.3", "--x0", "1,-1,1",
                 "--steps", "3"]) == 0


def test_an_option_after_a_list_is_still_an_option():
    args = build_parser().parse_args(["simulate", "--xstar", "-1,4", "--x0", "-2,1"])
    assert args.xstar == [-1, 4] and args.x0 == [-2, 1]

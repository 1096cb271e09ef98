"""Terminal output: the verify table fits 100 columns, colour only on a terminal."""

from __future__ import annotations

import io
import re

import pytest

from larscheck.cli import main
from larscheck.proofs_check.registry import statements
from larscheck.proofs_check.report import Report, Result
from larscheck.proofs_check.terminal import colour_enabled, paint, table, wrap
from larscheck.proofs_check.verdict import Verdict, headline, short_finding

ANSI = re.compile(r"\x1b\[[0-9;]*m")

LONG = ("bound holds at all 33 checkpoints of 540 runs; worst observed/bound 0.1204 (bound 8.3x "
        "the worst case); median ratio at the last step 2.31e-06; at the last step the bound "
        "still exceeds f(x0) - f* in 540/540 runs (a; b); tight variant worst 0.167")


class _Stream(io.StringIO):
    def __init__(self, tty: bool):
        super().__init__()
        self._tty = tty

    def isatty(self):
        return self._tty


def _report(verdicts) -> Report:
    entries = statements()
    return Report(seed=0, quick=True, results=[Result(s, v, 0.1)
                                               for s, v in zip(entries, verdicts, strict=False)])


@pytest.mark.parametrize("tty, env, expected", [
    (True, {}, True), (False, {}, False), (True, {"NO_COLOR": "1"}, False),
    (True, {"TERM": "dumb"}, False), (True, {"NO_COLOR": ""}, True),
])
def test_colour_only_on_a_terminal_without_no_color(monkeypatch, tty, env, expected):
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.setenv("TERM", "xterm")
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    assert colour_enabled(_Stream(tty)) is expected


def test_paint_is_plain_when_off_or_unknown():
    assert paint("holds", "holds", False) == "holds"
    assert paint("x", "nonsense", True) == "x"
    assert ANSI.sub("", paint("VIOLATED", "violated", True)) == "VIOLATED" != paint(
        "VIOLATED", "violated", True)


def test_wrap_never_splits_a_number():
    text = "tolerance 1e-13 and 2.31e-06 and 540/540 and (1-lambda)^k " * 4
    lines = wrap(text, 20, "  ").splitlines()
    assert " ".join(w for line in lines for w in line.split()) == " ".join(text.split())
    assert all(len(line) <= 20 for line in lines)


def test_table_wraps_its_last_column_under_itself():
    rows = [("a", "b", "text"), ("id1", "x", LONG)]
    lines = table(rows, 60)
    assert all(len(line) <= 60 for line in lines)
    col = lines[0].index("text")
    assert all(line[:col].strip() == "" for line in lines[2:])
    assert " ".join(line[col:].strip() for line in lines[1:]) == " ".join(LONG.split())


def test_headline_is_the_first_clause_outside_brackets():
    assert headline("a (b; c) d; e; f") == "a (b; c) d"
    assert headline("x [1; 2]") == "x [1; 2]"
    v = Verdict("holds", 3, 0.5, LONG)
    assert short_finding(v) == "bound holds at all 33 checkpoints of 540 runs"
    v.summary = "set by the check"
    assert short_finding(v) == "set by the check"


def test_report_table_fits_100_columns_and_wide_keeps_the_finding():
    verdicts = [Verdict("holds", 540, 0.12, LONG), Verdict("refuted", 4, None, LONG * 2),
                Verdict("violated", 7, 1.5, LONG)]
    report = _report(verdicts)
    narrow = report.table(100).splitlines()
    assert all(len(line) <= 100 for line in narrow), max(narrow, key=len)
    assert LONG not in report.table(100)
    wide = report.table(wide=True)
    assert LONG in wide and LONG * 2 in wide
    assert not ANSI.search(report.table(100)) and ANSI.search(report.table(100, colour=True))
    assert ANSI.sub("", report.table(100, colour=True)) == report.table(100)


def test_verify_prints_plain_when_piped_and_colour_on_a_terminal(monkeypatch, capsys):
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.setenv("TERM", "xterm")
    monkeypatch.setenv("COLUMNS", "100")
    argv = ["verify", "--quick", "--only", "one_d.update", "one_d.interval"]
    assert main(argv) == 0
    piped = capsys.readouterr().out
    assert not ANSI.search(piped) and all(len(line) <= 100 for line in piped.splitlines())
    monkeypatch.setattr("sys.stdout.isatty", lambda: True, raising=False)
    assert main(argv) == 0
    coloured = capsys.readouterr().out
    assert ANSI.search(coloured)
    assert ANSI.sub("", coloured).splitlines()[:-2] == piped.splitlines()[:-2]  # timings differ
    monkeypatch.setenv("NO_COLOR", "1")
    assert main(argv) == 0
    assert not ANSI.search(capsys.readouterr().out)
    assert main([*argv, "--wide"]) == 0
    wide = capsys.readouterr().out
    assert "(tolerance 1e-13); worst observed/bound" in wide


NUMBER = re.compile(r"\d+(?:\.\d+)?(?:e[-+]?\d+)?")


def test_every_short_finding_is_short_and_quotes_its_finding():
    """Each check's short finding fits :data:`SUMMARY_CHARS` and every number in it is a
    number of the full finding (a digest of the same data, never a new claim)."""
    from larscheck.proofs_check.report import verify
    from larscheck.proofs_check.verdict import SUMMARY_CHARS

    report = verify(seed=0, quick=True, progress=False)
    for r in report.results:
        short, full = short_finding(r.verdict), r.verdict.finding
        assert 0 < len(short) <= SUMMARY_CHARS, (r.statement.id, short)
        missing = set(NUMBER.findall(short)) - set(NUMBER.findall(full))
        assert not missing, (r.statement.id, short, missing)
    assert all(len(line) <= 100 for line in report.table(100).splitlines())

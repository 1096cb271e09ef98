"""verify on several processes, and the listing read from the declarations."""

from __future__ import annotations

import sys

import pytest

from larscheck.proofs_check import listing, parallel
from larscheck.proofs_check.registry import DEFAULT, statements
from larscheck.proofs_check.report import verify

#: theorem1 and theorem2 share a run (counted once); one_d.update shares none.
IDS = ["one_d.update", "theorem1", "theorem2"]


def test_two_workers_write_the_same_report_as_one(tmp_path):
    one, two = tmp_path / "one.json", tmp_path / "two.json"
    serial = verify(IDS, seed=4, quick=True, workers=1)
    serial.write_json(one)
    forked = verify(IDS, seed=4, quick=True, workers=2)
    forked.write_json(two)
    assert one.read_bytes() == two.read_bytes()
    assert [r.statement.id for r in forked.results] == IDS
    # the shared run of theorem1/theorem2 counts once whichever workers ran them
    assert forked.simulated == serial.simulated > 0


def test_a_verdict_that_cannot_travel_is_rerun_here(monkeypatch):
    """A verdict that does not pickle comes back as None and is computed again here."""
    sid, verdict, *_ = parallel._check(("one_d.update", 0, True))
    assert sid == "one_d.update" and verdict is not None
    monkeypatch.setattr(parallel.pickle, "dumps", _refuse)
    assert parallel._check(("one_d.update", 0, True))[1] is None
    report = verify(["one_d.update", "one_d.sign"], quick=True, workers=2)
    assert [r.verdict.verdict for r in report.results] == [
        r.verdict.verdict for r in verify(["one_d.update", "one_d.sign"], quick=True,
                                          workers=1).results]


def _refuse(obj):
    raise TypeError("cannot pickle")


def test_a_plugged_search_keeps_the_checks_here(monkeypatch):
    assert parallel.builtin_only(DEFAULT)
    monkeypatch.setitem(DEFAULT.searches, "conjecture1", lambda ctx: None)
    assert not parallel.builtin_only(DEFAULT)


def test_workers_are_checked():
    for bad in (0, -2, 1.5, True):
        with pytest.raises((ValueError, TypeError), match="workers"):
            verify(["one_d.update"], workers=bad)


def test_listing_equals_the_registry():
    assert listing.declarations() == [{name: getattr(s, name) for name in listing.FIELDS}
                                      for s in statements()]


def test_listing_needs_literal_fields(tmp_path, monkeypatch):
    pkg = tmp_path / "made_up_checks"
    pkg.mkdir()
    (pkg / "__init__.py").write_text("")
    literal = ('@register(id="a.b", section="1.2", kind="paper", confidence="high", '
               'title="t", order=(0, 1))\ndef check(ctx):\n    pass\n')
    (pkg / "one.py").write_text(literal)
    (pkg / "two.py").write_text(literal.replace('"a.b"', '"a.c"').replace("(0, 1)", "(0, 0)"))
    monkeypatch.syspath_prepend(str(tmp_path))
    sys.modules.pop("made_up_checks", None)
    assert [e["id"] for e in listing.declarations("made_up_checks")] == ["a.c", "a.b"]
    (pkg / "two.py").write_text(literal.replace('"a.b"', "NAME"))
    assert listing.declarations("made_up_checks") is None

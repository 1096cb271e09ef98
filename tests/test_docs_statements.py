"""The statements shipped with the project: registry fields, ``larscheck statements``,
the catalogue's Markdown (docs page and ``report.md``)."""

from __future__ import annotations

import dataclasses
import html
import json
import re
from collections import Counter

import pytest

from larscheck.cli import main
from larscheck.proofs_check import catalogue
from larscheck.proofs_check.registry import ORDER, statements
from larscheck.proofs_check.search.bounds import SPECS
from larscheck.proofs_check.search.conjecture import STATEMENT as CONJECTURE


def test_sections_are_unique():
    counts = Counter(s.section for s in statements())
    assert [sec for sec, n in counts.items() if n > 1] == []


def test_every_statement_says_what_its_confidence_rests_on():
    for s in statements():
        assert len(s.basis.split()) >= 8, f"{s.id}: basis missing or a stub: {s.basis!r}"


def test_every_accepted_id_is_listed(capsys):
    """`statements` lists what `verify --only` and `search` accept, search targets marked."""
    assert main(["statements"]) == 0
    lines = capsys.readouterr().out.splitlines()
    listed = {line.split()[0]: line for line in lines}
    accepted = set(ORDER) | set(SPECS) | {CONJECTURE}
    assert accepted <= set(listed), f"not listed: {accepted - set(listed)}"
    for sid in set(SPECS) - set(ORDER):
        assert "search target" in listed[sid]
    for sid in ORDER:
        assert "search target" not in listed[sid]
    assert [line.split()[0] for line in lines][:len(ORDER)] == list(ORDER)


def test_statements_theorem2_prints_the_statement(capsys):
    assert main(["statements", "theorem2"]) == 0
    out = capsys.readouterr().out
    (s,) = statements(["theorem2"])
    assert out.startswith(f"theorem2  (STATEMENTS {s.section}): {s.title}")
    flat = " ".join(out.split())
    for words in (s.claim, s.hypotheses, s.how, s.basis):
        assert " ".join(words.split()) in flat
    for _, formula in s.formulas:
        assert " ".join(formula.latex.split()) in flat
    assert f"confidence {s.confidence}:" in flat and "larscheck search theorem2" in flat


def test_search_target_and_unknown_id(capsys):
    assert main(["statements", "cos_bound.paper"]) == 0
    assert "search target" in capsys.readouterr().out
    assert main(["statements", "theorem9"]) == 2
    err = capsys.readouterr().err
    assert "theorem9" in err and "lars_step.contraction" in err


def _document(**row):
    base = {"id": "theorem1", "proved": True, "verdict": "holds", "cases": 12,
            "worst_ratio": 0.5, "finding": "fine"}
    return {"version": "9.9", "seed": 3, "quick": True, "statements": [{**base, **row}]}


def test_verdict_from_a_verify_json(tmp_path, capsys):
    path = tmp_path / "v.json"
    path.write_text(json.dumps(_document(verdict="violated", worst_ratio=1.5,
                                         finding="broken at k = 3")))
    assert main(["statements", "theorem1", "--verify-json", str(path)]) == 0
    out = " ".join(capsys.readouterr().out.split())
    assert "verdict VIOLATED (a statement the paper proves); 12 cases" in out
    assert "worst observed/bound 1.5. broken at k = 3" in out
    path.write_text('{"statements": 3}')
    assert main(["statements", "--verify-json", str(path)]) == 2
    assert "not a `larscheck verify --json` document" in capsys.readouterr().err
    path.write_text("{")
    assert main(["statements", "--verify-json", str(path)]) == 2


def test_markdown_escapes_words_and_keeps_latex():
    assert catalogue.escape("||x*|| and f* | $5 <b>") == r"\|\|x\*\|\| and f\* \| \$5 \<b\>"
    (s,) = statements(["theorem2"])
    md = catalogue.markdown([s], _document(id="theorem2"), level=3)
    assert md.startswith(f"### {s.section} `theorem2`: ")
    for _, formula in s.formulas:
        assert f"$$\n{formula.latex}\n$$" in md  # LaTeX verbatim, never escaped
    assert "**Verdict** in `larscheck verify --quick --seed 3` (larscheck 9.9): holds" in md
    assert catalogue.escape(s.basis) in md
    markdown_it = pytest.importorskip("markdown_it")  # CommonMark, as MyST and GitHub read it
    rendered = html.unescape(re.sub(r"<[^>]+>", "", markdown_it.MarkdownIt().render(md)))
    for words in (s.claim, s.hypotheses, s.how, s.basis, s.title):
        assert " ".join(words.split()) in " ".join(rendered.split()), words
    tricky = "x *and* y __b__ <b>c</b> `d` $e$ [f](g)"  # each would be markup unescaped
    md = catalogue.markdown([dataclasses.replace(s, claim=tricky)])
    assert tricky in html.unescape(re.sub(r"<[^>]+>", "", markdown_it.MarkdownIt().render(md)))


def test_targets_markdown_lists_only_search_ids():
    md = catalogue.targets_markdown()
    ids = re.findall(r"^- `([^`]+)` \(search target\)", md, flags=re.M)
    assert ids and set(ids) == set(SPECS) - set(ORDER)


@pytest.mark.slow
def test_report_md_has_the_statements_section(tmp_path, capsys):
    out = tmp_path / "report"
    assert main(["verify", "--quick", "--only", "one_d.update", "--out", str(out)]) == 0
    md = (out / "report.md").read_text()
    tail = md.split("## The statements checked", 1)[1]
    (s,) = statements(["one_d.update"])
    assert f"### {s.section} `one_d.update`" in tail and catalogue.escape(s.basis) in tail

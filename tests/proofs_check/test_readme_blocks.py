"""The README's generated block: marker handling, the verdict table, the README's size."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from tools import readme_blocks as rb

README = Path(__file__).resolve().parents[2] / "README.md"


def _doc(rows):
    return {"version": "9.9", "seed": 7, "quick": True, "simulated_problems": 123,
            "statements": rows}


def _row(i, verdict="holds", ratio=0.5, proved=True, finding="fine"):
    return {"id": f"s{i}", "section": f"2.{i}", "kind": "paper", "confidence": "medium",
            "proved": proved, "verdict": verdict, "cases": 10 * i, "worst_ratio": ratio,
            "finding": finding}


def _framed(name, body="STALE-BODY"):
    begin, end = rb.markers(name)
    return f"# Title\n\nintro\n{begin}\n{body}\n{end}\n\n## After\ntext\n"


def test_replace_block_touches_only_the_block():
    text = _framed("verify-table")
    new = rb.replace_block(text, "verify-table", "new body\n")
    begin, end = rb.markers("verify-table")
    assert new.split(begin)[0] == text.split(begin)[0]
    assert new.split(end)[1] == text.split(end)[1]
    assert new.split(begin)[1].split(end)[0] == "\nnew body\n"
    assert rb.replace_block(new, "verify-table", "new body") == new  # idempotent


@pytest.mark.parametrize("mangle", ["drop begin", "drop end", "twice", "swapped"])
def test_bad_markers_are_errors(mangle):
    begin, end = rb.markers("verify-table")
    text = _framed("verify-table")
    if mangle == "drop begin":
        text = text.replace(begin, "")
    elif mangle == "drop end":
        text = text.replace(end, "")
    elif mangle == "twice":
        text += text
    else:
        text = text.replace(begin, "@@").replace(end, begin).replace("@@", end)
    with pytest.raises(ValueError, match="verify-table"):
        rb.replace_block(text, "verify-table", "x")


def test_unknown_block():
    with pytest.raises(ValueError, match="block must be one of"):
        rb.markers("nope")


def test_verify_table_rows_and_cells():
    rows = [_row(1), _row(2, "violated", 1.7, finding="a | b\nc"),
            _row(3, "refuted", None, proved=False), _row(4, "violated", 2.0, proved=False)]
    table = rb.verify_table(_doc(rows)).splitlines()
    assert "--quick --seed 7" in table[0] and "larscheck 9.9" in table[0]
    assert "4 statements, 100 cases" in table[0] and "123 simulated problems" in table[0]
    body = table[4:]
    assert len(body) == len(rows)
    cells = [re.split(r"(?<!\\)\|", line)[1:-1] for line in body]
    assert all(len(c) == 8 for c in cells)
    assert [c[0].strip() for c in cells] == ["`s1`", "`s2`", "`s3`", "`s4`"]
    assert cells[1][4].strip() == "**VIOLATED**"  # proved in the paper and violated
    assert cells[3][4].strip() == "violated"  # not proved by the paper: no alarm
    assert cells[1][7].strip() == "a \\| b c"
    assert cells[2][6].strip() == "–" and cells[1][6].strip() == "1.7"


def test_main_rewrites_a_file_from_a_verify_json(tmp_path):
    readme = tmp_path / "README.md"
    readme.write_text(_framed("verify-table"))
    doc = tmp_path / "verify.json"
    doc.write_text(json.dumps(_doc([_row(1), _row(2)])))
    assert rb.main([str(readme), "--verify-json", str(doc)]) == 0
    text = readme.read_text()
    assert "| `s2` | 2.2 |" in text and "STALE-BODY" not in text
    assert text.count("## After") == 1
    before = text
    assert rb.main([str(readme), "--verify-json", str(doc), "--only", "verify-table"]) == 0
    assert readme.read_text() == before


def test_main_checks_markers_before_running_verify(tmp_path):
    readme = tmp_path / "README.md"
    readme.write_text("no markers here\n")
    with pytest.raises(ValueError, match="verify-table"):
        rb.main([str(readme)])
    assert readme.read_text() == "no markers here\n"


def test_readme_holds_the_block_is_short_and_has_no_cli_reference():
    text = README.read_text()
    for name in rb.BLOCKS:
        rb.replace_block(text, name, "")  # markers present exactly once, in order
    assert len(text.splitlines()) <= 200
    assert "usage: larscheck" not in text  # the CLI reference lives in the docs
    commands = [line for line in text.splitlines() if line.startswith("    pip install")]
    assert commands[0] == "    pip install -e . && larscheck verify"  # the core install first


def test_readme_test_command_is_what_ci_runs():
    ci = (README.parent / ".ci" / "run").read_text().splitlines()
    command = ci[ci.index("# --- the README's test command, verbatim ---") + 1]
    assert f"    {command}" in README.read_text().splitlines()


def test_short_findings_come_from_the_summary_or_the_headline():
    rows = [{**_row(1, finding="first clause; rest"), "summary": "the summary"},
            _row(2, finding="head (a; b); tail")]
    body = rb.verify_table(_doc(rows)).splitlines()[4:]
    assert body[0].endswith("| the summary |") and body[1].endswith("| head (a; b) |")


@pytest.mark.parametrize("quick, code", [(False, 0), (True, 1)])
def test_main_runs_larscheck_verify_json(tmp_path, monkeypatch, quick, code):
    """Without --verify-json the table comes from `larscheck verify --seed S --json PATH`."""
    import larscheck.cli

    calls = []

    def fake_main(argv):
        calls.append(list(argv))
        path = Path(argv[argv.index("--json") + 1])
        path.write_text(json.dumps(_doc([_row(1, "violated", 3.0)])))
        return code  # 1 = a proved statement violated: still tabulated

    monkeypatch.setattr(larscheck.cli, "main", fake_main)
    readme = tmp_path / "README.md"
    readme.write_text(_framed("verify-table"))
    argv = [str(readme), "--only", "verify-table", "--seed", "5"] + (["--quick"] if quick else [])
    assert rb.main(argv) == 0
    assert calls[0][:2] == ["verify", "--json"] and calls[0][3:5] == ["--seed", "5"]
    assert ("--quick" in calls[0]) == quick
    assert "**VIOLATED**" in readme.read_text()


def test_main_reports_a_failed_verify_run(tmp_path, monkeypatch):
    import larscheck.cli

    monkeypatch.setattr(larscheck.cli, "main", lambda argv: 2)
    readme = tmp_path / "README.md"
    readme.write_text(_framed("verify-table"))
    with pytest.raises(RuntimeError, match="exit code 2"):
        rb.main([str(readme), "--only", "verify-table"])
    assert "STALE-BODY" in readme.read_text()


def test_readme_python_examples_compile():
    """Every ```python block of the README is valid Python (its examples cannot rot into
    syntax errors; the notebooks execute the same API)."""
    blocks = re.findall(r"```python\n(.*?)```", README.read_text(), flags=re.S)
    assert blocks
    for i, code in enumerate(blocks):
        compile(code, f"README.md python block {i}", "exec")

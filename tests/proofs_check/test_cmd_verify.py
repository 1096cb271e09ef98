"""``larscheck verify``: --only, determinism, files, exit codes."""

import json

import pytest

from larscheck.cli import main
from larscheck.proofs_check import registry
from larscheck.proofs_check.registry import ORDER, statements
from larscheck.proofs_check.verdict import Verdict

#: Cheap statements for the CLI tests (each under a second in --quick).
CHEAP = ["one_d.interval", "theorem2", "stability_map"]


def test_registry_has_every_statement_with_theory_latex():
    entries = statements()
    assert [s.id for s in entries] == list(ORDER) and len(ORDER) == 21
    for s in entries:
        assert s.kind in ("paper", "beyond") and s.confidence in ("high", "medium", "low")
        assert all(tex for _, tex in s.latex())
    with pytest.raises(ValueError, match="unknown statement"):
        statements(["lemma7"])


def test_only_and_same_seed_give_identical_json(tmp_path, capsys):
    paths = [tmp_path / "a.json", tmp_path / "b.json"]
    for path in paths:
        assert main(["verify", "--quick", "--seed", "5", "--only", *CHEAP,
                     "--json", str(path)]) == 0
    out = capsys.readouterr().out
    assert all(i in out for i in CHEAP) and "lemma1 " not in out
    first, second = (p.read_bytes() for p in paths)
    assert first == second
    data = json.loads(first)
    assert data["seed"] == 5 and data["quick"] is True
    assert [s["id"] for s in data["statements"]] == CHEAP
    keys = {"id", "section", "kind", "confidence", "verdict", "cases", "worst_ratio",
            "finding", "witness"}
    assert all(keys <= set(s) for s in data["statements"])


def test_out_writes_report_and_nonempty_figures(tmp_path, capsys):
    out = tmp_path / "report"
    assert main(["verify", "--quick", "--only", *CHEAP, "--out", str(out)]) == 0
    md = (out / "report.md").read_text()
    assert all(f"`{i}`" in md for i in CHEAP) and "$$" in md
    assert json.loads((out / "report.json").read_text())["statements"]
    for name in ("one_d_cobweb", "theorem2", "stability_map"):
        for ext in ("png", "pdf"):
            assert (out / f"{name}.{ext}").stat().st_size > 1000
        assert f"({name}.png)" in md.split("![", 1)[1]  # the PNG is embedded ...
        assert f"[{name}.pdf]({name}.pdf)" in md  # ... the PDF linked, never embedded
        assert not any(line.startswith("![") and ".pdf)" in line for line in md.splitlines())


def test_unknown_id_is_a_usage_error(capsys):
    assert main(["verify", "--only", "theorem9"]) == 2
    assert "unknown statement id" in capsys.readouterr().err


def test_a_violated_proved_statement_exits_1_loudly(monkeypatch, capsys):
    entry = registry.statements("theorem1")[0]
    broken = Verdict("violated", 3, 2.0, "injected", {"seed": 0, "index": 1, "parameters": {}})
    monkeypatch.setitem(registry.DEFAULT.load(), "theorem1",
                        registry.Statement(**{**entry.__dict__, "check": lambda ctx: broken}))
    assert main(["verify", "--quick", "--only", "theorem1"]) == 1
    assert "VIOLATED: theorem1" in capsys.readouterr().err


def test_a_refuted_conjecture_or_beyond_statement_exits_0(monkeypatch):
    entry = registry.statements("stability_map")[0]
    broken = Verdict("violated", 3, None, "beyond the paper", None)
    monkeypatch.setitem(registry.DEFAULT.load(), "stability_map",
                        registry.Statement(**{**entry.__dict__, "check": lambda ctx: broken}))
    assert main(["verify", "--quick", "--only", "stability_map"]) == 0

"""The statement registry: choosing statements, plugging searches."""

import subprocess
import sys

import pytest

from larscheck.proofs_check import registry


def test_a_bare_id_is_one_statement():
    assert [s.id for s in registry.statements("lemma1")] == ["lemma1"]
    assert [s.id for s in registry.statements(["theorem2", "lemma1", "lemma1"])] == \
        ["lemma1", "theorem2"]  # the registry's order, duplicates dropped


def test_only_checks_that_consult_a_search_take_one():
    with pytest.raises(ValueError, match="consults no search"):
        registry.plug_search("lemma1", lambda ctx: None)
    with pytest.raises(ValueError, match="unknown statement"):
        registry.plug_search("no-such-id", lambda ctx: None)
    with pytest.raises(TypeError):
        registry.plug_search("conjecture1", "not callable")


#: A fresh process, where the check modules are not loaded yet when the user plugs.
_PLUG_FIRST = """
from larscheck.proofs_check import registry
def mine(ctx):
    return None
registry.plug_search("conjecture1", mine)
registry.statements()  # loads the checks and the built-in search
print(registry.plugged_search("conjecture1") is mine)
registry.plug_search("conjecture1", None)
registry.statements()
print(registry.plugged_search("conjecture1") is None)
"""


def test_a_search_plugged_before_the_checks_load_is_kept():
    out = subprocess.run([sys.executable, "-c", _PLUG_FIRST], capture_output=True, text=True,
                         check=True)
    assert out.stdout.split() == ["True", "True"]


#: A made-up statement: its declaration, check, figure record and figure in one module.
_MADE_UP = '''
from dataclasses import dataclass

import numpy as np

from larscheck.proofs_check import figures
from larscheck.proofs_check.registry import register
from larscheck.proofs_check.verdict import Verdict, worst_case
from larscheck.theory import bounds


@dataclass(frozen=True)
class Points:
    x: np.ndarray
    y: np.ndarray


def draw(v, folder):
    fig, ax = figures.new_figure()
    ax.plot(v.figure_data.x, v.figure_data.y)
    return figures.save(fig, folder, "made_up_points")


@register(
    id="made_up.claim", section="9.1", title="a made-up claim", kind="beyond",
    confidence="low", proved=False, hypotheses="none", claim="x^2 <= 2 x^2",
    how="evaluated at 5 points", formulas=(("tight", bounds.COS_TIGHT),), figure=draw,
)
def check_made_up(ctx):
    x = ctx.rng("made_up").random(5) + 0.5
    verdict, cases, worst, witness = worst_case(x**2 / (2 * x**2), np.ones(5, bool), {"x": x},
                                                seed=ctx.seed)
    return Verdict(verdict, cases, worst, "made up", witness, figure_data=Points(x, x**2))


@register(
    id="made_up.first", section="9.2", title="reported first", kind="beyond",
    confidence="low", proved=False, hypotheses="none", claim="nothing", how="nothing",
    formulas=(), order=(0, 1),
)
def check_first(ctx):
    return Verdict("inconclusive", 0, None, "nothing to check")
'''


def _package(tmp_path, monkeypatch, name, modules):
    folder = tmp_path / name
    folder.mkdir()
    (folder / "__init__.py").write_text("")
    for module, text in modules.items():
        (folder / f"{module}.py").write_text(text)
    monkeypatch.syspath_prepend(str(tmp_path))
    return registry.Registry(name)


def test_a_made_up_statement_is_declared_in_one_module(tmp_path, monkeypatch):
    from larscheck.proofs_check.figures import write_figures
    from larscheck.proofs_check.report import verify

    made_up = _package(tmp_path, monkeypatch, "made_up_checks", {"made_up": _MADE_UP})
    # the report order is derived from the declarations: order=(0, 1) before section 9.1
    assert made_up.order == ("made_up.first", "made_up.claim")
    assert [s.id for s in made_up.statements("made_up.claim")] == ["made_up.claim"]
    report = verify(seed=3, quick=True, progress=False, registry=made_up)
    doc = report.to_dict()
    assert [s["id"] for s in doc["statements"]] == ["made_up.first", "made_up.claim"]
    assert doc["statements"][1]["verdict"] == "holds" and doc["statements"][1]["cases"] == 5
    drawn = write_figures(report, tmp_path / "out")
    assert drawn == {"made_up.claim": ["made_up_points.png", "made_up_points.pdf"]}
    assert (tmp_path / "out" / "made_up_points.png").stat().st_size > 1000
    assert "made_up_points.png" in report.markdown(drawn)
    # the default registry never saw it
    assert "made_up.claim" not in registry.ORDER
    with pytest.raises(ValueError, match="unknown statement"):
        registry.statements("made_up.claim")


def test_two_statements_with_one_report_order_are_an_error(tmp_path, monkeypatch):
    clash = _MADE_UP.replace("order=(0, 1)", "order=(9, 1)")
    with pytest.raises(ValueError, match="share the report order"):
        _package(tmp_path, monkeypatch, "clash_checks", {"made_up": clash}).load()
    twice = _package(tmp_path, monkeypatch, "twice_checks", {"a": _MADE_UP, "b": _MADE_UP})
    with pytest.raises(ValueError, match="registered twice"):
        twice.load()


def test_the_built_in_order_follows_sections_except_where_declared():
    entries = registry.statements()
    assert [s.order for s in entries] == sorted(s.order for s in entries)
    moved = {s.id: s.order for s in entries if s.order != registry.section_order(s.section)}
    assert moved == {"one_d.large_lambda": (1, 10), "stability_map": (3, 3, 1)}

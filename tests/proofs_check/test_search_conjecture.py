"""The Conjecture 1 search and the independent witness checks."""

import json
import subprocess
import sys

import numpy as np
import pytest

from larscheck.cli import main
from larscheck.proofs_check.search.boundedness import run_on_witness, search_boundedness
from larscheck.proofs_check.search.bounds import search_bound
from larscheck.proofs_check.search.conjecture import search_conjecture
from larscheck.proofs_check.search.witness import verify_witness
from larscheck.sims.convex_family import ConvexFamily


@pytest.fixture(scope="module")
def witness():
    return search_conjecture(budget=120, seed=3, keep=3)


def test_search_finds_a_verified_witness_from_the_family(witness):
    assert set(witness) >= {"statement", "function", "points", "cos_alpha", "verified"}
    assert witness["function"]["mu"] == 0.0
    norms = np.linalg.norm(np.array(witness["points"]), axis=1)
    cos = np.array(witness["cos_alpha"])
    assert np.all(np.diff(norms) > 0)
    v = witness["verified"]
    assert v["checks_passed"] and v["refutes"], v
    assert np.all(np.diff(cos) < 0) and cos[-1] < 1e-2
    assert v["trend"]["slope_ci"][1] < 0 and v["trend"]["gradient_norm_tail_slope"] > 0


def test_witness_is_checked_from_its_json_alone(witness):
    again = verify_witness(json.loads(json.dumps(witness)), seed=7)
    assert again["refutes"]
    np.testing.assert_allclose(again["cos_alpha_recomputed"], witness["cos_alpha"], rtol=1e-12)


def test_the_searchs_own_witness_file_passes_check_witness(witness, tmp_path, capsys):
    path = tmp_path / "witness.json"
    path.write_text(json.dumps(witness))
    assert main(["search", "conjecture1", "--check-witness", str(path)]) == 0
    assert "verified refutation" in capsys.readouterr().out
    assert witness["L"] == pytest.approx(ConvexFamily.from_dict(witness["function"]).L[0])


def _trace_points(member, radii, offset):
    """Points x* + (R, offset(R)) in 2-D."""
    return member.xstar[0] + np.stack([radii, offset(radii)], axis=1)


def test_verifier_says_against_for_saturating_atoms_only():
    """Bounded gradient: cos alpha >= (f - f*)/(|g| |x - x*|) stays positive (levels off)."""
    m = ConvexFamily(["log_cosh", "huber"], [1e-3, 1e3], [[-0.5, -0.86], [0, -1]], [0, -1.0])
    radii = np.geomspace(1e2, 1e8, 13)
    pts = _trace_points(m, radii, lambda r: np.zeros_like(r))
    v = verify_witness({"function": m.to_dict(), "points": pts.tolist()})
    assert v["checks_passed"] and v["trend"]["evidence"] == "against" and not v["refutes"]


def test_verifier_rejects_a_wrong_gradient():
    m = ConvexFamily(["pseudo_huber", "quadratic"], [1.0, 1.0], [[1, 0], [0, 1]], [0, 0])
    pts = _trace_points(m, np.geomspace(1e2, 1e6, 9), np.sqrt)
    good = verify_witness({"function": m.to_dict(), "points": pts.tolist()})
    assert good["refutes"]

    class Broken(ConvexFamily):
        def value_and_grad(self, x):
            f, g = super().value_and_grad(x)
            return f, 1.01 * g

    from larscheck.proofs_check.search import witness as w
    original = w.ConvexFamily
    w.ConvexFamily = Broken
    try:
        bad = verify_witness({"function": m.to_dict(), "points": pts.tolist()})
    finally:
        w.ConvexFamily = original
    assert not bad["gradient"]["ok"] and not bad["refutes"]


def test_same_seed_same_result():
    a = search_conjecture(budget=30, seed=5, keep=1, ladder_points=5, verify=False)
    b = search_conjecture(budget=30, seed=5, keep=1, ladder_points=5, verify=False)
    assert json.dumps(a) == json.dumps(b)


def test_follow_up_reports_growth_ratio(witness):
    res = search_boundedness(budget=15, seed=0, keep=1)
    assert res["worst_ratio"] >= 1.0 and isinstance(res["diverged"], bool)
    rows = run_on_witness(witness, rates=(0.01, 0.5), steps=100)["by_rate"]
    assert all(r["max_ratio"] >= 1.0 for r in rows)


def test_bounded_search_reports_closeness():
    res = search_bound("cos_bound.tight", budget=20, seed=0)
    assert not res["violated"] and 0.9 < res["worst_ratio"] <= 1 + 1e-9


def test_cli(capsys, tmp_path):
    out = tmp_path / "r.json"
    assert main(["search", "lemma1", "--budget", "5", "--json", str(out)]) == 0
    assert json.loads(out.read_text())["statement"] == "lemma1"
    assert main(["search", "nope"]) == 2
    assert main(["search", "lemma1", "--follow-up"]) == 2
    assert "error" in capsys.readouterr().err


def test_hook_plugs_into_the_verify_registry():
    from larscheck.proofs_check import registry
    from larscheck.proofs_check.search import hooks as search_hooks

    fresh = registry.Registry(registry.CHECKS_PACKAGE)  # other tests see no change
    assert fresh.plugged_search("conjecture1") is None  # nothing loaded yet
    assert fresh.searchable == ("conjecture1",)
    assert fresh.plugged_search("conjecture1") is search_hooks.conjecture_hook


def test_same_seed_same_result_whatever_else_is_imported():
    """Hypothesis mines literals from every imported local module; the search must not
    depend on them (search_engine runs with that pool empty)."""
    code = ("import json, sys\n"
            "{extra}\n"
            "from larscheck.proofs_check.search.conjecture import search_conjecture\n"
            "print(json.dumps(search_conjecture(budget=30, seed=5, keep=1, ladder_points=5, "
            "verify=False)))\n")
    outs = [subprocess.run([sys.executable, "-c", code.format(extra=extra)], capture_output=True,
                           text=True, check=True).stdout
            for extra in ("", "import larscheck.proofs_check.registry, larscheck.theory.bounds")]
    assert outs[0] == outs[1]

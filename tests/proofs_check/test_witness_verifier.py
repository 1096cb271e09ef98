"""The witness verifier rejects each kind of bad witness, naming the property that fails.

A good witness (pseudo-Huber + quadratic, points along a parabola, where cos alpha falls
like ||x||^(-1/2)) is refuted-verified; each bad one changes one thing: a narrow dip of
negative curvature in a user atom (between the points ``register_atom`` samples), a
claimed ``L`` below the true one, a wrong derivative, a minimiser that is not unique.
"""

import json

import numpy as np
import pytest
from scipy.special import expit

from larscheck.cli import main
from larscheck.proofs_check.search.curvature import atom_scan
from larscheck.proofs_check.search.witness import check_witness_file, verify_witness
from larscheck.sims.convex_family import ATOMS, ConvexFamily, convex_by_construction, register_atom

RADII = np.geomspace(1e2, 1e6, 9)


def _witness(kinds, weights=(1.0, 1.0), directions=((1, 0), (0, 1)), **extra):
    m = ConvexFamily(list(kinds), list(weights), [list(d) for d in directions], [0.0, 0.0])
    points = np.stack([RADII, np.sqrt(RADII)], axis=1)
    return {"function": m.to_dict(), "points": points.tolist(), **extra}


@pytest.fixture
def user_atom():
    """Register a user atom for one test and remove it afterwards."""
    names = []

    def make(name, value, derivative, curvature):
        register_atom(name, value, derivative, curvature)
        names.append(name)
        return name

    yield make
    for name in names:
        ATOMS.pop(name)


def _log_cosh(t):
    return np.logaddexp(t, -t) - np.log(2.0)


def _dip(t0=0.37, b=1e-2, w=1e-3):
    """``t^2/2 + b G(t)`` with ``G'' = -sech^2((t - t0)/w)/w``: curvature 1 - 9 at t0,
    within a width of a few ``w`` (far narrower than register_atom's grid spacing)."""
    def value(t):
        return 0.5 * t * t + b * (-w * _log_cosh((t - t0) / w) + w * _log_cosh(t0 / w)
                                  - t * np.tanh(t0 / w))

    def derivative(t):
        return t - b * (np.tanh((t - t0) / w) + np.tanh(t0 / w))

    return value, derivative


def _assert_rejected_for(verified, prop):
    assert not verified["refutes"] and prop in verified["failed"], verified["failed"]
    assert verified[prop]["ok"] is False


def test_the_good_witness_is_a_verified_refutation():
    v = verify_witness(_witness(["pseudo_huber", "quadratic"]))
    assert v["refutes"] and v["failed"] == [], v["failed"]
    assert v["convexity"]["by_construction"] and v["user_atom_scans"] == []
    assert convex_by_construction("pseudo_huber")


def test_a_narrow_dip_of_negative_curvature_is_found(user_atom):
    name = user_atom("dip", *_dip(), 1.0)  # register_atom's sampled checks pass it
    assert not convex_by_construction(name)
    v = verify_witness(_witness([name, "quadratic"]))
    _assert_rejected_for(v, "convexity")
    assert not v["convexity"]["by_construction"] and not v["convexity"]["user_atoms_convex"]
    assert v["user_atom_scans"][0]["where_nonconvex"] == pytest.approx(0.37, abs=1e-2)


def test_a_negative_weight_fails_convexity_before_anything_is_evaluated():
    w = _witness(["pseudo_huber", "quadratic"])
    w["function"]["atoms"][1]["weight"] = -0.5
    v = verify_witness(w)
    _assert_rejected_for(v, "convexity")
    assert v["gradient"]["ok"] is None


def test_a_claimed_L_below_the_true_one_fails_smoothness():
    good = _witness(["pseudo_huber", "quadratic"])
    true_l = verify_witness(good)["smoothness"]["estimated_L"]
    v = verify_witness({**good, "L": 0.95 * true_l})
    _assert_rejected_for(v, "smoothness")
    assert v["failed"] == ["smoothness"]
    assert v["smoothness"]["adversarial"]["max_hessian_norm"] > 0.95 * true_l


def test_an_understated_atom_curvature_fails_smoothness(user_atom):
    """A user atom whose curvature exceeds its declared bound (beyond register_atom's
    sampled range |t| <= 1e3) makes the family's L wrong."""
    def value(t):  # curvature 1 + 4 s(1 - s), s = expit(2 (t - 5e3)): up to 2 at t = 5e3
        return 0.5 * t * t + np.logaddexp(0.0, 2.0 * (t - 5e3))

    def derivative(t):
        return t + 2.0 * expit(2.0 * (t - 5e3))

    name = user_atom("spike", value, derivative, 1.0)
    v = verify_witness(_witness([name, "quadratic"]))
    _assert_rejected_for(v, "smoothness")
    assert not v["smoothness"]["user_atoms_within_curvature"]


def test_a_wrong_derivative_fails_gradient(user_atom):
    name = user_atom("bad_grad", lambda t: np.hypot(1.0, t) - 1.0,
                     lambda t: 1.05 * t / np.hypot(1.0, t), 1.1)
    v = verify_witness(_witness([name, "quadratic"]))
    _assert_rejected_for(v, "gradient")
    assert v["user_atom_scans"][0]["derivative"] is False


def test_directions_that_do_not_span_fail_uniqueness():
    w = _witness(["pseudo_huber", "quadratic"])
    w["function"]["atoms"][1]["direction"] = [2.0, 0.0]
    _assert_rejected_for(verify_witness(w), "uniqueness")


def test_an_atom_flat_near_zero_fails_uniqueness(user_atom):
    eps = 1e-4  # below register_atom's smallest sample 1e-3
    name = user_atom("flat", lambda t: 0.5 * np.maximum(np.abs(t) - eps, 0.0) ** 2,
                     lambda t: np.sign(t) * np.maximum(np.abs(t) - eps, 0.0), 1.0)
    v = verify_witness(_witness([name, "quadratic"]))
    _assert_rejected_for(v, "uniqueness")


def test_a_correct_user_atom_is_accepted(user_atom):
    """The scans are not stricter than the family: pseudo-Huber written naively (its
    value lost to rounding below |t| ~ 1e-8) passes as a user atom."""
    name = user_atom("naive_pseudo_huber", lambda t: np.hypot(1.0, t) - 1.0,
                     lambda t: t / np.hypot(1.0, t), 1.0)
    v = verify_witness(_witness([name, "quadratic"]))
    assert v["refutes"] and not v["convexity"]["by_construction"], v["failed"]


def test_atom_scan_passes_the_built_in_atoms():
    for atom in ("pseudo_huber", "log_cosh", "softplus", "huber", "quadratic"):
        scan = atom_scan(ATOMS[atom], 1e6)
        assert all(scan[k] for k in ("convex", "curvature", "derivative", "positive")), scan


@pytest.mark.parametrize("bad", ["not json", "[1, 2]", '{"points": [[1, 2]]}',
                                 '{"function": {"atoms": [{"kind": "nope", "weight": 1, '
                                 '"direction": [1]}], "xstar": [0]}, "points": [[1]]}'])
def test_check_witness_exits_2_for_a_file_that_is_not_a_witness(tmp_path, bad, capsys):
    path = tmp_path / "w.json"
    path.write_text(bad)
    with pytest.raises(ValueError, match=r"witness|atom"):
        check_witness_file(path)
    assert main(["search", "conjecture1", "--check-witness", str(path)]) == 2
    assert "error" in capsys.readouterr().err


def test_check_witness_exit_codes_name_the_failed_property(tmp_path, capsys):
    good = tmp_path / "good.json"
    good.write_text(json.dumps(_witness(["pseudo_huber", "quadratic"])))
    assert main(["search", "conjecture1", "--check-witness", str(good)]) == 0
    assert "verified refutation" in capsys.readouterr().out
    lying = _witness(["pseudo_huber", "quadratic"], L=0.5,
                     verified={"refutes": True})  # its own flag is not trusted
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(lying))
    assert main(["search", "conjecture1", "--check-witness", str(bad)]) == 1
    out = capsys.readouterr().out
    assert "smoothness: FAILED" in out and "failed smoothness" in out
    assert main(["search", "lemma1", "--check-witness", str(good)]) == 2

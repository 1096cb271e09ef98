"""Certifying Conjecture 1 witnesses: the symbolic atoms are the simulator's, a found
witness is proved, and a witness without decay is not."""

import mpmath
import numpy as np
import pytest
import sympy as sp

from larscheck.proofs_check.search.certificate import (
    L_ULPS,
    certify_witness,
    fit_curve,
)
from larscheck.proofs_check.search.conjecture import search_conjecture
from larscheck.sims.convex_family import BUILTIN_ATOMS
from larscheck.theory.certificates import atoms
from larscheck.theory.certificates.family import rational_upper

#: Agreement of the SymPy atoms with the simulator's float64 ones (a few ulps of the
#: values on [-50, 50]).
ATOM_RTOL = 1e-12

GRID = np.concatenate([-np.geomspace(50, 1e-3, 40), [0.0], np.geomspace(1e-3, 50, 40)])


def _numeric(kind, order):
    pieces = atoms.SYMBOLIC_ATOMS[kind]
    expr = sp.Piecewise(*[(sp.diff(e, atoms.T, order), atoms.T <= hi) for e, _, hi in pieces])
    return sp.lambdify(atoms.T, expr, "mpmath")  # 30 digits: no cancellation in the reference


@pytest.mark.parametrize("atom", BUILTIN_ATOMS, ids=lambda a: a.name)
def test_symbolic_atoms_are_the_simulators(atom):
    for order, numeric in ((0, atom.value), (1, atom.derivative)):
        with mpmath.workdps(30):
            got = np.array([float(_numeric(atom.name, order)(mpmath.mpf(t))) for t in GRID])
        np.testing.assert_allclose(got, numeric(GRID), rtol=ATOM_RTOL, atol=1e-300)
    # the simulator's curvature constant (behind the family's L) is the proved sup phi''
    assert float(rational_upper(atoms.atom_facts(atom.name).sup_curvature)) == atom.curvature


@pytest.fixture(scope="module")
def certified():
    witness = search_conjecture(40, 2, keep=1, ladder_points=9)
    assert witness["verified"]["refutes"]
    return witness, certify_witness(witness)


def test_found_witness_is_proved(certified):
    _, cert = certified
    assert cert["evidence"] == "proof", cert["failed"]
    assert cert["check"]["proved"] and cert["check"]["agrees"]
    assert 0 <= cert["obligations"]["smoothness"]["claimed_rounding"]["ulps_added"] <= L_ULPS
    # float64 values of cos alpha * sqrt(t) / C along the proved curve: below 1
    assert cert["float_samples"] and all(r <= 1.0 for _, r in cert["float_samples"])


def test_fit_recovers_a_curve():
    rng = np.random.default_rng(0)
    u, v = rng.standard_normal(3), rng.standard_normal(3)
    u /= np.linalg.norm(u)
    t = np.geomspace(1e4, 1e10, 9)
    y = t[:, None] * u + np.sqrt(t)[:, None] * v
    fu, _, resid = fit_curve(y + 1.0, np.ones(3))  # parameter ||y||, not t: same u
    np.testing.assert_allclose(fu, u, atol=1e-4)
    assert resid < 1e-3


def test_witness_without_a_quadratic_atom_is_not_proved():
    # saturating atoms only: ||grad f|| stays bounded, cos alpha levels off
    function = {"mu": 0.0, "xstar": [0.0, 0.0],
                "atoms": [{"kind": "pseudo_huber", "weight": 1.0, "direction": [1.0, 0.0]},
                          {"kind": "log_cosh", "weight": 1.0, "direction": [0.0, 1.0]}]}
    t = np.geomspace(1e2, 1e8, 7)
    points = np.column_stack([t, np.sqrt(t)])
    cert = certify_witness({"function": function, "points": points.tolist()})
    assert cert["evidence"] == "sampled" and cert["failed"] == ["decay"]
    assert "Q v = 0" in cert["obligations"]["decay"]["result"]


def test_witness_claiming_too_small_an_L_is_not_proved(certified):
    witness, _ = certified
    cert = certify_witness({**witness, "L": 0.99 * witness["L"]})
    assert cert["evidence"] == "sampled" and cert["failed"] == ["smoothness"]
    assert cert["obligations"]["smoothness"]["claimed_rounding"]["ulps_added"] is None


def test_check_witness_prints_the_certificate(certified, tmp_path, capsys):
    import json

    from larscheck.cli.main import main

    witness, _ = certified
    path = tmp_path / "w.json"
    path.write_text(json.dumps(witness))
    out = tmp_path / "v.json"
    assert main(["search", "conjecture1", "--check-witness", str(path), "--json",
                 str(out)]) == 0
    assert "certificate: PROVED (re-checked)" in capsys.readouterr().out
    assert json.loads(out.read_text())["certificate"]["evidence"] == "proof"

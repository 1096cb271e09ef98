"""Grid parsing and validation: TOML files, flags, ranges, cells."""

from __future__ import annotations

import numpy as np
import pytest

from larscheck.proofs_check.sweep.grid import (
    AXES,
    MAX_CELLS,
    read_grid_file,
    spec_from_mapping,
)

REFS = ("lemma1", "lemma1.tight")


def test_cells_are_the_product_in_axis_order(tmp_path):
    spec = spec_from_mapping({"kappa": [1, 10], "lam": [0.1, 0.2, 0.3], "dim": [2, 5],
                              "seeds": 2})
    cells = spec.cells()
    assert len(cells) == spec.size == 2 * 3 * 2 * 2
    assert len({c.key for c in cells}) == len(cells)
    # the last axis (seed) varies fastest, the first (kappa) slowest
    assert [c.seed for c in cells[:2]] == [0, 1]
    assert [c.kappa for c in cells[:12]] == [1.0] * 12 and cells[12].kappa == 10.0


def test_key_is_exact_for_floats():
    spec = spec_from_mapping({"lam": [0.1, 0.1 + 1e-16, 0.30000000000000004]})
    keys = [c.key for c in spec.cells()]
    assert len(set(keys)) == len(keys) == 3 - (0.1 + 1e-16 == 0.1)
    assert "lam=0.30000000000000004" in keys[-1]


def test_toml_file_with_ranges_and_flag_override(tmp_path):
    path = tmp_path / "grid.toml"
    path.write_text('kappa = {geomspace = [1, 100, 3]}\nlam = [0.5, 1.0]\n'
                    'lam_ref = "lemma1"\ndim = 4\nmethod = ["lars", "percentdelta"]\n'
                    'seeds = 3\nbatch = 5\n')
    values, sources = read_grid_file(path)
    values["dim"] = [2, 3]  # a flag given on the command line replaces the file's value
    sources["dim"] = "--dim"
    spec = spec_from_mapping(values, sources, lam_refs=REFS)
    assert spec.axes["kappa"] == (1.0, 10.0, 100.0)
    assert spec.axes["dim"] == (2, 3)
    assert spec.axes["method"] == ("lars", "percentdelta")
    assert spec.seeds == 3 and spec.settings.batch == 5 and spec.settings.lam_ref == "lemma1"
    assert spec.size == 3 * 2 * 2 * 2 * 3


def test_ranges_hit_round_values():
    spec = spec_from_mapping({"lam": {"geomspace": [0.25, 8, 11]}})
    assert 1.0 in spec.axes["lam"] and 2.0 in spec.axes["lam"]
    np.testing.assert_allclose(spec.axes["lam"], np.geomspace(0.25, 8, 11), rtol=1e-11)


def test_spec_dict_round_trips():
    spec = spec_from_mapping({"kappa": [1, 10], "eps": [1e-2, 1e-4]})
    again = spec_from_mapping(spec.to_dict())
    assert again == spec
    assert set(spec.to_dict()) >= set(AXES)


@pytest.mark.parametrize(("values", "needle"), [
    ({"lam": [0.1, -0.2]}, "lambda must be finite and > 0"),
    ({"lam": [0.0]}, "lambda must be finite and > 0"),
    ({"lam": [float("nan")]}, "lambda must be finite"),
    ({"kappa": [0.5]}, "kappa < 1 means mu > L"),
    ({"kappa": ["ten"]}, "kappa must be a number"),
    ({"dim": [2.5]}, "dimension must be an integer >= 1"),
    ({"dim": [1], "kappa": [10]}, "dimension 1 has a single eigenvalue"),
    ({"spectrum": ["flat"]}, "spectrum must be one of"),
    ({"method": ["sgd"]}, "method must be one of"),
    ({"steps": [0]}, "steps must be an integer >= 1"),
    ({"seeds": 0}, "seeds must be an integer >= 1"),
    ({"batch": True}, "batch must be an integer >= 1"),
    ({"seed": -1}, "seed must be an integer >= 0"),
    ({"mu": 0}, "mu must be finite and > 0"),
    ({"eps": [0.1, 0]}, "eps must be finite and > 0"),
    ({"lam_ref": "lemma9"}, "lam_ref (a statement id) must be one of"),
    ({"lam": []}, "needs at least one value"),
    ({"lam": [0.1, 0.1]}, "values repeat"),
    ({"lam": {"logspace": [1, 2, 3]}}, "a range must be"),
    ({"lam": {"geomspace": [0, 1, 3]}}, "geomspace lo must be finite and > 0"),
    ({"lam": {"linspace": [1, 2]}}, "linspace needs [lo, hi, num]"),
    ({"kapa": [1]}, "unknown key(s) ['kapa']"),
])
def test_bad_values_name_the_key_and_source(values, needle):
    sources = {k: "grid.toml:" for k in values}
    with pytest.raises(ValueError) as info:
        spec_from_mapping(values, sources, lam_refs=REFS)
    assert needle in str(info.value)
    assert str(info.value).startswith("grid.toml: ")
    key = next(iter(values))
    if key in AXES:  # named as a flag when it came from one
        with pytest.raises(ValueError, match=f"^--{key}: "):
            spec_from_mapping(values, {key: f"--{key}"}, lam_refs=REFS)


def test_huge_grid_is_refused():
    n = int(MAX_CELLS**0.5) + 1
    with pytest.raises(ValueError, match=rf"{n * n} cells \(kappa {n} x lam {n}\), more than"):
        spec_from_mapping({"kappa": {"geomspace": [1, 10, n]}, "lam": {"linspace": [1, 2, n]}})


@pytest.mark.parametrize(("content", "needle"), [
    (b"kappa = [1, 10", "is not valid TOML"),
    (b"\xff\xfe", "is not UTF-8 text"),
])
def test_malformed_grid_files(tmp_path, content, needle):
    path = tmp_path / "bad.toml"
    path.write_bytes(content)
    with pytest.raises(ValueError, match=needle):
        read_grid_file(path)


def test_unreadable_grid_file(tmp_path):
    with pytest.raises(OSError, match="cannot read grid file"):
        read_grid_file(tmp_path / "missing.toml")
    with pytest.raises(OSError, match="cannot read grid file"):
        read_grid_file(tmp_path)  # a folder

"""``larscheck experiments``: smoke runs with tiny settings, files, and one-line errors."""

import csv
import json

import numpy as np
import pytest

from larscheck.cli import main
from larscheck.sims.experiments import fig1, svm
from larscheck.sims.experiments.data import separable_data


def _lines(path):
    with open(path, newline="") as fh:
        return list(csv.DictReader(fh))


def test_svm_writes_curves_claims_json_and_data(tmp_path, capsys):
    out = tmp_path / "out"
    rc = main(["experiments", "svm", "--seeds", "2", "--epochs", "3", "--dim", "3",
               "--out", str(out), "--json", str(tmp_path / "c.json"),
               "--save-data", str(tmp_path / "d.npz"), "--no-plots"])
    assert rc == 0
    assert "| claim | measured | reproduced |" in capsys.readouterr().out
    rows = _lines(out / "svm_curves.csv")
    assert len(rows) == 4 * 2 * 2 * 4  # methods x modes x seeds x (epochs + 1)
    assert set(rows[0]) == {"method", "seed", "batch_mode", "epoch", "f_minus_fstar"}
    doc = json.loads((tmp_path / "c.json").read_text())
    assert doc["experiment"] == "svm" and doc["fstar"] > 0
    assert {"claim", "measured", "reproduced"} <= set(doc["claims"][0])
    assert json.loads((out / "svm_claims.json").read_text()) == doc
    X, y = separable_data(np.random.default_rng(0), n=svm.N_POINTS, dim=3)
    with np.load(tmp_path / "d.npz") as saved:
        np.testing.assert_array_equal(saved["X"], X)
        np.testing.assert_array_equal(saved["y"], y)


def test_same_seed_same_files_bit_for_bit(tmp_path):
    texts = []
    for run in ("a", "b"):
        assert main(["experiments", "svm", "--seeds", "2", "--epochs", "2", "--out",
                     str(tmp_path / run), "--no-plots", "--json", "-"]) == 0
        texts.append([(tmp_path / run / f"svm_{n}").read_bytes()
                      for n in ("curves.csv", "claims.json", "claims.md")])
    assert texts[0] == texts[1]


def test_fig1_with_figures(tmp_path):
    assert main(["experiments", "fig1", "--steps", "30", "--out", str(tmp_path),
                 "--json", "-"]) == 0
    for name in ("fig1.png", "fig1.pdf", "fig1_claims.md", "fig1_curves.csv"):
        assert (tmp_path / name).stat().st_size > 0
    assert len(_lines(tmp_path / "fig1_curves.csv")) == (len(fig1.LAMS) + 2) * 31


def test_logreg_on_an_mnist_npz_and_on_digits(tmp_path, capsys):
    rng = np.random.default_rng(0)
    np.savez(tmp_path / "m.npz", x_train=rng.integers(0, 256, (60, 4, 4), dtype=np.uint8),
             y_train=rng.integers(0, 10, 60, dtype=np.uint8))
    assert main(["experiments", "logreg", "--data", str(tmp_path / "m.npz"), "--seeds", "1",
                 "--epochs", "2", "--out", str(tmp_path), "--no-plots", "--json", "-"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["experiment"] == "logreg" and "MNIST" in doc["settings"]["data"]
    assert doc["settings"]["batch_size"] == 10  # a sixth, as 10,000 of 60,000
    assert main(["experiments", "logreg", "--seeds", "1", "--epochs", "1", "--out",
                 str(tmp_path), "--no-plots", "--json", "-"]) == 0
    assert "digits" in json.loads(capsys.readouterr().out)["settings"]["data"]


@pytest.mark.parametrize(("argv", "match"), [
    (["logreg", "--data", "nowhere.npz"], "no such file"),
    (["svm", "--data", "x.npz"], "only by logreg"),
    (["fig1", "--save-data", "d.npz"], "no data set"),
    (["svm", "--seeds", "0"], "must be >= 1"),
    (["logreg", "--logreg-alpha", "0"], "must be > 0"),
])
def test_bad_input_is_one_line_exit_2(tmp_path, capsys, argv, match):
    assert main(["experiments", *argv, "--out", str(tmp_path)]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and match in err


def test_malformed_data_file_is_one_line_exit_2(tmp_path, capsys):
    (tmp_path / "bad.npz").write_bytes(b"garbage")
    rc = main(["experiments", "logreg", "--data", str(tmp_path / "bad.npz"), "--out",
               str(tmp_path)])
    assert rc == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "not a readable .npz" in err

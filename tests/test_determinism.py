"""Determinism: the same command with the same seed writes the same JSON.

``verify`` and ``search`` write no timings in their JSON, so whole files are
compared.

Sweep results hold no timings, so whole records are compared; the line
order of a multi-process sweep is completion order, so those runs are
compared as sets of lines (a single process writes in grid order, so its
file is compared byte for byte).
"""

from __future__ import annotations

import json

import pytest

from larscheck.cli import main

GRID = ["--kappa", "1,30", "--lam", "0.5,2", "--lam-ref", "lemma1", "--dim", "2,7",
        "--spectrum", "uniform,clustered", "--steps", "120", "--batch", "5", "--seeds", "2",
        "--seed", "42", "--eps", "0.5,0.01"]


def _sweep(path, *extra):
    assert main(["sweep", *GRID, "--out", str(path), *extra]) == 0
    return path.read_bytes()


def test_sweep_same_seed_same_bytes(tmp_path):
    assert _sweep(tmp_path / "a.jsonl", "--workers", "1") == _sweep(tmp_path / "b.jsonl",
                                                                    "--workers", "1")


def test_sweep_independent_of_worker_count(tmp_path):
    one = _sweep(tmp_path / "one.jsonl", "--workers", "1").splitlines()
    two = _sweep(tmp_path / "two.jsonl", "--workers", "2").splitlines()
    assert one[0] == two[0] and sorted(one[1:]) == sorted(two[1:])
    assert len(one) == 1 + 2 * 2 * 2 * 2 * 2


def test_sweep_seed_matters(tmp_path):
    other = list(GRID)
    other[other.index("--seed") + 1] = "43"
    a = _sweep(tmp_path / "a.jsonl", "--workers", "1").splitlines()[1:]
    assert main(["sweep", *other, "--out", str(tmp_path / "c.jsonl"), "--workers", "1"]) == 0
    c = (tmp_path / "c.jsonl").read_bytes().splitlines()[1:]
    assert [json.loads(x)["stats"] for x in a] != [json.loads(x)["stats"] for x in c]


def test_simulate_same_seed_same_json(tmp_path, capsys):
    argv = ["simulate", "--kappa", "50", "--dim", "6", "--batch", "7", "--seed", "9",
            "--steps", "150", "--json", "-"]
    outs = []
    for _ in range(2):
        assert main(argv) == 0
        outs.append(capsys.readouterr().out)
    assert outs[0] == outs[1] and json.loads(outs[0])["problems"]


@pytest.mark.parametrize("argv", [
    ["verify", "--quick", "--only", "lemma1", "theorem1", "one_d.steps", "--seed", "3"],
    ["search", "lemma1", "--budget", "10", "--seed", "2"],
], ids=["verify", "search"])
def test_same_seed_same_json(argv, tmp_path, capsys):
    outs, codes = [], []
    for run in range(2):
        path = tmp_path / f"{run}.json"
        codes.append(main([*argv, "--json", str(path)]))  # verify: 1 = a violation found
        outs.append(path.read_bytes())
    capsys.readouterr()
    assert codes[0] == codes[1] in (0, 1)
    assert outs[0] == outs[1] and json.loads(outs[0])

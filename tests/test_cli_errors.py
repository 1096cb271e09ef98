"""Reliability: bad invocations of every subcommand end with one line and exit code 2.

Each case is ``(argv, needle)``: the command must return 2, print exactly one
line on stderr that contains ``needle`` (the named problem), and no traceback.
``{tmp}`` in an argument is replaced by a folder holding the files that
:func:`_files` prepares (malformed grids and results, a non-sweep file, ...).
"""

from __future__ import annotations

import importlib
import socket
import subprocess
import sys

import numpy as np
import pytest

import larscheck
from larscheck.cli import COMMANDS, main

HEADER = ('{"format":1,"kind":"larscheck.sweep","larscheck":"' + larscheck.__version__ + '",'
          '"spec":{"batch":2,"dim":[2],"eps":[0.01],'
          '"kappa":[1.0],"lam":[0.1],"lam_ref":null,"method":["lars"],"mu":1.0,"seed":0,'
          '"seeds":1,"spectrum":["uniform"],"steps":[5],"x0_factor":10.0,"xstar_norm":[1.0]}}\n')

#: One small valid sweep, used where another argument is the problem.
SWEEP = ["sweep", "--kappa", "1", "--dim", "2", "--steps", "5", "--batch", "2"]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


CASES = {
    # simulate
    "simulate-negative-lambda": (["simulate", "--lam", "-1"], "--lam: must be > 0"),
    "simulate-zero-lambda": (["simulate", "--lam", "0"], "--lam: must be > 0"),
    "simulate-nan-lambda": (["simulate", "--lam", "nan"], "--lam: must be finite"),
    "simulate-mu-above-L": (["simulate", "--kappa", "0.5"], "mu must be <= L"),
    "simulate-non-pd": (["simulate", "--eigs", "1,-2", "--xstar", "0,1", "--x0", "1,1"],
                        "positive definite"),
    "simulate-shapes": (["simulate", "--eigs", "1,2", "--xstar", "1", "--x0", "1,2"],
                        "must have the same length"),
    "simulate-incomplete": (["simulate", "--eigs", "1,2", "--xstar", "1,2"],
                            "needs all of --eigs, --xstar and --x0"),
    "simulate-inf-start": (["simulate", "--eigs", "1,2", "--xstar", "1,2", "--x0", "1,inf"],
                           "--x0: must be finite"),
    "simulate-zero-steps": (["simulate", "--steps", "0"], "--steps: must be >= 1"),
    "simulate-fractional-batch": (["simulate", "--batch", "1.5"], "--batch: not an integer"),
    "simulate-unknown-method": (["simulate", "--method", "sgd"], "invalid choice: 'sgd'"),
    "simulate-dim1-kappa": (["simulate", "--dim", "1", "--kappa", "10"], "dimension 1"),
    "simulate-unwritable-json": (["simulate", "--steps", "2", "--batch", "2", "--json",
                                  "{tmp}/a-file/out.json"], "a-file"),
    # sweep: values
    "sweep-negative-lambda": ([*SWEEP, "--lam", "0.1,-0.2", "--out", "{tmp}/r.jsonl"],
                              "--lam: lambda must be finite and > 0"),
    "sweep-nan-lambda": ([*SWEEP, "--lam", "nan", "--out", "{tmp}/r.jsonl"],
                         "--lam: must be finite"),
    "sweep-mu-above-L": ([*SWEEP, "--kappa", "0.5", "--out", "{tmp}/r.jsonl"],
                         "kappa < 1 means mu > L"),
    "sweep-unknown-statement": ([*SWEEP, "--lam-ref", "lemma9", "--out", "{tmp}/r.jsonl"],
                                "lam_ref (a statement id) must be one of"),
    "sweep-dim1-kappa": (["sweep", "--dim", "1", "--kappa", "10", "--out", "{tmp}/r.jsonl"],
                         "dimension 1 has a single eigenvalue"),
    "sweep-bad-spectrum": ([*SWEEP, "--spectrum", "flat", "--out", "{tmp}/r.jsonl"],
                           "spectrum must be one of"),
    "sweep-no-out": ([*SWEEP], "the following arguments are required: --out"),
    # sweep: grid files
    "sweep-missing-grid": (["sweep", "--grid", "{tmp}/nope.toml", "--out", "{tmp}/r.jsonl"],
                           "cannot read grid file"),
    "sweep-malformed-grid": (["sweep", "--grid", "{tmp}/broken.toml", "--out", "{tmp}/r.jsonl"],
                             "is not valid TOML"),
    "sweep-grid-unknown-key": (["sweep", "--grid", "{tmp}/typo.toml", "--out", "{tmp}/r.jsonl"],
                               "unknown key(s) ['kapa']"),
    "sweep-grid-bad-value": (["sweep", "--grid", "{tmp}/words.toml", "--out", "{tmp}/r.jsonl"],
                             "kappa must be a number"),
    "sweep-grid-binary": (["sweep", "--grid", "{tmp}/binary.toml", "--out", "{tmp}/r.jsonl"],
                          "is not UTF-8 text"),
    # sweep: results files
    "sweep-exists": ([*SWEEP, "--out", "{tmp}/header.jsonl"], "pass --resume"),
    "sweep-resume-other-grid": ([*SWEEP, "--kappa", "2", "--out", "{tmp}/header.jsonl",
                                 "--resume"], "belongs to a different sweep (kappa"),
    "sweep-foreign-results": ([*SWEEP, "--out", "{tmp}/notes.txt", "--resume"],
                              "is not valid JSON"),
    # sweep: executors
    "sweep-unreachable-scheduler": ([*SWEEP, "--out", "{tmp}/r.jsonl", "--scheduler",
                                     "tcp://127.0.0.1:{port}", "--connect-timeout", "1"],
                                    "cannot reach the Dask scheduler"),
    "sweep-bad-scheduler-address": ([*SWEEP, "--out", "{tmp}/r.jsonl", "--scheduler",
                                     "localhost"], "must look like tcp://HOST:PORT"),
    "sweep-zero-workers": ([*SWEEP, "--out", "{tmp}/r.jsonl", "--workers", "0"],
                           "--workers: must be >= 1"),
    "sweep-workers-and-scheduler": ([*SWEEP, "--out", "{tmp}/r.jsonl", "--workers", "2",
                                     "--scheduler", "tcp://h:1"], "not allowed with"),
    # plot
    "plot-missing-results": (["plot", "sweep", "{tmp}/nope.jsonl", "--out", "{tmp}/maps"],
                             "cannot read results file"),
    "plot-malformed-results": (["plot", "sweep", "{tmp}/notes.txt", "--out", "{tmp}/maps"],
                               "line 1 is not valid JSON"),
    "plot-empty-results": (["plot", "sweep", "{tmp}/header.jsonl", "--out", "{tmp}/maps"],
                           "has no finished cells"),
    "plot-no-kind": (["plot"], "the following arguments are required: KIND"),
    "plot-bad-format": (["plot", "sweep", "{tmp}/header.jsonl", "--out", "{tmp}/m",
                         "--format", "gif"], "invalid choice: 'gif'"),
    # one-d
    "one-d-negative-lambda": (["one-d", "--x0", "1", "--xstar", "2", "--lam", "-0.1"],
                              "--lam: must be > 0"),
    "one-d-zero-lambda": (["one-d", "--x0", "1", "--xstar", "2", "--lam", "0"],
                          "--lam: must be > 0"),
    "one-d-nan-lambda": (["one-d", "--x0", "1", "--xstar", "2", "--lam", "nan"],
                         "--lam: must be finite"),
    "one-d-inf-start": (["one-d", "--x0", "inf", "--xstar", "2", "--lam", "0.1"],
                        "--x0: must be finite"),
    "one-d-no-lambda": (["one-d", "--x0", "1", "--xstar", "2"], "required: --lam"),
    # experiments: data files and values
    "experiments-missing-data": (["experiments", "logreg", "--data", "{tmp}/nope"],
                                 "no such file or folder"),
    "experiments-empty-data-folder": (["experiments", "logreg", "--data", "{tmp}/empty"],
                                      "MNIST IDX training file"),
    "experiments-garbage-npz": (["experiments", "logreg", "--data", "{tmp}/garbage.npz"],
                                "not a readable .npz file"),
    "experiments-npz-without-keys": (["experiments", "logreg", "--data", "{tmp}/nokeys.npz"],
                                     "lacks ['x_train', 'y_train']"),
    "experiments-npz-mismatched": (["experiments", "logreg", "--data", "{tmp}/mismatch.npz"],
                                   "10 images but labels of shape (7,)"),
    "experiments-npz-nan": (["experiments", "logreg", "--data", "{tmp}/nan.npz"],
                            "images contain NaN or inf"),
    "experiments-zero-alpha": (["experiments", "logreg", "--logreg-alpha", "0"],
                               "--logreg-alpha must be > 0"),
    "experiments-unknown": (["experiments", "fig2"], "invalid choice: 'fig2'"),
    # verify
    "verify-unknown-statement": (["verify", "--quick", "--only", "nope"],
                                 "unknown statement id(s) ['nope']"),
    "verify-bad-seed": (["verify", "--seed", "abc"], "--seed: not an integer"),
    "verify-unwritable-json": (["verify", "--quick", "--only", "lemma1", "--json",
                                "{tmp}/a-file/r.json"], "a-file"),
    # search
    "search-unknown-statement": (["search", "nope"], "unknown STATEMENT_ID 'nope'"),
    "search-zero-budget": (["search", "theorem1", "--budget", "0"], "--budget: must be >= 1"),
    "search-negative-budget": (["search", "theorem1", "--budget", "-5"],
                               "--budget: must be >= 1"),
    # resnet: rejected before TensorFlow is imported
    "resnet-nan-rate": (["resnet", "--lr", "nan"], "--lr: must be finite"),
    "resnet-zero-steps": (["resnet", "--steps", "0"], "--steps: must be >= 1"),
    "resnet-zero-batch": (["resnet", "--batch", "0"], "--batch: must be >= 1"),
    "resnet-unknown-optimizer": (["resnet", "--optimizer", "foo"], "lars,sgd,adam"),
    "resnet-zero-rate": (["resnet", "--lr", "0"], "--lr must be > 0"),
    "resnet-negative-rate": (["resnet", "--lr", "-1"], "--lr must be > 0"),
    "resnet-momentum-one": (["resnet", "--momentum", "1.5"], "--momentum must lie in [0, 1)"),
    # seeds are non-negative integers, named as such
    "verify-negative-seed": (["verify", "--seed", "-1"], "--seed: must be >= 0"),
    "statements-unknown-id": (["statements", "theorem9"], "unknown statement id"),
    "statements-garbage-json": (["statements", "--verify-json", "{tmp}/garbage.npz"],
                                "not JSON"),
    "statements-missing-json": (["statements", "--verify-json", "{tmp}/nothing.json"],
                                "nothing.json"),
    "simulate-negative-seed": (["simulate", "--seed", "-3"], "--seed: must be >= 0"),
    # the umbrella
    "unknown-command": (["frobnicate"], "invalid choice: 'frobnicate'"),
}


@pytest.fixture
def files(tmp_path):
    (tmp_path / "broken.toml").write_text("kappa = [1, 10\n")
    (tmp_path / "typo.toml").write_text("kapa = [1, 10]\n")
    (tmp_path / "words.toml").write_text('kappa = ["ten"]\n')
    (tmp_path / "binary.toml").write_bytes(b"\xff\xfe\x00")
    (tmp_path / "notes.txt").write_text("my notes\n")
    (tmp_path / "header.jsonl").write_text(HEADER)
    (tmp_path / "a-file").write_text("not a folder")
    (tmp_path / "empty").mkdir()
    (tmp_path / "garbage.npz").write_bytes(b"garbage")
    np.savez(tmp_path / "nokeys.npz", a=np.zeros(3))
    np.savez(tmp_path / "mismatch.npz", x_train=np.zeros((10, 5)), y_train=np.zeros(7))
    np.savez(tmp_path / "nan.npz", x_train=np.full((10, 4), np.nan), y_train=np.arange(10) % 2)
    return tmp_path


def _argv(argv, tmp):
    port = _free_port()
    return [a.replace("{tmp}", str(tmp)).replace("{port}", str(port)) for a in argv]


def test_enough_cases():
    assert len(CASES) >= 25
    registered = {importlib.import_module(path).NAME for path in COMMANDS}
    assert {argv[0] for argv, _ in CASES.values()} >= registered  # every subcommand


def _prefix(argv) -> str:
    """The one error prefix: ``larscheck COMMAND: error: `` (``larscheck plot sweep`` for
    a plot kind), never a doubled ``larscheck: error: larscheck COMMAND:``."""
    if argv[0] not in {importlib.import_module(path).NAME for path in COMMANDS}:
        return "larscheck: error: "
    if argv[0] == "plot" and len(argv) > 1 and not argv[1].startswith("-"):
        return f"larscheck plot {argv[1]}: error: "
    return f"larscheck {argv[0]}: error: "


@pytest.mark.parametrize("name", sorted(CASES))
def test_bad_invocation(name, files, capsys):
    argv, needle = CASES[name]
    before = {p: p.read_bytes() for p in files.iterdir() if p.is_file()}
    assert main(_argv(argv, files)) == 2
    err = capsys.readouterr().err
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith(_prefix(argv)), err
    assert needle in lines[0], err
    assert "Traceback" not in err
    # a failed command never damages the files it was pointed at
    assert {p: p.read_bytes() for p in before} == before


@pytest.mark.parametrize("name", ["simulate-nan-lambda", "sweep-malformed-grid",
                                  "plot-missing-results"])
def test_bad_invocation_as_a_process(name, files):
    argv, needle = CASES[name]
    proc = subprocess.run([sys.executable, "-m", "larscheck", *_argv(argv, files)],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 2
    assert proc.stdout == ""
    (line,) = proc.stderr.strip().splitlines()
    assert line.startswith(_prefix(argv)) and needle in line

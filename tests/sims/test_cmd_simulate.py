"""``larscheck simulate`` and the CLI frame: version, help, JSON, errors."""

import json
import subprocess
import sys

import pytest

import larscheck
from larscheck.cli import main


def test_version_and_help(capsys):
    with pytest.raises(SystemExit) as exc:
        main(["--version"])
    assert exc.value.code == 0
    assert larscheck.__version__ in capsys.readouterr().out
    with pytest.raises(SystemExit):
        main(["--help"])
    assert "simulate" in capsys.readouterr().out


def test_python_dash_m_runs_the_cli():
    out = subprocess.run([sys.executable, "-m", "larscheck", "--version"], capture_output=True,
                         text=True, check=True)
    assert out.stdout.strip() == f"larscheck {larscheck.__version__}"


def test_random_batch_json(tmp_path, capsys):
    path = tmp_path / "out.json"
    code = main(["simulate", "--kappa", "10", "--dim", "5", "--batch", "7", "--seed", "1",
                 "--xstar-norm", "2", "--steps", "200", "--json", str(path)])
    assert code == 0
    assert "diverged: 0 of 7" in capsys.readouterr().out
    data = json.loads(path.read_text())
    assert len(data["problems"]) == 7
    first = data["problems"][0]
    assert set(first) >= {"final_x", "max_dist", "min_norm", "min_gap", "tail_radius",
                          "diverged"}
    assert data["inputs"]["kappa"] == 10.0
    # the start is 10 ||x*|| = 20 away and is itself an iterate
    assert first["max_dist"] >= 20.0 - 1e-12


def test_explicit_quadratic_to_stdout(capsys):
    code = main(["simulate", "--eigs", "1,10", "--xstar", "3,-2", "--x0", "100,50",
                 "--lam", "0.05", "--steps", "400", "--json", "-"])
    assert code == 0
    data = json.loads(capsys.readouterr().out)
    (prob,) = data["problems"]
    # LARS with fixed lambda oscillates around x* within lambda ||x*|| (1-D-like bound)
    assert prob["tail_radius"] < 0.05 * 13**0.5 * 2


def test_same_seed_same_json(tmp_path):
    outs = []
    for name in ("a.json", "b.json"):
        main(["simulate", "--batch", "5", "--seed", "3", "--steps", "50",
              "--json", str(tmp_path / name)])
        outs.append((tmp_path / name).read_text())
    assert outs[0] == outs[1]


def test_divergence_is_a_result(capsys):
    code = main(["simulate", "--eigs", "1", "--xstar", "1", "--x0", "5", "--lam", "2.5",
                 "--steps", "500", "--json", "-"])
    assert code == 0
    assert json.loads(capsys.readouterr().out)["problems"][0]["diverged"] is True


@pytest.mark.parametrize(
    "argv,needle",
    [
        (["simulate", "--lam", "0"], "--lam"),
        (["simulate", "--lam", "nan"], "--lam"),
        (["simulate", "--eigs", "1,-1", "--xstar", "0,0", "--x0", "1,1"], "eigs"),
        (["simulate", "--eigs", "1,2", "--xstar", "0", "--x0", "1,1"], "same length"),
        (["simulate", "--eigs", "1,2"], "needs all of"),
        (["simulate", "--method", "sgdx"], "--method"),
        (["simulate", "--momentum", "1.5"], "momentum"),
        (["simulate", "--dim", "1", "--kappa", "10"], "dimension 1"),
        (["nonsense"], "invalid choice"),
    ],
)
def test_bad_input_is_one_line_exit_2(argv, needle, capsys):
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and needle in err and "Traceback" not in err

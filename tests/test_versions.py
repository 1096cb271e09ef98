"""Every command's JSON records the versions that produced it."""

import json

import numpy as np

import larscheck
from larscheck.cli import main
from larscheck.sims.output import RECORDED_PACKAGES, versions


def test_versions_names_larscheck_python_and_the_numerical_packages():
    v = versions()
    assert v["larscheck"] == larscheck.__version__
    assert v["numpy"] == np.__version__
    assert set(v) == {"larscheck", "python", *RECORDED_PACKAGES}


def test_command_outputs_carry_versions(tmp_path, capsys):
    runs = {
        "simulate": ["simulate", "--batch", "2", "--steps", "5"],
        "one-d": ["one-d", "--x0", "5", "--xstar", "1", "--lam", "0.1"],
        "verify": ["verify", "--quick", "--only", "one_d.update"],
    }
    for name, argv in runs.items():
        path = tmp_path / f"{name}.json"
        assert main([*argv, "--json", str(path)]) == 0
        assert json.loads(path.read_text())["versions"] == versions(), name
    capsys.readouterr()

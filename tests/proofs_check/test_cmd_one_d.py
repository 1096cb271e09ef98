"""``larscheck one-d``: predictions vs the simulated count, every sign combination, bad input."""

import json
import math

import numpy as np
import pytest

from larscheck.cli import main
from larscheck.cli.one_d import compute
from larscheck.theory import one_d_exact

#: Float64 LARS drifts ~1 ulp per step from the exact multiplicative orbit; starts whose
#: real-valued count is this close to an integer are ties the simulation may decide either way.
TIE_DISTANCE = 1e-6


def run_json(capsys, *argv):
    assert main(["one-d", *argv, "--json", "-"]) == 0
    return json.loads(capsys.readouterr().out)


def test_paper_example(capsys):
    res = run_json(capsys, "--x0", "50", "--xstar", "1", "--lam", "0.1", "--eps", "0.01")
    assert res["regime"] == "contracting"
    assert res["interval"] == pytest.approx([0.9, 1.1])
    assert res["steps_to_interval"] == res["simulated_steps"] == 37
    assert res["exact_hit_points"] == pytest.approx([1 / 1.1, 1 / 0.9])
    assert res["eps_lambda"] == pytest.approx(0.01)
    assert res["eps_steps"] == one_d_exact.steps_to_interval(50.0, 1.0, 0.01, exact=True)


@pytest.mark.parametrize("x0, xstar, reached", [
    (50, 1, True), (-50, -1, True), (0.01, 1, True), (-0.01, -1, True),
    (50, -1, False), (-50, 1, False), (0, 1, False), (5, 0, False)])
def test_sign_combinations(capsys, x0, xstar, reached):
    res = run_json(capsys, "--x0", str(x0), "--xstar", str(xstar), "--lam", "0.2")
    assert (res["steps_to_interval"] is not None) == reached
    assert res["steps_to_interval"] == res["simulated_steps"]
    if x0 * xstar < 0:
        assert "opposite signs" in res["description"]
        assert abs(res["simulated_final_x"]) < abs(x0)  # drawn to 0, same sign
        assert res["simulated_final_x"] * x0 > 0


@pytest.mark.parametrize("x0", ["0.8", "1.2", "1", "0.95"])
def test_start_inside_or_on_the_ends(capsys, x0):
    res = run_json(capsys, "--x0", x0, "--xstar", "1", "--lam", "0.2")
    assert res["steps_to_interval"] == 0 == res["simulated_steps"]


@pytest.mark.parametrize("lam, regime, reached", [
    ("1", "collapse", True), ("1.5", "sign-flipping", True), ("2", "period-2", False),
    ("3", "divergent", False)])
def test_rates_outside_the_paper_range(capsys, lam, regime, reached):
    res = run_json(capsys, "--x0", "50", "--xstar", "1", "--lam", lam)
    assert res["regime"] == regime
    assert (res["steps_to_interval"] is not None) == reached
    assert res["steps_to_interval"] == res["simulated_steps"]
    if regime == "divergent":
        assert res["simulated_final_x"] is None and res["simulated_diverged_at"] > 0


def test_random_starts_agree_with_simulation():
    rng = np.random.default_rng(1)
    checked = 0
    for _ in range(60):
        lam = float(rng.choice([rng.uniform(0.01, 0.99), rng.uniform(1.01, 1.99)]))
        xstar = float(rng.choice([-1, 1]) * np.exp(rng.uniform(-5, 5)))
        x0 = float(rng.choice([-1, 1]) * abs(xstar) * np.exp(rng.uniform(-6, 6)))
        res = compute(x0, xstar, lam)
        approx = float(one_d_exact.steps_to_interval(x0, xstar, lam))
        if math.isfinite(approx):
            m, x = abs(xstar), x0 * np.sign(xstar)
            hi = (1 + lam) * m
            raw = math.log(abs(x) / hi) / -math.log(abs(1 - lam)) if abs(x) > hi else 0.5
            if abs(raw - round(raw)) < TIE_DISTANCE:
                continue
        assert res["steps_to_interval"] == res["simulated_steps"], (x0, xstar, lam)
        checked += 1
    assert checked > 50


def test_human_output_and_json_file(capsys, tmp_path):
    path = tmp_path / "out" / "one_d.json"
    assert main(["one-d", "--x0", "50", "--xstar", "1", "--lam", "0.1", "--json", str(path)]) == 0
    out = capsys.readouterr().out
    assert "regime contracting" in out and "predicted 37" in out and "simulated 37" in out
    data = json.loads(path.read_text())
    assert {"regime", "interval", "steps_to_interval", "simulated_steps",
            "exact_hit_points"} <= set(data)
    assert "eps_lambda" not in data


@pytest.mark.parametrize("argv", [
    ["--x0", "50", "--xstar", "1", "--lam", "-1"],
    ["--x0", "50", "--xstar", "1", "--lam", "0"],
    ["--x0", "inf", "--xstar", "1", "--lam", "0.1"],
    ["--x0", "50", "--lam", "0.1"],
    ["--x0", "50", "--xstar", "1", "--lam", "0.1", "--eps", "0"],
    ["--x0", "50", "--xstar", "abc", "--lam", "0.1"],
])
def test_bad_input_is_one_line_exit_2(capsys, argv):
    assert main(["one-d", *argv]) == 2
    err = capsys.readouterr().err
    assert err.startswith("larscheck one-d: error: ") and err.count("\n") == 1

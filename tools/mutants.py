"""Mutation harness: small code changes that model real bugs, and whether the tests catch them.

Each :data:`MUTANTS` entry replaces one exact snippet of one file (it must occur exactly
once) and names the test files that cover it. For every mutant the harness

1. copies the committed tree (``git archive HEAD``) to a temporary directory, once;
2. applies the mutation there (and undoes it afterwards);
3. runs ``python -m pytest -x -q`` on the mapped test files with the copy first on
   ``PYTHONPATH`` (the copy's ``larscheck/`` gets links to its ``theory``, ``sims`` and
   ``proofs_check``, the layout of the installed package, so the running interpreter's
   installed ``larscheck`` is shadowed; its third-party packages are used as they are);
4. counts the mutant *killed* when the tests fail (or time out), *survived* when they pass.

Before the mutants, the mapped test files run once unmutated and must pass (else every
mutant would count as killed by a broken environment).

Usage, from a clone with larscheck's dependencies installed (``pip install -e .[all]``)::

    python tools/mutants.py                 # every mutant (about 25 minutes on 2 cores)
    python tools/mutants.py --only verdict  # mutants whose name contains "verdict"
    python tools/mutants.py --list

It prints one line per mutant and the score ``killed / total``; exit 1 if any survived,
2 if the unmutated tests fail.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

#: Seconds one mutant's tests may run before it counts as killed (a hang is caught).
TIMEOUT = 600


@dataclass(frozen=True)
class Mutant:
    """``old`` -> ``new`` in ``path`` (exactly one occurrence), covered by ``tests``."""

    name: str
    path: str
    old: str
    new: str
    tests: tuple[str, ...]


T_RULES = ("tests/sims/test_rules.py",)
T_KERNEL = ("tests/sims/test_kernels.py",)
T_BOUNDS = ("tests/theory/test_bounds.py",)
T_ONE_D = ("tests/theory/test_one_d.py",)
T_VERDICT = ("tests/proofs_check/test_verdict.py", "tests/proofs_check/test_checks_tight.py")
T_VERIFIER = ("tests/proofs_check/test_witness_verifier.py",)
T_SEEDS = ("tests/proofs_check/test_seeds.py",)
T_KERAS = ("tests/sims/test_keras_lars.py",)
T_FAIL = ("tests/proofs_check/test_checks_fail.py",)

MUTANTS: tuple[Mutant, ...] = (
    # update rules (NumPy)
    Mutant("rules: plain step halved", "sims/rules.py",
           "        x -= rate * direction\n        return",
           "        x -= 0.5 * rate * direction\n        return", T_RULES),
    Mutant("rules: weight decay left out of the trust-ratio denominator", "sims/rules.py",
           "denom = self.eps + gn + beta * wn", "denom = self.eps + gn", T_RULES),
    Mutant("rules: Nesterov and heavy ball swapped", "sims/rules.py",
           "x -= rate * (momentum * v + direction) if nesterov else rate * v",
           "x -= rate * v if nesterov else rate * (momentum * v + direction)", T_RULES),
    Mutant("rules: Adam without bias correction", "sims/rules.py",
           "mhat = m / (1 - self.beta1**t)", "mhat = m", T_RULES),
    Mutant("rules: switch threshold inverted", "sims/rules.py",
           "ratio = np.where(wn < self.switch_threshold, self.trust_coefficient, ratio)",
           "ratio = np.where(wn > self.switch_threshold, self.trust_coefficient, ratio)",
           T_RULES),
    # compiled kernel
    Mutant("kernel: weight decay left out of the denominator", "sims/kernels.py",
           "            denom = eps + gn + beta * wn",
           "            denom = eps + gn", T_KERNEL),
    Mutant("kernel: switch threshold ignored", "sims/kernels.py",
           "trust[p] = eta if has_tau & (wn < tau) else ratio", "trust[p] = ratio", T_KERNEL),
    Mutant("kernel: divergence cap never trips", "sims/kernels.py",
           "ok[p] = (dst[p] <= capp[p]) & (sg - sg == 0.0)", "ok[p] = (sg - sg == 0.0)",
           T_KERNEL),
    # closed-form bounds
    Mutant("bounds: Lemma 1 radius without the -lambda", "theory/bounds.py",
           "lam * xstar_norm / (2 * c - lam)", "lam * xstar_norm / (2 * c)", T_BOUNDS + T_FAIL),
    Mutant("bounds: Theorem 1 D without lambda ||x*||", "theory/bounds.py",
           "sp.Max(dist0, R + lam * (R + xstar_norm))", "sp.Max(dist0, R + lam * R)",
           T_BOUNDS + T_FAIL),
    Mutant("bounds: Theorem 2 B halved", "theory/bounds.py",
           "L * D * THEOREM2_M.expr**2 / (2 * delta)", "L * D * THEOREM2_M.expr**2 / (4 * delta)",
           T_BOUNDS + T_FAIL),
    Mutant("bounds: Lemma 1 threshold 1.9c", "theory/bounds.py",
           'Formula("lemma1.threshold", 2 * c,', 'Formula("lemma1.threshold", 19 * c / 10,',
           T_BOUNDS + T_FAIL),
    Mutant("bounds: paper cos bound mu/(2L)", "theory/bounds.py",
           'Formula("cos.paper", mu / L,', 'Formula("cos.paper", mu / (2 * L),', T_BOUNDS),
    # 1-D theory
    Mutant("1-D: interval upper end (1 + lambda/2) x*", "theory/one_d.py",
           'Formula("1d.interval_hi", (1 + lam) * xs,',
           'Formula("1d.interval_hi", (1 + lam / 2) * xs,',
           T_ONE_D),
    Mutant("1-D: wider interval end x*/(1 - lambda/2)", "theory/one_d.py",
           'Formula("1d.wide_hi", xs / (1 - lam),', 'Formula("1d.wide_hi", xs / (1 - lam / 2),',
           T_ONE_D),
    Mutant("1-D: J's positive upper end (1 + lambda^2) x*", "theory/one_d.py",
           'Formula("1d.sf_pos_hi", (1 + lam) * xs,',
           'Formula("1d.sf_pos_hi", (1 + lam**2) * xs,',
           T_ONE_D),
    Mutant("1-D: divergence rate 2 lambda - 3", "theory/one_d.py",
           "sp.Abs(1 - (2 + _t)).subs(_t, lam - 2)", "sp.Abs(1 - (2 + 2 * _t)).subs(_t, lam - 2)",
           T_ONE_D),
    # verdicts
    Mutant("verdict: 1 % excess tolerated", "proofs_check/verdict.py",
           'verdict = "violated" if worst > 1.0 + rtol else "holds"',
           'verdict = "violated" if worst > 1.01 + rtol else "holds"', T_VERDICT + T_FAIL),
    Mutant("verdict: a NaN ratio passes", "proofs_check/verdict.py",
           'if verdict == "holds" and nan.any():', 'if False:', T_VERDICT),
    Mutant("verdict: diverged cases dropped", "proofs_check/verdict.py",
           "scored = inside & ~nan", "scored = inside & ~nan & np.isfinite(ratio)", T_VERDICT),
    Mutant("verdict: tightness tolerance 10x wider", "proofs_check/verdict.py",
           'if verdict == "holds" and worst < 1.0 - rtol:',
           'if verdict == "holds" and worst < 1.0 - 10 * rtol:', T_VERDICT),
    Mutant("report: not tight does not alarm", "proofs_check/report.py",
           'return (self.statement.proved and v == "violated") or v == "not tight"',
           'return self.statement.proved and v == "violated"', T_VERDICT),
    Mutant("checks: NaN growth factor passes", "proofs_check/checks/one_d.py",
           'elif not np.isfinite(rate_err) and verdict != "violated":', "elif False:", T_VERDICT),
    Mutant("checks: contraction drops diverged runs", "proofs_check/checks/beyond.py",
           "ok = (delta > 0) | traj.diverged", "ok = (delta > 0) & ~traj.diverged", T_VERDICT),
    Mutant("checks: lemma1 radius counts lambda = 2c inside", "proofs_check/checks/lemma1.py",
           'inside = params["factor"] < 1.0', 'inside = params["factor"] <= 1.0', T_FAIL),
    # witness verifier
    Mutant("verifier: negative weights accepted", "proofs_check/search/witness.py",
           "if np.any(weights < 0) or mu < 0:", "if mu < 0:", T_VERIFIER),
    Mutant("verifier: span test off by one", "proofs_check/search/witness.py",
           "if rank < dim:", "if rank < dim - 1:", T_VERIFIER),
    Mutant("verifier: atom convexity scan skipped", "proofs_check/search/curvature.py",
           '"convex": finite and bool(np.all(dd >= -scale)),', '"convex": finite,', T_VERIFIER),
    Mutant("verifier: atom derivative scan skipped", "proofs_check/search/curvature.py",
           '"derivative": finite and bool(np.all(off <= 0)),', '"derivative": finite,',
           T_VERIFIER),
    Mutant("verifier: 20 % slack on L", "proofs_check/search/witness.py",
           '"ok": bool(estimate <= claimed * (1 + SMOOTH_RTOL)) and atoms_ok',
           '"ok": bool(estimate <= claimed * 1.2) and atoms_ok', T_VERIFIER),
    Mutant("verifier: a plugged search is trusted", "proofs_check/checks/conjecture.py",
           'witness["verified"] = verify_witness(witness, seed=ctx.seed)\n            if not',
           "if not", T_FAIL),
    # seeds
    Mutant("seeds: the seed is ignored", "proofs_check/context.py",
           "np.random.default_rng([int(seed) & 0xFFFFFFFF, zlib.crc32(key.encode())])",
           "np.random.default_rng([0, zlib.crc32(key.encode())])", T_SEEDS),
    Mutant("seeds: the stream key is ignored", "proofs_check/context.py",
           "return context_rng(self.seed, key)", 'return context_rng(self.seed, "stream")',
           T_SEEDS),
    # Keras optimizer
    Mutant("keras: half the weight decay in the denominator", "sims/keras/lars.py",
           "denom = denom + self.weight_decay * w_norm",
           "denom = denom + 0.5 * self.weight_decay * w_norm", T_KERAS),
    Mutant("keras: Nesterov ignored", "sims/keras/lars.py",
           "scale * (self.momentum * new_velocity + direction if self.nesterov else new_velocity),",
           "scale * new_velocity,", T_KERAS),
    Mutant("keras: trust ratio not applied", "sims/keras/lars.py",
           "            direction = self.trust_ratio(variable, gradient) * direction",
           "            direction = direction", T_KERAS),
)


def make_copy(dest: Path) -> None:
    """The committed tree of the repository at ``dest``, importable as ``larscheck``."""
    archive = subprocess.run(["git", "archive", "HEAD"], cwd=ROOT, check=True,
                             capture_output=True).stdout
    subprocess.run(["tar", "-x", "-C", str(dest)], input=archive, check=True)
    for sub in ("theory", "sims", "proofs_check"):
        (dest / "larscheck" / sub).symlink_to(dest / sub, target_is_directory=True)


def run_tests(copy: Path, tests: tuple[str, ...]) -> tuple[bool, float]:
    """Whether the tests pass in ``copy``, and the seconds they took."""
    env = dict(os.environ, PYTHONPATH=str(copy), HYPOTHESIS_PROFILE="ci",
               PYTHONDONTWRITEBYTECODE="1")
    start = time.perf_counter()
    try:
        proc = subprocess.run([sys.executable, "-m", "pytest", "-x", "-q", "-p",
                               "no:cacheprovider", *tests], cwd=copy, env=env,
                              capture_output=True, timeout=TIMEOUT)
        passed = proc.returncode == 0
    except subprocess.TimeoutExpired:
        passed = False
    return passed, time.perf_counter() - start


def _count(copy: Path, m: Mutant) -> str:
    """The text of ``m.path``; exit with a message unless ``m.old`` occurs exactly once."""
    text = (copy / m.path).read_text()
    if text.count(m.old) != 1:
        raise SystemExit(f"mutant {m.name!r}: snippet found {text.count(m.old)} times in "
                         f"{m.path} (the code changed: update tools/mutants.py)")
    return text


def apply(copy: Path, m: Mutant) -> str:
    """Apply ``m`` in ``copy``; returns the original text (to undo it)."""
    text = _count(copy, m)
    (copy / m.path).write_text(text.replace(m.old, m.new))
    return text


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--only", help="run the mutants whose name contains this text")
    p.add_argument("--list", action="store_true", help="list the mutants and exit")
    p.add_argument("--no-baseline", action="store_true",
                   help="skip the unmutated run of the mapped tests (which must pass)")
    args = p.parse_args(argv)
    chosen = [m for m in MUTANTS if not args.only or args.only in m.name]
    if args.list:
        for m in chosen:
            print(f"{m.name:60s} {m.path}")
        return 0
    killed, survivors = 0, []
    with tempfile.TemporaryDirectory(prefix="larscheck-mutants-") as tmp:
        copy = Path(tmp)
        make_copy(copy)
        for m in chosen:  # every snippet must occur once before anything is run
            _count(copy, m)
        if not args.no_baseline:  # else a broken environment would "kill" every mutant
            files = tuple(sorted({t for m in chosen for t in m.tests}))
            passed, seconds = run_tests(copy, files)
            print(f"baseline (no mutation, {len(files)} test files): "
                  f"{'passed' if passed else 'FAILED'} ({seconds:.0f} s)", flush=True)
            if not passed:
                print("the unmutated tests fail: no score", file=sys.stderr)
                return 2
        for i, m in enumerate(chosen, 1):
            original = apply(copy, m)
            try:
                passed, seconds = run_tests(copy, m.tests)
            finally:
                (copy / m.path).write_text(original)
            killed += not passed
            if passed:
                survivors.append(m.name)
            print(f"[{i}/{len(chosen)}] {'SURVIVED' if passed else 'killed  '} {m.name} "
                  f"({seconds:.0f} s)", flush=True)
    print(f"score: {killed}/{len(chosen)} killed")
    for name in survivors:
        print(f"  survived: {name}")
    return 1 if survivors else 0


if __name__ == "__main__":
    raise SystemExit(main())

"""Wall time of ``larscheck verify --quick`` and of the default ``larscheck verify``.

Targets (issue 4, on 2 cores): ``--quick`` under 10 s, default under 60 s, with
the default suite simulating at least 10,000 problems. Each mode runs in a
fresh interpreter (so the import of SymPy and the theory derivations counts),
through the real console entry point; the simulated-problem count comes from
``report.json`` (``simulated_problems``).

Usage: ``python benchmarks/verify_walltime.py [--repeat N]``
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time

TARGETS = {"quick": 10.0, "default": 60.0}
MIN_PROBLEMS = 10_000


def one_run(quick: bool) -> tuple[float, float, int, int]:
    """Wall seconds, CPU seconds, simulated problems and exit code of one ``larscheck verify``.

    The CPU time (user + system of the child) is what the run costs on an idle
    machine; on a shared one the wall time also contains waiting for a core.
    """
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "report.json")
        cmd = [sys.executable, "-m", "larscheck", "verify", "--json", path]
        if quick:
            cmd.append("--quick")
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        proc = subprocess.run(cmd, capture_output=True, text=True)
        seconds = time.perf_counter() - start
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
        if proc.returncode not in (0, 1):
            sys.exit(f"verify failed (exit {proc.returncode}):\n{proc.stderr}")
        with open(path) as fh:
            problems = json.load(fh)["simulated_problems"]
    return seconds, cpu, problems, proc.returncode


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=1, help="runs per mode (best is shown)")
    args = parser.parse_args()
    print(f"cores available: {os.cpu_count()} (load average {os.getloadavg()[0]:.2f})")
    for mode in ("quick", "default"):
        runs = [one_run(mode == "quick") for _ in range(args.repeat)]
        best = min(r[0] for r in runs)
        cpu = min(r[1] for r in runs)
        problems, code = runs[0][2], runs[0][3]
        ok = best < TARGETS[mode] and (mode == "quick" or problems >= MIN_PROBLEMS)
        print(f"verify {'--quick' if mode == 'quick' else '(default)':10s} wall {best:6.1f} s, "
              f"cpu {cpu:6.1f} s  (target < {TARGETS[mode]:g} s)  simulated problems: {problems}"
              f"{'' if mode == 'quick' else f' (target >= {MIN_PROBLEMS})'}  exit {code}  "
              f"{'OK' if ok else 'MISSED'}")


if __name__ == "__main__":
    main()

"""Wall time of ``larscheck experiments all`` with the default data (target: < 3 min, 2 cores).

Runs each experiment as the CLI does (5 seeds, default epochs, figures
included) into a temporary folder and prints the time of each and the
total, with the machine's core count and load (figures taken on a shared
machine are upper bounds).

    python benchmarks/experiments_walltime.py
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from contextlib import redirect_stdout
from io import StringIO

from larscheck.cli import main

TARGET_S = 180.0


def main_benchmark() -> int:
    times = {}
    with tempfile.TemporaryDirectory() as out:
        for name in ("fig1", "svm", "logreg"):
            start = time.perf_counter()
            with redirect_stdout(StringIO()):
                rc = main(["experiments", name, "--out", out])
            times[name] = time.perf_counter() - start
            if rc:
                print(f"{name} failed with exit code {rc}", file=sys.stderr)
                return rc
        start = time.perf_counter()
        with redirect_stdout(StringIO()):
            rc = main(["experiments", "all", "--out", out])
        total = time.perf_counter() - start
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"cores: {os.cpu_count()}, load average (1 min): {load:.2f}")
    for name, t in times.items():
        print(f"experiments {name:7s} {t:7.1f} s")
    verdict = "within" if total < TARGET_S else "OVER"
    print(f"experiments all     {total:7.1f} s  ({verdict} the {TARGET_S:.0f} s target)")
    return rc


if __name__ == "__main__":
    sys.exit(main_benchmark())

"""Benchmark: how fast the Conjecture 1 search finds a witness.

Target (issue 5): from a fixed seed, a witness with ``cos alpha < 1e-2`` at
``||x|| >= 1e4`` within 2,000 Hypothesis examples and 60 s on 2 cores.

Runs :func:`larscheck.proofs_check.search.conjecture.search_conjecture` with
growing budgets (100, 200, 500, 1000, 2000) until the witness it returns
qualifies and passes the independent checks, and prints the examples used,
the refinement evaluations and the seconds (search and verification apart).

    python benchmarks/search_speed.py [--seed S]
"""

from __future__ import annotations

import argparse
import time

import numpy as np

from larscheck.proofs_check.search.conjecture import search_conjecture
from larscheck.proofs_check.search.witness import verify_witness

TARGET_COS, TARGET_NORM, MAX_EXAMPLES, MAX_SECONDS = 1e-2, 1e4, 2000, 60.0
BUDGETS = (100, 200, 500, 1000, 2000)


def qualifies(witness: dict) -> bool:
    """Some point with ``||x|| >= 1e4`` has ``cos alpha < 1e-2``."""
    norms = np.linalg.norm(np.asarray(witness["points"]), axis=1)
    cos = np.asarray(witness["cos_alpha"])
    return bool(np.any((norms >= TARGET_NORM) & (cos < TARGET_COS)))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    total = 0.0
    for budget in BUDGETS:
        start = time.perf_counter()
        w = search_conjecture(budget, args.seed, verify=False)
        search_s = time.perf_counter() - start
        start = time.perf_counter()
        v = verify_witness(w, seed=args.seed)
        verify_s = time.perf_counter() - start
        total += search_s + verify_s
        ok = qualifies(w) and v["refutes"]
        s = w["search"]
        print(f"budget {budget:5d}: examples {s['examples']:5d}, refine evaluations "
              f"{s['refine_evaluations']:7d}, search {search_s:6.1f} s, verify {verify_s:5.1f} s, "
              f"min cos {min(w['cos_alpha']):.3g}, verified witness: {ok}")
        if ok:
            met = s["examples"] <= MAX_EXAMPLES and search_s + verify_s <= MAX_SECONDS
            print(f"witness found with {s['examples']} examples in {search_s + verify_s:.1f} s "
                  f"(target: <= {MAX_EXAMPLES} examples, <= {MAX_SECONDS:g} s): "
                  f"{'MET' if met else 'MISSED'}; all budgets tried: {total:.1f} s")
            return
    print(f"no qualifying witness within {BUDGETS[-1]} examples ({total:.1f} s): MISSED")


if __name__ == "__main__":
    main()

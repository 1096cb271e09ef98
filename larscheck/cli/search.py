"""``larscheck search``: adversarial search against one statement.

- a bounded statement (``cos_bound.tight``, ``lemma1``, ``theorem1``, ...):
  maximise observed/bound (Hypothesis targeting, then Nelder-Mead) and report
  the worst case and how close to the bound it got;
- ``conjecture1``: search the convex family with ``mu = 0`` for points far
  away with small ``cos alpha`` and print the independently verified witness;
  ``--follow-up`` adds the LARS boundedness search (STATEMENTS 3.4);
  ``--check-witness FILE`` re-verifies a witness JSON instead of searching: exit 0
  when it is a verified refutation, 1 when a property fails (each failed one named),
  2 when the file is not a witness; a verified refutation is then certified
  (:func:`~larscheck.proofs_check.search.certificate.certify_witness`: proved or not,
  with the failed obligations), which does not change the exit code.
"""

from __future__ import annotations

import argparse
import time

from larscheck.cli.args import positive_int, seed_int

NAME = "search"
HELP = "Adversarial search: worst observed/bound of a statement, or a Conjecture 1 witness."

#: Default budgets (Hypothesis examples).
DEFAULT_BUDGET = {"conjecture1": 500, "bounded": 100, "follow_up": 200}


def add_arguments(p: argparse.ArgumentParser) -> None:
    """Flags of ``larscheck search`` (no imports: ``larscheck --help`` stays fast)."""
    p.add_argument("statement", metavar="STATEMENT_ID",
                   help="conjecture1, or a bounded statement id (cos_bound.tight, lemma1, "
                        "theorem1, ...; an unknown id lists them all)")
    p.add_argument("--budget", type=positive_int, default=None,
                   help="Hypothesis examples (default: 500 for conjecture1, 100 otherwise)")
    p.add_argument("--seed", type=seed_int, default=0)
    p.add_argument("--json", metavar="PATH", help="write the result as JSON ('-' = stdout)")
    p.add_argument("--follow-up", action="store_true",
                   help="conjecture1: also search whether LARS stays bounded (mu = 0)")
    p.add_argument("--check-witness", metavar="FILE",
                   help="conjecture1: verify the witness JSON in FILE instead of searching "
                        "(exit 0 verified refutation, 1 a property failed, 2 not a witness)")


def _bounded_lines(result: dict, colour: bool) -> list[str]:
    """The summary of a bounded-statement search."""
    from larscheck.proofs_check.terminal import paint

    status = "violated" if result["violated"] else "holds"
    case = result["worst_case"]
    return [f"{result['statement']}: {result['description']}",
            f"  {result['examples']} Hypothesis examples + {result['refine_evaluations']} "
            f"refinement evaluations",
            f"  worst observed/bound: {result['worst_ratio']:.10g} "
            f"({paint(status.upper() if result['violated'] else status, status, colour)}; "
            f"Hypothesis alone: {result['hypothesis_worst_ratio']:.6g})",
            f"  worst case: observed {case['observed']:.6g}, bound {case['bound']:.6g}, "
            f"mu {case['mu']:.4g}, L {case['L']:.4g}"]


def _witness_lines(w: dict, colour: bool) -> list[str]:
    """The summary of a Conjecture 1 search: the witness, its checks, the follow-up."""
    from larscheck.proofs_check.terminal import paint

    v = w.get("verified", {})
    trend = v.get("trend", {})
    s = w["search"]
    out = [f"conjecture1: {s['examples']} Hypothesis examples + {s['refine_evaluations']} "
           f"refinement evaluations (seed {s['seed']})",
           f"  witness in R^{len(w['function']['xstar'])} with atoms "
           f"{', '.join(a['kind'] for a in w['function']['atoms'])}, mu = 0",
           "  ||x||        cos alpha"]
    out += [f"  {sum(t * t for t in x) ** 0.5:<12.4g} {c:.4g}"
            for x, c in zip(w["points"], w["cos_alpha"], strict=True)]
    if v:
        checks = ", ".join(f"{k} {'ok' if v[k]['ok'] else 'FAILED'}"
                           for k in ("gradient", "convexity", "smoothness", "uniqueness"))
        out.append(f"  independent checks: {checks}")
        if trend.get("slope") is not None:
            out.append(f"  trend: log cos alpha ~ {trend['slope']:.4f} log ||x|| "
                       f"(95% CI {trend['slope_ci'][0]:.4f} .. {trend['slope_ci'][1]:.4f}); "
                       f"evidence: {trend['evidence']}")
        out.append("  verdict: " + (paint("REFUTED", "refuted", colour) + " (liminf cos alpha "
                                    "= 0 on a convex L-smooth f with unique minimiser)"
                                    if v["refutes"] else "not refuted"))
    if "follow_up" in w:
        f = w["follow_up"]
        out.append(f"  follow-up: largest sup_k |x_k - x*| / |x_0 - x*| found "
                   f"{f['search']['worst_ratio']:.4g} ({f['search']['examples']} examples), "
                   f"diverged: {f['search']['diverged']}")
        out += [f"    from the witness points, lambda {row['lambda']:g}: "
                f"max ratio {row['max_ratio']:.4g}, diverged {row['diverged']}"
                for row in f["on_witness"]["by_rate"]]
    return out


def _certificate_line(cert: dict) -> str:
    """One line on the certificate of a verified witness (refuted proved or numerical)."""
    if cert["evidence"] == "proof":
        curve = cert["data"]["curve"]
        return (f"certificate: PROVED (re-checked): cos alpha(x* + t u + sqrt(t) v) <= "
                f"{curve['C']} t^(-1/2) for t >= {curve['t0']:.3g}")
    failed = cert["failed"] or cert["check"]["failed"]
    return f"certificate: not proved (failed: {', '.join(failed)})"


def _check_witness(args) -> int:
    """``--check-witness``: verify a witness file and name what failed."""
    import json
    from pathlib import Path

    from larscheck.proofs_check.search.certificate import certify_witness
    from larscheck.proofs_check.search.witness import check_witness_file
    from larscheck.sims.output import write_json

    code, verified = check_witness_file(args.check_witness)
    if code == 0:  # a verified refutation: try to prove it
        verified["certificate"] = certify_witness(json.loads(Path(args.check_witness)
                                                             .read_text()))
    if args.json:
        write_json(args.json, verified)
    if args.json != "-":
        for k in ("gradient", "convexity", "smoothness", "uniqueness"):
            state = {True: "ok", False: "FAILED", None: "not checked"}[verified[k]["ok"]]
            reason = verified[k].get("reason")
            print(f"  {k}: {state}{f' ({reason})' if reason else ''}")
        print(f"  trend: {verified['trend']['evidence']}")
        print("verified refutation of conjecture1" if code == 0 else
              f"NOT a verified refutation: failed {', '.join(verified['failed'])}")
        if code == 0:
            print("  " + _certificate_line(verified["certificate"]))
    return code


def run(args) -> int:
    """Run the search, print a summary, optionally write JSON."""
    from larscheck.proofs_check.search.boundedness import run_on_witness, search_boundedness
    from larscheck.proofs_check.search.bounds import SPECS, search_bound
    from larscheck.proofs_check.search.conjecture import STATEMENT, search_conjecture
    from larscheck.proofs_check.terminal import colour_enabled, width, wrap
    from larscheck.sims.output import versions, write_json

    if args.statement != STATEMENT and args.statement not in SPECS:
        raise ValueError(f"unknown STATEMENT_ID {args.statement!r}; choose conjecture1 or one "
                         f"of {', '.join(sorted(SPECS))}")
    if args.follow_up and args.statement != STATEMENT:
        raise ValueError("--follow-up applies to conjecture1 only")
    if args.check_witness:
        if args.statement != STATEMENT or args.follow_up:
            raise ValueError("--check-witness applies to conjecture1 only, without --follow-up")
        return _check_witness(args)
    start = time.perf_counter()
    if args.statement == STATEMENT:
        budget = args.budget or DEFAULT_BUDGET["conjecture1"]
        result = search_conjecture(budget, args.seed)
        if args.follow_up:
            result["follow_up"] = {
                "search": search_boundedness(args.budget or DEFAULT_BUDGET["follow_up"],
                                             args.seed),
                "on_witness": run_on_witness(result),
            }
        lines = _witness_lines
    else:
        result = search_bound(args.statement, args.budget or DEFAULT_BUDGET["bounded"],
                              args.seed)
        lines = _bounded_lines
    if args.json != "-":
        colour = colour_enabled()
        for line in lines(result, colour):
            indent = " " * (len(line) - len(line.lstrip()) + 4)
            print(wrap(line, width(), indent))
        print(f"  ({time.perf_counter() - start:.1f} s)")
    if args.json:
        write_json(args.json, {**result, "versions": versions()})
    return 0

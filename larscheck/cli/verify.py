"""``larscheck verify``: check every statement of the paper and report.

Prints the table (id, section, confidence, verdict, cases, worst ratio,
short finding) at the terminal's width (100 columns when piped), verdicts in
colour on a terminal unless ``NO_COLOR`` is set; ``--wide`` prints the full
findings instead; ``--out DIR`` writes ``report.md``, ``report.json`` and the figures
(PNG and PDF); ``--json PATH`` writes the JSON alone (``-``: stdout).

Exit codes: 0 when the run completed (a refuted conjecture or a loose bound
is a finding, not a failure); 1 when a statement the paper proves is violated
within its hypotheses, or a bound claimed to be attained is ``not tight``
(printed loudly on stderr); 2 on bad usage.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from larscheck.cli.args import positive_int, seed_int

NAME = "verify"
HELP = "Check every statement of the paper (reconstructed) and report verdicts, ratios, figures."


def add_arguments(p: argparse.ArgumentParser) -> None:
    """Flags of ``larscheck verify``."""
    p.add_argument("--quick", action="store_true", help="small suites (seconds, for a first look)")
    p.add_argument("--only", nargs="+", metavar="ID", help="check only these statement ids")
    p.add_argument("--out", metavar="DIR", help="write report.md, report.json and figures here")
    p.add_argument("--json", metavar="PATH", help="write the JSON report ('-' = stdout)")
    p.add_argument("--seed", type=seed_int, default=0,
                   help="seed of every random stream (default 0)")
    p.add_argument("--wide", action="store_true",
                   help="print each statement's full finding, unwrapped (as in the JSON)")
    p.add_argument("--list", action="store_true", help="list the statement ids and exit")
    p.add_argument("--workers", type=positive_int, default=None,
                   help="processes running the checks side by side (default: every core; "
                        "the report does not depend on it)")


def run(args) -> int:
    """Run the checks, print the table, write the files; exit 1 on a proved statement violated."""
    if args.list:
        return _list()
    from larscheck.cli.args import UsageError
    from larscheck.proofs_check.figures import write_figures
    from larscheck.proofs_check.registry import ORDER
    from larscheck.proofs_check.report import verify
    from larscheck.proofs_check.terminal import colour_enabled

    if args.only:
        unknown = [i for i in args.only if i not in ORDER]
        if unknown:
            raise UsageError(f"unknown statement id(s) {unknown}; known: {', '.join(ORDER)}")
    report = verify(args.only, seed=args.seed, quick=args.quick, workers=args.workers)
    to_stdout = args.json == "-"
    if not to_stdout:
        print(report.table(wide=args.wide, colour=colour_enabled()))
    if args.out:
        out = Path(args.out)
        figures = write_figures(report, out)
        report.write_json(out / "report.json")
        report.write_markdown(out / "report.md", figures)
        if not to_stdout:
            print(f"wrote {out / 'report.md'}, {out / 'report.json'} and "
                  f"{sum(len(v) for v in figures.values())} figure files")
    if args.json:
        report.write_json(args.json)
    for r in report.alarms:
        what = ("which the paper proves, fails WITHIN its hypotheses"
                if r.verdict.verdict == "violated" else
                "claims its bound is attained, but it is NOT TIGHT on the non-trivial cases")
        print(f"\n!!! {r.verdict.verdict.upper()}: {r.statement.id} (STATEMENTS "
              f"{r.statement.section}), {what}: {r.verdict.finding}\n"
              f"!!! witness: {r.verdict.witness}", file=sys.stderr)
    return 1 if report.alarms else 0


def _list() -> int:
    """Print the statements, read from their declarations (the registry only if need be)."""
    from larscheck.proofs_check.listing import declarations

    entries = declarations()
    if entries is None:
        from larscheck.proofs_check.registry import statements

        entries = [vars(s) for s in statements()]
    for e in entries:
        print(f"{e['id']:24s} {e['section']:5s} {e['kind']:7s} {e['confidence']:7s} {e['title']}")
    return 0

"""Regenerate the generated block of the README: the verdict table.

``python -m tools.readme_blocks README.md`` rewrites, in place
(atomically), the text between each pair of markers

.. code-block:: text

    <!-- begin NAME (generated: python -m tools.readme_blocks README.md) -->
    ...
    <!-- end NAME -->

for the blocks of :data:`BLOCKS`:

- ``verify-table``: the verdict table of ``larscheck verify`` (every
  statement of the registry with its section, kind, reconstruction
  confidence, verdict, number of cases, worst ratio observed/bound and
  short finding), built from the JSON document of ``larscheck verify --json``
  (:func:`verify_table`). By default ``larscheck verify --seed SEED --json``
  is run (in-process, through the command line; the full suite, a minute or
  two); ``--verify-json PATH`` takes the document of an earlier
  ``larscheck verify --json PATH`` run instead.

The CLI reference is not in the README: the documentation generates it from
the parser (``docs/_ext/larscheck_docs.py``).

Text outside the markers is never touched; a missing, repeated or misordered
marker is a :class:`ValueError` naming the block (nothing is written).
``--only NAME`` regenerates one block.
"""

from __future__ import annotations

import argparse
import json
import tempfile
from collections.abc import Sequence
from pathlib import Path

#: The generated blocks, in the order they are regenerated.
BLOCKS = ("verify-table",)
COMMAND = "python -m tools.readme_blocks README.md"


def markers(name: str) -> tuple[str, str]:
    """The begin and end marker lines of block ``name``."""
    if name not in BLOCKS:
        raise ValueError(f"block must be one of {BLOCKS}, got {name!r}")
    return f"<!-- begin {name} (generated: {COMMAND}) -->", f"<!-- end {name} -->"


def replace_block(text: str, name: str, body: str) -> str:
    """``text`` with the lines between block ``name``'s markers replaced by ``body``.

    Parameters
    ----------
    text : str
        The whole Markdown document.
    name : str
        One of :data:`BLOCKS`.
    body : str
        The new content (surrounding blank lines are stripped; the markers
        stay on lines of their own).

    Returns
    -------
    str
        ``text`` with only the block's content changed.

    Raises
    ------
    ValueError
        If either marker is missing or repeated, or the end marker comes first.
    """
    begin, end = markers(name)
    for marker in (begin, end):
        count = text.count(marker)
        if count != 1:
            raise ValueError(f"block {name!r}: marker {marker!r} found {count} times, need 1")
    head, rest = text.split(begin)
    if end not in rest:
        raise ValueError(f"block {name!r}: the end marker comes before the begin marker")
    _, tail = rest.split(end)
    return f"{head}{begin}\n{body.strip()}\n{end}{tail}"


def _cell(value) -> str:
    """A Markdown table cell: one line, ``|`` escaped."""
    return " ".join(str(value).split()).replace("|", "\\|")


def verify_table(report: dict) -> str:
    """The Markdown verdict table of a ``larscheck verify --json`` document.

    Parameters
    ----------
    report : dict
        ``{"version", "seed", "quick", "simulated_problems", "statements": [...]}``
        as written by ``larscheck verify --json`` (see
        :mod:`larscheck.proofs_check.report`).

    Returns
    -------
    str
        A line naming the run (larscheck version, seed, suite size, totals)
        and the table; a ratio is observed/bound (1 = tight, > 1 = violated).
        Each row shows the short finding (the record's ``summary``, else the
        first clause of its ``finding``: :func:`~larscheck.proofs_check.verdict.headline`);
        the full findings are in ``report.md`` and on the documentation's
        statements page.
    """
    from larscheck.proofs_check.verdict import headline

    rows = report["statements"]
    suite = "quick suite" if report.get("quick") else "full suite"
    lines = [
        f"Generated from `larscheck verify{' --quick' if report.get('quick') else ''} "
        f"--seed {report['seed']}` (larscheck {report['version']}, {suite}): "
        f"{len(rows)} statements, {sum(int(r['cases']) for r in rows)} cases within their "
        f"hypotheses, {report['simulated_problems']} simulated problems.",
        "",
        "| statement | § | kind | confidence | verdict | cases | worst ratio | short finding |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        ratio = "–" if r["worst_ratio"] is None else f"{r['worst_ratio']:.3g}"
        verdict = r["verdict"]
        if (r.get("proved") and verdict == "violated") or verdict == "not tight":
            verdict = f"**{verdict.upper()}**"
        lines.append("| " + " | ".join(_cell(v) for v in (
            f"`{r['id']}`", r["section"], r["kind"], r["confidence"], verdict, r["cases"],
            ratio, r.get("summary") or headline(r["finding"]))) + " |")
    return "\n".join(lines)


def _verify_document(args) -> dict:
    """The JSON document of ``--verify-json``, or of a fresh ``larscheck verify --json`` run.

    The run goes through the command line itself (:func:`larscheck.cli.main`), so
    the table shows exactly what ``larscheck verify`` reports, searches plugged in
    by the registered commands included. Exit code 1 (a proved statement violated)
    still gives a table: the violation is what it must show.
    """
    if args.verify_json:
        return json.loads(Path(args.verify_json).read_text())
    from larscheck.cli import main as cli_main

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "verify.json"
        argv = ["verify", "--json", str(path), "--seed", str(args.seed)]
        code = cli_main([*argv, "--quick"] if args.quick else argv)
        if code not in (0, 1):
            raise RuntimeError(f"larscheck {' '.join(argv)} failed with exit code {code}")
        return json.loads(path.read_text())


def main(argv: Sequence[str] | None = None) -> int:
    """Rewrite the generated blocks of the README given on the command line.

    Parameters
    ----------
    argv : sequence of str, optional
        ``README [--only BLOCK] [--verify-json PATH] [--seed S] [--quick]``;
        default ``sys.argv[1:]``.

    Returns
    -------
    int
        0; the file is written once, atomically, after every block was built.
        Bad markers raise :class:`ValueError` before the verify run starts.
    """
    from larscheck.sims.output import atomic_write_text

    p = argparse.ArgumentParser(prog="python -m tools.readme_blocks",
                                description=__doc__.splitlines()[0])
    p.add_argument("readme", type=Path, help="the Markdown file to rewrite (README.md)")
    p.add_argument("--only", choices=BLOCKS, action="append", help="regenerate only this block")
    p.add_argument("--verify-json", metavar="PATH",
                   help="use this `larscheck verify --json` document instead of running verify")
    p.add_argument("--seed", type=int, default=0, help="seed of the verify run (default 0)")
    p.add_argument("--quick", action="store_true", help="run verify's quick suite")
    args = p.parse_args(argv)
    text = args.readme.read_text()
    for name in args.only or BLOCKS:
        replace_block(text, name, "")  # check the markers before the slow verify run
    for name in args.only or BLOCKS:
        text = replace_block(text, name, verify_table(_verify_document(args)))
    atomic_write_text(args.readme, text)
    print(f"rewrote {', '.join(args.only or BLOCKS)} in {args.readme}")
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())

"""``larscheck statements``: what each statement claims, and how it is checked.

Without an id: one line per id that any command accepts, in the order of the
report: the registered statements (``larscheck verify``, ``--only``) and the
ids only ``larscheck search`` accepts, marked as search targets. With ids: each
statement's whole entry (:func:`larscheck.proofs_check.catalogue.text`); with
``--verify-json PATH`` also its verdict in that ``larscheck verify --json`` run.
"""

from __future__ import annotations

import argparse

NAME = "statements"
HELP = "Print the statements larscheck checks: claim, formulas, hypotheses, confidence, verdict."


def add_arguments(p: argparse.ArgumentParser) -> None:
    """Flags of ``larscheck statements``."""
    p.add_argument("ids", nargs="*", metavar="ID",
                   help="statement ids (default: list every id with its section and title)")
    p.add_argument("--verify-json", metavar="PATH",
                   help="add each statement's verdict from this `larscheck verify --json` file")


def _document(path: str | None) -> dict | None:
    """The ``larscheck verify --json`` document at ``path`` (checked to be one)."""
    if path is None:
        return None
    import json
    from pathlib import Path

    from larscheck.cli.args import UsageError

    try:
        doc = json.loads(Path(path).read_text())
    except json.JSONDecodeError as exc:
        raise UsageError(f"--verify-json {path}: not JSON ({exc.msg}, line {exc.lineno})") \
            from None
    rows = doc.get("statements") if isinstance(doc, dict) else None
    if not isinstance(rows, list) or not all(isinstance(r, dict) and "id" in r for r in rows):
        raise UsageError(f"--verify-json {path}: not a `larscheck verify --json` document "
                         "(no list of statements)")
    return doc


def run(args) -> int:
    """Print the list, or the entries of the ids given."""
    from larscheck.cli.args import UsageError
    from larscheck.proofs_check import catalogue
    from larscheck.proofs_check.registry import ORDER, statements

    doc = _document(args.verify_json)
    rows = {} if doc is None else {r["id"]: r for r in doc["statements"]}
    targets = catalogue.search_targets()
    if not args.ids:
        for s in statements():
            verdict = f"  [{rows[s.id]['verdict']}]" if s.id in rows else ""
            print(f"{s.id:24s} {s.section:5s} {s.kind:7s} {s.confidence:7s} {s.title}{verdict}")
        for sid, words in targets.items():
            print(f"{sid:24s} {'-':5s} {'search':7s} {'-':7s} search target: {words}")
        return 0
    unknown = [i for i in args.ids if i not in ORDER and i not in targets]
    if unknown:
        raise UsageError(f"unknown statement id(s) {unknown}; known: {', '.join(ORDER)}; "
                         f"search targets: {', '.join(targets)}")
    wanted = [i for i in args.ids if i in ORDER]
    parts = [catalogue.text(s, rows.get(s.id)) for s in statements(wanted)] if wanted else []
    parts += [f"{i}  (search target of `larscheck search {i}`, not a statement of "
              f"`larscheck verify`): {targets[i]}" for i in dict.fromkeys(args.ids)
              if i in targets]
    print("\n\n".join(parts))
    return 0

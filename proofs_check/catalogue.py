"""The catalogue of statements: every registered statement, written out for a reader.

One source (the registry, :mod:`larscheck.proofs_check.registry`) gives three
renderings of the same fields:

- :func:`markdown`: a Markdown section per statement, with its formulas as
  ``$$ ... $$`` display math (the documentation's statements page and the
  ``report.md`` of ``larscheck verify --out``);
- :func:`text`: plain text for a terminal (``larscheck statements [ID]``);
- :func:`search_targets`: the ids that ``larscheck search`` accepts besides the
  registered statements (bounds searched on their own, with no verdict of
  their own in ``larscheck verify``).

Each statement is shown with its id, section, title, claim in words and its
formulas (LaTeX and plain SymPy text), its hypotheses, whether the paper
proves it, the confidence of the reconstruction and what that confidence
rests on, how larscheck checks it, and, when a ``larscheck verify --json``
document is given, its verdict in that run.
"""

from __future__ import annotations

import re
import textwrap
from collections.abc import Iterable, Mapping

from larscheck.proofs_check.registry import Statement

#: What each kind means, in one line.
KIND_WORDS = {
    "paper": "stated by the paper",
    "beyond": "a question larscheck adds (not claimed by the paper)",
}

_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>|$#])")


def escape(words: str) -> str:
    """``words`` with the characters Markdown would read as markup backslash-escaped.

    Statement texts write ``x*``, ``||x||`` and ``f*`` literally; unescaped, a
    pair of ``*`` would turn into emphasis and ``|`` into a table cell.
    """
    return _MD_SPECIAL.sub(r"\\\1", " ".join(words.split()))


def search_targets() -> dict[str, str]:
    """The ids ``larscheck search`` accepts that are not registered statements.

    Returns
    -------
    dict of str to str
        ``{id: description}`` of the bounded searches
        (:data:`larscheck.proofs_check.search.bounds.SPECS`) whose id is not in
        the registry: a bound larscheck searches against on its own (for
        example the paper's cos bound, ``cos_bound.paper``), whose verdict is
        part of another statement's check rather than a row of its own.
    """
    from larscheck.proofs_check.registry import ORDER
    from larscheck.proofs_check.search.bounds import SPECS

    return {sid: spec.description for sid, spec in SPECS.items() if sid not in ORDER}


def searchable(statement_id: str) -> bool:
    """Whether ``larscheck search STATEMENT_ID`` accepts this registered statement."""
    from larscheck.proofs_check.registry import SEARCHABLE
    from larscheck.proofs_check.search.bounds import SPECS

    return statement_id in SPECS or statement_id in SEARCHABLE


def _verdict_words(row: Mapping) -> str:
    """One sentence: verdict, cases, worst ratio."""
    ratio = "–" if row.get("worst_ratio") is None else f"{row['worst_ratio']:.4g}"
    verdict = row["verdict"]
    if row.get("proved") and verdict == "violated":
        verdict = "VIOLATED (a statement the paper proves)"
    return f"{verdict}; {row['cases']} cases within the hypotheses; worst observed/bound {ratio}"


def _run_words(document: Mapping) -> str:
    """``larscheck verify [--quick] --seed S`` (larscheck VERSION)."""
    quick = " --quick" if document.get("quick") else ""
    return f"`larscheck verify{quick} --seed {document['seed']}` (larscheck {document['version']})"


def _rows(document: Mapping | None) -> dict[str, Mapping]:
    return {} if document is None else {r["id"]: r for r in document["statements"]}


def markdown(entries: Iterable[Statement], document: Mapping | None = None,
             level: int = 2) -> str:
    """The statements as Markdown, one section per statement.

    Parameters
    ----------
    entries : iterable of Statement
        The statements, in the order to print them.
    document : dict, optional
        A ``larscheck verify --json`` document; each statement it holds gets
        its verdict, cases, worst ratio and finding from it.
    level : int
        Heading level of each statement's section (2: ``##``).

    Returns
    -------
    str
        Markdown with the formulas as ``$$ ... $$`` display math; the
        statements' words are escaped so that none of their characters is read
        as markup.
    """
    rows = _rows(document)
    hashes = "#" * level
    parts = []
    for s in entries:
        lines = [f"{hashes} {s.section} `{s.id}`: {escape(s.title)}", "",
                 f"**Claim.** {escape(s.claim)}", ""]
        for label, formula in s.formulas:
            lines += [f"*{escape(label)}* ({escape(formula.description or formula.name)}):",
                      "", "$$", formula.latex, "$$", ""]
        lines += [
            f"**Hypotheses.** {escape(s.hypotheses)}", "",
            f"**Kind.** {KIND_WORDS[s.kind]}"
            + ("; the paper proves it (a violation makes `larscheck verify` exit 1)."
               if s.proved else "."), "",
            f"**Reconstruction confidence.** {s.confidence}"
            + (f": {escape(s.basis)}" if s.basis else ""), "",
            f"**How larscheck checks it.** {escape(s.how)}", "",
        ]
        if searchable(s.id):
            lines += [f"Also a target of `larscheck search {s.id}`.", ""]
        row = rows.get(s.id)
        if row is not None:
            lines += [f"**Verdict** in {_run_words(document)}: {escape(_verdict_words(row))}. "
                      f"{escape(row['finding'])}", ""]
        parts.append("\n".join(lines))
    return "\n".join(parts)


def targets_markdown(level: int = 2) -> str:
    """A Markdown section listing :func:`search_targets` (ids only ``search`` accepts)."""
    lines = [f"{'#' * level} Search targets", "",
             "`larscheck search` also accepts these ids. Each is a bound searched on its own; "
             "none is a statement with a verdict of its own in `larscheck verify`.", ""]
    lines += [f"- `{sid}` (search target): {escape(words)}"
              for sid, words in search_targets().items()]
    return "\n".join(lines) + "\n"


def text(s: Statement, row: Mapping | None = None, width: int = 100) -> str:
    """One statement as plain text for a terminal.

    Parameters
    ----------
    s : Statement
        The statement.
    row : dict, optional
        Its record in a ``larscheck verify --json`` document (verdict,
        cases, worst ratio, finding).
    width : int
        Line width of the wrapped paragraphs.

    Returns
    -------
    str
        Heading line, then labelled paragraphs; each formula as SymPy text and
        as LaTeX.
    """
    def para(label: str, words: str) -> list[str]:
        return textwrap.wrap(" ".join(words.split()), width, initial_indent=f"{label:13s}",
                             subsequent_indent=" " * 13)

    lines = [f"{s.id}  (STATEMENTS {s.section}): {s.title}", ""]
    lines += para("claim", s.claim)
    for label, formula in s.formulas:
        lines += para(label, f"{formula.expr}")
        lines += para("  LaTeX", formula.latex)
    lines += para("hypotheses", s.hypotheses)
    lines += para("kind", KIND_WORDS[s.kind] + ("; proved by the paper" if s.proved else ""))
    lines += para("confidence", s.confidence + (f": {s.basis}" if s.basis else ""))
    lines += para("checked by", s.how)
    if searchable(s.id):
        lines += para("search", f"larscheck search {s.id}")
    if row is not None:
        lines += para("verdict", f"{_verdict_words(row)}. {row['finding']}")
    return "\n".join(lines)

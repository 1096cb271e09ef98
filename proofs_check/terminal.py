"""Text for a terminal: colours only where they show, tables that fit the width.

Colour is on when the stream is a terminal, ``NO_COLOR`` is unset or empty
(https://no-color.org) and ``TERM`` is not ``dumb``; piped output and files
get plain text. The width is the terminal's (``COLUMNS`` where set), and
:data:`DEFAULT_WIDTH` when there is none.
"""

from __future__ import annotations

import os
import shutil
import sys
import textwrap
from collections.abc import Sequence

#: Width used when the output is not a terminal and ``COLUMNS`` is unset.
DEFAULT_WIDTH = 100
#: Narrowest column the wrapped last column of :func:`table` is given.
MIN_LAST_COLUMN = 24
#: Space between columns.
GAP = "  "

#: ANSI SGR codes of the styles :func:`paint` knows (a verdict names its style).
STYLES = {"holds": "32", "violated": "1;31", "refuted": "1;35", "not tight": "1;31",
          "inconclusive": "33",
          "bold": "1", "dim": "2"}


def colour_enabled(stream=None) -> bool:
    """Whether to colour text written to ``stream`` (default stdout)."""
    stream = sys.stdout if stream is None else stream
    if os.environ.get("NO_COLOR") or os.environ.get("TERM") == "dumb":
        return False
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty())


def paint(text: str, style: str, on: bool) -> str:
    """``text`` in ``style`` (a key of :data:`STYLES`, case-insensitive, read up to the
    first space: ``"refuted (proved)"`` is styled as ``"refuted"``) if ``on``; unknown
    styles and ``on=False`` leave it plain."""
    code = STYLES.get(style.lower().split(" ")[0]) if style else None
    return f"\x1b[{code}m{text}\x1b[0m" if on and code else text


def width() -> int:
    """Columns available: the terminal's, ``COLUMNS``, or :data:`DEFAULT_WIDTH`."""
    return shutil.get_terminal_size((DEFAULT_WIDTH, 24)).columns


def wrap(text: str, columns: int, indent: str = "") -> str:
    """``text`` in lines of at most ``columns`` characters, ``indent`` included, every line
    after the first starting with ``indent``; words (numbers such as ``1e-13`` included) are
    never split: a longer word keeps a line of its own."""
    return textwrap.fill(text, columns, subsequent_indent=indent, break_long_words=False,
                         break_on_hyphens=False)


def table(rows: Sequence[Sequence[str]], columns: int | None = None,
          colour: bool = False, style_column: int | None = None) -> list[str]:
    """Lines of a left-aligned table whose last column wraps to fit ``columns``.

    Parameters
    ----------
    rows : sequence of sequences of str
        The header first; every row has the same number of cells.
    columns : int, optional
        Total width (default :func:`width`); ``0`` means unlimited (the last column
        is not wrapped).
    colour : bool
        Colour the table (ANSI codes; widths are measured without them): the header
        bold, and each cell of ``style_column`` in the style its text names (a
        verdict, see :data:`STYLES`).
    style_column : int, optional
        Index of a column other than the last whose cells name their style.

    Returns
    -------
    list of str
        The printed lines; a row whose last cell wraps spans several, the continuation
        lines indented to the last column.
    """
    columns = width() if columns is None else columns
    fixed = [max(len(r[i]) for r in rows) for i in range(len(rows[0]) - 1)]
    indent = " " * (sum(fixed) + len(GAP) * len(fixed))
    last = max(MIN_LAST_COLUMN, columns - len(indent)) if columns else 0
    out = []
    for j, row in enumerate(rows):
        cells = [c.ljust(w) for c, w in zip(row[:-1], fixed, strict=True)]
        if j == 0:
            cells = [paint(c, "bold", colour) for c in cells]
        elif style_column is not None:
            cells[style_column] = paint(cells[style_column], row[style_column], colour)
        tail = (wrap(row[-1], last) if last else row[-1]).splitlines() or [""]
        out.append(GAP.join([*cells, tail[0]]).rstrip())
        out += [indent + t for t in tail[1:]]
    return out

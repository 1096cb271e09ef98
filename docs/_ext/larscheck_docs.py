"""Sphinx extension of the larscheck docs: pages generated at build time.

On ``builder-inited`` it writes ``docs/generated/`` (ignored by git):

- ``verify/``: ``report.json``, ``report.md`` and figures of ``larscheck verify
  --quick --seed 0 --out``, run at build time; or, when the environment
  variable ``LARSCHECK_DOCS_VERIFY`` names a folder written by an earlier
  ``larscheck verify --out`` (the full suite, say), that folder's files. The
  results page says which (``generated/run.md``).
- ``results-table.md``: the verdict table of that run
  (:func:`tools.readme_blocks.verify_table`, the README's table) and
  ``results-figures.md``, its figures.
- ``statements.md``: every statement of the registry with its verdict in that
  run (:func:`larscheck.proofs_check.catalogue.markdown`) and the ids only
  ``larscheck search`` accepts.
- ``notebooks/``: copies of ``notebooks/*.ipynb``, which myst-nb executes.

The directive ``larscheck-help`` prints ``larscheck [COMMAND] --help`` at 100
columns (the CLI reference, from the argparse parser of the build). On
``build-finished`` MathJax (from the ``jupyter-server-mathjax`` package) is
copied into ``_static/mathjax`` of the HTML output, so that formulas are
typeset with no network.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

from docutils import nodes
from sphinx.util.docutils import SphinxDirective

DOCS = Path(__file__).resolve().parents[1]
ROOT = DOCS.parent
GENERATED = DOCS / "generated"
HELP_COLUMNS = 100
#: Command line of the run the results page shows when no cached run is named.
VERIFY_ARGS = ("verify", "--quick", "--seed", "0")


def _verify_folder() -> tuple[Path, str]:
    """The folder with the run's report.json and figures, and a sentence saying where from."""
    cached = os.environ.get("LARSCHECK_DOCS_VERIFY")
    if cached:
        folder = Path(cached).resolve()
        doc = json.loads((folder / "report.json").read_text())
        quick = " --quick" if doc.get("quick") else ""
        return folder, (f"These results come from a **cached run** of `larscheck verify{quick} "
                        f"--seed {doc['seed']}` (larscheck {doc['version']}), read from the "
                        f"folder named by `LARSCHECK_DOCS_VERIFY` when the site was built; "
                        f"they were not recomputed by the build.")
    folder = GENERATED / "verify"
    if folder.exists():
        shutil.rmtree(folder)
    cmd = [sys.executable, "-m", "larscheck", *VERIFY_ARGS, "--out", str(folder)]
    done = subprocess.run(cmd, capture_output=True, text=True, env={**os.environ,
                                                                     "MPLBACKEND": "Agg"})
    if done.returncode not in (0, 1):  # 1: a proved statement violated -- shown, not hidden
        raise RuntimeError(f"{' '.join(cmd)} failed ({done.returncode}):\n{done.stderr}")
    return folder, (f"These results were **computed when this site was built**, by "
                    f"`larscheck {' '.join(VERIFY_ARGS)}` (the quick suite: small batches, "
                    f"seconds per statement). The full suite (`larscheck verify`, the "
                    f"README's table) runs more cases; its verdicts are the ones to cite.")


def _figures_markdown(folder: Path, doc: dict) -> str:
    """A figure directive per PNG of the run, captioned with the statements it shows."""
    dest = GENERATED / "figures"
    dest.mkdir(parents=True, exist_ok=True)
    titles = {r["id"].replace(".", "_"): (r["id"], r["title"]) for r in doc["statements"]}
    lines = []
    for png in sorted(folder.glob("*.png")):
        shutil.copy2(png, dest / png.name)
        sid, title = titles.get(png.stem, (png.stem, ""))
        caption = f"`{sid}`: {title}" if title else png.stem.replace("_", " ")
        lines += [f":::{{figure}} /generated/figures/{png.name}", f":alt: {png.stem}",
                  ":width: 90%", "", caption, ":::", ""]
    return "\n".join(lines) or "(this run drew no figures)\n"


def generate(app) -> None:
    """Write ``docs/generated/`` (see the module docstring)."""
    sys.path.insert(0, str(ROOT))
    from larscheck.proofs_check import catalogue
    from larscheck.proofs_check.registry import statements
    from tools.readme_blocks import verify_table

    GENERATED.mkdir(exist_ok=True)
    folder, where = _verify_folder()
    doc = json.loads((folder / "report.json").read_text())
    (GENERATED / "run.md").write_text(where + "\n")
    (GENERATED / "results-table.md").write_text(verify_table(doc) + "\n")
    (GENERATED / "results-figures.md").write_text(_figures_markdown(folder, doc))
    (GENERATED / "statements.md").write_text(
        f"{where}\n\n{catalogue.markdown(statements(), doc, level=2)}\n"
        f"{catalogue.targets_markdown(level=2)}")
    books = GENERATED / "notebooks"
    books.mkdir(exist_ok=True)
    for nb in sorted((ROOT / "notebooks").glob("*.ipynb")):
        target = books / nb.name
        if not target.exists() or target.read_bytes() != nb.read_bytes():
            shutil.copy2(nb, target)  # an unchanged copy keeps myst-nb's cache valid


class LarscheckHelp(SphinxDirective):
    """``larscheck-help [COMMAND]``: the ``--help`` text as a literal block."""

    optional_arguments = 1

    def run(self):
        from larscheck.cli import build_parser

        saved = os.environ.get("COLUMNS")
        os.environ["COLUMNS"] = str(HELP_COLUMNS)
        try:
            parser = build_parser()
            if self.arguments:
                sub = next(a for a in parser._actions if hasattr(a, "choices")
                           and isinstance(a.choices, dict))
                name = self.arguments[0]
                if name not in sub.choices:
                    raise self.error(f"no larscheck command {name!r}")
                parser = sub.choices[name]
            help_text = parser.format_help().rstrip()
        finally:
            if saved is None:
                os.environ.pop("COLUMNS", None)
            else:
                os.environ["COLUMNS"] = saved
        block = nodes.literal_block(help_text, help_text)
        block["language"] = "text"
        return [block]


def copy_mathjax(app, exception) -> None:
    """Copy MathJax into the HTML output's ``_static/mathjax`` (formulas need no network)."""
    if exception is not None or app.builder.format != "html":
        return
    import jupyter_server_mathjax

    source = Path(jupyter_server_mathjax.__file__).parent / "static"
    shutil.copytree(source, Path(app.outdir) / "_static" / "mathjax", dirs_exist_ok=True)


def setup(app):
    app.connect("builder-inited", generate)
    app.connect("build-finished", copy_mathjax)
    app.add_directive("larscheck-help", LarscheckHelp)
    # MathJax on every page: a notebook title with a formula shows in every page's
    # navigation, also on pages whose body has none.
    app.set_html_assets_policy("always")
    return {"parallel_read_safe": True, "parallel_write_safe": True}

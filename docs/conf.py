"""Sphinx configuration of the larscheck documentation.

Build (warnings are errors)::

    sphinx-build -W -b html docs docs/_build/html

At build time :mod:`larscheck_docs` (``docs/_ext``) writes ``docs/generated/``:
the verdict table and figures of a ``larscheck verify --quick --seed 0`` run (or of
the run named by ``LARSCHECK_DOCS_VERIFY``), the statements page from the registry,
and copies of the notebooks, which myst-nb executes. Formulas are typeset by the
MathJax of the ``jupyter-server-mathjax`` package, served from the built site
itself: the pages load nothing from the network.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE / "_ext"))
os.environ.setdefault("MPLBACKEND", "Agg")  # the notebook kernels inherit it

from importlib.metadata import version as _version  # noqa: E402

project = "larscheck"
author = "larscheck contributors"
copyright = "2026, larscheck contributors"
release = _version("larscheck")
version = release

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "sphinx.ext.mathjax",
    "numpydoc",
    "myst_nb",
    "larscheck_docs",
]

source_suffix = {".rst": "restructuredtext", ".md": "myst-nb", ".ipynb": "myst-nb"}
root_doc = "index"
exclude_patterns = ["_build", "_ext", "generated/verify", "**/.ipynb_checkpoints"]
# The statements page includes its generated entries (## sections) into a page
# with its own title; MyST flags an included file that starts at ##.
suppress_warnings = ["myst.header"]

html_theme = "furo"
html_title = f"larscheck {release}"
html_static_path: list[str] = []

# --- MyST / notebooks -------------------------------------------------------
myst_enable_extensions = ["dollarmath", "amsmath", "deflist", "colon_fence"]
myst_heading_anchors = 3
nb_execution_mode = "cache"  # executed at build; the cache only spares unchanged notebooks
nb_execution_cache_path = str(HERE / "_build" / ".jupyter_cache")
nb_execution_timeout = 300
nb_execution_raise_on_error = True
nb_execution_show_tb = True
nb_merge_streams = True

# --- API reference ----------------------------------------------------------
autosummary_generate = True
autosummary_imported_members = False
# Each name is documented where it is defined, not again where a package re-exports it.
autodoc_default_options = {"members": True, "ignore-module-all": True}
autodoc_typehints = "none"
numpydoc_show_class_members = False
numpydoc_class_members_toctree = False
numpydoc_xref_param_type = False

# --- formulas, offline ------------------------------------------------------
# larscheck_docs copies MathJax 2 from jupyter-server-mathjax into the build's
# _static/mathjax (larscheck_docs.copy_mathjax); mathjax_path points at it.
mathjax_path = "mathjax/MathJax.js?config=TeX-AMS-MML_HTMLorMML-full"
# The package ships MathJax 2 with the STIX-Web fonts only: use them, never look for
# fonts installed on the reader's machine (a different font would change the layout).
mathjax2_config = {
    "HTML-CSS": {"availableFonts": [], "preferredFont": None, "webFont": "STIX-Web",
                 "imageFont": None},
    "tex2jax": {"inlineMath": [["\\(", "\\)"]], "displayMath": [["\\[", "\\]"]],
                "processEscapes": True},
}

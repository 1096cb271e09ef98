"""An experiment's result and its files: tidy CSV curves, claims in Markdown and JSON.

- CSV: one row per method, seed, batch mode and epoch (iteration for
  Figure 1): ``method,seed,batch_mode,epoch,f_minus_fstar``.
- JSON: ``{"experiment", "claims": [{"claim", "measured", "reproduced"}], "fstar", ...}``
  (plus the optimum's certificate and the settings).
- Markdown: a table with one row per claim.

All files are written atomically (:mod:`larscheck.sims.output`).
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from larscheck.sims.experiments.runner import Curves
from larscheck.sims.output import atomic_write_text, to_jsonable, versions, write_json


@dataclass
class Result:
    """What one experiment produced.

    Attributes
    ----------
    curves : Curves
    claims : list of dict
        ``{"claim", "measured", "reproduced"}`` each.
    optimum : dict
        ``fstar``, its certificate and the solver.
    data : tuple (X, y) or None
        The exact data set (for ``--save-data``).
    extra : dict
        Experiment-specific arrays for the figures (Figure 1: the paths).
    """

    curves: Curves
    claims: list[dict]
    optimum: dict
    data: tuple[np.ndarray, np.ndarray] | None = None
    extra: dict = field(default_factory=dict)

    @property
    def experiment(self) -> str:
        """The experiment's name (``fig1``, ``svm``, ``logreg``)."""
        return self.curves.experiment

    def to_dict(self) -> dict:
        """The JSON object of the claims table."""
        return {
            "experiment": self.experiment,
            "claims": self.claims,
            "fstar": self.curves.fstar,
            "optimum": self.optimum,
            "settings": self.curves.info,
        }


def curves_csv(curves: Curves) -> str:
    """The tidy CSV text of all curves (``repr`` floats: exact round trip)."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(["method", "seed", "batch_mode", "epoch", "f_minus_fstar"])
    for method, s, mode, e, v in curves.rows():
        w.writerow([method, s, mode, e, repr(float(v))])
    return buf.getvalue()


def _cell(value) -> str:
    return str(value).replace("|", "\\|")


def claims_markdown(result: Result) -> str:
    """The claims table in Markdown, with f* and how it was certified."""
    opt = result.optimum
    lines = [
        f"### {result.experiment}: the paper's claims",
        "",
        f"f* = {opt['fstar']:.12g} ({opt['solver']}; certified gap <= {opt['certificate']:.2g})",
        "",
        "| claim | measured | reproduced |",
        "|---|---|---|",
    ]
    for c in result.claims:
        measured = "; ".join(f"{k} = {v}" for k, v in c["measured"].items())
        lines.append(f"| {_cell(c['claim'])} | {_cell(measured)} | "
                     f"{'yes' if c['reproduced'] else '**no**'} |")
    return "\n".join(lines) + "\n"


def write_result(result: Result, out: Path) -> list[Path]:
    """Write ``<exp>_curves.csv``, ``<exp>_claims.md`` and ``<exp>_claims.json`` into ``out``."""
    out = Path(out)
    name = result.experiment
    paths = [out / f"{name}_curves.csv", out / f"{name}_claims.md", out / f"{name}_claims.json"]
    atomic_write_text(paths[0], curves_csv(result.curves))
    atomic_write_text(paths[1], claims_markdown(result))
    write_json(paths[2], {**result.to_dict(), "versions": versions()})
    return paths


def claims_json(results: list[Result]):
    """The JSON document of ``--json``: one object, or a list for several experiments."""
    objs = [to_jsonable({**r.to_dict(), "versions": versions()}) for r in results]
    return objs[0] if len(objs) == 1 else objs

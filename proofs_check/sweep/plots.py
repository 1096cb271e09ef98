"""Maps of a sweep's results: ``larscheck plot sweep RESULTS.jsonl --out DIR``.

Every map has ``lambda`` across (as given in the grid: absolute, or relative
to ``lam_ref``'s threshold) and ``kappa`` up, one panel per (dimension,
method); the other axes (``||x*||``, spectrum, steps, replicates) are pooled:

- ``stability``: the fraction of runs that stayed bounded, ``1 - frac_diverged``
  averaged over the pooled cells, with Lemma 1's thresholds ``lambda = 2c``
  (paper ``c = mu/L`` and tight ``c = 2 sqrt(mu L)/(mu + L)``) drawn as curves;
- ``ratio_theorem1_<variant>``, ``ratio_tail_<variant>``,
  ``ratio_theorem2_<variant>``: the worst observed/bound ratio over the pooled
  cells (sup distance / Theorem 1's D, tail radius / Theorem 1's escape radius
  ``R + lambda (R + ||x*||)``, min f - f* / Theorem 2's bound); blank where
  ``lambda >= 2c`` (no bound); above 1 means the bound is violated;
- ``tail_radius``: the largest tail oscillation radius over ``||x*||``.
"""

from __future__ import annotations

import argparse
import io
import sys
from collections import defaultdict
from pathlib import Path

import numpy as np

from larscheck.proofs_check.sweep.store import read_results
from larscheck.sims.output import atomic_write_bytes

HELP = "Stability and observed/bound ratio maps over (lambda, kappa) from a sweep's results."

#: Ratio maps: file stem -> (key in a variant's bound entry, colour bar label).
RATIO_MAPS = {
    "theorem1": ("dist_ratio", "sup over k of ||x - x*|| / D (Theorem 1)"),
    "tail": ("tail_ratio", "tail radius / Theorem 1's escape radius"),
    "theorem2": ("gap_ratio", "min f - f* / Theorem 2 bound"),
}

FORMATS = ("png", "pdf", "svg")

#: At most this many labelled grid values per axis.
MAX_TICKS = 8


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("results", metavar="RESULTS.jsonl", help="a larscheck sweep results file")
    p.add_argument("--out", required=True, metavar="DIR", help="folder for the figures")
    p.add_argument("--format", choices=FORMATS, default="png", help="figure format (default png)")


def _edges(values: np.ndarray) -> tuple[np.ndarray, bool]:
    """Cell edges around sorted grid values; geometric midpoints when log scale fits."""
    if values.size == 1:  # grid values are > 0: a factor-2 band on a log axis
        return np.array([values[0] / 2, values[0] * 2]), True
    log = values[-1] / values[0] >= 10
    v = np.log(values) if log else values.astype(np.float64)
    mid = (v[1:] + v[:-1]) / 2
    edges = np.concatenate(([2 * v[0] - mid[0]], mid, [2 * v[-1] - mid[-1]]))
    return (np.exp(edges) if log else edges), log


def _panels(records) -> dict:
    """``(dim, method) -> {(lam, kappa): [records]}``."""
    out: dict = defaultdict(lambda: defaultdict(list))
    for rec in records:
        cell = rec["cell"]
        out[(cell["dim"], cell["method"])][(cell["lam"], cell["kappa"])].append(rec)
    return out


def _grid(cells: dict, lams, kappas, value, pool) -> np.ndarray:
    """``pool`` of ``value(record)`` over the records of each (lambda, kappa); NaN if none."""
    z = np.full((len(kappas), len(lams)), np.nan)
    for (lam, kappa), recs in cells.items():
        values = [v for v in (value(r) for r in recs) if v is not None]
        if values:
            z[kappas.index(kappa), lams.index(lam)] = pool(values)
    return z


def _bounded(rec) -> float:
    return 1.0 - rec["stats"]["frac_diverged"]


def _figure(spec: dict, panels: dict, value, pool, label: str, *, log_colors: bool,
            title: str):
    from matplotlib.colors import LogNorm, Normalize
    from matplotlib.figure import Figure
    from matplotlib.ticker import FormatStrFormatter

    from larscheck.proofs_check.sweep.cells import LAMBDA_REFERENCES
    from larscheck.theory import bounds

    lams = sorted(spec["lam"])
    kappas = sorted(spec["kappa"])
    grids = {key: _grid(cells, lams, kappas, value, pool) for key, cells in panels.items()}
    dims = sorted({d for d, _ in panels})
    methods = sorted({m for (_, m), z in grids.items() if np.isfinite(z).any()}) or sorted(
        {m for _, m in panels})  # a method without any value (no bound for it) gets no column
    finite = np.concatenate([g[np.isfinite(g)] for g in grids.values()] + [np.zeros(0)])
    if log_colors:
        positive = finite[finite > 0]
        lo, hi = (positive.min(), positive.max()) if positive.size else (0.1, 1.0)
        norm = LogNorm(vmin=min(lo, 0.5), vmax=max(hi, 2.0))
    else:
        norm = Normalize(vmin=0.0, vmax=1.0)
    height = 3.4 * len(dims) + 1.0
    # constrained layout keeps every label, the colour bar and the two-line title inside
    fig = Figure(figsize=(max(7.0, 4.2 * len(methods) + 1.5), height), layout="constrained")
    axes = fig.subplots(len(dims), len(methods), squeeze=False)
    x_edges, x_log = _edges(np.array(lams))
    y_edges, y_log = _edges(np.array(kappas))
    mu = spec["mu"]
    kappa_line = (np.geomspace(y_edges[0], y_edges[-1], 200) if y_log
                  else np.linspace(y_edges[0], y_edges[-1], 200))
    kappa_line = np.maximum(kappa_line, 1.0)
    ref = (1.0 if spec.get("lam_ref") is None else bounds.lemma1_threshold(
        mu, mu * kappa_line, LAMBDA_REFERENCES[spec["lam_ref"]]))
    mesh = None
    for (i, dim), (j, method) in ((a, b) for a in enumerate(dims) for b in enumerate(methods)):
        ax = axes[i][j]
        z = grids.get((dim, method))
        if z is not None:
            mesh = ax.pcolormesh(x_edges, y_edges, np.ma.masked_invalid(z), norm=norm,
                                 cmap="viridis", shading="flat", label=label)
        if method == "lars":
            for variant, style in (("paper", "--"), ("tight", "-")):
                x = bounds.lemma1_threshold(mu, mu * kappa_line, variant) / ref
                ax.plot(x, kappa_line, style, color="tab:red", lw=1.2,
                        label=f"Lemma 1: lambda = 2c ({variant})")
            if i == 0 and j == 0:
                ax.legend(fontsize=7, loc="upper right")
        ax.set_xlim(x_edges[0], x_edges[-1])
        ax.set_ylim(y_edges[0], y_edges[-1])
        ax.set_xscale("log" if x_log else "linear")
        ax.set_yscale("log" if y_log else "linear")
        ax.minorticks_off()
        for axis, values in ((ax.xaxis, lams), (ax.yaxis, kappas)):
            shown = values[:: -(-len(values) // MAX_TICKS)]
            axis.set_ticks(shown, labels=[f"{v:.3g}" for v in shown])
        ax.set_title(f"{method}, n = {dim}", fontsize=9)
        ax.set_xlabel("lambda" if spec.get("lam_ref") is None
                      else f"lambda / threshold of {spec['lam_ref']}")
        ax.set_ylabel("kappa = L/mu")
    if mesh is not None:
        bar = fig.colorbar(mesh, ax=axes.ravel().tolist(), label=label)
        bar.ax.yaxis.set_major_formatter(FormatStrFormatter("%.3g"))
        bar.ax.yaxis.set_minor_formatter(FormatStrFormatter(""))
    fig.suptitle(title, fontsize=10)
    return fig


def maps(path: str | Path) -> tuple[dict, dict]:
    """Read a results file: ``(spec, {(dim, method): {(lam, kappa): [records]}})``."""
    content = read_results(path)
    if content.torn:
        print(f"larscheck plot: {path}: ignoring a torn last line (an interrupted write)",
              file=sys.stderr)
    if content.spec is None or not content.records:
        raise ValueError(f"{path} has no finished cells to plot")
    return content.spec, _panels(content.records.values())


def write_maps(path: str | Path, out: str | Path, fmt: str = "png") -> list[Path]:
    """Draw every map of the module docstring into ``out``; returns the files written."""
    out = Path(out)
    written = []
    for stem, fig in draw_maps(path).items():
        buf = io.BytesIO()
        fig.savefig(buf, format=fmt, dpi=120)
        written.append(atomic_write_bytes(out / f"{stem}.{fmt}", buf.getvalue()))
    return written


def draw_maps(path: str | Path) -> dict:
    """Every map of the module docstring for the results file ``path``: ``{stem: Figure}``."""
    spec, panels = maps(path)
    pooled = "\n(pooled over ||x*||, spectrum, steps and replicates)"
    figures = {"stability": _figure(spec, panels, _bounded, np.mean, "fraction of bounded runs",
                                    log_colors=False, title=f"Stability map{pooled}"),
               "tail_radius": _figure(spec, panels, lambda r: r["stats"]["tail_rel"], np.max,
                                      "max tail radius / ||x*||", log_colors=True,
                                      title=f"Tail oscillation radius{pooled}")}
    for stem, (key, label) in RATIO_MAPS.items():
        for variant in ("paper", "tight"):
            def ratio(rec, key=key, variant=variant):
                entry = (rec["stats"]["bounds"] or {}).get(variant) or {}
                return entry.get(key)
            figures[f"ratio_{stem}_{variant}"] = _figure(
                spec, panels, ratio, np.max, label, log_colors=True,
                title=f"Worst observed/bound, {variant} cos bound (>1: violated){pooled}")
    return figures


def run(args) -> int:
    for path in write_maps(args.results, args.out, args.format):
        print(path)
    return 0

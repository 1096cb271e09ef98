"""Figures laid out like the paper's: Figure 1 and Figure 2 (PNG and PDF).

- :func:`figure1`: the contours of the 2-D quadratic with the trajectories
  of gradient descent and LARS, a zoom on ``x*`` (with, when given, the
  predicted regions as circles), and ``f - f*`` against iterations.
- :func:`figure2`: one row per experiment (SVM, logistic regression), one
  column per batch mode; ``f - f*`` against epochs on a log axis, the median
  over seeds as a line and the min-max over seeds as a band.

Figures are rendered with the non-interactive Agg backend and written
atomically. ``f - f*`` is drawn with a floor of :data:`LOG_FLOOR` (a
method can land on the optimum to rounding, and a log axis cannot show 0).
"""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np

from larscheck.sims.experiments.report import Result
from larscheck.sims.output import atomic_write_bytes, pyplot

#: Smallest ``f - f*`` drawn on the log axes.
LOG_FLOOR = 1e-12
#: Colour and legend entry of the level sets of f.
CONTOUR_COLOUR, CONTOUR_LABEL = "0.8", "level sets of f"
#: Window (iterations) of the running maximum drawn above the running minimum in Figure 1.
ENVELOPE_WINDOW = 20
#: Method colours (the paper's decaying LARS is the yellow line).
COLOURS = {"SGD": "tab:blue", "GD": "tab:blue", "Adam": "tab:green", "LARS": "tab:red",
           "LARS decay": "gold"}


def save(fig, stem: Path) -> list[Path]:
    """Write ``stem.png`` and ``stem.pdf`` atomically; close the figure."""
    paths = []
    for ext in ("png", "pdf"):
        buf = io.BytesIO()
        fig.savefig(buf, format=ext, dpi=150, bbox_inches="tight")
        paths.append(atomic_write_bytes(Path(f"{stem}.{ext}"), buf.getvalue()))
    pyplot().close(fig)
    return paths


def _contours(ax, A, xstar, lo, hi):
    gx, gy = np.meshgrid(np.linspace(lo[0], hi[0], 200), np.linspace(lo[1], hi[1], 200))
    d = np.stack([gx - xstar[0], gy - xstar[1]], axis=-1)
    f = 0.5 * np.einsum("...i,ij,...j->...", d, A, d)
    ax.contour(gx, gy, f, levels=np.geomspace(max(f.min(), 1e-4 * f.max()), f.max(), 15),
               colors=CONTOUR_COLOUR, linewidths=0.7).set_label(CONTOUR_LABEL)


def figure1(result: Result):
    """Trajectories on the contours, a zoom on the region about ``x*``, ``f - f*`` per iteration."""
    plt = pyplot()
    ex = result.extra
    xstar, A = ex["xstar"], ex["matrix"]
    fig, (ax, zx, bx) = plt.subplots(1, 3, figsize=(15, 4.5))
    pts = np.concatenate(list(ex["paths"].values()))
    _contours(ax, A, xstar, pts.min(axis=0) - 1.0, pts.max(axis=0) + 1.0)
    half = 1.3 * max([*ex["tail_radii"].values(), *ex.get("predicted", {}).values()])
    _contours(zx, A, xstar, xstar - half, xstar + half)
    cmap = plt.get_cmap("Reds")
    colours = {}
    for i, (label, path) in enumerate(ex["paths"].items()):
        colours[label] = COLOURS.get(label) or cmap(0.45 + 0.5 * i / max(1, len(ex["lams"])))
        for axis in (ax, zx):
            axis.plot(path[:, 0], path[:, 1], ".-", ms=2, lw=0.6, color=colours[label],
                      label=label)
        gap = np.maximum(result.curves.values[(label, "full batch")][0], LOG_FLOOR)
        its = np.arange(len(gap))
        bx.semilogy(its, np.minimum.accumulate(gap), lw=1.4, color=colours[label], label=label)
        bx.semilogy(its, running_max(gap, ENVELOPE_WINDOW), lw=0.8, ls="--",
                    color=colours[label], label=label)
    for lam, r in ex.get("predicted", {}).items():
        zx.add_patch(plt.Circle(xstar, r, fill=False, ls="--", lw=1.0,
                                color=colours[f"LARS lambda={lam:g}"],
                                label=f"predicted region, lambda={lam:g}"))
    for axis in (ax, zx):
        axis.plot(*xstar, "k*", ms=10, label="x*")
        axis.set(xlabel="x1", ylabel="x2", aspect="equal")
    zx.set(xlim=(xstar[0] - half, xstar[0] + half), ylim=(xstar[1] - half, xstar[1] + half))
    from matplotlib.lines import Line2D

    ax.set_title("trajectories")
    zx.set_title("near x*")
    handles, _ = ax.get_legend_handles_labels()
    ax.legend(handles=[*handles, Line2D([], [], color=CONTOUR_COLOUR, lw=0.7,
                                        label=CONTOUR_LABEL)], fontsize=7)
    if ex.get("predicted"):
        zx.legend(handles=zx.patches, fontsize=7, loc="lower right")
    bx.legend(handles=[Line2D([], [], color="k", lw=1.4, label="min so far"),
                       Line2D([], [], color="k", lw=0.8, ls="--",
                              label=f"max over the last {ENVELOPE_WINDOW} iterations")],
              fontsize=7, loc="upper right")
    bx.set(xlabel="iteration", ylabel=f"f - f* (floor {LOG_FLOOR:g})", title="f - f* (log)")
    fig.suptitle("Figure 1: LARS vs gradient descent on a 2-D quadratic")
    fig.tight_layout()
    return fig


def running_max(values: np.ndarray, window: int) -> np.ndarray:
    """``max(values[k - window + 1 .. k])`` for every ``k`` (shorter windows at the start):
    the upper envelope of an oscillating curve."""
    from numpy.lib.stride_tricks import sliding_window_view

    padded = np.concatenate([np.full(window - 1, values[0]), values])
    return sliding_window_view(padded, window).max(axis=1)


def figure2(results: list[Result]):
    """One row per experiment, one column per batch mode: median and min-max band."""
    plt = pyplot()
    modes = results[0].curves.modes
    fig, axes = plt.subplots(len(results), len(modes), figsize=(5.5 * len(modes),
                             3.8 * len(results)), squeeze=False)
    for row, res in zip(axes, results, strict=True):
        c = res.curves
        for ax, mode in zip(row, modes, strict=True):
            for m in c.methods:
                gap = np.maximum(c.gap(m, mode), LOG_FLOOR)
                epochs = np.arange(gap.shape[1])
                colour = COLOURS.get(m)
                ax.semilogy(epochs, np.median(gap, axis=0), lw=1.2, color=colour, label=m)
                ax.fill_between(epochs, gap.min(axis=0), gap.max(axis=0), color=colour,
                                alpha=0.2, lw=0, label=m)
            ax.set(title=f"{res.experiment}, {mode}", xlabel="epoch", ylabel="f - f*")
        row[0].legend(handles=row[0].lines, fontsize=8)
    fig.suptitle("Figure 2: convex problems, f - f* (median and range over seeds)")
    fig.tight_layout()
    return fig

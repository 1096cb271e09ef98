"""Every figure larscheck draws is fit for a paper: no text outside the canvas, every line
named (in a legend of its axes or the figure, or by a text next to it).

The figures are drawn from real runs: a ``--quick`` verify of every statement that has a
figure, the Figure 1 and Figure 2 experiments at small sizes, a small sweep's maps, and a
short ResNet run's records (any run length: a short one must not give an empty panel).
"""

from __future__ import annotations

import argparse

import numpy as np
import pytest
from matplotlib.collections import Collection, QuadMesh
from matplotlib.colorbar import Colorbar
from matplotlib.legend import Legend
from matplotlib.lines import Line2D
from matplotlib.text import Text

from larscheck.sims.output import pyplot

#: Pixels a text may stick out of the canvas (rounding of the renderer's extents).
TOLERANCE_PX = 1.0


def _tick_labels(fig) -> set[int]:
    """ids of every tick label of ``fig`` (drawn or not: ticks outside the view are kept,
    undrawn, by matplotlib)."""
    out = set()
    for ax in fig.axes:
        for axis in (ax.xaxis, ax.yaxis):
            for tick in [*axis.majorTicks, *axis.minorTicks]:
                out |= {id(tick.label1), id(tick.label2)}
    return out


def _draw(fig):
    """Draw ``fig`` (on an Agg canvas if it has none, as a bare ``Figure``)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    if not hasattr(fig.canvas, "get_renderer"):
        FigureCanvasAgg(fig)
    fig.canvas.draw()


def clipped_texts(fig) -> list[str]:
    """What of ``fig`` leaves the canvas: every visible, non-empty text (titles, axis labels,
    legends, annotations) whose drawn extent does, and the drawn tick labels (through the
    figure's tight bounding box, which holds only the ticks inside each view)."""
    _draw(fig)
    renderer = fig.canvas.get_renderer()
    box = fig.bbox
    ticks = _tick_labels(fig)
    out = []
    for t in fig.findobj(Text):
        if id(t) in ticks or not t.get_visible() or not t.get_text().strip():
            continue
        e = t.get_window_extent(renderer)
        if (e.x0 < box.x0 - TOLERANCE_PX or e.y0 < box.y0 - TOLERANCE_PX
                or e.x1 > box.x1 + TOLERANCE_PX or e.y1 > box.y1 + TOLERANCE_PX):
            out.append(t.get_text())
    tight, full = fig.get_tightbbox(renderer), fig.bbox_inches
    tol = TOLERANCE_PX / fig.dpi
    if (tight.x0 < full.x0 - tol or tight.y0 < full.y0 - tol or tight.x1 > full.x1 + tol
            or tight.y1 > full.y1 + tol):
        out.append(f"tight bbox {tight.bounds} beyond the canvas {full.bounds}")
    return out


def _has_data(artist) -> bool:
    if isinstance(artist, Line2D):
        x, y = artist.get_data()
        return np.size(x) > 0 and np.size(y) > 0
    if isinstance(artist, Collection):
        return len(artist.get_paths()) > 0 or len(artist.get_offsets()) > 0
    return False


def unnamed_artists(fig) -> list[str]:
    """Lines and collections with data that no legend and no text of their axes names.

    A colour-mapped artist with a colour bar (a map, a scatter coloured by a value) is
    named by its colour bar's label instead.
    """
    _draw(fig)
    legend_texts = {t.get_text() for leg in fig.legends for t in leg.get_texts()}
    for ax in fig.axes:  # a legend names the lines of every panel (one legend per figure)
        legend_texts |= {t.get_text() for leg in ax.findobj(Legend) for t in leg.get_texts()}
    colorbar_mappables = {id(a.colorbar.mappable) for a in fig.findobj(match=lambda a: isinstance(
        getattr(a, "colorbar", None), Colorbar))}
    out = []
    for ax in fig.axes:
        if getattr(ax, "_colorbar", None) is not None:
            continue  # a colour bar's own axes
        names = legend_texts | {t.get_text() for t in ax.texts}
        for artist in [*ax.lines, *ax.collections]:
            if not artist.get_visible() or not _has_data(artist):
                continue
            if id(artist) in colorbar_mappables or (isinstance(artist, QuadMesh)
                                                    and artist.colorbar is not None):
                continue
            label = artist.get_label()
            if not label or label.startswith("_") or label not in names:
                out.append(f"{ax.get_title() or 'axes'}: {type(artist).__name__} {label!r}")
            elif (isinstance(artist, Line2D) and np.size(artist.get_xdata()) == 1
                  and artist.get_marker() in (None, "None", "", " ")):
                out.append(f"{ax.get_title() or 'axes'}: one point without a marker {label!r}")
    return out


def assert_fit(name: str, fig) -> None:
    clipped = clipped_texts(fig)
    assert not clipped, f"{name}: text outside the canvas: {clipped}"
    unnamed = unnamed_artists(fig)
    assert not unnamed, f"{name}: lines without a legend entry or label: {unnamed}"


# ---------------------------------------------------------------- verify's figures

@pytest.fixture(scope="module")
def verify_figures(tmp_path_factory):
    from larscheck.proofs_check import figures
    from larscheck.proofs_check.registry import DEFAULT
    from larscheck.proofs_check.report import verify

    ids = [s.id for s in DEFAULT.statements() if s.figure is not None]
    report = verify(ids, seed=0, quick=True, progress=False)
    drawn = {}
    mp = pytest.MonkeyPatch()
    mp.setattr(figures, "save", lambda fig, folder, name: drawn.setdefault(name, fig) and [])
    try:
        figures.write_figures(report, tmp_path_factory.mktemp("verify"))
    finally:
        mp.undo()
    yield drawn
    for fig in drawn.values():
        pyplot().close(fig)


def test_every_declared_figure_is_drawn(verify_figures):
    expected = {"one_d_cobweb", "lemma1", "lemma1_explicit_radius", "theorem1", "theorem2",
                "corollary2_1", "theorem3", "stability_map", "cos_bound", "conjecture1"}
    assert expected <= set(verify_figures)


VERIFY_NAMES = ["one_d_cobweb", "lemma1", "lemma1_explicit_radius", "theorem1", "theorem2",
                "corollary2_1", "theorem3", "stability_map", "cos_bound", "conjecture1",
                "theorem1_slack", "theorem2_slack", "theorem3_slack", "corollary2_1_slack"]


@pytest.mark.parametrize("name", VERIFY_NAMES)
def test_verify_figure_fits(verify_figures, name):
    if name not in verify_figures:
        pytest.skip(f"{name} not drawn by this registry")
    assert_fit(name, verify_figures[name])


# ---------------------------------------------------------------- experiments

def test_figure1_fits():
    from larscheck.sims.experiments import fig1, plots

    fig = plots.figure1(fig1.run(steps=400))
    try:
        assert_fit("fig1", fig)
    finally:
        pyplot().close(fig)


def test_figure2_fits():
    from larscheck.sims.experiments import plots, svm

    fig = plots.figure2([svm.run(seeds=2, epochs=8, n=200, progress=False)])
    try:
        assert_fit("fig2", fig)
    finally:
        pyplot().close(fig)


# ---------------------------------------------------------------- sweep maps

def test_sweep_maps_fit(tmp_path, capsys):
    from larscheck.proofs_check.sweep.plots import draw_maps
    from tests.proofs_check.sweep_helpers import run_sweep

    out = tmp_path / "r.jsonl"
    assert run_sweep(out, "--workers", "1") == 0
    figs = draw_maps(out)
    assert len(figs) >= 3
    for name, fig in figs.items():
        assert_fit(name, fig)


# ---------------------------------------------------------------- resnet

@pytest.mark.parametrize("steps", [1, 3, 60])
def test_resnet_figure_fits_for_short_and_long_runs(steps):
    from larscheck.cli.resnet import draw

    rng = np.random.default_rng(0)
    records = {name: {"loss": 2.3 - 0.01 * np.arange(steps) + 0.1 * rng.random(steps),
                      "error": 0.9 - 0.001 * np.arange(steps),
                      "seconds": 0.05 + 0.01 * rng.random(steps)}
               for name in ("lars", "sgd")}
    summaries = [{"median_step_ms": 50.0}, {"median_step_ms": 51.0}]
    args = argparse.Namespace(steps=steps, depth=8, batch=8, warmup=min(1, steps - 1))
    fig = draw(records, summaries, args, True)
    try:
        assert_fit(f"resnet ({steps} steps)", fig)
        assert "over 1 steps" not in fig.texts[0].get_text() if fig.texts else True
        for ax in fig.axes:
            assert ax.lines, f"empty panel {ax.get_ylabel()!r} after {steps} steps"
    finally:
        pyplot().close(fig)

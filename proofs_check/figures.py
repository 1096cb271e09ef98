"""Figures of a verify run (matplotlib, Agg backend), each written as PNG and PDF.

One function per figure family, ``draw(verdict, folder) -> [paths]``, drawn from
the typed record a check returns as ``verdict.figure_data`` (a frozen dataclass
per family, defined here next to the function that draws it). A statement
declares its figure in its ``@register(..., figure=...)``
(:mod:`larscheck.proofs_check.registry`); :func:`write_figures` draws the figure
of every checked statement that declares one and returns ``{statement id:
[paths]}`` (paths relative to the output folder, for ``report.md``). A new
statement may define its record and figure next to its check, with
:func:`new_figure` and :func:`save`. Files are written atomically.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

#: Resolution of the PNG files.
DPI = 120
#: Runs drawn individually in the Theorem 2 figure.
THEOREM2_CURVES = 6


def new_figure():
    """A ``(figure, axes)`` pair of the report's size (pyplot, Agg backend)."""
    from larscheck.sims.output import pyplot

    return pyplot().subplots(figsize=(6.4, 4.4), layout="constrained")


def save(fig, folder: Path, name: str) -> list[str]:
    """Write ``fig`` as ``name.png`` and ``name.pdf`` in ``folder``; the two paths."""
    import matplotlib.pyplot as plt

    from larscheck.sims.output import atomic_write_bytes

    paths = []
    for ext in ("png", "pdf"):
        buf = io.BytesIO()
        fig.savefig(buf, format=ext, dpi=DPI, metadata={"CreationDate": None} if ext == "pdf"
                    else None)
        atomic_write_bytes(folder / f"{name}.{ext}", buf.getvalue())
        paths.append(f"{name}.{ext}")
    plt.close(fig)
    return paths


@dataclass(frozen=True)
class RateCurves:
    """Theorem 2's figure: per run (rows) and checkpoint (columns).

    Attributes
    ----------
    k : array (K,)
        Checkpoints.
    gaps : array (N, K)
        Observed ``min_{i<=k} f(x_i) - f*``.
    paper, tight : array (N, K)
        The paper's bound and the tight variant at each checkpoint.
    inside : array of bool (N,)
        Runs within the hypotheses.
    kappa, lam : array (N,)
        ``L / mu`` and ``lambda`` of each run (the names of the drawn runs).
    """

    k: np.ndarray
    gaps: np.ndarray
    paper: np.ndarray
    tight: np.ndarray
    inside: np.ndarray
    kappa: np.ndarray
    lam: np.ndarray


#: Line styles of the Theorem 2 figure: observed, paper bound, tight bound.
THEOREM2_STYLES = (("-", 1.6, "observed min f - f*"), ("--", 1.0, "paper bound"),
                   (":", 1.2, "tight bound"))


def theorem2(v, folder: Path) -> list[str]:
    """``min_{i<=k} f - f*`` vs k for several runs, with the paper and tight bounds (all / e0).

    A colour per run, named by its kappa and lambda (legend of colours); a line style per
    quantity (legend of styles); both legends beside the axes, off the data.
    """
    from matplotlib.lines import Line2D

    s = v.figure_data
    fig, ax = new_figure()
    fig.set_size_inches(9.0, 4.4)  # room for the two legends beside the axes
    idx = np.flatnonzero(s.inside & np.all(np.isfinite(s.tight), axis=1))
    pick = idx[np.linspace(0, idx.size - 1, min(THEOREM2_CURVES, idx.size)).astype(int)]
    k1 = s.k + 1.0
    runs = []
    for j, i in enumerate(pick):
        e0 = s.gaps[i, 0]
        name = f"run {i}: kappa = {s.kappa[i]:.3g}, lambda = {s.lam[i]:.3g}"
        for values, (ls, lw, _) in zip((s.gaps[i], s.paper[i], s.tight[i]), THEOREM2_STYLES,
                                       strict=True):
            line, = ax.loglog(k1, values / e0, color=f"C{j}", ls=ls, lw=lw, label=name)
            if ls == "-":
                runs.append(line)
    ax.set(xlabel="k + 1", ylabel="(f - f*) / (f(x0) - f*)",
           title=f"Theorem 2: observed vs bound (worst ratio {v.worst_ratio:.3g})")
    styles = [Line2D([], [], color="k", ls=ls, lw=lw, label=text)
              for ls, lw, text in THEOREM2_STYLES]
    fig.legend(handles=runs, title="run (colour)", fontsize=7, title_fontsize=8,
               loc="outside right upper")
    fig.legend(handles=styles, title="line style", fontsize=7, title_fontsize=8,
               loc="outside right lower")
    return save(fig, folder, "theorem2")


@dataclass(frozen=True)
class RadiusData:
    """A radius figure (Lemma 1 and its constructive radius): one point per case.

    Attributes
    ----------
    kappa, factor : array (N,)
        ``L / mu`` and ``lambda`` / threshold of each case.
    ratio : array (N,)
        Largest distance found in ``S_lambda`` / the radius.
    inside : array of bool (N,)
        Cases within the hypotheses.
    unbounded : array of bool (N,)
        Cases where ``S_lambda`` reached the farthest probe.
    """

    kappa: np.ndarray
    factor: np.ndarray
    ratio: np.ndarray
    inside: np.ndarray
    unbounded: np.ndarray


def radius(v, folder: Path, name: str, label: str) -> list[str]:
    """Largest distance in ``S_lambda`` / radius against kappa, by lambda/threshold."""
    s = v.figure_data
    fig, ax = new_figure()
    ok = s.inside & np.isfinite(s.ratio)
    for j, f in enumerate(np.unique(s.factor[ok])):
        sel = ok & (s.factor == f)
        ax.scatter(s.kappa[sel] * np.exp(0.05 * j), s.ratio[sel], s=8, color=f"C{j}",
                   label=f"lambda = {f:g} x threshold")
    ax.axhline(1.0, color="k", lw=1, label="radius (ratio 1)")
    ax.set(xscale="log", yscale="log", xlabel="kappa = L / mu",
           ylabel="sup ||x - x*|| over S_lambda / R", title=label)
    ax.legend(fontsize=8)
    return save(fig, folder, name)


@dataclass(frozen=True)
class BallData:
    """Theorem 1's figure: one point per run.

    Attributes
    ----------
    observed, bound : array (N,)
        ``sup_k ||x_k - x*||`` and the paper's ``D``.
    inside : array of bool (N,)
        Runs within the hypotheses.
    kappa : array (N,)
        ``L / mu`` (the colour).
    """

    observed: np.ndarray
    bound: np.ndarray
    inside: np.ndarray
    kappa: np.ndarray


def theorem1(v, folder: Path) -> list[str]:
    """``sup_k ||x_k - x*||`` against ``D`` (log-log, the line y = x)."""
    s = v.figure_data
    fig, ax = new_figure()
    ok = s.inside & np.isfinite(s.observed) & np.isfinite(s.bound)
    sc = ax.scatter(s.bound[ok], s.observed[ok], s=6, c=np.log10(s.kappa[ok]))
    lim = [np.min(s.bound[ok]), np.max(s.bound[ok])]
    ax.plot(lim, lim, color="k", lw=1, label="sup = D")
    fig.colorbar(sc, label="log10 kappa")
    ax.set(xscale="log", yscale="log", xlabel="D (paper)", ylabel="sup_k ||x_k - x*||",
           title="Theorem 1: sup distance vs D")
    ax.legend()
    return save(fig, folder, "theorem1")


@dataclass(frozen=True)
class IterationData:
    """Corollary 2.1's figure: one point per (problem, iteration budget K).

    Attributes
    ----------
    eps : array (N,)
        Accuracy reached, ``min_{k<=K} f - f*``.
    K : array (N,)
        Iteration budget.
    bound : array (N,)
        The corollary's accuracy for ``K``.
    inside : array of bool (N,)
        Cases within the hypotheses.
    gap0 : array (N,)
        ``f(x0) - f*`` (the scale).
    problem : array of int (N,)
        Problem label (one curve per problem).
    """

    eps: np.ndarray
    K: np.ndarray
    bound: np.ndarray
    inside: np.ndarray
    gap0: np.ndarray
    problem: np.ndarray


def corollary(v, folder: Path) -> list[str]:
    """Iterations K + 1 against the accuracy reached (relative to e0), every run inside the
    hypotheses as a point (each budget K is a run with its own lambda_K, so the points are
    not joined): observed, the corollary's accuracy for that K, the fitted power law with
    its exponent and the corollary's slope (K + 1 ~ (1/eps)^2) through the bound points."""
    s = v.figure_data
    fig, ax = new_figure()
    ok = s.inside & (s.eps > 0)
    k1, rel, rel_bound = s.K[ok] + 1.0, s.eps[ok] / s.gap0[ok], s.bound[ok] / s.gap0[ok]
    ax.loglog(rel, k1, "o", color="C0", ms=3.5, alpha=0.6, label="observed accuracy")
    ax.loglog(rel_bound, k1, "s", color="C1", ms=3.5, mfc="none",
              label="Corollary 2.1 accuracy 2 sqrt(AB/(K+1))")
    rate = v.rate
    if rate is not None and np.isfinite(rate.exponent) and ok.any():
        intercept = np.mean(np.log(k1) - rate.exponent * np.log(1.0 / rel))
        xs = np.geomspace(rel.min(), rel.max(), 50)
        ax.loglog(xs, np.exp(intercept) * xs ** -rate.exponent, "k-", lw=1.2,
                  label=f"fit: K+1 ~ (1/eps)^{rate.exponent:.3g} "
                        f"[{rate.ci[0]:.3g}, {rate.ci[1]:.3g}]")
        if rate.expected is not None:
            b0 = np.mean(np.log(k1) - rate.expected * np.log(1.0 / rel_bound))
            ys = np.geomspace(k1.min(), k1.max(), 50)  # over the budgets run
            ax.loglog((ys / np.exp(b0)) ** (-1.0 / rate.expected), ys, "k--", lw=1.0,
                      label=f"statement: K+1 ~ (1/eps)^{rate.expected:g}")
    ax.axvline(1.0, color="0.4", lw=0.8, ls=":", label="eps = f(x0) - f* (vacuous beyond)")
    ax.set(xlabel="eps / (f(x0) - f*)", ylabel="iterations K + 1",
           title="Corollary 2.1: iterations to reach eps")
    fig.legend(fontsize=7, loc="outside lower center", ncols=2)
    return save(fig, folder, "corollary2_1")


@dataclass(frozen=True)
class ScheduleCurves:
    """Theorem 3's figure.

    Attributes
    ----------
    curves : dict of str -> (array, array)
        Schedule name -> (checkpoints ``k``, median observed/bound at ``k``).
    """

    curves: dict


def theorem3(v, folder: Path) -> list[str]:
    """Median observed/bound of Theorem 3 against k, one curve per schedule."""
    fig, ax = new_figure()
    for name, (k, ratio) in v.figure_data.curves.items():
        ax.loglog(np.asarray(k) + 1.0, ratio, label=name)
    ax.axhline(1.0, color="k", lw=1, label="bound")
    ax.set(xlabel="k + 1", ylabel="median (min f - f*) / bound",
           title="Theorem 3: decaying rates")
    ax.legend()
    return save(fig, folder, "theorem3")


@dataclass(frozen=True)
class StabilityData:
    """The stability map: fraction of bounded runs per (kappa, lambda / 2c_tight).

    Attributes
    ----------
    grid : array (len(kappas), len(factors))
        Fraction of bounded runs.
    kappas, factors : array
        The rows (``L / mu``) and columns (``lambda / 2c_tight``).
    paper : array (len(kappas),)
        The paper's ``2 mu / L`` in units of ``2c_tight``.
    sharp : array (len(kappas),) or None
        The sharp threshold ``lambda*(kappa)`` in units of ``2c_tight``.
    """

    grid: np.ndarray
    kappas: np.ndarray
    factors: np.ndarray
    paper: np.ndarray
    sharp: np.ndarray | None = None


def _log_edges(values: np.ndarray) -> np.ndarray:
    """Cell edges around log-spaced ``values``: geometric midpoints, the ends mirrored."""
    logs = np.log(values)
    mid = (logs[1:] + logs[:-1]) / 2
    step = np.diff(logs)
    return np.exp(np.concatenate(([logs[0] - step[0] / 2], mid, [logs[-1] + step[-1] / 2])))


def stability(v, folder: Path) -> list[str]:
    """Fraction of bounded runs over (kappa, lambda / 2c_tight) on log axes wide enough to
    show the paper's 2mu/L for every kappa (left of the simulated grid: grey, not run), the
    tight threshold 2c_tight; the legend below the axes."""
    from matplotlib.patches import Patch

    s = v.figure_data
    fig, ax = new_figure()
    x_edges, y_edges = _log_edges(s.factors), _log_edges(s.kappas)
    ax.set_facecolor("0.85")
    im = ax.pcolormesh(x_edges, y_edges, s.grid, vmin=0, vmax=1, cmap="viridis",
                       label="fraction bounded")
    kappa_line = np.geomspace(y_edges[0], y_edges[-1], 200)
    paper = np.exp(np.interp(np.log(kappa_line), np.log(s.kappas), np.log(s.paper)))
    ax.plot(paper, kappa_line, "k--", lw=1.5, label="paper 2mu/L")
    ax.axvline(1.0, color="r", label="2c_tight")
    if s.sharp is not None:
        ax.plot(s.sharp, s.kappas, "m-o", ms=3, label="sharp lambda*(kappa)")
    ax.set(xscale="log", yscale="log", xlim=(min(paper.min(), x_edges[0]) / 1.5, x_edges[-1]),
           ylim=(y_edges[0], y_edges[-1]), xlabel="lambda / 2c_tight", ylabel="kappa = L / mu",
           title="Stability map of LARS")
    fig.colorbar(im, label="fraction bounded")
    fig.legend(handles=[*ax.lines, Patch(color="0.85", label="not simulated")], fontsize=8,
               loc="outside lower center", ncols=3)
    return save(fig, folder, "stability_map")


@dataclass(frozen=True)
class CosBoundData:
    """The cos-bound figure: one point per problem.

    Attributes
    ----------
    kappa : array (N,)
        ``L / mu``.
    observed : array (N,)
        Smallest ``cos alpha`` found.
    bound, paper : array (N,)
        The tight bound ``2 sqrt(mu L)/(mu + L)`` and the paper's ``mu / L``.
    """

    kappa: np.ndarray
    observed: np.ndarray
    bound: np.ndarray
    paper: np.ndarray


def cos_bound(v, folder: Path) -> list[str]:
    """Observed min cos alpha against kappa, with the tight and paper bounds."""
    s = v.figure_data
    fig, ax = new_figure()
    ax.scatter(s.kappa, s.observed, s=6, label="observed min cos alpha")
    order = np.argsort(s.kappa)
    ax.plot(s.kappa[order], s.bound[order], "k-", label="2 sqrt(mu L)/(mu + L)")
    ax.plot(s.kappa[order], s.paper[order], "k--", label="mu / L (paper)")
    ax.set(xscale="log", yscale="log", xlabel="kappa", ylabel="cos alpha",
           title="Lower bounds on cos alpha")
    ax.legend()
    return save(fig, folder, "cos_bound")


@dataclass(frozen=True)
class WitnessTrend:
    """Conjecture 1's figure: ``cos alpha`` along a witness.

    Attributes
    ----------
    norms : array (M,)
        ``||x||`` of the witness points.
    cos : array (M,)
        ``cos alpha`` there.
    """

    norms: np.ndarray
    cos: np.ndarray


def conjecture(v, folder: Path) -> list[str]:
    """``cos alpha`` along the witness against ``||x||``."""
    s = v.figure_data
    fig, ax = new_figure()
    ax.loglog(s.norms, s.cos, "o-", label="witness: min cos alpha at ||x||")
    ax.set(xlabel="||x||", ylabel="min cos alpha on the sphere",
           title="Conjecture 1: witness (mu = 0)")
    ax.legend()
    return save(fig, folder, "conjecture1")


@dataclass(frozen=True)
class CobwebData:
    """The 1-D cobweb figure: one orbit of the 1-D LARS map.

    Attributes
    ----------
    path : array (K + 1,)
        The orbit ``x_0 .. x_K``.
    xstar, lam : float
        The minimiser and the step ``lambda``.
    lo, hi : float
        The ends of the invariant interval ``I``.
    map : callable
        The 1-D LARS map ``x -> x+`` (vectorised).
    """

    path: np.ndarray
    xstar: float
    lam: float
    lo: float
    hi: float
    map: Callable


def cobweb(v, folder: Path) -> list[str]:
    """Cobweb plot of a 1-D LARS orbit with the invariant interval shaded."""
    s = v.figure_data
    fig, ax = new_figure()
    path, xs, lo, hi = s.path, s.xstar, s.lo, s.hi
    top = max(np.max(path), hi) * 1.05
    grid = np.linspace(0.0, top, 400)
    ax.plot(grid, s.map(grid), "C0", label="x -> x - lam |x| sign(x - x*)")
    ax.plot(grid, grid, "k", lw=0.8, label="x_{k+1} = x_k")
    ax.axvspan(lo, hi, color="C2", alpha=0.2, label="I = [(1-lam) x*, (1+lam) x*]")
    web_x = np.repeat(path[:-1], 2)  # (x0, x0), (x0, x1), (x1, x1), (x1, x2), ...
    web_y = np.empty_like(web_x)
    web_y[0::2], web_y[1::2] = path[:-1], path[1:]
    ax.plot(web_x, web_y, "C3", lw=0.8, label="orbit")
    ax.axvline(xs, color="k", ls=":", label="x*")
    ax.set(xlabel="x_k", ylabel="x_{k+1}", title=f"1-D LARS, lambda = {s.lam:g}")
    ax.legend(fontsize=8)
    return save(fig, folder, "one_d_cobweb")


def slack_waterfall(v, folder: Path, name: str) -> list[str]:
    """Waterfall of a proof's slack budget: each step's log10 share, cumulated from the
    observed value (0) to the bound, on the worst and on the median run."""
    rows = v.slack
    fig, ax = new_figure()
    x = np.arange(len(rows))
    bars = []
    for shift, key, color, label in ((-0.2, "log10_slack_worst", "C3", "worst run"),
                                     (0.2, "log10_slack_median", "C0", "median run")):
        share = np.array([r[key] for r in rows])
        base = np.concatenate(([0.0], np.cumsum(share)[:-1]))
        bars.append(ax.bar(x + shift, share, 0.4, bottom=base, color=color, label=label))
        ax.plot([len(rows) - 0.5], [share.sum()], marker="_", ms=20, color=color,
                label=label)  # the run's total
    ax.set_xticks(x, [r["step"] for r in rows], rotation=60, ha="right", fontsize=7)
    ax.set(ylabel="cumulative log10(bound / observed)",
           title=f"{name}: slack budget of the proof, by step")
    ax.legend(handles=bars)
    return save(fig, folder, f"{name}_slack")


def write_figures(report, folder) -> dict[str, list[str]]:
    """Draw the figures of every checked statement that declares one; ``{id: [png, pdf]}``.

    A statement's figure is drawn when its check returned a record
    (``verdict.figure_data`` not ``None``).
    """
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    out = {}
    for r in report.results:
        draw = r.statement.figure
        if draw is not None and r.verdict.figure_data is not None:
            out[r.statement.id] = draw(r.verdict, folder)
        if r.verdict.slack:
            out.setdefault(r.statement.id, []).extend(
                slack_waterfall(r.verdict, folder, r.statement.id))
    return out

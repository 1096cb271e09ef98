"""Verdicts: what a check says about one statement, with the numbers behind it.

A check compares, case by case, an *observed* quantity with the *bound* a
statement gives for it. The comparison is summarised by the ratio

.. math:: r_i = \\frac{\\text{observed}_i}{\\text{bound}_i},

so that ``r = 1`` is a tight bound and ``r > 1`` a violation (for a lower
bound, such as ``cos alpha >= c``, the check passes ``bound / observed``).
Only cases *within the statement's hypotheses* count towards the verdict;
the others are counted as ``beyond`` and reported as information (where a
claim stops), never as violations.

Verdicts:

- ``holds``: every case within the hypotheses satisfies the bound;
- ``violated``: at least one case within the hypotheses breaks it (the worst
  one is the witness);
- ``refuted``: a conjecture, or a reading of it, has a witness against it;
- ``inconclusive``: too few cases within the hypotheses to say anything.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

VERDICTS = ("holds", "violated", "refuted", "inconclusive")

#: Default relative tolerance on ``observed <= bound``: a ratio up to
#: ``1 + RATIO_RTOL`` still holds. Observed and bound are each computed in
#: float64 from O(n) operations on numbers of comparable size, so their relative
#: rounding error is far below 1e-9; a genuine violation is larger than that.
RATIO_RTOL = 1e-9

#: Longest short finding (:attr:`Verdict.summary`) a check sets.
SUMMARY_CHARS = 72

#: Confidence level of the intervals on fitted exponents.
CONFIDENCE_LEVEL = 0.95


@dataclass
class Rate:
    """A fitted power law ``y ~ x^exponent`` with its confidence interval.

    Attributes
    ----------
    exponent : float
        Least-squares slope of ``log y`` against ``log x``.
    ci : (float, float)
        ``CONFIDENCE_LEVEL`` interval of the slope (Student t).
    expected : float or None
        The exponent the statement predicts (for comparison).
    x_name, y_name : str
        What was fitted, e.g. ``"1/eps"`` and ``"iterations"``.
    points : int
        Number of points in the fit.
    """

    exponent: float
    ci: tuple[float, float]
    expected: float | None
    x_name: str
    y_name: str
    points: int

    def describe(self) -> str:
        """One line: ``iterations ~ (1/eps)^1.02 [0.98, 1.06] (bound: 2)``."""
        exp = "" if self.expected is None else f" (statement: {self.expected:g})"
        return (f"{self.y_name} ~ ({self.x_name})^{self.exponent:.3g} "
                f"[{self.ci[0]:.3g}, {self.ci[1]:.3g}]{exp}")

    def to_dict(self) -> dict:
        """JSON-ready fields."""
        return {"exponent": self.exponent, "ci": list(self.ci), "expected": self.expected,
                "x": self.x_name, "y": self.y_name, "points": self.points}


def fit_rate(x, y, *, expected: float | None = None, x_name: str = "x", y_name: str = "y",
             groups=None) -> Rate:
    """Fit ``log y = a + exponent * log x`` (per-group intercepts if ``groups`` is given).

    Parameters
    ----------
    x, y : array
        Positive values; non-positive or non-finite pairs are dropped.
    expected : float, optional
        The exponent the statement predicts.
    groups : array of int, optional
        Problem labels: each group gets its own intercept (a fixed-effects
        fit), so the slope measures the trend *within* each problem.
    """
    x = np.asarray(x, dtype=np.float64).ravel()
    y = np.asarray(y, dtype=np.float64).ravel()
    g = np.zeros(x.size, dtype=np.intp) if groups is None else np.asarray(groups).ravel()
    ok = np.isfinite(x) & np.isfinite(y) & (x > 0) & (y > 0)
    lx, ly, g = np.log(x[ok]), np.log(y[ok]), g[ok]
    if lx.size < 3:
        return Rate(np.nan, (np.nan, np.nan), expected, x_name, y_name, int(lx.size))
    _, inv = np.unique(g, return_inverse=True)
    counts = np.bincount(inv)
    cx = lx - (np.bincount(inv, lx) / counts)[inv]
    cy = ly - (np.bincount(inv, ly) / counts)[inv]
    sxx = float(cx @ cx)
    dof = lx.size - counts.size - 1
    if sxx == 0.0 or dof < 1:
        return Rate(np.nan, (np.nan, np.nan), expected, x_name, y_name, int(lx.size))
    slope = float(cx @ cy) / sxx
    resid = cy - slope * cx
    from scipy import stats  # imported here: scipy.stats costs a second at import

    se = np.sqrt(float(resid @ resid) / dof / sxx)
    half = float(stats.t.ppf(0.5 + CONFIDENCE_LEVEL / 2, dof)) * se
    return Rate(slope, (slope - half, slope + half), expected, x_name, y_name, int(lx.size))


@dataclass
class Verdict:
    """The outcome of one statement's check.

    Attributes
    ----------
    verdict : str
        One of :data:`VERDICTS`.
    cases : int
        Cases checked within the statement's hypotheses.
    beyond : int
        Cases outside the hypotheses (measured and described, never a violation).
    worst_ratio : float or None
        Largest observed/bound ratio within the hypotheses (1 = tight, > 1 violated);
        ``None`` for checks without a bound (qualitative claims).
    finding : str
        One line with the numbers.
    witness : dict or None
        The worst case: what reproduces it (seed, index, parameters) and its
        observed and bound values; for ``refuted``, the counterexample.
    rate : Rate or None
        Fitted exponent for rate statements.
    details : dict
        Further numbers (tight-variant ratios, beyond-hypotheses summaries).
    figure_data : object or None
        The record the statement's figure draws (a frozen dataclass of the
        figure's family, e.g. :class:`~larscheck.proofs_check.figures.RadiusData`;
        not written to JSON); ``None``: nothing to draw.
    summary : str
        The short finding: at most :data:`SUMMARY_CHARS` characters with the
        numbers that decide the verdict, set by the check for the terminal table and
        the README (:func:`short_finding`); empty: the finding's first clause.
    slack : list of dict or None
        The slack budget of the statement's proof, one record per step of its
        chain (:meth:`larscheck.proofs_check.slack.Budget.rows`); ``None`` for
        statements without a chain.
    """

    verdict: str
    cases: int
    worst_ratio: float | None
    finding: str
    witness: dict | None = None
    beyond: int = 0
    rate: Rate | None = None
    details: dict = field(default_factory=dict)
    figure_data: object | None = None
    summary: str = ""
    slack: list | None = None

    def __post_init__(self):
        if self.verdict not in VERDICTS:
            raise ValueError(f"verdict must be one of {VERDICTS}, got {self.verdict!r}")


def short_finding(verdict: Verdict) -> str:
    """The short finding of ``verdict``: its :attr:`~Verdict.summary`, or, for a check that
    sets none, the first clause of its finding (up to the first ``;`` outside brackets),
    which every check writes as its headline. Never cut inside a clause."""
    return verdict.summary or headline(verdict.finding)


def headline(finding: str) -> str:
    """The first clause of ``finding``: the text before the first ``"; "`` that is not
    inside ``()`` or ``[]``."""
    depth = 0
    for i, ch in enumerate(finding):
        depth += (ch in "([") - (ch in ")]")
        if depth == 0 and finding.startswith("; ", i):
            return finding[:i]
    return finding


def worst_case(ratio, inside, params: dict, *, seed: int, observed=None, bound=None,
               rtol: float = RATIO_RTOL) -> tuple[str, int, float | None, dict | None]:
    """Summarise per-case ratios: verdict, cases, worst ratio and the witness.

    Parameters
    ----------
    ratio : array (N,)
        observed / bound per case (NaN where not computable, e.g. after divergence).
    inside : array of bool (N,)
        Cases within the statement's hypotheses; only these decide the verdict.
    params : dict of arrays (N,)
        What identifies a case (problem index, kappa, lambda, n, ...); the witness
        gets the values at the worst case.
    seed : int
        The seed that regenerates the suite (part of the witness).
    observed, bound : array (N,), optional
        Reported in the witness.
    rtol : float
        A ratio above ``1 + rtol`` is a violation.

    Returns
    -------
    verdict, cases, worst_ratio, witness
    """
    ratio = np.asarray(ratio, dtype=np.float64)
    inside = np.asarray(inside, dtype=bool) & np.isfinite(ratio)
    cases = int(inside.sum())
    if cases == 0:
        return "inconclusive", 0, None, None
    idx = int(np.flatnonzero(inside)[np.argmax(ratio[inside])])
    worst = float(ratio[idx])
    witness = {"seed": seed, "index": idx,
               "parameters": {k: _item(v, idx) for k, v in params.items()},
               "ratio": worst}
    if observed is not None:
        witness["observed"] = _item(observed, idx)
    if bound is not None:
        witness["bound"] = _item(bound, idx)
    return ("violated" if worst > 1.0 + rtol else "holds"), cases, worst, witness


def _item(values, idx: int):
    """``values[idx]`` as a plain Python value (arrays of any dtype, or a scalar)."""
    arr = np.asarray(values)
    value = arr[idx] if arr.ndim else arr
    return value.item() if hasattr(value, "item") else value


def describe_ratio(worst: float | None) -> str:
    """``"worst observed/bound 0.83 (bound 1.2x the worst case)"``-style text."""
    if worst is None or not np.isfinite(worst):
        return "no case within the hypotheses"
    if worst > 1.0 + RATIO_RTOL:
        return f"worst observed/bound {worst:.4g} (VIOLATED)"
    return f"worst observed/bound {worst:.4g} (bound {1 / worst:.3g}x the worst case)" \
        if worst > 0 else "worst observed/bound 0"

"""Verdicts: what a check says about one statement, with the numbers behind it.

A check compares, case by case, an *observed* quantity with the *bound* a
statement gives for it. The comparison is summarised by the ratio

.. math:: r_i = \\frac{\\text{observed}_i}{\\text{bound}_i},

so that ``r = 1`` is a tight bound and ``r > 1`` a violation (for a lower
bound, such as ``cos alpha >= c``, the check passes ``bound / observed``).
Only cases *within the statement's hypotheses* count towards the verdict, and
every one of them counts: a run that diverged, or an ``S_lambda`` that escaped,
has ``r = inf`` and is a violation; a ratio that could not be computed (NaN)
makes the verdict ``inconclusive`` with the reason named, never a pass. The
other cases are counted as ``beyond`` and reported as information (where a
claim stops), never as violations.

Verdicts:

- ``holds``: every case within the hypotheses satisfies the bound;
- ``violated``: at least one case within the hypotheses breaks it (the worst
  one is the witness; ``inf`` for a diverged or unbounded case);
- ``refuted``: a conjecture, or a reading of it, has a witness against it;
- ``not tight``: the bound holds but the statement claims it is attained, and
  the worst ratio over its *non-trivial* cases (:func:`tightness`) is below
  ``1 - TIGHT_RTOL``;
- ``inconclusive``: too few cases within the hypotheses to say anything, or a
  statistic that should be a number is NaN.

Evidence (:data:`EVIDENCE`), what a verdict rests on:

- ``proof``: SymPy or rigorous (interval / exact rational) arithmetic covering the
  claim, e.g. a certificate whose obligations an independent checker re-proved;
- ``derivation``: the statement's formula is derived symbolically and the
  verdict compares simulations with it;
- ``sampled``: simulations, searches and float evaluations only.

A statement declares the evidence its check gives (``register(evidence=...)``); a
verdict may say otherwise for one run (:attr:`Verdict.evidence`), e.g. a
refutation that is proved when its certificate goes through and numerical when not.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

VERDICTS = ("holds", "violated", "refuted", "not tight", "inconclusive")

#: A bound claimed to be attained is ``not tight`` when the worst observed/bound over the
#: non-trivial cases is below ``1 - TIGHT_RTOL``. The checks that claim attainment
#: approach it to 1e-4 or closer (a sampled supremum or infimum: finite grids of
#: directions and radii, or a finite run), so 1 % leaves a margin of 100 over what
#: sampling loses, while a bound made 5 % looser (ratio <= 1/1.05 = 0.952) fails.
TIGHT_RTOL = 1e-2

#: What a verdict rests on (module docstring), strongest first.
EVIDENCE = ("proof", "derivation", "sampled")

#: Default relative tolerance on ``observed <= bound``: a ratio up to
#: ``1 + RATIO_RTOL`` still holds. Observed and bound are each computed in
#: float64 from O(n) operations on numbers of comparable size, so their relative
#: rounding error is far below 1e-9; a genuine violation is larger than that.
RATIO_RTOL = 1e-9

#: Longest short finding (:attr:`Verdict.summary`) a check sets.
SUMMARY_CHARS = 76

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
    evidence : str or None
        One of :data:`EVIDENCE` for this run; ``None``: the statement's declared one.
    certificate : dict or None
        The proof behind ``evidence="proof"`` (obligations with methods and results),
        written to JSON.
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
    evidence: str | None = None
    certificate: dict | None = None
    slack: list | None = None

    def __post_init__(self):
        if self.verdict not in VERDICTS:
            raise ValueError(f"verdict must be one of {VERDICTS}, got {self.verdict!r}")
        if self.evidence is not None and self.evidence not in EVIDENCE:
            raise ValueError(f"evidence must be one of {EVIDENCE}, got {self.evidence!r}")


def verdict_label(verdict: str, evidence: str) -> str:
    """The verdict as the table shows it: a refutation says whether it is proved
    (``"refuted (proved)"``) or only numerical (``"refuted (numerical)"``)."""
    if verdict == "refuted":
        return f"refuted ({'proved' if evidence == 'proof' else 'numerical'})"
    return verdict


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

    Every case within the hypotheses counts: ``inf`` (a diverged run, an unbounded
    ``S_lambda``) is a violation like any ratio above ``1 + rtol``; a NaN ratio
    (not computable) makes the verdict ``inconclusive`` unless another case is a
    violation, and the witness then names it (``"reason"``, ``"nan_cases"``).

    Parameters
    ----------
    ratio : array (N,)
        observed / bound per case: ``inf`` for a diverged or unbounded case, NaN
        where it could not be computed.
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
        ``cases`` is the number of cases within the hypotheses (all of them);
        ``worst_ratio`` is ``inf`` for a diverged case and NaN when the verdict is
        ``inconclusive`` for a NaN ratio.
    """
    ratio = np.asarray(ratio, dtype=np.float64)
    inside = np.asarray(inside, dtype=bool)
    cases = int(inside.sum())
    if cases == 0:
        return "inconclusive", 0, None, None
    nan = inside & np.isnan(ratio)
    scored = inside & ~nan
    idx = (int(np.flatnonzero(scored)[np.argmax(ratio[scored])]) if scored.any()
           else int(np.flatnonzero(nan)[0]))
    worst = float(ratio[idx])
    verdict = "violated" if worst > 1.0 + rtol else "holds"
    if verdict == "holds" and nan.any():
        idx = int(np.flatnonzero(nan)[0])
        verdict, worst = "inconclusive", float("nan")
    witness = {"seed": seed, "index": idx,
               "parameters": {k: _item(v, idx) for k, v in params.items()},
               "ratio": worst}
    if observed is not None:
        witness["observed"] = _item(observed, idx)
    if bound is not None:
        witness["bound"] = _item(bound, idx)
    if np.isinf(worst):
        witness["unbounded"] = True  # diverged run / escaping set: no finite observed
    if nan.any():
        witness["nan_cases"] = int(nan.sum())
        witness["reason"] = (f"observed/bound is NaN (not computable) in {int(nan.sum())} of "
                             f"{cases} cases within the hypotheses")
    return verdict, cases, worst, witness


def tightness(verdict: str, ratio, nontrivial, *, rtol: float = TIGHT_RTOL
              ) -> tuple[str, float | None]:
    """Test a claim that a bound is attained: ``"not tight"`` when the bound ``holds`` but
    the worst ratio over the ``nontrivial`` cases is below ``1 - rtol``.

    Parameters
    ----------
    verdict : str
        The verdict of :func:`worst_case` (only ``"holds"`` can become ``"not tight"``).
    ratio : array (N,)
        The per-case ratios given to :func:`worst_case`.
    nontrivial : array of bool (N,)
        Cases within the hypotheses that are not trivially tight (e.g. ``kappa > 1``:
        on ``kappa = 1`` every bound of this paper is attained).
    rtol : float
        Named tolerance, default :data:`TIGHT_RTOL`.

    Returns
    -------
    verdict : str
        ``"not tight"``, ``"inconclusive"`` (a claim of attainment with no
        non-trivial case, or a NaN among them) or the given one.
    worst_nontrivial : float or None
        The worst ratio over the non-trivial cases.
    """
    ratio = np.asarray(ratio, dtype=np.float64)
    nontrivial = np.asarray(nontrivial, dtype=bool)
    if not nontrivial.any():
        return ("inconclusive" if verdict == "holds" else verdict), None
    worst = float(np.max(ratio[nontrivial]))
    if verdict == "holds" and np.isnan(worst):
        return "inconclusive", worst
    if verdict == "holds" and worst < 1.0 - rtol:
        return "not tight", worst
    return verdict, worst


def attained(verdict: str, ratio, nontrivial, worst: float | None, trivial: str = "", *,
             rtol: float = TIGHT_RTOL) -> tuple[str, str, dict]:
    """A statement's claim that its bound is attained: :func:`tightness` on the
    ``nontrivial`` cases, the ratio text of :func:`describe_ratio` (saying when the worst
    case is only a ``trivial`` one) and the numbers for ``details``.

    Returns
    -------
    verdict, text, details
        ``details`` has ``worst_ratio_nontrivial`` and ``tight_rtol``.
    """
    verdict, nt = tightness(verdict, ratio, nontrivial, rtol=rtol)
    text = describe_ratio(worst, nt, trivial)
    if verdict == "not tight":
        text += (f"; NOT TIGHT: the bound is claimed to be attained, but the non-trivial "
                 f"worst is {nt:.4g} < 1 - {rtol:g}")
    elif nt is None:
        text += "; no non-trivial case: the claim that the bound is attained is untested"
    return verdict, text, {"worst_ratio_nontrivial": nt, "tight_rtol": rtol}


def _item(values, idx: int):
    """``values[idx]`` as a plain Python value (arrays of any dtype, or a scalar)."""
    arr = np.asarray(values)
    value = arr[idx] if arr.ndim else arr
    return value.item() if hasattr(value, "item") else value


def describe_ratio(worst: float | None, nontrivial: float | None = None,
                   trivial: str = "") -> str:
    """``"worst observed/bound 0.83 (bound 1.2x the worst case)"``-style text.

    With ``nontrivial`` (the worst ratio over the non-trivial cases) and ``trivial``
    (what the trivial cases are, e.g. ``"kappa = 1"``), a worst case that only the
    trivial cases reach is said so, and the factor is the non-trivial one.
    """
    if worst is None:
        return "no case within the hypotheses"
    if np.isnan(worst):
        return "observed/bound NaN (not computable) within the hypotheses: INCONCLUSIVE"
    if np.isinf(worst):
        return "worst observed/bound inf (VIOLATED: diverged or unbounded)"
    if worst > 1.0 + RATIO_RTOL:
        return f"worst observed/bound {worst:.4g} (VIOLATED)"
    if nontrivial is not None and trivial and np.isfinite(nontrivial) and nontrivial < worst:
        return (f"worst observed/bound {worst:.4g} on the trivial cases ({trivial}); "
                f"non-trivial worst {nontrivial:.4g} (bound {1 / nontrivial:.4g}x it)"
                if nontrivial > 0 else f"worst observed/bound {worst:.4g} on the trivial "
                f"cases ({trivial}); non-trivial worst 0")
    return f"worst observed/bound {worst:.4g} (bound {1 / worst:.3g}x the worst case)" \
        if worst > 0 else "worst observed/bound 0"

r"""Bounded statements as searchable properties: observed vs bound.

Each :class:`BoundSpec` turns one proved statement into a function of a drawn
*case* (a problem, fixed continuous parameters ``z`` and fixed extras) that
returns ``(observed, bound)``; the statement says ``observed <= bound``, so
the ratio ``observed / bound`` is at most 1 (1 = tight, > 1 = violated). A
*lower* bound (``cos alpha >= c``) is passed as ``(c, cos alpha)``, following
the verdict convention of :mod:`larscheck.proofs_check`.

The same specs drive

- the property tests (``tests/proofs_check/test_properties_*.py``):
  ``@given(spec.cases())``, ``hypothesis.target(ratio)``, ``assert ratio <= 1``;
- ``larscheck search ID`` (:func:`search_bound`): Hypothesis targeting, then
  Nelder–Mead on ``z`` (the start or the point) from the best cases.

Every bound comes from :mod:`larscheck.theory` (never retyped here); the
observed side from :mod:`larscheck.sims` (:func:`~larscheck.sims.simulate`).

Specs (statement ids of the verify registry):

``cos_bound.tight``, ``cos_bound.paper``
    :math:`\cos\alpha(x) \ge c` with :math:`c = 2\sqrt{\mu L}/(\mu+L)`
    or :math:`\mu/L`; ``z = x``.
``lemma1.explicit_radius``, ``lemma1``
    outside the ball of radius :math:`R = \lambda\|x^*\|/(2c-\lambda)`
    a LARS step gets closer: :math:`\|x^+ - x^*\| \le \|x - x^*\|`
    (tight and paper ``c``; :math:`\lambda < 2c`); ``z = (v, s)`` with
    :math:`x = x^* + R (1 + e^s) v/\|v\|`.
``lars_step.contraction``
    one LARS step: :math:`\|x^+ - x^*\|^2 \le r^2 - 2\lambda\|x\| r c
    + \lambda^2\|x\|^2` (:mod:`larscheck.theory.contraction`, tight
    :math:`c`); ``z = x``, any :math:`\lambda`.
``theorem1``
    :math:`\sup_{k \ge 1} \|x_k - x^*\| \le D`; ``z = x_0``.
``theorem2``
    :math:`\min_{i \le k} f(x_i) - f^* \le A/(\lambda(k+1)) + B\lambda` at
    every checkpoint, :math:`\delta` the measured :math:`\min_k\|x_k\|`.
``theorem2.contraction``
    the one-step recursion of 3.3 in closed form
    (:func:`larscheck.theory.recursion_bound`) against :math:`f(x_k) - f^*` of
    the last iterate, at every ``k``.
``corollary2_1``
    with :math:`\lambda = \sqrt{A/(B(K+1))}`, :math:`\min f - f^* \le
    2\sqrt{AB/(K+1)}` after ``K`` steps.
``theorem3``
    polynomial decay :math:`\lambda_i = \lambda_0 (1 - i/K)^2`, Theorem 3's
    bound at every checkpoint.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from functools import lru_cache
from typing import NamedTuple

import numpy as np
from hypothesis import strategies as st
from scipy import optimize

import larscheck.theory as theory
from larscheck.proofs_check.measure import cos_from, lars_step
from larscheck.proofs_check.search.engine import hypothesis_maximise
from larscheck.proofs_check.search.strategies import (
    convex_functions,
    log_uniform,
    quadratics,
    rates,
    starts,
)
from larscheck.sims import LARS, PolynomialDecay, Trajectory, simulate
from larscheck.sims.problems import Problem
from larscheck.theory import bounds, contraction

#: Steps of the simulations behind the Theorem 1-3 properties (enough to pass the
#: transient and oscillate: lambda >= 1e-2 times the threshold contracts by ~1e-2 per step).
STEPS = 300

#: Largest ``kappa`` drawn for the simulation-based specs (their bounds grow like kappa).
SIM_KAPPA = 1e3

#: A ratio above ``1 + VIOLATION_RTOL`` is a violation: observed and bound are float64
#: results of O(n) operations (plus a simulation whose own rounding is relative 1e-13 at
#: most over ``STEPS`` steps), so a genuine violation exceeds 1e-9 by far.
VIOLATION_RTOL = 1e-9

#: ``||x+ - x*||^2 = r^2 - 2 lambda ||x|| r cos + lambda^2 ||x||^2`` cancels when the
#: step lands next to ``x*``: both sides are then known only to a few ulps (~1e-15) of
#: ``T = r^2 + lambda^2 ||x||^2``. The contraction property adds ``CANCELLATION_FLOOR * T``
#: to observed and bound, so that ``ratio <= 1 + VIOLATION_RTOL`` tolerates an excess of
#: ``VIOLATION_RTOL * CANCELLATION_FLOOR * T = 1e-15 T`` (rounding) and no more.
CANCELLATION_FLOOR = 1e-6

#: Nelder-Mead evaluations of the refinement per start.
REFINE_EVALS = 200


@dataclass
class Case:
    """A drawn instance: ``problem`` (batch 1), continuous parameters ``z`` (refined by the
    search) and fixed ``extra`` numbers (e.g. the rate)."""

    problem: Problem
    z: np.ndarray
    extra: dict = field(default_factory=dict)

    def describe(self) -> dict:
        """JSON-ready description (what reproduces the case)."""
        p = self.problem
        out = {"mu": float(p.mu[0]), "L": float(p.L[0]), "xstar": p.xstar[0].tolist(),
               "z": self.z.tolist(), **{k: float(v) for k, v in self.extra.items()}}
        if hasattr(p, "to_dict"):
            out["function"] = p.to_dict()
        elif hasattr(p, "eigs"):
            out["eigs"] = p.eigs[0].tolist()
            out["basis"] = None if p.basis is None else p.basis[0].tolist()
        return out


@dataclass(frozen=True)
class BoundSpec:
    """One bounded statement: how to draw cases and how to measure ``(observed, bound)``."""

    id: str
    description: str
    cases: Callable[[], st.SearchStrategy]
    evaluate: Callable[[Case, np.ndarray], tuple[float, float]]

    def ratio(self, case: Case, z: np.ndarray | None = None) -> float:
        """``observed / bound`` at ``z`` (default the case's own): ``inf`` for a diverged
        run (a violation, never dropped), NaN only when the case is outside the
        statement's hypotheses or undefined (an unusable start)."""
        observed, bound = self.evaluate(case, case.z if z is None else np.asarray(z, float))
        observed, bound = np.float64(observed), np.float64(bound)
        with np.errstate(divide="ignore", invalid="ignore"):
            r = observed / bound
        return float(r) if not np.isnan(r) else np.nan


def strongly_convex_problems(kappa_max: float = 1e4) -> st.SearchStrategy:
    """Quadratics (adversarial spectra) or convex-family members with ``mu > 0``, ``n >= 2``."""
    return st.one_of(
        quadratics(dim=st.integers(2, 6), kappa=log_uniform(1.0, kappa_max)),
        convex_functions(dim=st.integers(2, 4), mu=log_uniform(1e-2, 1.0)),
    )


def _constants(p: Problem) -> tuple[float, float, float]:
    return float(p.mu[0]), float(p.L[0]), float(np.linalg.norm(p.xstar[0]))


# ------------------------------------------------------------------------ cos bounds


@st.composite
def _point_cases(draw, kappa_max=1e4):
    p = draw(strongly_convex_problems(kappa_max))
    return Case(p, draw(starts(p))[0])


def _cos_evaluate(variant: str):
    def evaluate(case: Case, z: np.ndarray) -> tuple[float, float]:
        p = case.problem
        mu, L, _ = _constants(p)
        cos = cos_from(p.grad(z[None]), z[None] - p.xstar)[0]
        return float(bounds.cos_lower_bound(mu, L, variant)), float(cos)
    return evaluate


def _contraction_evaluate(case: Case, z: np.ndarray) -> tuple[float, float]:
    p = case.problem
    mu, L, _ = _constants(p)
    lam = case.extra["lam"]
    step = lars_step(z[None], p.grad(z[None]), lam)[0]
    xn = float(np.linalg.norm(z))
    r = float(np.linalg.norm(z - p.xstar[0]))
    floor = CANCELLATION_FLOOR * (r * r + (lam * xn) ** 2)
    return (float(np.sum((step - p.xstar[0]) ** 2)) + floor,
            float(contraction.WORST_DIST_SQ(mu, L, lam, xn, r)) + floor)


@st.composite
def _step_cases(draw):
    case = draw(_point_cases())
    return Case(case.problem, case.z, {"lam": draw(log_uniform(1e-3, 2.0))})


# ------------------------------------------------------------------------ Lemma 1


@st.composite
def _lemma1_cases(draw, variant: str):
    p = draw(strongly_convex_problems())
    mu, L, _ = _constants(p)
    lam = draw(rates(float(bounds.lemma1_threshold(mu, L, variant))))
    v = draw(starts(p, kinds=("far", "eigenvector")))[0] - p.xstar[0]
    s = draw(st.floats(-8.0, 4.0))
    return Case(p, np.append(v, s), {"lam": lam})


def _lemma1_evaluate(variant: str):
    def evaluate(case: Case, z: np.ndarray) -> tuple[float, float]:
        p = case.problem
        mu, L, xs = _constants(p)
        lam = case.extra["lam"]
        problem = bounds.ProblemConstants(mu=mu, L=L, xstar_norm=xs)
        radius = float(bounds.lemma1_radius(lam, problem, variant))
        v, s = z[:-1], float(np.clip(z[-1], -30.0, 30.0))
        if not np.isfinite(radius) or np.linalg.norm(v) == 0:
            return np.nan, np.nan
        r = radius * (1.0 + np.exp(s)) if radius > 0 else np.exp(s)
        x = p.xstar[0] + r * v / np.linalg.norm(v)
        x_next = lars_step(x[None], p.grad(x[None]), lam)[0]
        return float(np.linalg.norm(x_next - p.xstar[0])), float(np.linalg.norm(x - p.xstar[0]))
    return evaluate


# ------------------------------------------------------------------------ Theorems 1-3


@st.composite
def _run_cases(draw):
    p = draw(strongly_convex_problems(SIM_KAPPA))
    mu, L, _ = _constants(p)
    lam = draw(rates(float(bounds.lemma1_threshold(mu, L, "tight")), lo=1e-2))
    return Case(p, draw(starts(p))[0], {"lam": lam})


class _Run(NamedTuple):
    """A LARS run from ``x0`` with the numbers the bounds take."""

    traj: Trajectory
    mu: float
    L: float
    xstar_norm: float
    dist0: float
    gap0: float
    delta: float

    def constants(self, *, rates: bool = True) -> bounds.ProblemConstants:
        """The run's constants; ``rates=False`` leaves out ``gap0`` and ``delta`` (Theorem 1
        needs neither, and a run that reaches the origin has ``delta = 0``)."""
        extra = {"gap0": self.gap0, "delta": self.delta} if rates else {}
        return bounds.ProblemConstants(mu=self.mu, L=self.L, xstar_norm=self.xstar_norm,
                                       dist0=self.dist0, **extra)


def _run(case: Case, x0: np.ndarray, schedule, record_path: bool = False) -> _Run | None:
    """Run LARS for :data:`STEPS` steps; ``None`` for an unusable start (zero or
    non-finite). ``delta`` is the measured ``min_k ||x_k||`` (Theorem 2's assumption
    measured, not assumed)."""
    if not (np.all(np.isfinite(x0)) and np.linalg.norm(x0) > 0):
        return None
    p = case.problem
    mu, L, xs = _constants(p)
    traj = simulate(p, LARS(), x0[None], STEPS, schedule, record_path=record_path)
    return _Run(traj, mu, L, xs, float(np.linalg.norm(x0 - p.xstar[0])),
                float(p.value(x0[None])[0] - p.fstar[0]), float(traj.min_norm[0]))


def _usable(run: _Run | None) -> bool:
    """A finished run whose iterates stayed away from the origin (``delta > 0``)."""
    return run is not None and not run.traj.diverged[0] and run.delta > 0


def _unusable(run: _Run | None) -> tuple[float, float]:
    """``(observed, bound)`` of a run that is not :func:`_usable`: ``(inf, 1)`` for a
    diverged run (inside the hypotheses: a violation), NaN for no run or a run through
    the origin (``delta = 0``: outside Theorem 2's assumption)."""
    if run is not None and run.traj.diverged[0]:
        return np.inf, 1.0
    return np.nan, np.nan


def _theorem1_evaluate(case: Case, z: np.ndarray) -> tuple[float, float]:
    """``sup_{k >= 1} ||x_k - x*||`` against ``D`` (``k = 0`` is excluded: ``D >= ||x0 - x*||``
    by definition, which would make every case trivially tight)."""
    lam = case.extra["lam"]
    run = _run(case, z, lam, record_path=True)
    if run is None:
        return np.nan, np.nan
    bound = float(bounds.theorem1_D(lam, run.constants(rates=False), "tight"))
    if run.traj.diverged[0]:
        return np.inf, bound
    later = np.linalg.norm(run.traj.path[1:, 0] - case.problem.xstar[0], axis=1)
    return float(later.max()), bound


def _gap_ratio(traj, bound_at) -> tuple[float, float]:
    """The checkpoint with the largest ``min gap / bound`` as ``(observed, bound)``."""
    k = traj.checkpoints
    gap = traj.gap_at[0]
    bound = bound_at(k)
    with np.errstate(divide="ignore", invalid="ignore"):
        r = np.where(bound > 0, gap / bound, np.nan)
    if not np.any(np.isfinite(r)):
        return np.nan, np.nan
    i = int(np.nanargmax(r))
    return float(gap[i]), float(bound[i])


def _theorem2_evaluate(case: Case, z: np.ndarray) -> tuple[float, float]:
    lam = case.extra["lam"]
    run = _run(case, z, lam)
    if not _usable(run):
        return _unusable(run)
    return _gap_ratio(run.traj, lambda k: bounds.theorem2_bound(
        k, lam, run.constants(), "tight"))


def _corollary_evaluate(case: Case, z: np.ndarray) -> tuple[float, float]:
    p = case.problem
    mu, L, xs = _constants(p)
    lam_max = case.extra["lam"]
    dist0 = float(np.linalg.norm(z - p.xstar[0]))
    gap0 = float(p.value(z[None])[0] - p.fstar[0])
    if not gap0 > 0:
        return np.nan, np.nan
    # lambda_opt = sqrt(A / (B (K+1))) does not depend on delta (A/B = 2 e0 / (L M^2)).
    problem = bounds.ProblemConstants(mu=mu, L=L, xstar_norm=xs, dist0=dist0, gap0=gap0,
                                      delta=1.0)
    lam_opt, _ = bounds.corollary21(STEPS, problem, lam_max, "tight")
    lam_opt = float(lam_opt)
    if not 0 < lam_opt <= lam_max:
        return np.nan, np.nan
    run = _run(case, z, lam_opt)
    if not _usable(run):
        return _unusable(run)
    _, bound = bounds.corollary21(STEPS, replace(problem, delta=run.delta), lam_max, "tight")
    return float(run.traj.min_gap[0]), float(bound)


def _recursion_evaluate(case: Case, z: np.ndarray) -> tuple[float, float]:
    """The 3.3 recursion's closed form bounds the *last* iterate: ``f(x_k) - f*`` at every k."""
    lam = case.extra["lam"]
    run = _run(case, z, lam, record_path=True)
    if not _usable(run):
        return _unusable(run)
    const = theory.theorem2_constants(lam, run.constants(), "tight")
    p = case.problem
    path = run.traj.path[:, 0]
    gaps = np.array([p.value(x[None])[0] for x in path]) - p.fstar[0]
    k = np.arange(path.shape[0])
    bound = theory.recursion_bound(k, lam, run.delta, const.D, max(run.gap0, 1e-300), const.B)
    with np.errstate(divide="ignore", invalid="ignore"):
        r = gaps / bound
    i = int(np.nanargmax(r))
    return float(gaps[i]), float(bound[i])


@lru_cache(maxsize=4)
def _poly_sums(steps: int):
    """Theorem 3's sums for ``lambda_i = lambda_0 (1 - i/steps)^2`` (``lambda_0`` symbolic)."""
    return theory.schedule_sums("poly", total_steps=steps, power=2)


def _theorem3_evaluate(case: Case, z: np.ndarray) -> tuple[float, float]:
    lam0 = case.extra["lam"]
    run = _run(case, z, PolynomialDecay(lam0, STEPS, 2))
    if not _usable(run):
        return _unusable(run)
    const = theory.theorem2_constants(lam0, run.constants(), "tight")
    s1, s2 = _poly_sums(STEPS)

    def bound_at(k):
        return bounds.THEOREM3_GAP(const.D, run.delta, run.gap0, run.L, const.M, s1(k, lam0),
                                   s2(k, lam0))

    return _gap_ratio(run.traj, bound_at)


SPECS: dict[str, BoundSpec] = {s.id: s for s in (
    BoundSpec("cos_bound.tight", "cos alpha >= 2 sqrt(mu L)/(mu + L)", _point_cases,
              _cos_evaluate("tight")),
    BoundSpec("cos_bound.paper", "cos alpha >= mu/L", _point_cases, _cos_evaluate("paper")),
    BoundSpec("lemma1.explicit_radius",
              "outside R = lambda |x*|/(2c - lambda), c tight, a LARS step gets closer",
              lambda: _lemma1_cases("tight"), _lemma1_evaluate("tight")),
    BoundSpec("lemma1", "outside R with the paper's c = mu/L, a LARS step gets closer",
              lambda: _lemma1_cases("paper"), _lemma1_evaluate("paper")),
    BoundSpec("lars_step.contraction",
              "|x+ - x*|^2 <= r^2 - 2 lambda |x| r c_tight + lambda^2 |x|^2 (one step)",
              _step_cases, _contraction_evaluate),
    BoundSpec("theorem1", "sup_k |x_k - x*| <= D", _run_cases, _theorem1_evaluate),
    BoundSpec("theorem2", "min_{i<=k} f - f* <= A/(lambda (k+1)) + B lambda", _run_cases,
              _theorem2_evaluate),
    BoundSpec("theorem2.contraction",
              "3.3 recursion solved: f(x_k) - f* <= B lambda + q^k (e0 - B lambda), every k",
              _run_cases, _recursion_evaluate),
    BoundSpec("corollary2_1", "lambda = sqrt(A/(B(K+1))): min f - f* <= 2 sqrt(AB/(K+1))",
              _run_cases, _corollary_evaluate),
    BoundSpec("theorem3", "decaying lambda: Theorem 3's bound at every checkpoint", _run_cases,
              _theorem3_evaluate),
)}


def refine(spec: BoundSpec, case: Case, evals: int = REFINE_EVALS) -> tuple[np.ndarray, float, int]:
    """Nelder-Mead on ``z`` maximising the ratio from the case's ``z``.

    Returns the best ``z``, its ratio and the evaluations used.
    """
    def objective(z):
        r = spec.ratio(case, z)
        return -r if np.isfinite(r) else np.inf

    z0 = case.z
    res = optimize.minimize(objective, z0, method="Nelder-Mead",
                            options={"maxfev": int(evals), "xatol": 1e-12, "fatol": 1e-14})
    start = spec.ratio(case)
    if np.isfinite(res.fun) and -res.fun > start:
        return res.x, float(-res.fun), int(res.nfev)
    return z0, start, int(res.nfev)


def search_bound(statement: str, budget: int = 200, seed: int = 0, keep: int = 3) -> dict:
    """Maximise ``observed / bound`` for one statement (Hypothesis, then Nelder–Mead).

    Returns a JSON-ready dict: ``statement``, ``description``, ``examples``,
    ``hypothesis_worst_ratio``, ``worst_ratio`` (after refinement), ``violated``
    (``worst_ratio > 1``), ``closeness`` (``1 - worst_ratio``: how close to the bound
    the search got) and ``worst_case`` (what reproduces it).
    """
    if statement not in SPECS:
        raise ValueError(f"no bounded search for {statement!r}; choose from {sorted(SPECS)}")
    spec = SPECS[statement]
    found = hypothesis_maximise(spec.cases(), spec.ratio, budget=budget, seed=seed, keep=keep)
    if not found.best:
        raise RuntimeError(f"{statement}: no case with a finite ratio; raise the budget")
    best_ratio, best_case, evals = -np.inf, None, 0
    for _, case in found.best:
        z, r, n = refine(spec, case)
        evals += n
        if r > best_ratio:
            best_ratio, best_case = r, Case(case.problem, z, case.extra)
    observed, bound = spec.evaluate(best_case, best_case.z)
    return {
        "statement": statement, "description": spec.description, "budget": int(budget),
        "seed": int(seed), "examples": found.examples, "refine_evaluations": evals,
        "hypothesis_worst_ratio": float(found.best_score), "worst_ratio": float(best_ratio),
        "violated": bool(best_ratio > 1.0 + VIOLATION_RTOL), "closeness": float(1.0 - best_ratio),
        "worst_case": {**best_case.describe(), "observed": observed, "bound": bound},
    }

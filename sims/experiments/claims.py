"""The paper's qualitative claims about its experiments, as checks that can fail.

Each function takes measured curves and returns a dict
``{"claim", "measured", "reproduced"}``: the claim in words (the paper's
sentence, made precise), the numbers it was decided on, and whether they
support it. A claim that is not reproduced is a result, not an error.

The curves of the SVM and logistic experiments are ``f - f*`` per epoch,
shape ``(S, E + 1)`` per (method, batch mode), from
:class:`larscheck.sims.experiments.runner.Curves`. Statistics are taken per
seed and then the median over seeds is compared (robust to one odd seed).
A curve that diverged (NaN) never reaches any level.

Tolerances (all relative, so they do not depend on the scale of the problem):

- :data:`OPTIMUM_RTOL`: "reached the optimum" means final ``f - f* <= 1 % of f*``.
- :data:`SPEED_FRACTION`: speed is the number of epochs until ``f - f*`` first
  drops to a tenth of its starting value (one decade on the paper's log axis).
- :data:`SPIKE_RTOL`, :data:`SPIKE_WINDOW`: a spike is a rise of more than 5 %
  above the starting loss within the first 10 % of the epochs.
- :data:`TAIL_FRACTION`, :data:`TAIL_FACTOR`: the tail is the last 20 % of the
  epochs; its amplitude is ``max - min`` of ``f - f*`` there; "oscillates or
  drifts while the decaying one does not" means an amplitude at least 10 times
  (one decade) that of decaying LARS.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

from larscheck.sims.experiments.runner import Curves

OPTIMUM_RTOL = 0.01
SPEED_FRACTION = 0.1
SPIKE_RTOL = 0.05
SPIKE_WINDOW = 0.1
TAIL_FRACTION = 0.2
TAIL_FACTOR = 10.0

Claim = dict


def _claim(text: str, measured: dict, reproduced) -> Claim:
    return {"claim": text, "measured": measured, "reproduced": bool(reproduced)}


def _median(v) -> float:
    v = np.asarray(v, dtype=np.float64)
    return float(np.median(np.where(np.isnan(v), np.inf, v)))


def final_gap(gap: np.ndarray) -> float:
    """Median over seeds of the last ``f - f*`` (inf for a diverged seed)."""
    return _median(gap[:, -1])


def epochs_to_level(gap: np.ndarray, fraction: float = SPEED_FRACTION) -> float:
    """Median over seeds of the first epoch with ``f - f* <= fraction * (f(x0) - f*)``."""
    level = fraction * gap[:, :1]
    hit = gap <= level
    first = np.where(hit.any(axis=1), hit.argmax(axis=1), np.inf)
    return _median(first)


def spike_ratio(gap: np.ndarray, fstar: float, window: float = SPIKE_WINDOW) -> float:
    """Median over seeds of ``max f / f(x0)`` over the first ``window`` of the epochs."""
    n = max(2, int(np.ceil(window * (gap.shape[1] - 1))) + 1)
    f = gap[:, :n] + fstar
    return _median(np.nanmax(np.where(np.isnan(f), np.inf, f), axis=1) / f[:, 0])


def tail_amplitude(gap: np.ndarray, fraction: float = TAIL_FRACTION) -> float:
    """Median over seeds of ``max - min`` of ``f - f*`` over the last ``fraction`` of epochs."""
    n = max(2, int(np.ceil(fraction * (gap.shape[1] - 1))) + 1)
    tail = gap[:, -n:]
    return _median(tail.max(axis=1) - tail.min(axis=1))


def _fmt(x: float) -> float | str:
    return "never" if not np.isfinite(x) else float(f"{x:.4g}")


def all_reach_optimum(curves: Curves, methods: Sequence[str] | None = None) -> Claim:
    """"All optimizers converge to the same final optimum" (every method, every mode)."""
    methods = curves.methods if methods is None else list(methods)
    tol = OPTIMUM_RTOL * abs(curves.fstar)
    finals = {f"{m}, {b}": final_gap(curves.gap(m, b)) for b in curves.modes for m in methods}
    measured = {"tolerance on final f - f*": _fmt(tol)}
    measured.update({f"final f - f* ({k})": _fmt(v) for k, v in finals.items()})
    return _claim(f"all optimizers reach the same optimum: final f - f* <= "
                  f"{OPTIMUM_RTOL:g} f* (median over seeds) for every method and batch mode",
                  measured, all(v <= tol for v in finals.values()))


def faster(curves: Curves, pairs: Sequence[tuple[str, str]], text: str) -> Claim:
    """Each ``(fast, slow)`` pair: ``fast`` needs strictly fewer epochs, in every batch mode.

    Speed is the median over seeds of the epochs until ``f - f*`` first drops
    to :data:`SPEED_FRACTION` of its start; a method that never gets there
    takes infinitely long, so two such methods tie, which contradicts the claim.
    """
    names = list(dict.fromkeys(m for pair in pairs for m in pair))
    measured, ok = {}, True
    for b in curves.modes:
        e = {m: epochs_to_level(curves.gap(m, b)) for m in names}
        measured.update({f"epochs to 1/10 of initial f - f* ({m}, {b})": _fmt(v)
                         for m, v in e.items()})
        ok &= all(e[fast] < e[slow] for fast, slow in pairs)
    return _claim(f"{text} (epochs until f - f* <= {SPEED_FRACTION:g} of its start, "
                  f"median over seeds, in every batch mode)", measured, ok)


def initial_spike(curves: Curves, lars: str = "LARS") -> Claim:
    """"An initial spike in the loss for LARS", in every batch mode."""
    ratios = {b: spike_ratio(curves.gap(lars, b), curves.fstar) for b in curves.modes}
    measured = {f"max f / f(x0) in the first {SPIKE_WINDOW:.0%} of epochs ({lars}, {b})": _fmt(r)
                for b, r in ratios.items()}
    return _claim(f"an initial spike of the loss for {lars}: f rises above "
                  f"(1 + {SPIKE_RTOL:g}) f(x0) early on (median over seeds, every batch mode)",
                  measured, all(r > 1 + SPIKE_RTOL for r in ratios.values()))


def fixed_vs_decaying(curves: Curves, fixed: str = "LARS", decaying: str = "LARS decay",
                      behaviour: str = "oscillates") -> Claim:
    """"Fixed-rate LARS oscillates/drifts near the end, decaying LARS reaches the optimum".

    Per mode: the tail amplitude of ``fixed`` is at least :data:`TAIL_FACTOR`
    times that of ``decaying``, and ``decaying`` ends within
    :data:`OPTIMUM_RTOL` of ``f*``.
    """
    tol = OPTIMUM_RTOL * abs(curves.fstar)
    measured, ok = {}, True
    for b in curves.modes:
        a_fix = tail_amplitude(curves.gap(fixed, b))
        a_dec = tail_amplitude(curves.gap(decaying, b))
        fin = final_gap(curves.gap(decaying, b))
        measured[f"tail amplitude of f - f* ({fixed}, {b})"] = _fmt(a_fix)
        measured[f"tail amplitude of f - f* ({decaying}, {b})"] = _fmt(a_dec)
        measured[f"final f - f* ({decaying}, {b})"] = _fmt(fin)
        ok &= bool(a_fix >= TAIL_FACTOR * a_dec) and fin <= tol
    return _claim(f"{fixed} with a fixed rate {behaviour} near the optimum while {decaying} does "
                  f"not and reaches it: tail amplitude (last {TAIL_FRACTION:.0%} of epochs) >= "
                  f"{TAIL_FACTOR:g} x that of {decaying}, whose final f - f* <= "
                  f"{OPTIMUM_RTOL:g} f*, in every batch mode", measured, ok)


# ---------------------------------------------------------------------------- Figure 1

def region_depends_on_rate(lams: Sequence[float], tail_radii: Sequence[float]) -> Claim:
    """"LARS reaches a lambda-dependent region and oscillates there".

    Every fixed-rate run keeps a positive oscillation radius
    ``max ||x_k - x*||`` over its last quarter, and the radius grows with lambda.
    """
    lams = np.asarray(lams, dtype=np.float64)
    radii = np.asarray(tail_radii, dtype=np.float64)
    order = np.argsort(lams)
    r = radii[order]
    ok = bool(np.all(np.isfinite(r)) and np.all(r > 0) and np.all(np.diff(r) > 0))
    measured = {f"tail radius (lambda={lam:g})": _fmt(v)
                for lam, v in zip(lams[order], r, strict=True)}
    return _claim("fixed-rate LARS stays in a region around x* whose radius grows with lambda "
                  "(max ||x_k - x*|| over the last quarter > 0, increasing in lambda)",
                  measured, ok)


def gd_beats_fixed_lars(gd_final_dist: float, tail_radii: Sequence[float]) -> Claim:
    """Gradient descent converges to ``x*``, closer than any fixed-rate LARS region."""
    smallest = float(np.min(tail_radii))
    return _claim("gradient descent converges to x*, ending closer than the smallest "
                  "fixed-rate LARS region", {"final ||x - x*|| (GD)": _fmt(gd_final_dist),
                                             "smallest LARS tail radius": _fmt(smallest)},
                  gd_final_dist < smallest)


def decaying_inside_region(decay_final_dist: float, radius_same_lam0: float, lam0: float
                           ) -> Claim:
    """Decaying LARS ends inside the region of fixed-rate LARS with its initial rate."""
    return _claim(f"LARS with a rate decaying from {lam0:g} to 0 ends closer to x* than "
                  f"fixed-rate LARS with lambda={lam0:g} oscillates",
                  {"final ||x - x*|| (LARS decay)": _fmt(decay_final_dist),
                   f"tail radius (lambda={lam0:g})": _fmt(radius_same_lam0)},
                  decay_final_dist < radius_same_lam0)


def within_predicted(lams: Sequence[float], tail_radii: Sequence[float],
                     predicted: Callable[[float], float], source: str) -> Claim:
    """The measured oscillation radius stays within the radius predicted by theory."""
    pred = [float(predicted(lam)) for lam in lams]
    measured = {}
    for lam, r, p in zip(lams, tail_radii, pred, strict=True):
        measured[f"tail radius / predicted (lambda={lam:g})"] = _fmt(r / p)
    return _claim(f"the oscillation radius stays within the predicted region ({source})",
                  measured, all(r <= p for r, p in zip(tail_radii, pred, strict=True)))

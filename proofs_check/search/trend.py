r"""The trend of :math:`\cos\alpha` along a witness: does it fall to 0 (Conjecture 1)?

:func:`cos_trend` classifies the evidence from :math:`\cos\alpha`, the gradient norm
and the convexity certificate :math:`\ell = (f - f^*)/(\|\nabla f\|\|x - x^*\|)` at
points of growing norm; :func:`trend_inputs` computes the three series for a member
of the convex family.
"""

from __future__ import annotations

import numpy as np
from scipy import stats

from larscheck.proofs_check.measure import cos_from
from larscheck.sims.convex_family import ConvexFamily

#: Slope of ``log cos alpha`` against ``log ||x||`` that separates "decreasing" from
#: "levelled off" (over a decade, a slope of -0.05 is an 11 % drop).
TREND_MIN_SLOPE = 0.05

#: Relative increase of ``cos alpha`` from one point to the next still counted as
#: "decreasing" (the points are local minima of a numerical search).
TREND_MONOTONE_RTOL = 1e-6


def _slope(x, y) -> tuple[float, float, float]:
    """Least-squares slope of ``log y`` on ``log x`` with its 95 % interval half-width, and
    the slope over the last half of the points."""
    lx, ly = np.log(x), np.log(y)
    fit = stats.linregress(lx, ly)
    half = float(stats.t.ppf(0.975, lx.size - 2)) * fit.stderr
    tail = stats.linregress(lx[lx.size // 2:], ly[lx.size // 2:]).slope
    return float(fit.slope), half, float(tail)


def cos_trend(norms, cos, grad_norms=None, lower=None) -> dict:
    r"""Classify the evidence on :math:`\liminf \cos\alpha` along points of growing norm.

    Two facts for convex ``f`` with unique minimiser :math:`x^*` decide it:

    - :math:`\cos\alpha(x) \ge \ell(x) = (f(x) - f^*) / (\|\nabla f(x)\|\,\|x - x^*\|)`
      (convexity: :math:`f^* \ge f(x) + \langle \nabla f(x), x^* - x\rangle`);
    - ``f`` grows at least linearly (:math:`f(x) - f^* \ge (m/r)\|x - x^*\|` beyond a
      sphere of radius ``r`` on which :math:`f - f^* \ge m > 0`), so along points where
      :math:`\|\nabla f\|` stays bounded, :math:`\ell` and hence :math:`\cos\alpha`
      stay bounded away from 0: :math:`\cos\alpha \to 0` *requires*
      :math:`\|\nabla f\| \to \infty`.

    So ``"liminf = 0"`` needs :math:`\cos\alpha` decreasing with the whole confidence
    interval of the slope of :math:`\log\cos\alpha` on :math:`\log\|x\|` below
    :data:`TREND_MIN_SLOPE` (and its last-half slope too), the certificate
    :math:`\ell` falling the same way, and :math:`\|\nabla f\|` growing (last-half slope
    above :data:`TREND_MIN_SLOPE`). ``"against"`` is reported when :math:`\ell` or
    :math:`\cos\alpha` levels off (last-half slope within :math:`\pm`
    :data:`TREND_MIN_SLOPE`) or the gradient stays bounded; else ``"inconclusive"``.
    Without ``grad_norms`` and ``lower`` only :math:`\cos\alpha` is classified (a
    weaker screen, for candidates; :func:`~.witness.verify_witness` always passes both).
    """
    cos = np.asarray(cos, dtype=np.float64)
    if grad_norms is None or lower is None:  # screen on cos alone: neutral certificates
        grad_norms, lower = np.geomspace(1.0, 10.0, cos.size), cos
    norms, grad_norms, lower = (np.asarray(a, dtype=np.float64)
                                for a in (norms, grad_norms, lower))
    if (norms.size < 4 or np.any(cos <= 0) or np.any(lower <= 0)
            or np.any(np.diff(norms) <= 0)):
        return {"slope": None, "slope_ci": None, "tail_slope": None, "decreasing": False,
                "evidence": "inconclusive", "points": int(norms.size)}
    slope, half, tail = _slope(norms, cos)
    l_slope, _, l_tail = _slope(norms, lower)
    _, _, g_tail = _slope(norms, grad_norms)
    decreasing = bool(np.all(cos[1:] <= cos[:-1] * (1 + TREND_MONOTONE_RTOL)))
    if (decreasing and slope + half < -TREND_MIN_SLOPE and tail < -TREND_MIN_SLOPE
            and l_tail < -TREND_MIN_SLOPE and g_tail > TREND_MIN_SLOPE):
        evidence = "liminf = 0"
    elif (abs(tail) <= TREND_MIN_SLOPE or abs(l_tail) <= TREND_MIN_SLOPE
          or g_tail <= TREND_MIN_SLOPE):
        evidence = "against"
    else:
        evidence = "inconclusive"
    return {"slope": slope, "slope_ci": [slope - half, slope + half], "tail_slope": tail,
            "certificate_slope": l_slope, "certificate_tail_slope": l_tail,
            "gradient_norm_tail_slope": g_tail, "decreasing": decreasing,
            "evidence": evidence, "points": int(norms.size), "first_cos": float(cos[0]),
            "last_cos": float(cos[-1]), "last_certificate": float(lower[-1])}


def trend_inputs(member: ConvexFamily, points) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    r"""``cos alpha``, ``||grad f||`` and the certificate ``l`` at ``points`` of one member.

    ``l = (f(x) - f*) / (||grad f(x)|| ||x - x*||) <= cos alpha`` (convexity; ``f* = 0``
    for the family): the three series :func:`cos_trend` classifies.
    """
    points = np.atleast_2d(np.asarray(points, dtype=np.float64))
    diff = points - member.xstar
    f, g = member.repeat(len(points)).value_and_grad(points)
    gnorm = np.linalg.norm(g, axis=1)
    return cos_from(g, diff), gnorm, f / (gnorm * np.linalg.norm(diff, axis=1))

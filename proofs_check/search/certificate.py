r"""Certify a Conjecture 1 witness: from its points to a proved refutation.

The search (:mod:`~larscheck.proofs_check.search.conjecture`) returns points of
growing norm on spheres where
:math:`\cos\alpha` is smallest; they are evidence, not a proof.
:func:`certify_witness` turns them into a certificate
(:func:`larscheck.theory.certificates.family.build_certificate`):

1. *fit the witness curve*: with :math:`y_k = x_k - x^*` and :math:`t_k = \|y_k\|`,
   least squares of :math:`y_k / t_k \approx u + t_k^{-1/2} v` (the search records
   points, not a curve; the fit is how the curve is recovered, and its residual is
   reported);
2. *make it exact*: ``u`` is projected, in exact rational arithmetic, onto the
   null space of the quadratic part (the directions of the quadratic atoms), which
   the decay needs exactly; ``v`` is kept as fitted (any ``v`` with :math:`Qv \ne
   0` works, the fit only decides the constant ``C``);
3. *prove* the four obligations (convexity, smoothness for the family's ``L``,
   uniqueness of :math:`x^*`, decay :math:`\cos\alpha(x(t)) \le C t^{-1/2}` for
   :math:`t \ge t_0`) and *re-check* them independently
   (:func:`larscheck.theory.certificates.check.check_certificate`, exact
   arithmetic from the data alone).

The certificate's ``evidence`` is ``"proof"`` only when every obligation is proved
by the builder and again by the checker; otherwise the refutation stays numerical
and ``failed`` names the obligations that did not go through.

:func:`certify_member` does the same for a user's member and curve.
"""

from __future__ import annotations

from collections.abc import Mapping
from fractions import Fraction

import numpy as np

from larscheck.proofs_check.measure import cos_from
from larscheck.sims.convex_family import ConvexFamily
from larscheck.theory.certificates.check import check_certificate
from larscheck.theory.certificates.family import (
    build_certificate,
    null_projection,
    smallest_valid_L,
)

#: Points along the proved curve where ``cos alpha`` is also evaluated in float64, as a
#: sanity check of the bound (evidence, not part of the proof): ``t = t0 * 10^k``.
SAMPLE_DECADES = (0, 2, 4, 6)

#: Ulps the family's float ``L`` may be raised by to reach a proved constant: ``eigvalsh``
#: is backward stable, so its error is a few ulps of ``||M||`` at most.
L_ULPS = 64


def fit_curve(points, xstar) -> tuple[np.ndarray, np.ndarray, float]:
    r"""Least-squares ``(u, v)`` with :math:`y_k/t_k \approx u + t_k^{-1/2} v`,
    :math:`t_k = \|y_k\|`, and the largest relative residual
    :math:`\max_k \|y_k - t_k u - \sqrt{t_k} v\| / t_k`."""
    y = np.atleast_2d(np.asarray(points, dtype=np.float64)) - np.asarray(xstar, np.float64)
    t = np.linalg.norm(y, axis=1)
    if y.shape[0] < 2 or np.any(t == 0):
        raise ValueError("fitting a curve needs at least two points away from x*")
    design = np.column_stack([np.ones_like(t), t**-0.5])
    (u, v), *_ = np.linalg.lstsq(design, y / t[:, None], rcond=None)
    resid = np.linalg.norm(y / t[:, None] - design @ np.vstack([u, v]), axis=1)
    return u, v, float(resid.max())


def _samples(member: ConvexFamily, u: np.ndarray, v: np.ndarray, certificate: dict) -> list:
    """``[t, cos alpha * sqrt(t) / C]`` at ``t0 * 10^k`` in float64 (should be <= 1)."""
    curve = certificate["data"]["curve"]
    if curve.get("t0") is None or curve.get("C") is None:
        return []
    t = float(curve["t0"]) * 10.0 ** np.asarray(SAMPLE_DECADES, dtype=np.float64)
    y = t[:, None] * u + np.sqrt(t)[:, None] * v
    x = member.xstar + y
    cos = cos_from(member.repeat(t.size).grad(x), y)
    return [[float(a), float(b)] for a, b in zip(t, cos * np.sqrt(t) / float(curve["C"]),
                                                 strict=True)]


def certify_member(function: Mapping, u, v, *, claimed_L: float | None = None,
                   t0: int | None = None, C=None, expressions: Mapping | None = None) -> dict:
    """Build and independently re-check the certificate of a member and a curve.

    Parameters
    ----------
    function : Mapping
        A member of the convex family (``ConvexFamily.to_dict`` format).
    u, v : sequence
        The curve ``x* + t u + sqrt(t) v``; ``u`` must be exactly orthogonal to the
        quadratic atoms' directions (:func:`~larscheck.theory.certificates.family.null_projection`).
    claimed_L : float, optional
        The claimed smoothness constant (default: the family's ``L`` of the member),
        raised to the first float (at most :data:`L_ULPS` ulps up) that the exact test
        proves: the float ``eigvalsh`` behind the family's ``L`` can be an ulp below the
        exact ``lambda_max`` (recorded in the smoothness obligation as
        ``claimed_rounding``); a constant smaller than that fails.
    t0, C, expressions
        As in :func:`~larscheck.theory.certificates.family.build_certificate`.

    Returns
    -------
    dict
        The certificate with ``check`` (the re-check) and ``evidence`` (``"proof"`` when
        both prove every obligation and agree, else ``"sampled"``).
    """
    member = ConvexFamily.from_dict(function)
    start = float(member.L[0]) if claimed_L is None else float(claimed_L)
    found = smallest_valid_L(function, start, L_ULPS, expressions)
    claimed, steps = (start, None) if found is None else found
    rounding = {"claimed_L": start, "ulps_added": steps}
    cert = build_certificate(function, u, v, claimed_L=claimed, t0=t0, C=C,
                             expressions=expressions)
    cert["check"] = check_certificate(cert, expressions)
    cert["obligations"]["smoothness"]["claimed_rounding"] = rounding
    proved = cert["proved"] and cert["check"]["proved"] and cert["check"]["agrees"]
    cert["evidence"] = "proof" if proved else "sampled"
    floats = [np.array([float(Fraction(x)) for x in cert["data"]["curve"][k]]) for k in "uv"]
    cert["float_samples"] = _samples(member, *floats, cert)
    return cert


def certify_witness(witness: Mapping, expressions: Mapping | None = None) -> dict:
    """Fit the witness curve (:func:`fit_curve`), make ``u`` exact and certify it
    (:func:`certify_member`, with the witness's claimed ``"L"`` when it has one); ``fit``
    records the residual and how far the exact
    projection moved ``u``."""
    function = witness["function"]
    u, v, resid = fit_curve(witness["points"], function["xstar"])
    exact_u = null_projection(function, u, expressions)
    cert = certify_member(function, exact_u, v, claimed_L=witness.get("L"),
                          expressions=expressions)
    shift = float(np.linalg.norm(np.array([float(x) for x in exact_u]) - u))
    cert["fit"] = {"points": len(witness["points"]), "max_relative_residual": resid,
                   "projection_shift": shift, "u_float": [float(x) for x in exact_u],
                   "v_float": [float(x) for x in v]}
    return cert

r"""Hypothesis strategies for adversarial problems (public as :mod:`larscheck.strategies`).

Use them in your own tests::

    from hypothesis import given, target
    import larscheck

    @given(larscheck.strategies.quadratics())
    def test_my_bound(problem):
        ...

Every strategy draws *one* problem (a batch of ``B = 1``), so the drawn
objects plug straight into :func:`larscheck.simulate`. Numbers are drawn on a
log scale from exponents, so Hypothesis shrinks a failure toward simple
values (``kappa = 1``, ``||x*|| = 1``, ...).

- :func:`spectra`: eigenvalues in ``[mu, L]`` shaped adversarially
  (two-point extreme kappa, clustered, geometric, near-degenerate, uniform);
- :func:`quadratics`: strongly convex quadratics built on those spectra,
  rotated or diagonal, ``x*`` of tiny to huge norm;
- :func:`starts`: starting points for a drawn problem: far away, near the
  origin, opposite ``x*``, exactly on an eigenvector, anywhere;
- :func:`rates`: ``lambda`` relative to a statement's threshold (strictly
  inside, close to it, or tiny);
- :func:`convex_functions`: members of the general convex L-smooth family of
  :mod:`larscheck.sims.convex_family` (``mu >= 0``, atoms of any kind);
- :func:`unit_vectors`, :func:`log_uniform`: the building blocks.
"""

from __future__ import annotations

import functools
import numbers
from collections.abc import Sequence

import numpy as np
from hypothesis import assume
from hypothesis import strategies as st

from larscheck.sims.convex_family import ATOMS, ConvexFamily
from larscheck.sims.problems import Problem, Quadratic
from larscheck.sims.validation import positive

#: Spectrum shapes drawn by :func:`spectra`.
SPECTRUM_SHAPES = ("two-point", "clustered", "geometric", "near-degenerate", "uniform")

#: Kinds of starting point drawn by :func:`starts`.
START_KINDS = ("far", "near-origin", "opposite", "eigenvector", "anywhere")

#: A drawn direction vector is rejected (and redrawn) below this norm, so that
#: normalising it is well conditioned.
MIN_DIRECTION_NORM = 1e-3

#: With ``mu = 0`` the drawn directions must span ``R^n`` with this margin:
#: smallest singular value of the normalised direction matrix at least this.
MIN_SPAN_SINGULAR_VALUE = 1e-3



# --- argument checks: a bad argument fails when the strategy is made, naming it -----------

def _validated(check):
    """Run ``check(*args, **kwargs)`` when the strategy is built, before any draw."""
    def decorate(factory):
        @functools.wraps(factory)
        def public(*args, **kwargs):
            check(*args, **kwargs)
            return factory(*args, **kwargs)
        return public
    return decorate


def _given(value) -> bool:
    return value is not None and not isinstance(value, st.SearchStrategy)


def _int_arg(name: str, value, lo: int) -> None:
    if not _given(value):
        return
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be an integer >= {lo} or a strategy, "
                        f"got {type(value).__name__}")
    if value < lo:
        raise ValueError(f"{name} must be an integer >= {lo}, got {value}")


def _real_arg(name: str, value, *, allow_zero: bool = False, at_least: float | None = None):
    if not _given(value):
        return
    value = positive(name, value, allow_zero=allow_zero)
    if at_least is not None and value < at_least:
        raise ValueError(f"{name} must be >= {at_least}, got {value}")


def _names_arg(name: str, value, allowed) -> None:
    if value is None:
        return
    if isinstance(value, str) or not isinstance(value, Sequence) or not value:
        raise TypeError(f"{name} must be a non-empty sequence of names among {tuple(allowed)}, "
                        f"got {value!r}")
    bad = [v for v in value if v not in allowed]
    if bad:
        raise ValueError(f"{name}: unknown {bad}; choose from {tuple(allowed)}")


def _log_uniform_args(lo, hi):
    _real_arg("lo", lo)
    _real_arg("hi", hi)
    if lo > hi:
        raise ValueError(f"log_uniform needs lo <= hi, got ({lo}, {hi})")


def _unit_vectors_args(dim):
    _int_arg("dim", dim, 1)


def _spectra_args(dim, mu=1.0, kappa=None, shapes=SPECTRUM_SHAPES):
    _int_arg("dim", dim, 1)
    _real_arg("mu", mu)
    _real_arg("kappa", kappa, at_least=1.0)
    _names_arg("shapes", shapes, SPECTRUM_SHAPES)


def _quadratics_args(dim=None, mu=1.0, kappa=None, xstar_norm=None, rotate=None,
                     shapes=SPECTRUM_SHAPES):
    _spectra_args(dim, mu, kappa, shapes)
    _real_arg("xstar_norm", xstar_norm)
    if _given(rotate) and not isinstance(rotate, bool):
        raise TypeError(f"rotate must be a bool or a strategy, got {type(rotate).__name__}")


def _starts_args(problem, distance=None, kinds=START_KINDS):
    if not isinstance(problem, Problem):
        raise TypeError(f"problem must be a larscheck Problem (e.g. drawn by quadratics()), "
                        f"got {type(problem).__name__}")
    _real_arg("distance", distance)
    _names_arg("kinds", kinds, START_KINDS)


def _rates_args(threshold, lo=1e-3, hi=1.0 - 1e-6):
    _real_arg("threshold", threshold)
    _real_arg("lo", lo)
    _real_arg("hi", hi)
    if not lo <= hi <= 1:
        raise ValueError(f"rates needs 0 < lo <= hi <= 1 (fractions of the threshold), "
                         f"got lo={lo}, hi={hi}")


def _convex_functions_args(dim=None, mu=None, kinds=None, atoms=None, weights=None):
    _int_arg("dim", dim, 1)
    _real_arg("mu", mu, allow_zero=True)
    _names_arg("kinds", kinds, sorted(ATOMS))
    _int_arg("atoms", atoms, 1)
    if weights is not None and not isinstance(weights, st.SearchStrategy):
        raise TypeError(f"weights must be a strategy of floats, got {type(weights).__name__}")


@_validated(_log_uniform_args)
def log_uniform(lo: float, hi: float) -> st.SearchStrategy[float]:
    """Floats ``10**e`` with ``e`` uniform-ish in ``[log10 lo, log10 hi]`` (shrinks to ``e = 0``
    when 1 is in range, else to ``lo``)."""
    if not 0 < lo <= hi:
        raise ValueError(f"log_uniform needs 0 < lo <= hi, got ({lo}, {hi})")
    a, b = np.log10(lo), np.log10(hi)
    if a == b:
        return st.just(float(lo))
    return st.floats(a, b).map(lambda e: float(np.clip(10.0**e, lo, hi)))


def _as_strategy(value) -> st.SearchStrategy:
    return value if isinstance(value, st.SearchStrategy) else st.just(value)


@_validated(_unit_vectors_args)
@st.composite
def unit_vectors(draw, dim: int) -> np.ndarray:
    """Unit vectors in ``R^dim`` (drawn coordinates in ``[-1, 1]``, normalised)."""
    v = np.array(draw(st.lists(st.floats(-1.0, 1.0), min_size=dim, max_size=dim)))
    norm = np.linalg.norm(v)
    assume(norm >= MIN_DIRECTION_NORM)
    return v / norm


@_validated(_spectra_args)
@st.composite
def spectra(draw, dim: int, mu: float = 1.0, kappa=None,
            shapes: Sequence[str] = SPECTRUM_SHAPES) -> np.ndarray:
    r"""Eigenvalues, shape ``(dim,)``, sorted, with :math:`\min = \mu` and (for ``dim >= 2``)
    :math:`\max = L = \kappa\mu` both attained.

    Parameters
    ----------
    dim : int
        ``n >= 1``.
    mu : float
        Smallest eigenvalue.
    kappa : float or strategy, optional
        Condition number; default log-uniform in ``[1, 1e4]``.
    shapes : sequence of str
        Among :data:`SPECTRUM_SHAPES`: ``two-point`` (every eigenvalue at mu or L),
        ``clustered`` (around a few centres), ``geometric``, ``near-degenerate``
        (all eigenvalues within a relative 1e-6 of mu except L), ``uniform``.
    """
    kappa = draw(_as_strategy(log_uniform(1.0, 1e4) if kappa is None else kappa))
    L = mu * kappa
    if dim == 1:
        return np.array([mu])
    shape = draw(st.sampled_from(list(shapes)))
    inner = dim - 2
    if shape == "two-point":
        mid = [L if b else mu for b in draw(st.lists(st.booleans(), min_size=inner,
                                                     max_size=inner))]
    elif shape == "clustered":
        centres = draw(st.lists(st.floats(0.0, 1.0), min_size=1, max_size=3))
        picks = draw(st.lists(st.integers(0, len(centres) - 1), min_size=inner, max_size=inner))
        mid = [mu * kappa ** centres[p] for p in picks]
    elif shape == "geometric":
        mid = list(np.geomspace(mu, L, dim)[1:-1])
    elif shape == "near-degenerate":
        fr = draw(st.lists(st.floats(0.0, 1.0), min_size=inner, max_size=inner))
        mid = [mu * (1.0 + 1e-6 * u) for u in fr]
    elif shape == "uniform":
        fr = draw(st.lists(st.floats(0.0, 1.0), min_size=inner, max_size=inner))
        mid = [mu + (L - mu) * u for u in fr]
    else:
        raise ValueError(f"unknown spectrum shape {shape!r}; choose from {SPECTRUM_SHAPES}")
    return np.sort(np.clip(np.array([mu, *mid, L]), mu, L))


@st.composite
def _orthogonal(draw, dim: int) -> np.ndarray:
    """An orthogonal matrix: QR of a matrix with drawn entries (identity when degenerate)."""
    z = np.array(draw(st.lists(st.floats(-1.0, 1.0), min_size=dim * dim, max_size=dim * dim)))
    z = z.reshape(dim, dim) + np.eye(dim) * 1e-3
    q, r = np.linalg.qr(z)
    return q * np.where(np.diagonal(r) < 0, -1.0, 1.0)


@_validated(_quadratics_args)
@st.composite
def quadratics(draw, dim=None, mu=1.0, kappa=None, xstar_norm=None, rotate=None,
               shapes: Sequence[str] = SPECTRUM_SHAPES) -> Quadratic:
    r"""Strongly convex quadratics :math:`\tfrac12 (x-x^*)^T A (x-x^*)`, a batch of one.

    Parameters
    ----------
    dim : int or strategy, optional
        Default integers in ``[1, 6]``.
    mu : float or strategy
        Smallest eigenvalue (default 1).
    kappa : float or strategy, optional
        ``L / mu``; default log-uniform in ``[1, 1e4]``.
    xstar_norm : float or strategy, optional
        :math:`\|x^*\|`; default log-uniform in ``[1e-3, 1e3]`` (tiny to huge).
    rotate : bool or strategy, optional
        Random eigenbasis; default drawn.
    shapes : sequence of str
        Spectrum shapes, see :func:`spectra`.
    """
    n = draw(_as_strategy(st.integers(1, 6) if dim is None else dim))
    m = draw(_as_strategy(mu))
    eigs = draw(spectra(n, m, kappa, shapes))
    norm = draw(_as_strategy(log_uniform(1e-3, 1e3) if xstar_norm is None else xstar_norm))
    xstar = norm * draw(unit_vectors(n))
    basis = None
    if n > 1 and draw(_as_strategy(st.booleans() if rotate is None else rotate)):
        basis = draw(_orthogonal(n))[None]
    if basis is not None:
        order = draw(st.permutations(range(n)))
        eigs = eigs[list(order)]
    return Quadratic(eigs[None], xstar[None], basis)


def _eigenvectors(problem) -> np.ndarray:
    """Unit eigenvector rows of a quadratic, or the coordinate axes for other problems."""
    if isinstance(problem, Quadratic) and problem.basis is not None:
        return problem.basis[0].T
    return np.eye(problem.dim)


@_validated(_starts_args)
@st.composite
def starts(draw, problem, distance=None, kinds: Sequence[str] = START_KINDS) -> np.ndarray:
    r"""A starting point ``x0`` (shape ``(1, n)``) for a drawn problem of batch one.

    Kinds (:data:`START_KINDS`): ``far`` (:math:`x^* + r u`, ``r`` relative to
    :math:`\max(1, \|x^*\|)` up to 1e4), ``near-origin`` (:math:`\|x_0\|` down to
    1e-6 of :math:`\|x^*\|`), ``opposite`` (:math:`x_0 = -s x^*`), ``eigenvector``
    (:math:`x^* + r q_i`, exactly along an eigenvector), ``anywhere``.

    Parameters
    ----------
    problem : Problem
        A problem with known ``xstar`` and ``batch == 1``.
    distance : float or strategy, optional
        :math:`\|x_0 - x^*\|` relative to :math:`\max(1, \|x^*\|)`, for ``far`` and
        ``eigenvector``; default log-uniform in ``[1e-2, 1e4]``.
    kinds : sequence of str
        Kinds to draw from.
    """
    if problem.xstar is None or problem.batch != 1:
        raise ValueError("starts needs a problem of batch 1 with a known xstar")
    xstar = problem.xstar[0]
    n = problem.dim
    scale = max(1.0, float(np.linalg.norm(xstar)))
    dist = _as_strategy(log_uniform(1e-2, 1e4) if distance is None else distance)
    kind = draw(st.sampled_from(list(kinds)))
    if kind == "far" or kind == "anywhere":
        r = draw(dist) if kind == "far" else draw(log_uniform(1e-3, 1e3))
        x0 = xstar + r * scale * draw(unit_vectors(n))
    elif kind == "near-origin":
        x0 = draw(log_uniform(1e-6, 1e-1)) * scale * draw(unit_vectors(n))
    elif kind == "opposite":
        x0 = -draw(log_uniform(1e-2, 1e3)) * xstar
    elif kind == "eigenvector":
        q = _eigenvectors(problem)[draw(st.integers(0, n - 1))]
        x0 = xstar + draw(st.sampled_from([-1.0, 1.0])) * draw(dist) * scale * q
    else:
        raise ValueError(f"unknown start kind {kind!r}; choose from {START_KINDS}")
    assume(np.linalg.norm(x0) > 0 and np.all(np.isfinite(x0)))
    return x0[None]


@_validated(_rates_args)
def rates(threshold: float, lo: float = 1e-3, hi: float = 1.0 - 1e-6) -> st.SearchStrategy[float]:
    r"""``lambda = s * threshold`` with ``s`` in ``[lo, hi]``: log-uniform over the range plus
    the edges (``s`` close to 1, i.e. lambda just inside the threshold, and ``s = lo``).

    Parameters
    ----------
    threshold : float
        The statement's bound on lambda (e.g. Lemma 1's :math:`2c`).
    lo, hi : float
        Range of the fraction ``s`` (``0 < lo <= hi``).
    """
    if not np.isfinite(threshold) or threshold <= 0:
        raise ValueError(f"threshold must be finite and > 0, got {threshold}")
    frac = st.one_of(log_uniform(lo, hi), st.sampled_from([hi, lo]),
                     st.floats(0.9, 1.0).map(lambda u: lo + (hi - lo) * u))
    return frac.map(lambda s: float(s * threshold))


@_validated(_convex_functions_args)
@st.composite
def convex_functions(draw, dim=None, mu=None, kinds: Sequence[str] | None = None,
                     atoms=None, weights=None) -> ConvexFamily:
    r"""Members of the convex L-smooth family (a batch of one), see
    :mod:`larscheck.sims.convex_family`.

    Parameters
    ----------
    dim : int or strategy, optional
        ``n``; default integers in ``[1, 4]``.
    mu : float or strategy, optional
        :math:`\mu \ge 0`; default 0 or log-uniform in ``[1e-3, 1]``. With
        :math:`\mu = 0` the directions are drawn to span :math:`\mathbb{R}^n`.
    kinds : sequence of str, optional
        Atom kinds to draw from; default every registered atom.
    atoms : int or strategy, optional
        Number of atoms ``m``; default integers in ``[n, n + 2]`` (``m >= n``).
    weights : strategy, optional
        Strategy for each :math:`a_j`; default log-uniform in ``[1e-3, 1e3]``.
    """
    n = draw(_as_strategy(st.integers(1, 4) if dim is None else dim))
    m_mu = draw(_as_strategy(st.one_of(st.just(0.0), log_uniform(1e-3, 1.0))
                             if mu is None else mu))
    names = sorted(ATOMS) if kinds is None else list(kinds)
    m = draw(_as_strategy(st.integers(n, n + 2) if atoms is None else atoms))
    if m < 1:
        raise ValueError(f"atoms must be >= 1, got {m}")
    chosen = draw(st.lists(st.sampled_from(names), min_size=m, max_size=m))
    w = draw(st.lists(log_uniform(1e-3, 1e3) if weights is None else weights,
                      min_size=m, max_size=m))
    dirs = np.array([draw(unit_vectors(n)) for _ in range(m)])
    if m_mu == 0:
        assume(m >= n and np.linalg.svd(dirs, compute_uv=False)[n - 1]
               >= MIN_SPAN_SINGULAR_VALUE)
    norm = draw(log_uniform(1e-3, 1e3))
    xstar = norm * draw(unit_vectors(n))
    return ConvexFamily(chosen, np.array(w)[None], dirs[None], xstar[None], m_mu)

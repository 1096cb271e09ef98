"""The seeded default problem suite, and the run context every check receives.

The suite spans what the statements quantify over:

- strongly convex quadratics with ``kappa = L/mu`` from 1 to 1e4 (a log grid),
  dimensions ``n`` in {1, 2, 10, 100} (``n = 1`` forces ``kappa = 1``), the four
  spectrum shapes of :func:`larscheck.sims.random_quadratics`, ``||x*||``
  log-uniform in [0.1, 100] and ``mu`` log-uniform in [0.1, 10];
- three kinds of start: ``far`` (``||x0 - x*||`` from 10 to 1000 ``||x*||``),
  ``origin`` (``||x0||`` from 1e-4 to 0.1 ``||x*||``) and ``opposite``
  (``x0 = -s x*`` with ``s`` in [0.3, 10], slightly perturbed);
- rates on a grid *relative to each statement's threshold* (inside, at, beyond),
  attached by :func:`with_rates`.

Quadratics are drawn in their eigenbasis (``rotate=False``): L2-LARS is
rotation invariant, so a rotated copy has the same trajectory (the simulator
runs rotated L2 problems in the eigenbasis anyway). Checks of the L1 rule
(PercentDelta), which is not rotation invariant, draw rotated problems.

Every check draws its cases from its own stream ``default_rng([seed,
crc32(key)])``, so ``--only ID`` reproduces exactly the cases of a full run.
"""

from __future__ import annotations

import zlib
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from larscheck.sims import Problem, Quadratic, random_quadratics, simulate
from larscheck.sims.problems import SPECTRA, random_directions

#: Condition numbers of the default suite (log grid from 1 to 1e4).
KAPPAS = tuple(float(v) for v in np.geomspace(1.0, 1e4, 9))
#: Dimensions of the default suite.
DIMS = (1, 2, 10, 100)
#: Range of ``||x*||`` (log-uniform).
XSTAR_RANGE = (0.1, 100.0)
#: Range of ``mu`` (log-uniform per group of problems).
MU_RANGE = (0.1, 10.0)
#: Kinds of start.
STARTS = ("far", "origin", "opposite")


@dataclass
class Cases:
    """A batch of problems with their starts and what identifies each case.

    Attributes
    ----------
    problem : Problem
        ``B`` problems in ``R^n``.
    x0 : ndarray (B, n)
        Starts.
    params : dict of ndarray (B,)
        ``kappa``, ``mu``, ``L``, ``xstar_norm``, ``dim``, ``spectrum``, ``start``,
        ``dist0`` (``||x0 - x*||``), ``gap0`` (``f(x0) - f*``), ``case`` (index in
        the generated suite), and whatever a check adds (``lam``, ``factor``).
    """

    problem: Problem
    x0: np.ndarray
    params: dict[str, np.ndarray] = field(default_factory=dict)

    @property
    def batch(self) -> int:
        """Number of cases."""
        return self.x0.shape[0]

    def take(self, index) -> Cases:
        """The sub-batch at ``index`` (index array; repeats allowed)."""
        index = np.asarray(index)
        return Cases(self.problem.select(index), self.x0[index],
                     {k: v[index] for k, v in self.params.items()})


def context_rng(seed: int, key: str) -> np.random.Generator:
    """The generator of stream ``key``: ``default_rng([seed, crc32(key)])``."""
    return np.random.default_rng([int(seed) & 0xFFFFFFFF, zlib.crc32(key.encode())])


@dataclass
class Context:
    """What a check receives: seed, size and a cache for runs shared by several checks.

    Attributes
    ----------
    seed : int
        Base seed of every stream.
    quick : bool
        Smaller suites and fewer steps (``larscheck verify --quick``).
    cache : dict
        Memoised shared runs (:meth:`shared`).
    simulated : int
        Problems simulated so far through :meth:`simulate` (shared runs count once).
    shared_simulated : dict
        Of those, the problems each shared run (:meth:`shared`, by key) simulated.
    """

    seed: int = 0
    quick: bool = False
    cache: dict = field(default_factory=dict)
    simulated: int = 0
    shared_simulated: dict = field(default_factory=dict)

    def simulate(self, problem: Problem, rule, x0, steps: int, schedule, **options):
        """:func:`larscheck.sims.simulate`, counting the problems in :attr:`simulated`."""
        self.simulated += problem.batch
        return simulate(problem, rule, x0, steps, schedule, **options)

    def rng(self, key: str) -> np.random.Generator:
        """A fresh generator for stream ``key`` (same seed and key: same numbers)."""
        return context_rng(self.seed, key)

    def size(self, quick: int, default: int) -> int:
        """``quick`` or ``default`` depending on the mode."""
        return quick if self.quick else default

    def shared(self, key: str, build: Callable[[np.random.Generator], object]):
        """``build(rng(key))``, computed once per context (checks that share a run)."""
        if key not in self.cache:
            before = self.simulated
            self.cache[key] = build(self.rng(key))
            self.shared_simulated[key] = self.simulated - before
        return self.cache[key]


def _log_uniform(rng: np.random.Generator, lo: float, hi: float, size) -> np.ndarray:
    return np.exp(rng.uniform(np.log(lo), np.log(hi), size=size))


def starts(rng: np.random.Generator, xstar: np.ndarray, kinds: np.ndarray) -> np.ndarray:
    """Starts ``(B, n)`` of the given kinds (``far``, ``origin``, ``opposite``) for the
    minimisers ``xstar``."""
    batch, dim = xstar.shape
    xs = np.linalg.norm(xstar, axis=1, keepdims=True)
    d = random_directions(rng, batch, dim)
    far = xstar + xs * _log_uniform(rng, 10.0, 1e3, (batch, 1)) * d
    origin = xs * _log_uniform(rng, 1e-4, 0.1, (batch, 1)) * d
    opposite = -_log_uniform(rng, 0.3, 10.0, (batch, 1)) * (xstar + 1e-2 * xs * d)
    kinds = np.asarray(kinds)[:, None]
    return np.where(kinds == "far", far, np.where(kinds == "origin", origin, opposite))


def quadratic_cases(rng: np.random.Generator, dim: int, count: int,
                    kappas=KAPPAS, spectra=SPECTRA) -> Cases:
    """``count`` quadratics in ``R^dim`` spread evenly (round-robin) over ``kappas`` x ``spectra``,
    with the start kinds rotating across groups and rounds.

    In dimension 1 only ``kappa = 1`` exists (and the spectrum shape is moot).
    """
    if dim == 1:
        kappas, spectra = (1.0,), ("uniform",)
    groups = [(kap, shape) for kap in kappas for shape in spectra]
    per = max(1, -(-count // len(groups)))
    eigs, xstar, kappa, spectrum = [], [], [], []
    for kap, shape in groups:
        mu = float(_log_uniform(rng, *MU_RANGE, 1)[0])
        q = random_quadratics(rng, per, dim, mu=mu, L=mu * kap, shape=shape,
                              xstar_norm=XSTAR_RANGE, rotate=False)
        eigs.append(q.eigs)
        xstar.append(q.xstar)
        kappa.append(np.full(per, kap))
        spectrum.append(np.full(per, shape))

    def interleave(parts):  # round-robin over the groups, so any prefix covers them evenly
        return np.stack(parts, axis=1).reshape(len(groups) * per, *parts[0].shape[1:])[:count]

    eigs_all, xstar_all, kappa, spectrum = map(interleave, (eigs, xstar, kappa, spectrum))
    i = np.arange(count)
    start = np.array(STARTS)[(i + i // len(groups)) % len(STARTS)]
    problem = Quadratic(eigs_all, xstar_all)
    x0 = starts(rng, problem.xstar, start)
    return Cases(problem, x0, describe(problem, x0, kappa=kappa, spectrum=spectrum,
                                       start=start))


def describe(problem: Problem, x0: np.ndarray, **extra) -> dict[str, np.ndarray]:
    """The standard parameters of a batch: constants, norms, gap at the start, plus ``extra``."""
    batch, dim = x0.shape
    f0 = problem.value(x0)
    params = {
        "case": np.arange(batch),
        "dim": np.full(batch, dim),
        "mu": problem.mu,
        "L": problem.L,
        "xstar_norm": np.linalg.norm(problem.xstar, axis=1),
        "dist0": np.linalg.norm(x0 - problem.xstar, axis=1),
        "gap0": f0 - problem.fstar,
    }
    params.update(extra)
    params.setdefault("kappa", problem.L / problem.mu)
    return params


def with_rates(cases: Cases, threshold: np.ndarray, factors) -> Cases:
    """Every case once per factor, with ``lam = factor * threshold`` (in ``params['lam']``,
    the factor in ``params['factor']``).

    ``threshold`` is per case (e.g. Lemma 1's ``2 mu / L``); factors below 1 are
    inside the statement's hypotheses, 1 is *at* the threshold (outside a strict
    inequality), above 1 beyond it.
    """
    factors = np.asarray(factors, dtype=np.float64)
    index = np.repeat(np.arange(cases.batch), factors.size)
    out = cases.take(index)
    out.params["factor"] = np.tile(factors, cases.batch)
    out.params["lam"] = out.params["factor"] * np.asarray(threshold)[index]
    return out


def default_quadratics(ctx: Context, key: str, counts: dict[int, int]) -> list[Cases]:
    """One :class:`Cases` per dimension, ``counts[dim]`` problems each, from stream ``key``."""
    rng = ctx.rng(key)
    return [quadratic_cases(rng, dim, counts[dim]) for dim in DIMS if counts.get(dim)]


def logistic_cases(ctx: Context, key: str, count: int, dims=(2, 10),
                   samples: int = 20) -> list[Cases]:
    """Regularised logistic losses (:mod:`larscheck.sims.logistic`), ``kappa`` over the
    :data:`KAPPAS` above 1.

    Starts as for the quadratics; one :class:`Cases` per dimension.
    """
    from larscheck.sims.logistic import random_logistic

    rng = ctx.rng(key)
    out = []
    for dim in dims:
        kappa = np.array(KAPPAS[1:])[np.arange(count) % (len(KAPPAS) - 1)]
        problem = random_logistic(rng, count, dim, samples=samples, kappa=kappa)
        start = np.array(STARTS)[np.arange(count) % len(STARTS)]
        x0 = starts(rng, problem.xstar, start)
        out.append(Cases(problem, x0, describe(problem, x0, kappa=kappa, start=start,
                                               spectrum=np.full(count, "logistic"))))
    return out


def concat(groups: list[Cases]) -> dict[str, np.ndarray]:
    """Concatenate the ``params`` of several groups (keys common to all), adding
    ``group`` (``"quadratic n=10"``, ``"logistic n=2"``, ...)."""
    keys = set.intersection(*(set(g.params) for g in groups))
    out = {k: np.concatenate([g.params[k] for g in groups]) for k in sorted(keys)}
    out["group"] = np.concatenate([
        np.full(g.batch, f"{'logistic' if g.params['spectrum'][0] == 'logistic' else 'quadratic'}"
                         f" n={g.x0.shape[1]}") for g in groups])
    return out

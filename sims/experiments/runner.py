"""Train a linear model with the update rules of :mod:`larscheck.sims.rules`.

:func:`train` runs one method on ``S`` seeds at once (the parameters are an
``(S, n)`` batch, as everywhere in :mod:`larscheck.sims`), full batch or with
mini-batches, and records the *full-data* loss at the start and after every
epoch. LARS gets the weight block and the bias block as its two layers.

Seeds: seed ``s`` of a run with base seed ``seed`` draws its initial point
from ``default_rng([seed, s, 0])`` and its mini-batch order from
``default_rng([seed, s, 1])``, so every method starts from the same points
and sees the same batches, and the same seed gives the same curves bit for bit.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
from tqdm import tqdm

from larscheck.sims.blocks import Blocks
from larscheck.sims.experiments.losses import LinearLoss
from larscheck.sims.rules import LARS, Adam, GradientDescent, UpdateRule
from larscheck.sims.schedules import Constant, PolynomialDecay, Schedule

#: Power of the decaying LARS schedule ``lam0 (1 - k/T)^p`` (the authors' code: 2).
DECAY_POWER = 2.0

#: LARS as in the authors' code (STATEMENTS §0): ``eps = 1e-9`` in the denominator,
#: and a plain gradient step (ratio 1) for a block with ``||w_b|| < tau = 0.01``.
PAPER_LARS = LARS(eps=1e-9, switch_threshold=0.01)

#: Batch modes, in the order the figures show them.
MODES = ("full batch", "mini-batch")


@dataclass(frozen=True)
class Method:
    """One optimizer of a comparison: a label, an update rule and its rate.

    Parameters
    ----------
    label : str
        Name in tables, legends and CSV files.
    rule : UpdateRule
    lam : float
        The (initial) rate.
    decay : bool
        Decay the rate polynomially (power :data:`DECAY_POWER`) to 0 at the end.
    """

    label: str
    rule: UpdateRule
    lam: float
    decay: bool = False

    def schedule(self, total_steps: int) -> Schedule:
        """The rate schedule over a run of ``total_steps`` updates."""
        if self.decay:
            return PolynomialDecay(self.lam, total_steps, DECAY_POWER)
        return Constant(self.lam)


def paper_methods(sgd: float, adam: float, lars: float) -> tuple[Method, ...]:
    """SGD, Adam, LARS and LARS decaying from ``lars`` to 0, with the paper's rates."""
    return (
        Method("SGD", GradientDescent(), sgd),
        Method("Adam", Adam(), adam),
        Method("LARS", PAPER_LARS, lars),
        Method("LARS decay", PAPER_LARS, lars, decay=True),
    )


def seed_rng(seed: int, s: int, stream: int) -> np.random.Generator:
    """Generator of seed ``s``: ``stream`` 0 draws the start, 1 the batch order."""
    return np.random.default_rng([seed, s, stream])


def initial_points(seed: int, seeds: int, dim: int, scale: float) -> np.ndarray:
    """Starts ``x0 ~ N(0, scale^2 I)``, one row per seed, shape ``(seeds, dim)``."""
    return np.stack([scale * seed_rng(seed, s, 0).standard_normal(dim) for s in range(seeds)])


@dataclass
class Curves:
    """Full-data loss per epoch for every method and batch mode.

    Attributes
    ----------
    experiment : str
    fstar : float
        The trusted optimum the gaps refer to.
    values : dict
        ``(method label, mode) -> ndarray (S, epochs + 1)`` of ``f``; NaN after
        a divergence.
    epochs : int
    info : dict
        Settings and solver details for the reports.
    """

    experiment: str
    fstar: float
    values: dict[tuple[str, str], np.ndarray] = field(default_factory=dict)
    epochs: int = 0
    info: dict = field(default_factory=dict)

    def gap(self, method: str, mode: str) -> np.ndarray:
        """``f - f*`` of one method and mode, shape ``(S, epochs + 1)``."""
        return self.values[(method, mode)] - self.fstar

    @property
    def methods(self) -> list[str]:
        """Method labels, in insertion order."""
        return list(dict.fromkeys(m for m, _ in self.values))

    @property
    def modes(self) -> list[str]:
        """Batch modes present, in insertion order."""
        return list(dict.fromkeys(b for _, b in self.values))

    def rows(self):
        """Tidy rows ``(method, seed, mode, epoch, f - f*)``."""
        for (method, mode), v in self.values.items():
            gap = v - self.fstar
            for s in range(gap.shape[0]):
                for e in range(gap.shape[1]):
                    yield method, s, mode, e, gap[s, e]


def train(loss: LinearLoss, method: Method, x0, epochs: int, *, batch_size: int | None = None,
          seed: int = 0, progress: bool | None = None) -> np.ndarray:
    """Run ``method`` from the starts ``x0`` (one row per seed) for ``epochs`` epochs.

    Parameters
    ----------
    loss : LinearLoss
    method : Method
    x0 : array (S, n)
    epochs : int
        Passes over the data (>= 1).
    batch_size : int, optional
        ``None``: full batch (one update per epoch). Otherwise each epoch
        shuffles the data (per seed) and splits it into ``ceil(N / batch_size)``
        near-equal mini-batches, one update each.
    seed : int
        Base seed of the batch order (see the module docstring).
    progress : bool or None
        Progress bar; ``None`` shows one only on a terminal.

    Returns
    -------
    ndarray (S, epochs + 1)
        Full-data loss at the start and after each epoch.
    """
    if int(epochs) != epochs or epochs < 1:
        raise ValueError(f"epochs must be a positive integer, got {epochs}")
    x = np.array(x0, dtype=np.float64)
    S, N = len(x), loss.n_samples
    if batch_size is not None and not 1 <= batch_size <= N:
        raise ValueError(f"batch_size must lie in [1, {N}], got {batch_size}")
    per_epoch = 1 if batch_size is None else -(-N // batch_size)
    blocks = Blocks(loss.dim, loss.blocks)
    schedule = method.schedule(epochs * per_epoch)
    state = method.rule.init(x, blocks)
    order = [seed_rng(seed, s, 1) for s in range(S)]
    out = np.empty((S, epochs + 1))
    k = 0
    with np.errstate(over="ignore", invalid="ignore", divide="ignore", under="ignore"):
        for e in tqdm(range(epochs), disable=None if progress is None else not progress,
                      desc=f"{method.label} ({'full' if batch_size is None else 'mini'})",
                      leave=False):
            if batch_size is None:
                out[:, e], g = loss.value_and_grad(x)
                method.rule.apply(x, g, schedule(k), state, blocks)
                k += 1
                continue
            out[:, e] = loss.value(x)
            splits = [np.array_split(rng.permutation(N), per_epoch) for rng in order]
            for j in range(per_epoch):
                _, g = loss.value_and_grad(x, np.stack([sp[j] for sp in splits]))
                method.rule.apply(x, g, schedule(k), state, blocks)
                k += 1
        out[:, epochs] = loss.value(x)
    return out


def run_methods(experiment: str, loss: LinearLoss, methods: Sequence[Method], x0, epochs: int,
                batch_size: int, fstar: float, *, seed: int = 0,
                progress: bool | None = None) -> Curves:
    """Every method, full batch and with mini-batches of ``batch_size``."""
    curves = Curves(experiment, fstar, epochs=epochs)
    for mode, size in zip(MODES, (None, batch_size), strict=True):
        for m in methods:
            curves.values[(m.label, mode)] = train(loss, m, x0, epochs, batch_size=size,
                                                   seed=seed, progress=progress)
    return curves

"""The grid of a parameter sweep: axes, settings, cells, and their validation.

A sweep runs one seeded :func:`~larscheck.sims.simulate` batch per *cell* of
the Cartesian product

.. math:: \\kappa \\times \\lambda \\times n \\times \\|x^*\\| \\times
          \\text{spectrum} \\times \\text{method} \\times \\text{steps} \\times \\text{seed}

where ``seed`` runs over ``0 .. seeds-1`` (independent replicates). The
cell-independent *settings* are the batch size ``B`` per cell, the base seed,
``mu`` (so that ``L = kappa mu``), the start distance factor
(``||x0 - x*|| = x0_factor ||x*||``), the accuracies ``eps`` for the
iterations-to-eps statistic, and ``lam_ref``: when set, each ``lam`` value is
a multiple of that statement's threshold on lambda (e.g. ``lam_ref =
"lemma1"`` and ``lam = 0.5`` mean ``lambda = 0.5 * 2c(mu, L)``).

A grid comes from a TOML file (flat keys named as in :data:`AXES` and
:data:`SETTINGS`; an axis is a value, a list, or a table
``{geomspace = [lo, hi, num]}`` / ``{linspace = [lo, hi, num]}``) and/or from
command-line flags, which override the file. Everything is validated before
any cell runs, with messages that name the key and where it came from.
"""

from __future__ import annotations

import math
import numbers
import tomllib
from dataclasses import asdict, dataclass, fields
from itertools import product
from pathlib import Path

import numpy as np

from larscheck.sims.problems import SPECTRA
from larscheck.sims.rules import METHODS

#: Grid axes, in the order cells vary (the last one fastest). ``seed`` is added per cell.
AXES = ("kappa", "lam", "dim", "xstar_norm", "spectrum", "method", "steps")

#: Cell-independent settings.
SETTINGS = ("seeds", "batch", "seed", "mu", "x0_factor", "eps", "lam_ref")

#: Defaults of every key (a one-cell sweep of LARS at lambda = 0.1).
DEFAULTS = {
    "kappa": [10.0], "lam": [0.1], "dim": [10], "xstar_norm": [1.0],
    "spectrum": ["uniform"], "method": ["lars"], "steps": [1000],
    "seeds": 1, "batch": 64, "seed": 0, "mu": 1.0, "x0_factor": 10.0,
    "eps": [1e-2], "lam_ref": None,
}

#: Values of a range table are rounded to this many significant digits, so that a
#: geometric range through 1 holds 1.0 exactly (not one ulp below a threshold).
RANGE_DIGITS = 12

#: A grid larger than this is refused (a typo such as ``num = 1e6`` in a range).
MAX_CELLS = 1_000_000


def _real(where: str, value, *, lo: float, lo_open: bool, what: str) -> float:
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise ValueError(f"{where}: {what} must be a number, got {value!r}")
    value = float(value)
    if not math.isfinite(value) or value < lo or (lo_open and value == lo):
        raise ValueError(f"{where}: {what} must be finite and {'>' if lo_open else '>='} "
                         f"{lo:g}, got {value!r}")
    return value


def _int(where: str, value, *, lo: int, what: str) -> int:
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < lo:
        raise ValueError(f"{where}: {what} must be an integer >= {lo}, got {value!r}")
    return int(value)


def _choice(where: str, value, choices, what: str) -> str:
    if value not in choices:
        raise ValueError(f"{where}: {what} must be one of {sorted(choices)}, got {value!r}")
    return value


def _kappa(where, v):
    # kappa = L / mu < 1 would put mu above L.
    if isinstance(v, numbers.Real) and not isinstance(v, bool) and math.isfinite(v) and v < 1:
        raise ValueError(f"{where}: kappa = L/mu must be >= 1 (kappa < 1 means mu > L), got {v!r}")
    return _real(where, v, lo=1.0, lo_open=False, what="kappa")


#: Validator of one value of each axis.
_AXIS_CHECK = {
    "kappa": _kappa,
    "lam": lambda w, v: _real(w, v, lo=0.0, lo_open=True, what="lambda"),
    "dim": lambda w, v: _int(w, v, lo=1, what="dimension"),
    "xstar_norm": lambda w, v: _real(w, v, lo=0.0, lo_open=True, what="||x*||"),
    "spectrum": lambda w, v: _choice(w, v, SPECTRA, "spectrum"),
    "method": lambda w, v: _choice(w, v, METHODS, "method"),
    "steps": lambda w, v: _int(w, v, lo=1, what="steps"),
}


def _expand_range(where: str, table: dict) -> list[float]:
    """``{geomspace = [lo, hi, num]}`` or ``{linspace = [lo, hi, num]}`` -> values."""
    if len(table) != 1 or next(iter(table)) not in ("geomspace", "linspace"):
        raise ValueError(f"{where}: a range must be {{geomspace = [lo, hi, num]}} or "
                         f"{{linspace = [lo, hi, num]}}, got {table!r}")
    kind, spec = next(iter(table.items()))
    if not isinstance(spec, list) or len(spec) != 3:
        raise ValueError(f"{where}: {kind} needs [lo, hi, num], got {spec!r}")
    lo = _real(where, spec[0], lo=0.0, lo_open=kind == "geomspace", what=f"{kind} lo")
    hi = _real(where, spec[1], lo=lo, lo_open=False, what=f"{kind} hi")
    num = _int(where, spec[2], lo=1, what=f"{kind} num")
    values = (np.geomspace if kind == "geomspace" else np.linspace)(lo, hi, num)
    # 12 significant digits: a range through 1 gives 1.0, not 0.9999999999999998
    return [float(f"{v:.{RANGE_DIGITS}g}") for v in values]


def _axis(name: str, value, where: str) -> tuple:
    if isinstance(value, dict):
        value = _expand_range(where, value)
    values = value if isinstance(value, list | tuple) else [value]
    if not values:
        raise ValueError(f"{where}: needs at least one value")
    checked = tuple(_AXIS_CHECK[name](where, v) for v in values)
    if len(set(checked)) != len(checked):
        raise ValueError(f"{where}: values repeat: {list(values)!r}")
    return checked


def _positive_list(name: str, value, where: str) -> tuple[float, ...]:
    values = value if isinstance(value, list | tuple) else [value]
    return tuple(_real(where, v, lo=0.0, lo_open=True, what=name) for v in values)


@dataclass(frozen=True)
class Cell:
    """One grid point and replicate: the inputs of one seeded ``simulate()`` batch."""

    kappa: float
    lam: float
    dim: int
    xstar_norm: float
    spectrum: str
    method: str
    steps: int
    seed: int

    @property
    def key(self) -> str:
        """Canonical identity, exact for floats (shortest round-trip ``repr``)."""
        return "|".join(f"{f.name}={getattr(self, f.name)!r}" for f in fields(self))

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class Settings:
    """The cell-independent settings (see the module docstring)."""

    batch: int
    seed: int
    mu: float
    x0_factor: float
    eps: tuple[float, ...]
    lam_ref: str | None


@dataclass(frozen=True)
class SweepSpec:
    """A validated sweep: the axes, the number of replicates, and the settings."""

    axes: dict
    seeds: int
    settings: Settings

    def cells(self) -> list[Cell]:
        """Every cell, in a fixed order (axes in :data:`AXES` order, then the seed)."""
        lists = [self.axes[a] for a in AXES] + [range(self.seeds)]
        return [Cell(*values) for values in product(*lists)]

    @property
    def size(self) -> int:
        return math.prod(len(self.axes[a]) for a in AXES) * self.seeds

    def to_dict(self) -> dict:
        """JSON-ready form; equal dicts mean the same sweep (stored in the results header)."""
        out = {a: list(self.axes[a]) for a in AXES}
        out["seeds"] = self.seeds
        out.update(asdict(self.settings))
        out["eps"] = list(self.settings.eps)
        return out


def spec_from_mapping(values: dict, sources: dict | None = None,
                      lam_refs: tuple[str, ...] = ()) -> SweepSpec:
    """Validate a mapping of grid keys into a :class:`SweepSpec`.

    Parameters
    ----------
    values : dict
        Keys from :data:`AXES` and :data:`SETTINGS`; missing keys take :data:`DEFAULTS`.
    sources : dict, optional
        Where each key came from, for messages: a flag (``"--kappa"``) or a prefix
        such as ``"grid.toml:"`` (then followed by the key); default ``"grid:"``.
    lam_refs : tuple of str
        The statement ids accepted by ``lam_ref``.
    """
    sources = sources or {}
    unknown = sorted(set(values) - set(AXES) - set(SETTINGS))
    if unknown:
        raise ValueError(f"{sources.get(unknown[0], 'grid:')} unknown key(s) {unknown}; "
                         f"known keys are {sorted(AXES + SETTINGS)}")
    merged = {**DEFAULTS, **values}
    where = {}
    for key in merged:
        source = sources.get(key, "grid:")
        where[key] = source if source.startswith("--") else f"{source} {key}"
    axes = {a: _axis(a, merged[a], where[a]) for a in AXES}
    seeds = _int(where["seeds"], merged["seeds"], lo=1, what="seeds")
    lam_ref = merged["lam_ref"]
    if lam_ref is not None:
        _choice(where["lam_ref"], lam_ref, lam_refs, "lam_ref (a statement id)")
    settings = Settings(
        batch=_int(where["batch"], merged["batch"], lo=1, what="batch"),
        seed=_int(where["seed"], merged["seed"], lo=0, what="seed"),
        mu=_real(where["mu"], merged["mu"], lo=0.0, lo_open=True, what="mu"),
        x0_factor=_real(where["x0_factor"], merged["x0_factor"], lo=0.0, lo_open=True,
                        what="x0_factor"),
        eps=_positive_list("eps", merged["eps"], where["eps"]), lam_ref=lam_ref,
    )
    for n, k in product(axes["dim"], axes["kappa"]):
        if n == 1 and k != 1:
            raise ValueError(f"{where['dim']}: dimension 1 has a single eigenvalue, so it "
                             f"needs kappa = 1, but the grid has kappa = {k!r}")
    spec = SweepSpec(axes=axes, seeds=seeds, settings=settings)
    if spec.size > MAX_CELLS:
        shape = " x ".join(f"{a} {len(axes[a])}" for a in AXES if len(axes[a]) > 1)
        raise ValueError(f"the grid has {spec.size} cells ({shape}), more than {MAX_CELLS}")
    return spec


def read_grid_file(path: str | Path) -> tuple[dict, dict]:
    """Read a TOML grid file; returns ``(values, sources)`` for :func:`spec_from_mapping`.

    Raises ``ValueError`` naming the file for malformed TOML, a non-file, or
    undecodable bytes, and ``OSError`` (with the path) when it cannot be read.
    """
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise OSError(f"cannot read grid file {str(path)!r}: {exc.strerror or exc}") from None
    try:
        values = tomllib.loads(data.decode("utf-8"))
    except UnicodeDecodeError:
        raise ValueError(f"grid file {str(path)!r} is not UTF-8 text") from None
    except tomllib.TOMLDecodeError as exc:
        raise ValueError(f"grid file {str(path)!r} is not valid TOML: {exc}") from None
    return values, {k: f"{path}:" for k in values}

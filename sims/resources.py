"""Memory guards: refuse a run that cannot fit before allocating it.

A batch of ``B`` problems in ``R^n`` holds a few ``B x n`` float64 arrays (the
iterate, the gradient, ``x*``, the eigenvalues, a rule's state, temporaries), a
``B x n x n`` eigenbasis when rotated, ``B x C`` checkpoint statistics, and with
``record_path`` every iterate. :func:`simulate_bytes` adds these up;
:func:`require_memory` compares the sum with the memory available now
(``MemAvailable`` of ``/proc/meminfo``, else the free physical pages) and raises
:class:`ResourceError` naming both numbers. The environment variable
``LARSCHECK_MEMORY_LIMIT`` (bytes, or with a ``K``/``M``/``G``/``T`` suffix)
replaces the measured figure, to raise the guard on a big machine or lower it
under a cgroup limit the kernel does not report.
"""

from __future__ import annotations

import os
import re

#: Environment variable that replaces the measured available memory.
MEMORY_LIMIT_ENV = "LARSCHECK_MEMORY_LIMIT"

#: ``B x n`` float64 arrays alive at once during a run (x, g, x*, eigs, state, temporaries).
ARRAYS_PER_PROBLEM = 12

_UNITS = {"": 1, "K": 2**10, "M": 2**20, "G": 2**30, "T": 2**40}


class ResourceError(ValueError):
    """A run needs more memory than the machine has available (one line, exit code 2)."""


def _parse_limit(text: str) -> int:
    m = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([KMGT]?)i?B?\s*", text, flags=re.IGNORECASE)
    if not m:
        raise ValueError(f"{MEMORY_LIMIT_ENV} must be a number of bytes such as 64G or "
                         f"1500000000, got {text!r}")
    return int(float(m.group(1)) * _UNITS[m.group(2).upper()])


def available_memory() -> tuple[int | None, str]:
    """``(bytes, source)``: the memory a run may use now, and where the figure comes from."""
    env = os.environ.get(MEMORY_LIMIT_ENV)
    if env:
        return _parse_limit(env), MEMORY_LIMIT_ENV
    try:
        with open("/proc/meminfo") as fh:
            for line in fh:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024, "MemAvailable"
    except OSError:
        pass
    try:
        return os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE"), "free pages"
    except (ValueError, OSError, AttributeError):  # pragma: no cover - not POSIX
        return None, "unknown"


def simulate_bytes(batch: int, dim: int, steps: int = 0, *, rotated: bool = False,
                   record_path: bool = False, checkpoints: int = 50) -> int:
    """Estimated peak bytes of a run of ``batch`` problems in ``R^dim``.

    .. math:: 8 \\left(a B n + [\\text{rotated}]\\, 2 B n^2 + 3 B C
              + [\\text{record\\_path}]\\,(s + 1) B n\\right)

    with :math:`a` = :data:`ARRAYS_PER_PROBLEM`, ``C`` checkpoints, ``s`` steps
    (the basis counted twice: it and its transpose product).
    """
    b, n = int(batch), int(dim)
    words = ARRAYS_PER_PROBLEM * b * n + 3 * b * int(checkpoints)
    if rotated:
        words += 2 * b * n * n
    if record_path:
        words += (int(steps) + 1) * b * n
    return 8 * words


def _gib(nbytes: float) -> str:
    return f"{nbytes / 2**30:.3g} GiB"


def require_memory(nbytes: int, what: str) -> None:
    """Raise :class:`ResourceError` when ``nbytes`` exceeds the available memory."""
    available, source = available_memory()
    if available is not None and nbytes > available:
        hint = (f"set {MEMORY_LIMIT_ENV} to allow more" if source != MEMORY_LIMIT_ENV
                else f"raise {MEMORY_LIMIT_ENV}")
        raise ResourceError(f"{what} needs about {_gib(nbytes)} of memory but {_gib(available)} "
                            f"is available ({source}); make it smaller or {hint}")

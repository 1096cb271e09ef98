"""Lazy re-exports for a package's ``__init__`` (PEP 562), shared by every layer.

``larscheck``, :mod:`larscheck.theory` and :mod:`larscheck.proofs_check` re-export
names whose modules are slow to import (SymPy derivations, TensorFlow); each
binds the two hooks this module makes::

    __getattr__, __dir__ = lazy_exports(__name__, {"verify": ".report", ...})

The first access to a name imports its module and stores the value in the
package's namespace, so later accesses are plain attribute lookups. The module
lives in :mod:`larscheck.theory` because every package may import theory
(theory <- sims <- proofs_check <- cli); it imports nothing of larscheck.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Mapping
from importlib import import_module


def lazy_exports(package: str, exports: Mapping[str, str],
                 hidden: Mapping[str, str] | None = None
                 ) -> tuple[Callable[[str], object], Callable[[], list[str]]]:
    """The ``(__getattr__, __dir__)`` hooks of ``package`` for its lazy names.

    Parameters
    ----------
    package : str
        The package's ``__name__``.
    exports : mapping of str to str
        Public name -> module that defines it under that name: absolute
        (``"larscheck.theory"``) or relative to ``package`` (``".bounds"``).
        These names belong in the package's ``__all__``.
    hidden : mapping of str to str, optional
        Names resolved the same way but kept out of ``__all__`` (so that
        ``from package import *`` does not load them); a value
        ``"module:attribute"`` takes another attribute name, e.g.
        ``{"KerasLARS": "larscheck.sims.keras.lars:LARS"}``.

    Returns
    -------
    (callable, callable)
        ``__getattr__(name)`` (``AttributeError`` for any other name) and
        ``__dir__()`` (the package's globals with every lazy name).
    """
    table = {name: (target, name) for name, target in exports.items()}
    for name, target in (hidden or {}).items():
        module, _, attribute = target.partition(":")
        table[name] = (module, attribute or name)

    def __getattr__(name: str):
        if name not in table:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        module, attribute = table[name]
        value = getattr(import_module(module, package), attribute)
        setattr(sys.modules[package], name, value)
        return value

    def __dir__() -> list[str]:
        return sorted({*vars(sys.modules[package]), *table})

    return __getattr__, __dir__

"""Checks of the paper's statements: registry, verdicts, searches, reports and plots.

The verify machinery (imported lazily, so that ``import larscheck.proofs_check``
stays cheap for modules that need only a part of it):

- :func:`verify` runs the registry and returns a :class:`Report`
  (``report.json``, ``report.md``, the table);
- :func:`statements` lists the registered :class:`Statement` entries;
- :class:`Verdict` is what a check returns; :class:`Context` what it receives;
- :func:`plug_search` plugs an adversarial search into a statement's check.
"""

from importlib import import_module

_LAZY = {
    "verify": "report", "Report": "report", "Result": "report",
    "Statement": "registry", "statements": "registry", "plug_search": "registry",
    "ORDER": "registry", "Verdict": "verdict", "Rate": "verdict", "Context": "context",
}

__all__ = sorted(_LAZY)


def __getattr__(name):
    if name in _LAZY:
        return getattr(import_module(f"{__name__}.{_LAZY[name]}"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

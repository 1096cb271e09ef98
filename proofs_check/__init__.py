"""Checks of the paper's statements: registry, verdicts, searches, reports and plots.

The verify machinery (imported lazily, so that ``import larscheck.proofs_check``
stays cheap for modules that need only a part of it):

- :func:`verify` runs the registry and returns a :class:`Report`
  (``report.json``, ``report.md``, the table);
- :func:`statements` lists the registered :class:`Statement` entries;
- :class:`Verdict` is what a check returns; :class:`Context` what it receives;
- :func:`plug_search` plugs an adversarial search into a statement's check.
"""

from larscheck.theory._lazy import lazy_exports as _lazy_exports

#: Public name -> submodule that defines it.
_LAZY = {
    "verify": ".report", "Report": ".report", "Result": ".report",
    "Statement": ".registry", "statements": ".registry", "plug_search": ".registry",
    "ORDER": ".registry", "Verdict": ".verdict", "Rate": ".verdict", "Context": ".context",
}

__all__ = sorted(_LAZY)

__getattr__, __dir__ = _lazy_exports(__name__, _LAZY)

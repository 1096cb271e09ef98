"""The statements' names without loading their checks: ``larscheck verify --list``.

Loading the registry imports every check module, and with them the theory's
SymPy derivations (about 5 s of CPU). Listing needs only the literal fields of
each declaration, so :func:`declarations` reads them from the source of the
check modules (:mod:`ast`, nothing imported or run): the ``id``, ``section``,
``kind``, ``confidence`` and ``title`` of every ``@register(...)``, in report
order (``order=`` where declared, else the section, as the registry orders
them). A declaration whose fields are not plain literals makes it return
``None``, and the caller loads the registry instead; a test checks that the
listing equals the registry's.
"""

from __future__ import annotations

import ast
import importlib.util
from pathlib import Path

from larscheck.proofs_check.registry import CHECKS_PACKAGE, section_order

#: The fields a listing shows.
FIELDS = ("id", "section", "kind", "confidence", "title")


def _declared(tree: ast.AST) -> list[dict] | None:
    """The literal fields of each ``@register(...)`` in ``tree``; ``None`` if one is not."""
    found = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.FunctionDef):
            continue
        for deco in node.decorator_list:
            if not (isinstance(deco, ast.Call) and getattr(deco.func, "id", None) == "register"):
                continue
            fields = {k.arg: k.value for k in deco.keywords if k.arg in (*FIELDS, "order")}
            try:
                values = {name: ast.literal_eval(value) for name, value in fields.items()}
            except ValueError:
                return None
            if not set(FIELDS) <= set(values):
                return None
            found.append(values)
    return found


def declarations(package: str = CHECKS_PACKAGE) -> list[dict] | None:
    """The statements declared in ``package``'s modules, in report order, or ``None``.

    Each entry has the keys of :data:`FIELDS`. ``None`` when a declaration's fields
    are not literals (or the package has no source files): load the registry then.
    """
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        return None
    found = []
    for folder in spec.submodule_search_locations:
        for path in sorted(Path(folder).rglob("*.py")):
            entries = _declared(ast.parse(path.read_text(encoding="utf-8"), str(path)))
            if entries is None:
                return None
            found += entries
    found.sort(key=lambda e: tuple(e["order"]) if "order" in e else section_order(e["section"]))
    return [{name: e[name] for name in FIELDS} for e in found]

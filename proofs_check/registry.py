"""The statement registry: one entry per statement of STATEMENTS.md.

A :class:`Statement` is data: its id, the section of STATEMENTS.md, whether the
paper proves it (``kind="paper"``) or larscheck asks it (``kind="beyond"``),
the confidence of the reconstruction, its hypotheses in words, the formulas
it checks (:class:`~larscheck.theory.formulas.Formula` objects from
:mod:`larscheck.theory`, whose LaTeX the report prints), how it is checked,
and ``check(ctx) -> Verdict``. The CLI, the report, the plots and the tests
iterate over :data:`ORDER`; adding a statement is one :func:`register` call in a
check module plus its id in :data:`ORDER`.

Searches plug in through :func:`plug_search`: a check that supports a search
(``conjecture1``) calls :func:`plugged_search` and uses what it returns.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from larscheck.proofs_check.context import Context
from larscheck.proofs_check.verdict import Verdict

#: Every statement id, in the order of the report.
ORDER: tuple[str, ...] = (
    "one_d.update", "one_d.sign", "one_d.interval", "one_d.steps", "one_d.no_skip",
    "one_d.exact_hit", "one_d.rate", "one_d.origin", "one_d.any_convex", "one_d.large_lambda",
    "lemma1", "conjecture1", "theorem1", "theorem2", "corollary2_1", "theorem3",
    "cos_bound.tight", "lemma1.explicit_radius", "theorem2.contraction", "stability_map",
    "percentdelta",
)

#: Modules whose import registers the checks.
CHECK_MODULES = (
    "larscheck.proofs_check.checks.one_d",
    "larscheck.proofs_check.checks.lemma1",
    "larscheck.proofs_check.checks.rates",
    "larscheck.proofs_check.checks.beyond",
    "larscheck.proofs_check.checks.conjecture",
    "larscheck.proofs_check.search.hooks",  # plugs the adversarial search into conjecture1
)

KINDS = ("paper", "beyond")
CONFIDENCES = ("high", "medium", "low")


@dataclass(frozen=True)
class Statement:
    """One checkable statement.

    Attributes
    ----------
    id : str
        E.g. ``"lemma1"``.
    section : str
        Item of STATEMENTS.md, e.g. ``"2.1"``.
    title : str
        A few words.
    kind : {"paper", "beyond"}
        Stated by the paper, or a question larscheck adds (STATEMENTS §3).
    confidence : {"high", "medium", "low"}
        Of the reconstruction (STATEMENTS.md).
    proved : bool
        The paper proves it: a violation within its hypotheses makes
        ``larscheck verify`` exit 1.
    hypotheses : str
        The conditions under which it is claimed (cases outside are "beyond").
    claim : str
        What is claimed, in words.
    how : str
        How larscheck checks it.
    formulas : tuple of (str, Formula)
        Labelled formulas from :mod:`larscheck.theory` (their LaTeX is reported).
    check : callable
        ``check(ctx: Context) -> Verdict``.
    """

    id: str
    section: str
    title: str
    kind: str
    confidence: str
    proved: bool
    hypotheses: str
    claim: str
    how: str
    formulas: tuple
    check: Callable[[Context], Verdict]

    def __post_init__(self):
        if self.kind not in KINDS:
            raise ValueError(f"kind must be one of {KINDS}, got {self.kind!r}")
        if self.confidence not in CONFIDENCES:
            raise ValueError(f"confidence must be one of {CONFIDENCES}, got {self.confidence!r}")
        if self.id not in ORDER:
            raise ValueError(f"unknown statement id {self.id!r}; add it to registry.ORDER")

    def latex(self) -> list[tuple[str, str]]:
        """``[(label, LaTeX)]`` of the formulas."""
        return [(label, f.latex) for label, f in self.formulas]


_REGISTRY: dict[str, Statement] = {}
_SEARCHES: dict[str, Callable] = {}

#: Statements whose check consults a plugged search (:func:`plugged_search`).
SEARCHABLE = ("conjecture1",)


def register(**fields) -> Callable[[Callable[[Context], Verdict]], Callable[[Context], Verdict]]:
    """Decorator: register the decorated ``check(ctx)`` as a :class:`Statement` with ``fields``."""
    def wrap(check):
        entry = Statement(check=check, **fields)
        if entry.id in _REGISTRY:
            raise ValueError(f"statement {entry.id!r} registered twice")
        _REGISTRY[entry.id] = entry
        return check
    return wrap


def statements(ids: Iterable[str] | None = None) -> list[Statement]:
    """The registered statements (all, or ``ids``), in :data:`ORDER`.

    The first call imports the check modules (:data:`CHECK_MODULES`), which
    register the checks and plug the built-in ``conjecture1`` search.

    Parameters
    ----------
    ids : iterable of str, optional
        Statement ids (see :data:`ORDER`), e.g. ``["lemma1", "theorem2"]``.
        Duplicates are dropped and the order given is ignored; a bare string is
        one id. ``None`` (default): every statement.

    Returns
    -------
    list of Statement
        The chosen :class:`Statement` entries, in the order of :data:`ORDER`.

    Raises
    ------
    ValueError
        For an unknown id (the message lists the known ones).
    RuntimeError
        If a statement of :data:`ORDER` has no registered check.
    """
    _load_checks()
    missing = [i for i in ORDER if i not in _REGISTRY]
    if missing:
        raise RuntimeError(f"statements without a check: {missing}")
    if ids is None:
        return [_REGISTRY[i] for i in ORDER]
    wanted = list(dict.fromkeys([ids] if isinstance(ids, str) else ids))
    unknown = [i for i in wanted if i not in _REGISTRY]
    if unknown:
        raise ValueError(f"unknown statement id(s) {unknown}; known: {', '.join(ORDER)}")
    return [_REGISTRY[i] for i in ORDER if i in wanted]


def _load_checks() -> None:
    """Import the check modules (:data:`CHECK_MODULES`): they register the checks and
    plug the built-in searches."""
    for module in CHECK_MODULES:
        importlib.import_module(module)


def plug_search(statement_id: str, search: Callable | None) -> None:
    """Plug an adversarial search into a statement's check (``None`` unplugs it).

    ``search(ctx)`` receives the run :class:`~larscheck.proofs_check.context.Context`
    (seeded streams via ``ctx.rng(key)``, ``ctx.quick`` for the budget) and
    returns ``None`` (nothing found) or a witness dict as documented by the
    statement's check (for ``conjecture1``: ``{"function": ..., "points": ...,
    "cos_alpha": ..., "verified": {...}}``).

    Only the checks of :data:`SEARCHABLE` consult a plugged search (through
    :func:`plugged_search`); ``conjecture1`` re-verifies the returned witness with
    :func:`~larscheck.proofs_check.search.witness.verify_witness` (its own
    ``verified`` field is ignored) and uses it only when that refutes, otherwise
    falling back to its own sampling. The check modules, and with them the built-in
    ``conjecture1`` search (:mod:`~larscheck.proofs_check.search.hooks`), are
    loaded before the search is plugged, so a search plugged here always
    replaces the built-in one.

    Parameters
    ----------
    statement_id : str
        Id of the statement, one of :data:`SEARCHABLE` (``ValueError`` otherwise).
    search : callable or None
        ``search(ctx) -> dict or None``, replacing any search plugged into
        ``statement_id`` before; ``None`` removes it (no error if none was
        plugged). Anything else that is not callable raises ``TypeError``.
    """
    if statement_id not in ORDER:
        raise ValueError(f"unknown statement id {statement_id!r}; known: {', '.join(ORDER)}")
    if statement_id not in SEARCHABLE:
        raise ValueError(f"the check of {statement_id!r} consults no search; searches plug "
                         f"into {', '.join(SEARCHABLE)}")
    _load_checks()  # the built-in searches first, so that this one replaces them
    if search is None:
        _SEARCHES.pop(statement_id, None)
    elif not callable(search):
        raise TypeError("search must be callable (ctx) -> witness dict or None")
    else:
        _SEARCHES[statement_id] = search


def plugged_search(statement_id: str) -> Callable | None:
    """The search plugged into ``statement_id``, if any."""
    return _SEARCHES.get(statement_id)

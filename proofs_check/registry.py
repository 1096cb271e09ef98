"""The statement registry: one entry per statement of STATEMENTS.md, declared once.

A statement is declared in one place, the :func:`register` decorator on its
check, which carries everything about it::

    @register(
        id="lemma1", section="2.1", title="S_lambda is bounded", kind="paper",
        confidence="medium", proved=True, hypotheses="...", claim="...", how="...",
        formulas=(("radius", bounds.LEMMA1_RADIUS),),
        figure=partial(figures.radius, name="lemma1", label="..."),  # optional
        order=(2, 1),      # optional: position in the report, default the section
        search=None,       # optional: the built-in search the check consults
    )
    def check_lemma1(ctx: Context) -> Verdict:
        ...
        return Verdict(..., figure_data=figures.RadiusData(...))

- ``order`` places the statement in the report: statements are reported by
  ``order``, which defaults to the numbers of ``section`` (``"2.4"`` gives
  ``(2, 4)``); a statement reported away from its section declares it (the
  1-D large-lambda regimes, STATEMENTS 3.5, are reported with the 1-D family:
  ``order=(1, 10)``). Two statements with the same order are an error.
- ``figure(verdict, folder) -> [paths]`` draws the statement's figure from the
  typed record the check returns as ``Verdict.figure_data`` (a frozen dataclass
  of the figure's family, e.g. :class:`~larscheck.proofs_check.figures.RadiusData`);
  the built-in figures live in :mod:`larscheck.proofs_check.figures`, a new
  statement may define its figure next to its check.
- ``search(ctx) -> witness or None`` marks the check as one that consults a
  search (:data:`SEARCHABLE`) and is the search plugged by default
  (:func:`plug_search` replaces it).

The decorator only attaches the :class:`Statement` to the check function
(``check.statement``); a :class:`Registry` collects the statements by importing
every module of its package (the check modules of :mod:`larscheck.proofs_check.checks`
for the default one, found with :mod:`pkgutil`). So adding a statement touches one
module: a new module in ``checks/`` (or a new decorated function in one). The
CLI, the report, the figures and the tests iterate over :data:`ORDER`, derived
from the declarations. A separate :class:`Registry` over another package (a
test's temporary one) leaves the default registry alone.

Searches plug in through :func:`plug_search`: a check that supports a search
(``conjecture1``) calls :func:`plugged_search` and uses what it returns.
"""

from __future__ import annotations

import importlib
import itertools
import pkgutil
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from larscheck.proofs_check.context import Context
from larscheck.proofs_check.verdict import EVIDENCE, Verdict

#: Package whose modules declare the built-in statements.
CHECKS_PACKAGE = "larscheck.proofs_check.checks"

KINDS = ("paper", "beyond")
CONFIDENCES = ("high", "medium", "low")


def section_order(section: str) -> tuple[int, ...]:
    """The default report position of a statement: ``"2.4"`` -> ``(2, 4)``."""
    try:
        return tuple(int(part) for part in section.split("."))
    except ValueError:
        raise ValueError(f"section must be dotted integers such as '2.4', got {section!r}; "
                         f"or declare order=(...)") from None


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
    figure : callable or None
        ``figure(verdict, folder) -> list of paths`` (relative to ``folder``), drawn
        from ``verdict.figure_data``; ``None``: no figure.
    order : tuple of int or None
        Position in the report; ``None`` (default): :func:`section_order` of ``section``.
    search : callable or None
        The search the check consults by default (``search(ctx) -> dict or None``);
        ``None``: the check consults no search.
    basis : str
        What the reconstruction's ``confidence`` rests on, in a sentence or two
        (shown by ``larscheck statements``, the documentation and ``report.md``;
        every built-in statement has one).
    evidence : {"proof", "derivation", "sampled"}
        What the check's verdict rests on (:data:`~larscheck.proofs_check.verdict.EVIDENCE`);
        default ``"sampled"``, the weakest, so that no statement claims more than its
        declaration; a verdict may override it for one run.
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
    figure: Callable | None = None
    order: tuple[int, ...] | None = None
    search: Callable | None = None
    basis: str = ""
    evidence: str = "sampled"

    def __post_init__(self):
        if self.evidence not in EVIDENCE:
            raise ValueError(f"evidence must be one of {EVIDENCE}, got {self.evidence!r}")
        if self.kind not in KINDS:
            raise ValueError(f"kind must be one of {KINDS}, got {self.kind!r}")
        if self.confidence not in CONFIDENCES:
            raise ValueError(f"confidence must be one of {CONFIDENCES}, got {self.confidence!r}")
        order = section_order(self.section) if self.order is None else tuple(self.order)
        object.__setattr__(self, "order", order)

    def latex(self) -> list[tuple[str, str]]:
        """``[(label, LaTeX)]`` of the formulas."""
        return [(label, f.latex) for label, f in self.formulas]


def register(**fields) -> Callable[[Callable[[Context], Verdict]], Callable[[Context], Verdict]]:
    """Decorator: declare the decorated ``check(ctx)`` as a :class:`Statement` with ``fields``.

    The statement is attached to the function as ``check.statement`` (the function
    itself is returned unchanged); the :class:`Registry` of the module's package
    collects it. The fields are those of :class:`Statement` but ``check``.
    """
    def wrap(check):
        check.statement = Statement(check=check, **fields)
        return check
    return wrap


class Registry:
    """The statements declared by the modules of one package, in report order.

    Parameters
    ----------
    package : str
        Dotted name of the package whose modules (and sub-packages) declare
        statements with :func:`register`; imported at the first use.
    """

    def __init__(self, package: str):
        self.package = package
        self.entries: dict[str, Statement] | None = None
        self.searches: dict[str, Callable] = {}

    def load(self) -> dict[str, Statement]:
        """Import the package's modules once and collect their statements, in order.

        The built-in searches (``search=`` of a declaration) are plugged unless a
        search was plugged into that statement before.

        Raises
        ------
        ValueError
            If two statements share an id or a report order.
        """
        if self.entries is not None:
            return self.entries
        found: dict[str, Statement] = {}
        for module in self._modules():
            for value in vars(module).values():
                entry = getattr(value, "statement", None)
                if not isinstance(entry, Statement) or found.get(entry.id) is entry:
                    continue
                if entry.id in found:
                    raise ValueError(f"statement {entry.id!r} registered twice")
                found[entry.id] = entry
        ordered = sorted(found.values(), key=lambda s: s.order)
        for a, b in itertools.pairwise(ordered):
            if a.order == b.order:
                raise ValueError(f"statements {a.id!r} and {b.id!r} share the report order "
                                 f"{a.order}; declare order=(...) on one of them")
        self.entries = {s.id: s for s in ordered}
        for s in ordered:
            if s.search is not None:
                self.searches.setdefault(s.id, s.search)
        return self.entries

    def _modules(self):
        package = importlib.import_module(self.package)
        yield package
        for info in pkgutil.walk_packages(package.__path__, prefix=f"{self.package}."):
            yield importlib.import_module(info.name)

    @property
    def order(self) -> tuple[str, ...]:
        """Every statement id, in the order of the report."""
        return tuple(self.load())

    @property
    def searchable(self) -> tuple[str, ...]:
        """Statements whose check consults a search (declared with ``search=``)."""
        return tuple(s.id for s in self.load().values() if s.search is not None)

    def statements(self, ids: Iterable[str] | None = None) -> list[Statement]:
        """The statements (all, or ``ids``) in report order; see :func:`statements`."""
        entries = self.load()
        if ids is None:
            return list(entries.values())
        wanted = set([ids] if isinstance(ids, str) else ids)
        unknown = sorted(wanted - set(entries))
        if unknown:
            raise ValueError(f"unknown statement id(s) {unknown}; known: {', '.join(entries)}")
        return [s for i, s in entries.items() if i in wanted]

    def plug_search(self, statement_id: str, search: Callable | None) -> None:
        """Plug ``search`` into a statement's check; see :func:`plug_search`."""
        entries = self.load()  # the built-in searches first, so that this one replaces them
        if statement_id not in entries:
            raise ValueError(f"unknown statement id {statement_id!r}; known: {', '.join(entries)}")
        if statement_id not in self.searchable:
            raise ValueError(f"the check of {statement_id!r} consults no search; searches plug "
                             f"into {', '.join(self.searchable)}")
        if search is None:
            self.searches.pop(statement_id, None)
        elif not callable(search):
            raise TypeError("search must be callable (ctx) -> witness dict or None")
        else:
            self.searches[statement_id] = search

    def plugged_search(self, statement_id: str) -> Callable | None:
        """The search plugged into ``statement_id``, if any."""
        return self.searches.get(statement_id)


#: The registry of the built-in statements (the modules of :data:`CHECKS_PACKAGE`).
DEFAULT = Registry(CHECKS_PACKAGE)


def statements(ids: Iterable[str] | None = None) -> list[Statement]:
    """The registered statements (all, or ``ids``), in :data:`ORDER`.

    The first call imports the check modules (every module of
    :data:`CHECKS_PACKAGE`), which declare the checks and the built-in
    ``conjecture1`` search.

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
    """
    return DEFAULT.statements(ids)


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
    DEFAULT.plug_search(statement_id, search)


def plugged_search(statement_id: str) -> Callable | None:
    """The search plugged into ``statement_id`` of the default registry, if any."""
    return DEFAULT.plugged_search(statement_id)


def __getattr__(name):
    # ORDER and SEARCHABLE are derived from the declarations: computed on first use.
    if name == "ORDER":  # every statement id, in the order of the report
        return DEFAULT.order
    if name == "SEARCHABLE":  # statements whose check consults a plugged search
        return DEFAULT.searchable
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

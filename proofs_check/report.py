"""Run the registry and report: the table, ``report.json`` and ``report.md``.

:func:`verify` runs the checks of the chosen statements, side by side on every
core (:mod:`larscheck.proofs_check.parallel`; checks that share a run in one
process share it) and returns a :class:`Report`. The JSON holds no timings, so the same seed
gives the same file bit for bit; the table and the Markdown show the time of
each check.

JSON schema::

    {"version": str, "versions": {package: version}, "seed": int, "quick": bool,
     "simulated_problems": int,
     "statements": [{"id", "section", "title", "kind", "confidence", "proved",
                     "hypotheses", "claim", "how", "latex": [[label, tex], ...],
                     "verdict", "cases", "beyond", "worst_ratio", "summary", "finding",
                     "evidence", "certificate", "witness", "rate", "details",
                     "slack" (only statements with a proof chain): [{"step", "inequality",
                              "log10_slack_median", "log10_slack_worst", "log10_slack_min",
                              "violations"}, ...]}]}

``evidence`` is ``"proof"``, ``"derivation"`` or ``"sampled"``
(:data:`~larscheck.proofs_check.verdict.EVIDENCE`); ``certificate`` is ``null`` or
``{"claim", "obligations": {name: {"ok", "method", "result", ...}}, "proved",
"failed", ...}``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from larscheck.proofs_check import catalogue
from larscheck.proofs_check.registry import DEFAULT, Registry, Statement
from larscheck.proofs_check.terminal import table
from larscheck.proofs_check.verdict import Verdict, short_finding, verdict_label
from larscheck.sims.output import (
    atomic_write_text,
    larscheck_version,
    to_jsonable,
    versions,
    write_json,
)
from larscheck.sims.validation import count


@dataclass
class Result:
    """One statement with its verdict and the seconds its check took."""

    statement: Statement
    verdict: Verdict
    seconds: float

    @property
    def alarm(self) -> bool:
        """A statement the paper proves is violated within its hypotheses, or a bound
        claimed to be attained is ``not tight`` (a claim of attainment is made only
        where the theory derives it, so failing it means the derivation or the code is
        wrong)."""
        v = self.verdict.verdict
        return (self.statement.proved and v == "violated") or v == "not tight"

    @property
    def evidence(self) -> str:
        """What the verdict rests on: the verdict's own, else the statement's declared."""
        return self.verdict.evidence or self.statement.evidence

    @property
    def label(self) -> str:
        """The verdict as tabulated (:func:`~larscheck.proofs_check.verdict.verdict_label`)."""
        return verdict_label(self.verdict.verdict, self.evidence)

    def to_dict(self) -> dict:
        """The JSON record (no timing)."""
        s, v = self.statement, self.verdict
        return {
            "id": s.id, "section": s.section, "title": s.title, "kind": s.kind,
            "confidence": s.confidence, "proved": s.proved, "hypotheses": s.hypotheses,
            "claim": s.claim, "how": s.how, "latex": [list(p) for p in s.latex()],
            "verdict": v.verdict, "cases": v.cases, "beyond": v.beyond,
            "worst_ratio": v.worst_ratio, "summary": short_finding(v), "finding": v.finding,
            "evidence": self.evidence, "certificate": v.certificate, "witness": v.witness,
            "rate": None if v.rate is None else v.rate.to_dict(), "details": v.details,
        } | ({} if v.slack is None else {"slack": v.slack})


@dataclass
class Report:
    """Results of one ``verify`` run.

    Made by :func:`verify`, which fills ``results`` and ``simulated`` as the
    checks run; :meth:`to_dict` is the JSON document of the module docstring.

    Parameters
    ----------
    seed : int
        The seed of every random stream of the run (``verify(seed=...)``); shown
        in the table and the Markdown title and written to the JSON.
    quick : bool
        Whether the run used the smaller suites (``verify(quick=True)``).
    results : list of Result, optional
        One :class:`Result` (statement, verdict, seconds) per checked statement,
        in the order of :data:`~larscheck.proofs_check.registry.ORDER`; default
        empty.
    simulated : int, default 0
        Number of problems simulated during the run
        (:attr:`~larscheck.proofs_check.context.Context.simulated`, shared runs
        counted once); written as ``simulated_problems``.
    """

    seed: int
    quick: bool
    results: list[Result] = field(default_factory=list)
    simulated: int = 0

    @property
    def alarms(self) -> list[Result]:
        """Results with an :attr:`Result.alarm`: proved and violated, or not tight."""
        return [r for r in self.results if r.alarm]

    def to_dict(self) -> dict:
        """The JSON document (see the module docstring)."""
        return {"version": larscheck_version(), "versions": versions(), "seed": self.seed,
                "quick": self.quick,
                "simulated_problems": self.simulated,
                "statements": [r.to_dict() for r in self.results]}

    def write_json(self, path) -> None:
        """Write :meth:`to_dict` atomically (``'-'``: stdout)."""
        write_json(path, self.to_dict())

    def rows(self, wide: bool = True) -> list[tuple[str, ...]]:
        """Table rows: id, section, confidence, verdict, cases, worst ratio, finding.

        ``wide``: the full finding; otherwise the short one (:func:`short_finding`) under
        shorter headers.
        """
        out = [("id", "section", "confidence", "verdict", "cases", "worst ratio", "finding")
               if wide else ("statement", "§", "conf.", "verdict", "cases", "ratio",
                             "short finding")]
        for r in self.results:
            v = r.verdict
            ratio = "-" if v.worst_ratio is None else f"{v.worst_ratio:.3g}"
            out.append((r.statement.id, r.statement.section, r.statement.confidence,
                        r.label.upper() if r.alarm else r.label, str(v.cases), ratio,
                        v.finding if wide else short_finding(v)))
        return out

    def table(self, columns: int | None = None, *, wide: bool = False,
              colour: bool = False) -> str:
        """The table and a line of totals and timings.

        Parameters
        ----------
        columns : int, optional
            Width to fit (default: the terminal's, else 100): the short finding wraps
            inside its column.
        wide : bool
            The full finding of each statement, unwrapped (as in the JSON and the report).
        colour : bool
            Verdicts in colour (for a terminal).
        """
        lines = table(self.rows(wide), 0 if wide else columns, colour=colour, style_column=3)
        total = sum(r.seconds for r in self.results)
        lines.append(f"{len(self.results)} statements, "
                     f"{sum(r.verdict.cases for r in self.results)} cases, "
                     f"{self.simulated} simulated problems, {total:.1f} s "
                     f"(seed {self.seed}{', quick' if self.quick else ''})")
        if not wide:
            lines.append("ratio = worst observed/bound (1 tight, > 1 violated); "
                         "full findings: --wide, --json, --out")
        return "\n".join(lines)

    def markdown(self, figures: dict[str, list[str]] | None = None) -> str:
        """``report.md``: the table, each statement's LaTeX, finding, witness and figures."""
        figures = figures or {}
        out = [f"# larscheck verify (seed {self.seed}{', quick' if self.quick else ''})", "",
               "Statements are the *reconstructions* of STATEMENTS.md; each carries the "
               "confidence of its reconstruction. A ratio is observed/bound (1 = tight, "
               "> 1 violated); only cases within a statement's hypotheses decide its verdict.",
               ""]
        rows = self.rows()
        out.append("| " + " | ".join(rows[0]) + " |")
        out.append("|" + "---|" * len(rows[0]))
        out.extend("| " + " | ".join(c.replace("|", "\\|") for c in r) + " |" for r in rows[1:])
        if self.alarms:
            out += ["", "**VIOLATED within their hypotheses (statements the paper proves) or "
                    "NOT TIGHT (a bound claimed to be attained): "
                    + ", ".join(f"{r.statement.id} ({r.verdict.verdict})" for r in self.alarms)
                    + "**"]
        for r in self.results:
            s, v = r.statement, r.verdict
            out += ["", f"## `{s.id}` — {s.title} (STATEMENTS {s.section})", "",
                    f"- kind: {s.kind}{' (proved in the paper)' if s.proved else ''}; "
                    f"reconstruction confidence: {s.confidence}",
                    f"- hypotheses: {s.hypotheses}", f"- claim: {s.claim}",
                    f"- how checked: {s.how}"]
            out += [f"- {label}: $${tex}$$" for label, tex in s.latex()]
            out += [f"- **verdict: {r.label}** (evidence: {r.evidence}) — {v.cases} cases "
                    f"within the hypotheses, "
                    f"{v.beyond} beyond; worst ratio "
                    f"{'-' if v.worst_ratio is None else f'{v.worst_ratio:.6g}'}; "
                    f"{r.seconds:.2f} s", f"- finding: {v.finding}"]
            if v.rate is not None:
                out.append(f"- fitted rate: {v.rate.describe()}")
            out += _certificate_lines(v.certificate)
            if v.witness is not None:
                out.append(f"- witness: `{_short(v.witness)}`")
            out += _figure_lines(s.id, figures.get(s.id, []))
        out += ["", "## The statements checked", "",
                "Each statement as the registry declares it: claim, formulas, hypotheses, "
                "the reconstruction's confidence and what it rests on, how it is checked "
                "(`larscheck statements ID` prints the same).", "",
                catalogue.markdown([r.statement for r in self.results], level=3)]
        return "\n".join(out) + "\n"

    def write_markdown(self, path, figures=None) -> None:
        """Write :meth:`markdown` atomically."""
        atomic_write_text(path, self.markdown(figures))


def _certificate_lines(certificate: dict | None) -> list[str]:
    """Markdown for a certificate: its claim and each obligation's method and result."""
    if not certificate:
        return []
    out = [f"- certificate ({'proved' if certificate.get('proved') else 'NOT proved'}): "
           f"{certificate.get('claim', '')}"]
    out += [f"  - {name}: {'ok' if o['ok'] else 'FAILED'} — {o['result']} ({o['method']})"
            for name, o in certificate.get("obligations", {}).items()]
    return out


def _figure_lines(sid: str, paths: list[str]) -> list[str]:
    """Markdown for a statement's figure files: each PNG embedded, every other file (the
    PDFs, which most Markdown viewers do not show as images) linked."""
    out = []
    for path in paths:
        if path.endswith(".png"):
            out += ["", f"![{sid}]({path})"]
    others = [p for p in paths if not p.endswith(".png")]
    if others:
        out += ["", "Vector versions: " + ", ".join(f"[{p}]({p})" for p in others)]
    return out


def _short(witness: dict, limit: int = 600) -> str:
    """The witness as compact JSON-ish text, cut at ``limit`` characters."""
    import json

    text = json.dumps(to_jsonable(witness), separators=(",", ":"))
    return text if len(text) <= limit else text[:limit] + "..."


def verify(ids: Iterable[str] | None = None, *, seed: int = 0, quick: bool = False,
           progress: bool | None = None, registry: Registry | None = None,
           workers: int | None = None) -> Report:
    """Check the statements ``ids`` (default: all) and return the :class:`Report`.

    Parameters
    ----------
    ids : iterable of str, optional
        Statement ids (:data:`~larscheck.proofs_check.registry.ORDER`).
    seed : int
        Seed of every random stream (an integer >= 0).
    quick : bool
        Smaller suites (seconds instead of a minute).
    progress : bool or None
        Progress bar over statements; ``None``: only on a terminal.
    registry : Registry, optional
        Where the statements come from; default the built-in statements
        (:data:`~larscheck.proofs_check.registry.DEFAULT`).
    workers : int, optional
        Processes running the checks side by side (:mod:`larscheck.proofs_check.parallel`;
        the report is the same for any number); default every core, 1: this process.
    """
    from tqdm import tqdm

    from larscheck.proofs_check.parallel import run_checks

    seed = count("seed", seed, 0)  # what numpy.random.default_rng takes, as the CLI says
    registry = registry or DEFAULT
    chosen = registry.statements(ids)
    report = Report(seed=int(seed), quick=bool(quick))
    with tqdm(total=len(chosen), disable=None if progress is None else not progress,
              desc="verify", leave=False) as bar:
        done, report.simulated = run_checks(chosen, int(seed), bool(quick),
                                            _workers(workers), registry, bar)
    report.results = [Result(entry, verdict, seconds) for entry, verdict, seconds in done]
    return report


def _workers(workers: int | None) -> int:
    """``workers``, or every core this process may use."""
    from larscheck.proofs_check.sweep.executors import available_cores

    return available_cores() if workers is None else count("workers", workers, 1)


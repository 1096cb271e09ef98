"""The results file of a sweep: JSON Lines, appended as cells finish, resumable.

Layout: the first line is a header ``{"kind": "larscheck.sweep", "format": 1,
"larscheck": VERSION, "versions": {...}, "spec": {...}}`` holding the whole grid,
the larscheck version and the versions of Python and the numerical packages
that computed the cells (:func:`larscheck.sims.output.versions`; a resume under
other versions is refused, so one file never mixes results of different code);
every further line is one finished
cell, ``{"key": ..., "cell": {...}, "stats": {...}}``. Keys are sorted and no
timing is stored, so the same cell always gives the same bytes.

Durability: a line is written with a single ``write`` on a descriptor opened
with ``O_APPEND``, then fsynced, before the next cell is recorded. A process
killed at any moment (even ``kill -9``) leaves a file whose lines are all
complete except possibly the last; :func:`read_results` reports such a torn
last line, and :class:`ResultStore` (on ``resume``) cuts it off, so that cell
is computed again. An exclusive ``flock`` keeps two sweeps from appending to
the same file at once.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path

from larscheck.sims.output import larscheck_version, to_jsonable, versions

HEADER_KIND = "larscheck.sweep"
FORMAT = 1


@dataclass
class SweepFile:
    """The parsed content of a results file.

    Attributes
    ----------
    spec : dict or None
        The grid from the header; ``None`` for an empty file.
    version : str or None
        The larscheck version that wrote the file.
    versions : dict or None
        The versions of larscheck, Python and the numerical packages that wrote it
        (``None`` for files written before they were recorded).
    records : dict[str, dict]
        Finished cells by key, in file order.
    good_bytes : int
        Length of the file up to its last complete line.
    torn : bool
        Whether the file ended with an incomplete line (dropped).
    """

    spec: dict | None = None
    version: str | None = None
    versions: dict | None = None
    records: dict[str, dict] = field(default_factory=dict)
    good_bytes: int = 0
    torn: bool = False


def encode(obj: dict) -> bytes:
    """One JSON line: sorted keys, NaN and inf written as ``null``, newline-terminated."""
    return (json.dumps(to_jsonable(obj), sort_keys=True, separators=(",", ":"),
                       allow_nan=False) + "\n").encode("utf-8")


def parse(path: str | os.PathLike, data: bytes) -> SweepFile:
    """Parse the bytes of a results file (see the module docstring); ``path`` is for messages."""
    out = SweepFile()
    end = data.rfind(b"\n") + 1
    out.good_bytes, out.torn = end, end < len(data)
    for number, raw in enumerate(data[:end].splitlines(), start=1):
        try:
            obj = json.loads(raw)
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise ValueError(f"{path}: line {number} is not valid JSON ({exc})") from None
        if not isinstance(obj, dict):
            raise ValueError(f"{path}: line {number} is not a JSON object")
        if number == 1:
            if obj.get("kind") != HEADER_KIND or not isinstance(obj.get("spec"), dict):
                raise ValueError(f"{path} is not a larscheck sweep results file "
                                 f"(its first line is not a sweep header)")
            if obj.get("format") != FORMAT:
                raise ValueError(f"{path}: results format {obj.get('format')!r} is not "
                                 f"supported (expected {FORMAT})")
            out.spec, out.version = obj["spec"], obj.get("larscheck")
            out.versions = obj.get("versions")
            continue
        key = obj.get("key")
        if not isinstance(key, str) or not isinstance(obj.get("stats"), dict):
            raise ValueError(f"{path}: line {number} is not a sweep cell record")
        if key in out.records:
            raise ValueError(f"{path}: line {number} repeats cell {key}")
        out.records[key] = obj
    return out


def read_results(path: str | os.PathLike) -> SweepFile:
    """Read and parse a results file; ``OSError`` with the path if it cannot be read."""
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise OSError(f"cannot read results file {str(path)!r}: {exc.strerror or exc}") from None
    return parse(path, data)


def _spec_difference(old: dict, new: dict) -> str:
    keys = sorted(k for k in set(old) | set(new) if old.get(k) != new.get(k))
    return ", ".join(f"{k}: file {old.get(k)!r} vs now {new.get(k)!r}" for k in keys)


class ResultStore:
    """Append-only results file of one sweep; use as a context manager.

    Parameters
    ----------
    path : path-like
        The JSONL file.
    spec : dict
        The sweep's grid (:meth:`SweepSpec.to_dict`), stored in the header.
    resume : bool
        Continue an existing file of the *same* grid (a different grid is an
        error naming the differences). Without it an existing non-empty file
        is an error, so finished work is never overwritten.

    Attributes
    ----------
    done : dict[str, dict]
        Records of finished cells (read back on resume, then appended).
    dropped_torn_line : bool
        Whether a torn last line was found and cut off.
    """

    def __init__(self, path: str | os.PathLike, spec: dict, *, resume: bool):
        self.path = Path(path)
        self.spec = spec
        self.resume = resume
        self.done: dict[str, dict] = {}
        self.dropped_torn_line = False
        self._fd: int | None = None

    def __enter__(self) -> ResultStore:
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            created = not self.path.exists()
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_APPEND, 0o644)
        except OSError as exc:
            raise OSError(f"cannot open results file {str(self.path)!r}: "
                          f"{exc.strerror or exc}") from None
        self._fd = fd
        try:
            self._lock()
            self._load()
            if created:
                _fsync_dir(self.path.parent)
        except BaseException:
            self.close()
            raise
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def _lock(self) -> None:
        try:
            import fcntl
        except ImportError:  # pragma: no cover - not POSIX: no advisory locking
            return
        try:
            fcntl.flock(self._fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise OSError(f"results file {str(self.path)!r} is being written by another "
                          f"sweep") from None

    def _load(self) -> None:
        data = self.path.read_bytes()
        content = parse(self.path, data)
        if content.spec is None:  # empty, or a header torn by a crash
            header = encode({"kind": HEADER_KIND, "format": FORMAT,
                             "larscheck": larscheck_version(), "versions": versions(),
                             "spec": self.spec})
            if not header.startswith(data):
                raise ValueError(f"{self.path} is not a larscheck sweep results file of this "
                                 f"grid (it has no complete line); not overwriting it")
            os.ftruncate(self._fd, 0)
            self._write(header)
            return
        if not self.resume:
            raise FileExistsError(f"results file {str(self.path)!r} already exists; pass "
                                  f"--resume to continue it or choose another path")
        if content.version != larscheck_version():
            raise ValueError(f"results file {str(self.path)!r} was computed by larscheck "
                             f"{content.version}, this is {larscheck_version()}; start a "
                             f"new file so that results of different versions do not mix")
        now = versions()
        changed = [f"{name} {then} -> {now.get(name, 'not installed')}"
                   for name, then in sorted((content.versions or {}).items())
                   if now.get(name, "not installed") != then]
        if changed:
            diff = ", ".join(changed)
            raise ValueError(f"results file {str(self.path)!r} was computed with other "
                             f"package versions ({diff}); start a new file so that results "
                             f"of different versions do not mix")
        if content.spec != self.spec:
            raise ValueError(f"results file {str(self.path)!r} belongs to a different sweep "
                             f"({_spec_difference(content.spec, self.spec)})")
        if content.torn:
            os.ftruncate(self._fd, content.good_bytes)
            os.fsync(self._fd)
            self.dropped_torn_line = True
        self.done = content.records

    def _write(self, line: bytes) -> None:
        view = memoryview(line)
        while view:
            view = view[os.write(self._fd, view):]
        os.fsync(self._fd)

    def append(self, record: dict) -> bool:
        """Write one finished cell (flushed and fsynced); ``False`` if its key is already done."""
        if self._fd is None:
            raise ValueError("the results store is closed")
        if record["key"] in self.done:
            return False
        self._write(encode(record))
        self.done[record["key"]] = record
        return True

    def close(self) -> None:
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None


def _fsync_dir(folder: Path) -> None:
    """Make a newly created file's directory entry durable."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:  # pragma: no cover - some platforms cannot open folders
        return
    try:
        os.fsync(fd)
    finally:
        os.close(fd)

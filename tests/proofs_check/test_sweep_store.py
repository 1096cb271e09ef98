"""The JSONL results store: append, resume, torn lines, refusals."""

from __future__ import annotations

import json

import pytest

import larscheck
from larscheck.proofs_check.sweep.store import ResultStore, encode, read_results
from larscheck.sims.output import versions

SPEC = {"kappa": [1.0, 10.0], "lam": [0.1], "seeds": 1}


def _record(i: int) -> dict:
    return {"key": f"cell-{i}", "cell": {"i": i}, "stats": {"value": i / 3, "none": None}}


def test_append_then_read_back(tmp_path):
    path = tmp_path / "r.jsonl"
    with ResultStore(path, SPEC, resume=False) as store:
        for i in range(3):
            assert store.append(_record(i))
        assert not store.append(_record(1))  # already done: not written twice
    content = read_results(path)
    assert content.spec == SPEC and not content.torn
    assert list(content.records) == ["cell-0", "cell-1", "cell-2"]
    assert content.records["cell-1"] == _record(1)
    assert path.read_bytes().count(b"\n") == 4  # header + 3 cells, each line complete


def test_encoding_is_canonical():
    assert encode({"b": 1.0, "a": None}) == b'{"a":null,"b":1.0}\n'
    assert encode({"x": float("nan"), "y": [float("inf"), 1]}) == b'{"x":null,"y":[null,1]}\n'


def test_resume_skips_finished_cells(tmp_path):
    path = tmp_path / "r.jsonl"
    with ResultStore(path, SPEC, resume=False) as store:
        store.append(_record(0))
    with ResultStore(path, SPEC, resume=True) as store:
        assert set(store.done) == {"cell-0"} and not store.dropped_torn_line
        store.append(_record(1))
    assert list(read_results(path).records) == ["cell-0", "cell-1"]


@pytest.mark.parametrize("cut", [1, 10, -1])
def test_torn_last_line_is_detected_and_redone(tmp_path, cut):
    """A crash inside the write of cell 2 leaves part of its line: resume drops it."""
    path = tmp_path / "r.jsonl"
    with ResultStore(path, SPEC, resume=False) as store:
        store.append(_record(0))
        store.append(_record(1))
    whole = path.read_bytes()
    line = encode(_record(2))
    path.write_bytes(whole + line[:cut])  # cut=-1: all but the newline (still torn)
    content = read_results(path)
    assert content.torn and list(content.records) == ["cell-0", "cell-1"]
    with ResultStore(path, SPEC, resume=True) as store:
        assert store.dropped_torn_line and "cell-2" not in store.done
        store.append(_record(2))
    assert path.read_bytes() == whole + line


def test_torn_header_is_rewritten(tmp_path):
    path = tmp_path / "r.jsonl"
    with ResultStore(path, SPEC, resume=False) as store:
        pass
    header = path.read_bytes()
    path.write_bytes(header[:7])
    with ResultStore(path, SPEC, resume=False) as store:
        store.append(_record(0))
    assert read_results(path).spec == SPEC


def test_existing_file_needs_resume(tmp_path):
    path = tmp_path / "r.jsonl"
    with ResultStore(path, SPEC, resume=False) as store:
        store.append(_record(0))
    before = path.read_bytes()
    with pytest.raises(FileExistsError, match="pass --resume"):
        ResultStore(path, SPEC, resume=False).__enter__()
    assert path.read_bytes() == before


def test_resume_refuses_a_different_grid(tmp_path):
    path = tmp_path / "r.jsonl"
    with ResultStore(path, SPEC, resume=False):
        pass
    with pytest.raises(ValueError, match=r"different sweep \(kappa: file \[1.0, 10.0\] vs now"):
        ResultStore(path, {**SPEC, "kappa": [1.0]}, resume=True).__enter__()


@pytest.mark.parametrize(("content", "needle"), [
    (b"hello world\n", "line 1 is not valid JSON"),
    (b'{"kind": "other"}\n', "is not a larscheck sweep results file"),
    (b"no newline at all, not ours", "not a larscheck sweep results file of this grid"),
])
def test_foreign_files_are_never_overwritten(tmp_path, content, needle):
    path = tmp_path / "r.jsonl"
    path.write_bytes(content)
    for resume in (False, True):
        with pytest.raises(ValueError, match=needle):
            ResultStore(path, SPEC, resume=resume).__enter__()
    assert path.read_bytes() == content


def test_corrupt_or_duplicate_middle_lines(tmp_path):
    path = tmp_path / "r.jsonl"
    with ResultStore(path, SPEC, resume=False) as store:
        store.append(_record(0))
    good = path.read_bytes()
    path.write_bytes(good + b"{broken\n" + encode(_record(1)))
    with pytest.raises(ValueError, match="line 3 is not valid JSON"):
        read_results(path)
    path.write_bytes(good + encode(_record(0)))
    with pytest.raises(ValueError, match="line 3 repeats cell cell-0"):
        read_results(path)
    path.write_bytes(good + b'{"key": 3}\n')
    with pytest.raises(ValueError, match="line 3 is not a sweep cell record"):
        read_results(path)


def test_two_sweeps_cannot_write_one_file(tmp_path):
    path = tmp_path / "r.jsonl"
    with ResultStore(path, SPEC, resume=False):
        with pytest.raises(OSError, match="being written by another sweep"):
            ResultStore(path, SPEC, resume=True).__enter__()


def test_unreadable_results(tmp_path):
    with pytest.raises(OSError, match="cannot read results file"):
        read_results(tmp_path / "missing.jsonl")
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(OSError, match="cannot open results file"):
        ResultStore(blocker / "r.jsonl", SPEC, resume=False).__enter__()


def test_header_is_json(tmp_path):
    path = tmp_path / "r.jsonl"
    with ResultStore(path, SPEC, resume=False):
        pass
    header = json.loads(path.read_text().splitlines()[0])
    assert header == {"kind": "larscheck.sweep", "format": 1,
                      "larscheck": larscheck.__version__, "versions": versions(),
                      "spec": SPEC}


def test_resume_refuses_another_version(tmp_path):
    path = tmp_path / "r.jsonl"
    with ResultStore(path, SPEC, resume=False) as store:
        store.append(_record(0))
    text = path.read_text().replace(f'"larscheck":"{larscheck.__version__}"',
                                    '"larscheck":"0.0.1"')
    path.write_text(text)
    assert read_results(path).version == "0.0.1"
    with pytest.raises(ValueError, match=r"computed by larscheck 0\.0\.1, this is"):
        ResultStore(path, SPEC, resume=True).__enter__()


def _rewrite_header(path, edit):
    """Apply ``edit`` to the header object of a results file."""
    lines = path.read_text().splitlines(keepends=True)
    header = json.loads(lines[0])
    edit(header)
    path.write_bytes(encode(header) + "".join(lines[1:]).encode())


def test_resume_refuses_other_package_versions(tmp_path):
    path = tmp_path / "r.jsonl"
    with ResultStore(path, SPEC, resume=False) as store:
        store.append(_record(0))
    _rewrite_header(path, lambda h: h["versions"].update(numpy="1.0.0"))
    assert read_results(path).versions["numpy"] == "1.0.0"
    with pytest.raises(ValueError, match=r"other package versions \(numpy 1\.0\.0 -> "):
        ResultStore(path, SPEC, resume=True).__enter__()


def test_files_from_before_versions_were_recorded_still_resume(tmp_path):
    path = tmp_path / "r.jsonl"
    with ResultStore(path, SPEC, resume=False) as store:
        store.append(_record(0))
    _rewrite_header(path, lambda h: h.pop("versions"))
    assert read_results(path).versions is None
    with ResultStore(path, SPEC, resume=True) as store:
        assert "cell-0" in store.done

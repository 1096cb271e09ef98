"""Result files: atomic, and created with the mode the umask gives a plain ``open``."""

from __future__ import annotations

import os
import stat

import pytest

from larscheck.cli import main
from larscheck.sims.output import atomic_write_bytes, atomic_write_text, write_json


@pytest.fixture(params=[0o022, 0o077, 0o002])
def umask(request):
    old = os.umask(request.param)
    try:
        yield request.param
    finally:
        os.umask(old)


def _mode(path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


def test_atomic_writes_honour_the_umask(tmp_path, umask):
    atomic_write_bytes(tmp_path / "a.bin", b"x")
    atomic_write_text(tmp_path / "b.txt", "x")
    write_json(tmp_path / "c.json", {"a": 1})
    with open(tmp_path / "plain", "w"):
        pass
    expected = 0o666 & ~umask
    assert _mode(tmp_path / "plain") == expected
    for name in ("a.bin", "b.txt", "c.json"):
        assert _mode(tmp_path / name) == expected, name
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.bin", "b.txt", "c.json", "plain"]


def test_replacing_a_file_leaves_no_temporary(tmp_path):
    target = tmp_path / "r.txt"
    atomic_write_text(target, "one")
    atomic_write_text(target, "two")
    assert target.read_text() == "two" and [p.name for p in tmp_path.iterdir()] == ["r.txt"]


@pytest.mark.parametrize("mask", [0o022, 0o077])
def test_verify_out_files_honour_the_umask(tmp_path, mask, capsys):
    old = os.umask(mask)
    try:
        assert main(["verify", "--quick", "--only", "one_d.interval", "--out",
                     str(tmp_path)]) == 0
    finally:
        os.umask(old)
    files = sorted(tmp_path.iterdir())
    assert {p.suffix for p in files} == {".md", ".json", ".png", ".pdf"}
    assert all(_mode(p) == 0o666 & ~mask for p in files), [(p.name, oct(_mode(p)))
                                                            for p in files]

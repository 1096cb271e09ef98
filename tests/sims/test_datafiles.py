"""Untrusted data files: no code runs, corrupt or truncated files are one-line errors.

Every archive here is built in ``tmp_path``; the malicious ones carry a
``__reduce__`` that would create a marker file if anything unpickled them.
"""

from __future__ import annotations

import gzip
import io
import os
import pickle
import zipfile

import numpy as np
import pytest

from larscheck.sims.datafiles import archive_members, load_cifar_batch, read_npz
from larscheck.sims.experiments.data import load_mnist
from larscheck.sims.keras.resnet import load_cifar10
from tests.sims.cifar_helpers import fake_batches, official_batch, tar_gz

BATCHES = [f"data_batch_{i}" for i in range(1, 6)]


class _Touch:
    """Unpickling this calls ``open(marker, 'w')``: a file appears if code runs."""

    def __init__(self, marker):
        self.marker = str(marker)

    def __reduce__(self):
        return (open, (self.marker, "w"))


class _System:
    def __init__(self, marker):
        self.marker = str(marker)

    def __reduce__(self):
        return (os.system, (f"touch {self.marker}",))


def _official_members(seed=0):
    return {name: official_batch(*b) for name, b in zip(BATCHES, fake_batches(seed), strict=True)}


def _evil_payloads(marker):
    """Pickles that would run code: several protocols, globals and disguises."""
    plain = {b"data": _Touch(marker), b"labels": [0]}
    yield from (pickle.dumps(plain, protocol=p) for p in (0, 2, 4, 5))
    yield pickle.dumps({b"data": _System(marker), b"labels": [0]}, protocol=2)
    # a global named like the allowed ones but from another module
    yield b"cposix\nsystem\n(S'touch " + str(marker).encode() + b"'\ntR."
    # builtins reached through a whitelisted module name's attribute
    yield b"cnumpy\n__builtins__\n."


@pytest.mark.parametrize("where", ["tar.gz", "folder"])
def test_malicious_batches_run_nothing(tmp_path, where):
    marker = tmp_path / "PWNED"
    for k, payload in enumerate(_evil_payloads(marker)):
        members = _official_members()
        members["data_batch_3"] = payload
        if where == "tar.gz":
            path = tmp_path / f"evil{k}.tar.gz"
            tar_gz(path, members)
        else:
            path = tmp_path / f"evil{k}"
            path.mkdir()
            for name, raw in members.items():
                (path / name).write_bytes(raw)
        with pytest.raises(ValueError, match="data_batch_3") as info:
            load_cifar10(path)
        assert str(path) in str(info.value)
        assert len(str(info.value).splitlines()) == 1
        assert not marker.exists(), f"payload {k} ran code"


def test_malicious_archive_through_the_cli_runs_nothing(tmp_path, capsys):
    from larscheck.cli import main

    marker = tmp_path / "PWNED"
    members = _official_members()
    members["data_batch_1"] = pickle.dumps({b"data": _Touch(marker), b"labels": [0]})
    tar_gz(tmp_path / "evil.tar.gz", members)
    out = tmp_path / "out"
    assert main(["resnet", "--data", str(tmp_path / "evil.tar.gz"), "--out", str(out)]) == 2
    (line,) = capsys.readouterr().err.strip().splitlines()
    assert "evil.tar.gz:data_batch_1" in line and "refused global" in line
    assert not marker.exists() and not out.exists()


@pytest.mark.parametrize("payload", [
    # the allowed globals with arguments the official files never pass
    b"cnumpy\ndtype\n(S'O'\nI0\nI1\ntR.",
    b"cnumpy.core.multiarray\n_reconstruct\n(cnumpy\ndtype\n(I0\ntS'b'\ntR.",
    b"cnumpy.core.multiarray\n_reconstruct\n(cnumpy\nndarray\n(I1000000000000\ntS'b'\ntR.",
    # numpy.ndarray is an argument, never something to call (no 1 TB allocation)
    b"cnumpy\nndarray\n((I1000000000000\ntS'b'\ntR.",
])
def test_allowed_globals_only_with_the_official_arguments(payload):
    with pytest.raises(ValueError, match=r"^batch: not a (readable )?CIFAR-10 python batch"):
        load_cifar_batch(payload, "batch")


def test_official_layout_loads_exactly():
    data, labels = fake_batches(3)[0]
    got_data, got_labels = load_cifar_batch(official_batch(data, labels), "b")
    np.testing.assert_array_equal(got_data, data)
    np.testing.assert_array_equal(got_labels, labels)
    assert got_data.dtype == np.uint8 and got_labels.dtype == np.int64


@pytest.mark.parametrize("raw, match", [
    (pickle.dumps([1, 2], protocol=3), "need a dict"),
    (pickle.dumps({b"data": b"x"}, protocol=3), "need a dict with b'data' and b'labels'"),
    (pickle.dumps({b"data": [1, 2], b"labels": [1]}, protocol=3),
     "b'data' must be a uint8 array with 3072 columns"),
    (official_batch(np.zeros((2, 5), np.uint8), [1, 2]), "3072 columns, got"),
    # Python 3's own pickles of bytes and arrays name globals the official files never do
    (pickle.dumps({b"data": b"x", b"labels": []}, protocol=2), "refused global _codecs.encode"),
    (pickle.dumps({b"data": np.zeros((1, 3072), np.uint8), b"labels": [1]}, protocol=4),
     "refused global numpy._core.multiarray._reconstruct"),
])
def test_wrong_layout_is_named(raw, match):
    with pytest.raises(ValueError, match=match):
        load_cifar_batch(raw, "b")


def test_labels_must_be_one_int_per_row():
    data, labels = fake_batches(0, n=3)[0]
    with pytest.raises(ValueError, match="b'labels' must be a list of 3 integers"):
        load_cifar_batch(official_batch(data, labels[:2]), "b")


@pytest.mark.parametrize("cut", [1, 10, 1000])
def test_truncated_batch_is_named(cut):
    raw = official_batch(*fake_batches(0)[0])
    with pytest.raises(ValueError, match=r"^b: not a readable CIFAR-10 python batch"):
        load_cifar_batch(raw[:-cut], "b")


def _good_archive(tmp_path):
    path = tmp_path / "cifar-10-python.tar.gz"
    tar_gz(path, _official_members())
    return path


def test_bad_gzip_crc_is_an_error(tmp_path):
    path = _good_archive(tmp_path)
    assert len(load_cifar10(path)) == 30
    raw = bytearray(path.read_bytes())
    raw[-8] ^= 0xFF  # two bytes of the CRC-32 trailer
    raw[-7] ^= 0xFF
    path.write_bytes(bytes(raw))
    with pytest.raises(ValueError, match="CRC") as info:
        load_cifar10(path)
    assert str(info.value).startswith(str(path))


@pytest.mark.parametrize("keep", [0.3, 0.6, 0.95, 0.999])
def test_truncated_archive_is_named(tmp_path, keep):
    path = _good_archive(tmp_path)
    raw = path.read_bytes()
    path.write_bytes(raw[:int(keep * len(raw))])
    with pytest.raises(ValueError) as info:
        load_cifar10(path)
    assert str(info.value).startswith(f"{path}: not a readable tar archive")
    assert len(str(info.value).splitlines()) == 1


def test_corrupt_deflate_data_is_named(tmp_path):
    path = _good_archive(tmp_path)
    raw = bytearray(path.read_bytes())
    for k in range(40, 60):
        raw[k] ^= 0x5A
    path.write_bytes(bytes(raw))
    with pytest.raises(ValueError, match="not a readable tar archive"):
        load_cifar10(path)


def test_gzip_of_garbage_and_too_large_members(tmp_path, monkeypatch):
    path = tmp_path / "junk.tar.gz"
    path.write_bytes(gzip.compress(b"no tar here" * 100))
    with pytest.raises(ValueError, match=r"junk\.tar\.gz: not a readable tar archive"):
        load_cifar10(path)
    good = _good_archive(tmp_path)
    monkeypatch.setattr("larscheck.sims.datafiles.MAX_MEMBER_BYTES", 1000)
    with pytest.raises(ValueError, match="more than 1000"):
        archive_members(good, BATCHES)


# --- .npz: both loaders -------------------------------------------------------------------

def _npz_bytes(**arrays):
    buf = io.BytesIO()
    np.savez(buf, **arrays)
    return buf.getvalue()


def _flip_in_member(raw: bytes) -> bytes:
    """Flip one byte of a stored member's data, so its CRC-32 no longer matches."""
    with zipfile.ZipFile(io.BytesIO(raw)) as z:
        info = z.infolist()[0]
    start = info.header_offset + 30 + len(info.filename) + len(info.extra) + 200
    out = bytearray(raw)
    out[start] ^= 0x01
    return bytes(out)


def _npz_cases(tmp_path):
    x = np.zeros((40, 32, 32, 3), np.uint8)
    good = _npz_bytes(x_train=x, y_train=np.arange(40) % 10)
    npy = io.BytesIO()
    np.save(npy, x)
    cases = {"truncated.npz": good[: len(good) // 2], "badcrc.npz": _flip_in_member(good),
             "renamed.npz": npy.getvalue(), "empty.npz": b""}
    for name, raw in cases.items():
        (tmp_path / name).write_bytes(raw)
    return cases


@pytest.mark.parametrize("loader", [load_cifar10, load_mnist])
def test_bad_npz_is_one_line_naming_the_file(tmp_path, loader):
    for name in _npz_cases(tmp_path):
        path = tmp_path / name
        with pytest.raises(ValueError) as info:
            loader(path)
        msg = str(info.value)
        assert msg.startswith(f"{path}: not a readable .npz file"), msg
        assert len(msg.splitlines()) == 1


def test_npz_crc_and_single_array_messages(tmp_path):
    _npz_cases(tmp_path)
    with pytest.raises(ValueError, match="CRC"):
        read_npz(tmp_path / "badcrc.npz", ["x_train"])
    with pytest.raises(ValueError, match=r"single \.npy array"):
        read_npz(tmp_path / "renamed.npz", ["x_train"])


def test_object_arrays_in_npz_are_refused(tmp_path):
    marker = tmp_path / "PWNED"
    path = tmp_path / "obj.npz"
    np.savez(path, x_train=np.array([_Touch(marker)], dtype=object), y_train=np.arange(1))
    with pytest.raises(ValueError, match=r"not a readable \.npz file"):
        load_cifar10(path)
    assert not marker.exists()

"""CIFAR-10 python batches byte for byte as the official files lay them out (Python 2 cPickle).

The official ``data_batch_*`` files are protocol-2 pickles written by Python 2:
a dict of ``str`` keys (``SHORT_BINSTRING``), ``b"data"`` an ndarray pickled
through ``numpy.core.multiarray._reconstruct`` (class ``numpy.ndarray``, shape
``(0,)``, typecode ``b``) and a ``BUILD`` with ``(1, shape, dtype('u1'), False,
raw bytes)``, ``b"labels"`` a list of ints. Python 3 cannot write that layout
(it writes ``_codecs.encode`` for bytes and ``numpy._core``), so it is built
here opcode by opcode.
"""

from __future__ import annotations

import io
import struct
import tarfile

import numpy as np


def _string(b: bytes) -> bytes:
    if len(b) < 256:
        return b"U" + bytes([len(b)]) + b
    return b"T" + struct.pack("<i", len(b)) + b


def _int(v: int) -> bytes:
    if 0 <= v < 256:
        return b"K" + bytes([v])
    if 0 <= v < 65536:
        return b"M" + struct.pack("<H", v)
    return b"J" + struct.pack("<i", v)


def official_batch(data: np.ndarray, labels) -> bytes:
    """The pickle of ``{'batch_label', 'labels', 'data', 'filenames'}`` as in the official files."""
    data = np.ascontiguousarray(data, dtype=np.uint8)
    n, cols = data.shape
    array = (b"cnumpy.core.multiarray\n_reconstruct\n" b"cnumpy\nndarray\n"
             + _int(0) + b"\x85" + _string(b"b") + b"\x87R"
             + b"(" + _int(1) + _int(n) + _int(cols) + b"\x86"
             + b"cnumpy\ndtype\n" + _string(b"u1") + _int(0) + _int(1) + b"\x87R"
             + b"(" + _int(3) + _string(b"|") + b"NNN" + b"J\xff\xff\xff\xff" * 2 + _int(0)
             + b"tb" + b"\x89" + _string(data.tobytes()) + b"tb")
    return (b"\x80\x02}("
            + _string(b"batch_label") + _string(b"training batch 1 of 5")
            + _string(b"labels") + b"](" + b"".join(_int(int(v)) for v in labels) + b"e"
            + _string(b"data") + array
            + _string(b"filenames") + b"](" + b"".join(_string(b"img%d.png" % i)
                                                       for i in range(n)) + b"e"
            + b"u.")


def tar_gz(path, members: dict[str, bytes], folder: str = "cifar-10-batches-py") -> None:
    """Write a ``.tar.gz`` holding ``members`` (name -> bytes) under ``folder/``."""
    with tarfile.open(path, "w:gz") as tar:
        for name, raw in members.items():
            info = tarfile.TarInfo(f"{folder}/{name}")
            info.size = len(raw)
            tar.addfile(info, io.BytesIO(raw))


def fake_batches(seed: int = 0, n: int = 6) -> list[tuple[np.ndarray, list[int]]]:
    """Five random batches ``(data (n, 3072) uint8, labels)``."""
    rng = np.random.default_rng(seed)
    return [(rng.integers(0, 256, (n, 3072), dtype=np.uint8),
             [int(v) for v in rng.integers(0, 10, n)]) for _ in range(5)]

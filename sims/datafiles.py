"""Reading untrusted data files: no code runs, every failure is one line naming the file.

Data files come from users and from the internet; a loader must never execute
anything they contain and must turn every malformed, truncated or corrupted
file into a ``ValueError`` whose message starts with the file's name.

- :func:`read_npz`: named arrays of an ``.npz`` (``allow_pickle=False``), with
  a ``.npy``, a truncated zip and a bad CRC-32 all reported as such.
- :func:`load_cifar_batch`: one batch of the CIFAR-10 *python version*. The
  official batches are Python 2 pickles; they are read by a restricted
  unpickler that admits only the globals those files name
  (``numpy.core.multiarray._reconstruct``, ``numpy.ndarray``, ``numpy.dtype``),
  each replaced by a guard that accepts only the arguments the files pass (an
  empty ``ndarray`` of typecode ``b``; dtype ``u1``). Anything else — a
  ``__reduce__`` that calls ``os.system``, ``open``, ``eval`` — is refused
  before it is looked up, so nothing runs.
- :func:`archive_members`: the regular files of a tar archive, gzipped,
  bzip2-ed, xz-ed or plain, read as a stream *to its end*, so that a bad
  checksum or a truncated stream is an error rather than silently accepted
  data.
"""

from __future__ import annotations

import bz2
import gzip
import io
import lzma
import pickle
import tarfile
import zipfile
import zlib
from collections.abc import Collection
from pathlib import Path

import numpy as np

#: Largest archive member read into memory (an official CIFAR-10 batch is ~31 MB).
MAX_MEMBER_BYTES = 256 * 2**20

#: Leading bytes of the compressed streams an archive may be wrapped in.
_COMPRESSED = ((b"\x1f\x8b", gzip.open), (b"BZh", bz2.open), (b"\xfd7zXZ\x00", lzma.open))

#: What reading a corrupt or truncated compressed stream or tar raises.
_STREAM_ERRORS = (OSError, EOFError, zlib.error, lzma.LZMAError, tarfile.TarError)


def _not_readable(path, what: str, exc: BaseException) -> ValueError:
    detail = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return ValueError(f"{path}: not a readable {what} ({detail})")


def read_npz(path: str | Path, keys: Collection[str]) -> dict[str, np.ndarray]:
    """The arrays ``keys`` of the ``.npz`` file ``path`` that it holds (no pickles).

    Every array is read in full here, so a member whose CRC-32 does not match
    or that is cut short raises now. Missing keys are simply absent from the
    result; the caller says which it needs.

    Raises
    ------
    ValueError
        ``"{path}: not a readable .npz file (...)"`` for anything that is not a
        zip of ``.npy`` members: a bare ``.npy``, garbage, a truncated file, a
        bad CRC, a pickled object array.
    """
    try:
        loaded = np.load(path, allow_pickle=False)
    except (OSError, EOFError, ValueError, zipfile.BadZipFile) as exc:
        raise _not_readable(path, ".npz file", exc) from None
    if not isinstance(loaded, np.lib.npyio.NpzFile):
        raise ValueError(f"{path}: not a readable .npz file (it holds a single .npy array; "
                         "save with numpy.savez)")
    try:
        with loaded:
            return {k: np.asarray(loaded[k]) for k in keys if k in loaded.files}
    except (OSError, EOFError, ValueError, zipfile.BadZipFile, zlib.error) as exc:
        raise _not_readable(path, ".npz file", exc) from None


def archive_members(path: str | Path, wanted: Collection[str]) -> dict[str, bytes]:
    """The bytes of the regular files of tar archive ``path`` whose base name is in ``wanted``.

    The archive (optionally gzip, bzip2 or xz compressed) is read as a stream
    from its first byte to its last, so the compressed stream's checksum and
    length are verified even after every wanted member has been seen.

    Raises
    ------
    ValueError
        ``"{path}: ..."`` when the file is not a tar archive, is truncated or
        corrupt (bad CRC, bad deflate data), or holds a wanted member larger
        than :data:`MAX_MEMBER_BYTES`.
    """
    path = Path(path)
    with open(path, "rb") as fh:
        magic = fh.read(6)
    opener = next((op for lead, op in _COMPRESSED if magic.startswith(lead)), open)
    found: dict[str, bytes] = {}
    try:
        with opener(path, "rb") as stream:
            with tarfile.open(fileobj=stream, mode="r|") as tar:
                for member in tar:
                    name = Path(member.name).name
                    if not member.isfile() or name not in wanted:
                        continue
                    if member.size > MAX_MEMBER_BYTES:
                        raise ValueError(f"{path}: member {member.name} is {member.size} bytes "
                                         f"(more than {MAX_MEMBER_BYTES}; not CIFAR-10)")
                    found[name] = tar.extractfile(member).read()
            while stream.read(1 << 20):  # to the end: the checksum is checked there
                pass
    except _STREAM_ERRORS as exc:
        raise _not_readable(path, "tar archive (corrupt or truncated)", exc) from None
    return found


# --- CIFAR-10 python batches --------------------------------------------------------------

class _Refused(pickle.UnpicklingError):
    pass


class _ArrayClass:
    """Stands for ``numpy.ndarray`` in a batch pickle: an argument, never callable."""


_ARRAY_CLASS = _ArrayClass()


def _empty_array(cls, shape, typecode):
    """``numpy.core.multiarray._reconstruct`` as the batches call it: an empty uint8 base."""
    if cls is not _ARRAY_CLASS or tuple(shape) != (0,) or typecode not in (b"b", "b"):
        raise _Refused(f"_reconstruct{(cls, shape, typecode)!r} is not the CIFAR-10 layout")
    return np.ndarray((0,), np.uint8)


def _uint8_dtype(name, align=0, copy=1):
    """``numpy.dtype`` as the batches call it: only ``u1`` (the pixel type)."""
    if name not in (b"u1", "u1"):
        raise _Refused(f"dtype {name!r} is not the CIFAR-10 layout (u1)")
    return np.dtype(np.uint8)


#: Every global the official batch files name, mapped to its guard.
_BATCH_GLOBALS = {
    ("numpy.core.multiarray", "_reconstruct"): _empty_array,
    ("numpy", "ndarray"): _ARRAY_CLASS,
    ("numpy", "dtype"): _uint8_dtype,
}


class _BatchUnpickler(pickle.Unpickler):
    """An unpickler that looks up nothing but :data:`_BATCH_GLOBALS`."""

    def find_class(self, module, name):
        try:
            return _BATCH_GLOBALS[(module, name)]
        except KeyError:
            raise _Refused(f"refused global {module}.{name} "
                           "(only the numpy array layout of CIFAR-10 is allowed)") from None

    def persistent_load(self, pid):
        raise _Refused("refused a persistent id")


def load_cifar_batch(raw: bytes, name: str) -> tuple[np.ndarray, np.ndarray]:
    """``(data, labels)`` of one CIFAR-10 python batch: ``(N, 3072)`` uint8 and ``(N,)`` int64.

    A batch is a dict with ``b"data"`` (an ``N x 3072`` uint8 array, rows of
    R, G, B planes of 32 x 32) and ``b"labels"`` (a list of ``N`` integers);
    ``b"batch_label"`` and ``b"filenames"`` may be present and are ignored.

    Raises
    ------
    ValueError
        ``"{name}: ..."`` for anything else: a refused global (code in the
        file), a truncated or corrupt pickle, or another layout.
    """
    try:
        batch = _BatchUnpickler(io.BytesIO(raw), encoding="bytes").load()
    except _Refused as exc:
        raise ValueError(f"{name}: not a CIFAR-10 python batch: {exc}") from None
    except Exception as exc:  # untrusted bytes: any failure at all means a bad file
        raise _not_readable(name, "CIFAR-10 python batch", exc) from None
    if not isinstance(batch, dict) or b"data" not in batch or b"labels" not in batch:
        keys = sorted(batch) if isinstance(batch, dict) else type(batch).__name__
        raise ValueError(f"{name}: not a CIFAR-10 python batch (need a dict with b'data' and "
                         f"b'labels', got {keys})")
    data, labels = batch[b"data"], batch[b"labels"]
    if not isinstance(data, np.ndarray) or data.ndim != 2 or data.shape[1] != 3 * 32 * 32:
        shape = getattr(data, "shape", type(data).__name__)
        raise ValueError(f"{name}: b'data' must be a uint8 array with 3072 columns, got {shape}")
    if (not isinstance(labels, list) or len(labels) != len(data)
            or not all(type(v) is int for v in labels)):
        raise ValueError(f"{name}: b'labels' must be a list of {len(data)} integers")
    return data, np.array(labels, dtype=np.int64)

"""Data sets: separable SVM data, digits, MNIST from IDX (gz or not) and .npz files."""

import gzip
import struct
import sys

import numpy as np
import pytest

from larscheck.sims.experiments import data
from larscheck.sims.experiments.data import (
    MissingExtraError,
    load_digits_split,
    load_mnist,
    read_idx,
    save_npz,
    separable_data,
)


def _idx_bytes(arr: np.ndarray) -> bytes:
    codes = {np.dtype(np.uint8): 0x08, np.dtype(">i4"): 0x0C}
    header = struct.pack(">BBBB", 0, 0, codes[arr.dtype], arr.ndim)
    return header + struct.pack(f">{arr.ndim}I", *arr.shape) + arr.tobytes()


def _images(n=12):
    rng = np.random.default_rng(0)
    return rng.integers(0, 256, (n, 28, 28), dtype=np.uint8), \
        rng.integers(0, 10, n).astype(np.uint8)


def _write(folder, name, payload: bytes, gz: bool):
    path = folder / (name + (".gz" if gz else ""))
    path.write_bytes(gzip.compress(payload) if gz else payload)
    return path


@pytest.mark.parametrize("gz", [False, True])
def test_mnist_from_idx_files(tmp_path, gz):
    images, labels = _images()
    _write(tmp_path, data.MNIST_IMAGES, _idx_bytes(images), gz)
    _write(tmp_path, data.MNIST_LABELS, _idx_bytes(labels), gz)
    X, y = load_mnist(tmp_path)
    np.testing.assert_array_equal(X, images.reshape(12, -1) / 255.0)
    np.testing.assert_array_equal(y, labels)


def test_read_idx_other_types(tmp_path):
    arr = np.arange(24, dtype=">i4").reshape(2, 3, 4)
    path = _write(tmp_path, "a", _idx_bytes(arr), gz=True)
    np.testing.assert_array_equal(read_idx(path), arr)


def test_mnist_from_npz(tmp_path):
    images, labels = _images()
    np.savez(tmp_path / "mnist.npz", x_train=images, y_train=labels,
             x_test=images[:2], y_test=labels[:2])
    X, y = load_mnist(tmp_path / "mnist.npz")
    assert X.shape == (12, 784) and X.max() <= 1.0
    np.testing.assert_array_equal(y, labels)


@pytest.mark.parametrize(("content", "match"), [
    (b"\x00\x00\x08", "bad magic"),
    (b"\x01\x02\x08\x01", "bad magic"),
    (b"\x00\x00\x08\x03\x00\x00", "truncated"),
    (struct.pack(">BBBBI", 0, 0, 8, 1, 10) + b"abc", "declares shape"),
])
def test_malformed_idx_is_one_clear_error(tmp_path, content, match):
    _write(tmp_path, data.MNIST_IMAGES, content, gz=False)
    _write(tmp_path, data.MNIST_LABELS, _idx_bytes(_images()[1]), gz=False)
    with pytest.raises(ValueError, match=match):
        load_mnist(tmp_path)


def test_bad_mnist_inputs(tmp_path):
    with pytest.raises(FileNotFoundError, match="no such file"):
        load_mnist(tmp_path / "missing.npz")
    with pytest.raises(FileNotFoundError, match="train-images"):
        load_mnist(tmp_path)
    (tmp_path / "junk.npz").write_bytes(b"not a zip")
    with pytest.raises(ValueError, match=r"not a readable \.npz"):
        load_mnist(tmp_path / "junk.npz")
    np.savez(tmp_path / "partial.npz", x_train=np.zeros((2, 4)))
    with pytest.raises(ValueError, match="y_train"):
        load_mnist(tmp_path / "partial.npz")
    np.savez(tmp_path / "count.npz", x_train=np.zeros((2, 4)), y_train=np.zeros(3, int))
    with pytest.raises(ValueError, match="one label each"):
        load_mnist(tmp_path / "count.npz")
    np.savez(tmp_path / "labels.npz", x_train=np.zeros((2, 4)), y_train=np.array([0, 12]))
    with pytest.raises(ValueError, match=r"0\.\.9"):
        load_mnist(tmp_path / "labels.npz")
    gz = tmp_path / "gz"
    gz.mkdir()
    (gz / (data.MNIST_IMAGES + ".gz")).write_bytes(b"\x1f\x8bbroken")
    with pytest.raises(ValueError, match="corrupt gzip"):
        load_mnist(gz)


def test_save_npz_round_trip(tmp_path):
    X, y = separable_data(np.random.default_rng(1), n=20, dim=3)
    path = save_npz(tmp_path / "sub" / "d.npz", X, y)
    with np.load(path) as f:
        np.testing.assert_array_equal(f["X"], X)
        np.testing.assert_array_equal(f["y"], y)


def test_separable_data_is_seeded_and_has_both_classes():
    a = separable_data(np.random.default_rng(7), n=2, dim=1)
    b = separable_data(np.random.default_rng(7), n=2, dim=1)
    np.testing.assert_array_equal(a[0], b[0])
    assert set(a[1]) == {-1.0, 1.0}
    with pytest.raises(ValueError, match="n must be"):
        separable_data(np.random.default_rng(0), n=1)
    with pytest.raises(ValueError, match="margin"):
        separable_data(np.random.default_rng(0), margin=0.0)


def test_digits_split_is_seeded():
    X, y = load_digits_split(3)
    assert X.shape == (1540, 64) and 0.0 <= X.min() and X.max() == 1.0
    np.testing.assert_array_equal(load_digits_split(3)[1], y)
    assert not np.array_equal(load_digits_split(4)[1], y)


def test_missing_data_extra_names_it(monkeypatch):
    monkeypatch.setitem(sys.modules, "sklearn.datasets", None)
    with pytest.raises(MissingExtraError, match=r"larscheck\[data\]"):
        load_digits_split()

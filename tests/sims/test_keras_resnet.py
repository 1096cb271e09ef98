"""The CIFAR-10 ResNet v2, its data loaders, and ``larscheck resnet`` (ResNet-8, tiny batches)."""

from __future__ import annotations

import csv
import json
import os

import numpy as np
import pytest

os.environ.setdefault("KERAS_BACKEND", "tensorflow")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
keras = pytest.importorskip("keras")

from larscheck.cli import main  # noqa: E402
from larscheck.sims.keras import resnet  # noqa: E402
from tests.sims.cifar_helpers import fake_batches, official_batch, tar_gz  # noqa: E402

IMAGES_PER_BATCH = 6


@pytest.fixture(scope="module")
def cifar_files(tmp_path_factory):
    """The same fake data as an extracted folder, a tar.gz and an .npz."""
    root = tmp_path_factory.mktemp("cifar")
    folder = root / "cifar-10-batches-py"
    folder.mkdir()
    raw = fake_batches(0, IMAGES_PER_BATCH)
    members = {f"data_batch_{i}": official_batch(*b) for i, b in enumerate(raw, start=1)}
    for name, blob in members.items():
        (folder / name).write_bytes(blob)
    archive = root / "cifar-10-python.tar.gz"
    tar_gz(archive, members)
    data = np.concatenate([b[0] for b in raw])
    labels = np.concatenate([b[1] for b in raw])
    # Expected layout, pixel by pixel: x[i, r, c, ch] = row_i[ch * 1024 + r * 32 + c].
    i, r, c, ch = np.indices((len(data), 32, 32, 3))
    x = data[i, ch * 1024 + r * 32 + c]
    npz = root / "cifar.npz"
    np.savez(npz, x_train=x, y_train=labels[:, None])
    return {"root": root, "folder": folder, "archive": archive, "npz": npz, "x": x, "y": labels}


@pytest.mark.parametrize("which", ["folder", "root", "archive", "npz"])
def test_loaders_agree_pixel_for_pixel(cifar_files, which):
    images = resnet.load_cifar10(cifar_files[which])
    np.testing.assert_array_equal(images.x, cifar_files["x"])
    np.testing.assert_array_equal(images.y, cifar_files["y"])
    assert not images.synthetic


def test_loader_errors(cifar_files, tmp_path):
    with pytest.raises(FileNotFoundError, match="not found"):
        resnet.load_cifar10(tmp_path / "missing.tar.gz")
    with pytest.raises(ValueError, match="data_batch_1"):
        resnet.load_cifar10(tmp_path)
    (tmp_path / "junk.tar.gz").write_bytes(b"not a tar file")
    with pytest.raises(ValueError, match="tar"):
        resnet.load_cifar10(tmp_path / "junk.tar.gz")
    np.savez(tmp_path / "bad.npz", images=np.zeros(3))
    with pytest.raises(ValueError, match="x_train"):
        resnet.load_cifar10(tmp_path / "bad.npz")
    np.savez(tmp_path / "labels.npz", x_train=cifar_files["x"][:2], y_train=np.array([3, 10]))
    with pytest.raises(ValueError, match="labels"):
        resnet.load_cifar10(tmp_path / "labels.npz")


def test_augment_standardises_and_is_seeded():
    images = resnet.synthetic_cifar(np.random.default_rng(0), 5)
    a = resnet.augment(images.x, np.random.default_rng(1))
    b = resnet.augment(images.x, np.random.default_rng(1))
    assert a.dtype == np.float32 and a.shape == (5, 32, 32, 3)
    np.testing.assert_array_equal(a, b)
    np.testing.assert_allclose(a.mean(axis=(1, 2, 3)), 0.0, atol=1e-5)
    np.testing.assert_allclose(a.std(axis=(1, 2, 3)), 1.0, rtol=1e-4)


def test_augment_crops_a_shifted_window():
    """A single bright pixel lands at its position shifted by the crop offset (or drops out)."""
    x = np.zeros((64, 32, 32, 3), np.uint8)
    x[:, 10, 20, :] = 255
    out = resnet.augment(x, np.random.default_rng(2))
    for img in out:
        rows, cols = np.nonzero(img[..., 0] == img[..., 0].max())
        assert len(rows) == 1
        dr, dc = rows[0] - 10, min(abs(cols[0] - 20), abs((31 - cols[0]) - 20))
        assert abs(dr) <= resnet.CROP_PADDING and dc <= resnet.CROP_PADDING


@pytest.mark.parametrize("depth", [0, 9, 10, 2, 8.0])
def test_depth_must_be_6n_plus_2(depth):
    with pytest.raises(ValueError, match="6n\\+2"):
        resnet.blocks_per_stage(depth)


@pytest.mark.parametrize("depth", [8, 14])
def test_resnet_structure(depth):
    n = (depth - 2) // 6
    model = resnet.resnet_v2(depth)
    convs = [layer for layer in model.layers if isinstance(layer, keras.layers.Conv2D)]
    assert sum(c.kernel_size == (3, 3) for c in convs) == 6 * n + 1
    assert sum(c.kernel_size == (1, 1) for c in convs) == 3
    assert not any(c.use_bias for c in convs)
    bns = [layer for layer in model.layers if isinstance(layer, keras.layers.BatchNormalization)]
    assert len(bns) == 6 * n + 1
    assert all(b.momentum == resnet.BN_MOMENTUM and b.epsilon == resnet.BN_EPSILON for b in bns)
    assert [c.filters for c in convs if c.kernel_size == (1, 1)] == [16, 32, 64]
    assert model.output_shape == (None, resnet.NUM_CLASSES)
    # One L2 term per conv kernel plus the dense kernel and bias.
    assert len(model.losses) == len(convs) + 2


def test_same_seed_same_weights_and_finite_output():
    a, b = resnet.resnet_v2(8, seed=3), resnet.resnet_v2(8, seed=3)
    for u, v in zip(a.get_weights(), b.get_weights(), strict=True):
        np.testing.assert_array_equal(u, v)
    x = resnet.augment(resnet.synthetic_cifar(np.random.default_rng(0), 2).x,
                       np.random.default_rng(0))
    assert np.all(np.isfinite(a(x, training=False)))


def test_make_optimizer_rejects_unknown_names():
    with pytest.raises(ValueError, match="optimizer"):
        resnet.make_optimizer("rmsprop")


def test_cli_smoke_resnet8_synthetic(tmp_path, capsys):
    """The CI smoke run: ResNet-8, three optimizers, a few steps on synthetic data."""
    code = main(["resnet", "--depth", "8", "--steps", "3", "--batch", "8", "--warmup", "1",
                 "--optimizer", "lars,sgd,adam", "--out", str(tmp_path)])
    out = capsys.readouterr().out
    assert code == 0
    assert out.count("SYNTHETIC DATA") == 2
    with open(tmp_path / "steps.csv") as fh:
        rows = list(csv.DictReader(fh))
    assert [(r["optimizer"], int(r["step"])) for r in rows] == [
        (o, k) for o in ("lars", "sgd", "adam") for k in range(3)]
    assert all(np.isfinite(float(r[c])) for r in rows for c in ("seconds", "loss", "error"))
    summary = json.loads((tmp_path / "summary.json").read_text())
    assert summary["synthetic"] is True
    assert [s["optimizer"] for s in summary["summary"]] == ["lars", "sgd", "adam"]
    assert (tmp_path / "resnet.png").read_bytes()[:4] == b"\x89PNG"


def test_cli_reads_real_data_with_a_schedule(cifar_files, tmp_path, capsys):
    code = main(["resnet", "--depth", "8", "--steps", "2", "--batch", "4", "--warmup", "0",
                 "--optimizer", "lars", "--schedule", "poly", "--lr", "0.05",
                 "--data", str(cifar_files["archive"]), "--out", str(tmp_path)])
    out = capsys.readouterr().out
    assert code == 0
    assert "SYNTHETIC" not in out and "cifar-10-python.tar.gz" in out
    summary = json.loads((tmp_path / "summary.json").read_text())
    assert summary["synthetic"] is False and summary["summary"][0]["learning_rate"] == 0.05


@pytest.mark.parametrize("argv, message", [
    (["--data", "/nonexistent/cifar.tar.gz"], "not found"),
    (["--depth", "10"], "6n+2"),
    (["--optimizer", "lars,rmsprop"], "--optimizer"),
    (["--optimizer", "lars,sgd", "--lr", "0.1,0.2,0.3"], "--lr"),
    (["--steps", "3", "--warmup", "3"], "--warmup"),
    (["--data", "x.npz", "--synthetic"], "not allowed"),
])
def test_cli_bad_input_is_one_line_exit_2(argv, message, tmp_path, capsys):
    code = main(["resnet", "--out", str(tmp_path), *argv])
    err = capsys.readouterr().err
    assert code == 2
    assert message in err and len(err.strip().splitlines()) == 1

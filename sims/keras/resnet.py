"""Pre-activation ResNet v2 for CIFAR-10 in Keras, its data, and timed training steps.

This is the network of the paper's non-convex experiment (§6, STATEMENTS §4):
the TensorFlow official ResNet v2 for CIFAR-10 (He et al. 2016, "Identity
mappings in deep residual networks"), of depth ``6n + 2``:

- a 3x3 convolution with 16 filters;
- three stages of ``n`` pre-activation building blocks with 16, 32 and 64
  filters (strides 1, 2, 2); a block is
  ``x + conv3x3(relu(bn(conv3x3(relu(bn(x))))))``, and the first block of
  each stage takes a 1x1 projection of ``relu(bn(x))`` as its shortcut;
- batch norm, ReLU, global average pooling, a dense layer with 10 outputs.

As in the official model: convolutions have no bias and a fan-in variance
scaling initialiser; strided convolutions pad explicitly (``(k-1)//2`` before,
the rest after) instead of ``"same"``; batch norm has momentum 0.997 and
epsilon 1e-5; the loss adds ``weight_decay * sum ||v||^2 / 2`` over every
variable outside batch norm (here through L2 regularisers). Training images are
padded to 40x40, randomly cropped back to 32x32, flipped left-right with
probability 1/2 and standardised per image.

Data comes from a local copy of CIFAR-10 (:func:`load_cifar10`; nothing is
downloaded) or is synthetic (:func:`synthetic_cifar`), which serves for step
times only.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from larscheck.sims.datafiles import archive_members, load_cifar_batch, read_npz

IMAGE_SHAPE = (32, 32, 3)
NUM_CLASSES = 10
#: Zero padding on each side before the random crop (official model: 32 -> 40 -> 32).
CROP_PADDING = 4
#: Loss weight of ``sum ||v||^2 / 2`` in the official CIFAR-10 model.
WEIGHT_DECAY = 2e-4
BN_MOMENTUM = 0.997
BN_EPSILON = 1e-5
OPTIMIZERS = ("lars", "sgd", "adam")
#: Rates when none is given: SGD and Adam as in the official model and Keras;
#: LARS (trust coefficient 1, so the rate is the relative step per layer) untuned.
DEFAULT_LR = {"lars": 0.01, "sgd": 0.1, "adam": 0.001}
MOMENTUM = 0.9
#: The authors' LARS settings (STATEMENTS §0).
AUTHORS_EPSILON = 1e-9
AUTHORS_SWITCH = 1e-2
_BATCH_FILES = tuple(f"data_batch_{i}" for i in range(1, 6))


def require_keras():
    """Import Keras, or raise ImportError naming the extra that installs it."""
    try:
        import keras
    except ImportError as exc:  # pragma: no cover - the tf extra is installed in CI
        raise ImportError(
            "the ResNet/Keras tools need TensorFlow and Keras: pip install 'larscheck[tf]'"
        ) from exc
    return keras


# --- data ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class Images:
    """Labelled CIFAR-shaped images.

    Attributes
    ----------
    x : ndarray of uint8, shape (N, 32, 32, 3)
    y : ndarray of int64, shape (N,)
    source : str
        Where they came from (a path, or ``"synthetic"``).
    synthetic : bool
        True for random images with random labels (loss and error meaningless).
    """

    x: np.ndarray
    y: np.ndarray
    source: str
    synthetic: bool = False

    def __post_init__(self):
        if self.x.ndim != 4 or self.x.shape[1:] != IMAGE_SHAPE or self.x.dtype != np.uint8:
            raise ValueError(
                f"{self.source}: images must be uint8 of shape (N, 32, 32, 3), "
                f"got {self.x.dtype} {self.x.shape}"
            )
        if self.y.shape != (self.x.shape[0],):
            raise ValueError(f"{self.source}: {self.x.shape[0]} images but labels {self.y.shape}")
        if self.y.size and (self.y.min() < 0 or self.y.max() >= NUM_CLASSES):
            raise ValueError(f"{self.source}: labels must lie in [0, {NUM_CLASSES - 1}]")

    def __len__(self) -> int:
        return self.x.shape[0]


def _rgb(data: np.ndarray) -> np.ndarray:
    """Rows of R, G, B planes (N, 3072) -> images (N, 32, 32, 3)."""
    return data.reshape(-1, 3, 32, 32).transpose(0, 2, 3, 1)


def _join(parts, source) -> Images:
    xs, ys = zip(*parts, strict=True)
    return Images(np.ascontiguousarray(_rgb(np.concatenate(xs))), np.concatenate(ys), source)


def _from_tar(path: Path) -> Images:
    members = archive_members(path, _BATCH_FILES)
    missing = [f for f in _BATCH_FILES if f not in members]
    if missing:
        raise ValueError(f"{path}: no {missing[0]} inside (not the CIFAR-10 python version)")
    return _join([load_cifar_batch(members[f], f"{path}:{f}") for f in _BATCH_FILES], str(path))


def _from_folder(path: Path) -> Images:
    folder = path / "cifar-10-batches-py" if (path / "cifar-10-batches-py").is_dir() else path
    missing = [f for f in _BATCH_FILES if not (folder / f).is_file()]
    if missing:
        raise ValueError(f"{folder}: no {missing[0]} (expected the extracted CIFAR-10 python "
                         "version, cifar-10-batches-py/)")
    return _join([load_cifar_batch((folder / f).read_bytes(), str(folder / f))
                  for f in _BATCH_FILES], str(folder))


def _from_npz(path: Path) -> Images:
    data = read_npz(path, ("x_train", "y_train"))
    if len(data) != 2:
        raise ValueError(f"{path}: an .npz needs arrays x_train and y_train, "
                         f"found {sorted(data)}")
    y = data["y_train"]
    if not np.issubdtype(y.dtype, np.integer):
        raise ValueError(f"{path}: y_train must hold integer labels, got {y.dtype}")
    return Images(data["x_train"], y.reshape(-1).astype(np.int64), str(path))


def load_cifar10(path) -> Images:
    """The 50,000 CIFAR-10 training images from a local copy.

    Parameters
    ----------
    path : str or Path
        ``cifar-10-python.tar.gz`` (the python version as distributed), its
        extracted folder ``cifar-10-batches-py`` (or the folder holding it),
        or an ``.npz`` with ``x_train`` (N, 32, 32, 3) uint8 and ``y_train``.
        The batches are Python pickles; they are read by the restricted
        unpickler of :func:`larscheck.sims.datafiles.load_cifar_batch`, which
        runs no code from the file.

    Raises
    ------
    FileNotFoundError
        When ``path`` does not exist.
    ValueError
        When it is not one of the accepted forms, or is truncated or corrupt
        (one line naming the file).
    """
    path = Path(path)
    if not path.exists():
        raise FileNotFoundError(f"CIFAR-10 data not found: {path}")
    if path.is_dir():
        return _from_folder(path)
    if path.suffix == ".npz":
        return _from_npz(path)
    return _from_tar(path)


def synthetic_cifar(rng: np.random.Generator, n: int) -> Images:
    """``n`` uniformly random images with uniformly random labels (for step times only)."""
    if n < 1:
        raise ValueError(f"n must be >= 1, got {n}")
    x = rng.integers(0, 256, size=(n, *IMAGE_SHAPE), dtype=np.uint8)
    return Images(x, rng.integers(0, NUM_CLASSES, size=n), "synthetic", synthetic=True)


def augment(x: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Official CIFAR-10 training preprocessing of uint8 images -> float32.

    Zero-pad by :data:`CROP_PADDING`, crop a random 32x32 window, flip
    left-right with probability 1/2, then standardise each image:
    ``(x - mean) / max(std, 1/sqrt(3072))``.
    """
    b, h, w, _ = x.shape
    p = CROP_PADDING
    padded = np.pad(x.astype(np.float32), ((0, 0), (p, p), (p, p), (0, 0)))
    top = rng.integers(0, 2 * p + 1, size=b)
    left = rng.integers(0, 2 * p + 1, size=b)
    flip = rng.random(b) < 0.5
    rows = top[:, None] + np.arange(h)
    cols = left[:, None] + np.arange(w)
    cols = np.where(flip[:, None], cols[:, ::-1], cols)
    out = padded[np.arange(b)[:, None, None], rows[:, :, None], cols[:, None, :]]
    mean = out.mean(axis=(1, 2, 3), keepdims=True)
    std = np.maximum(out.std(axis=(1, 2, 3), keepdims=True), float(out[0].size) ** -0.5)
    return (out - mean) / std


def batches(images: Images, batch: int, rng: np.random.Generator) -> Iterator[tuple]:
    """Endless augmented mini-batches ``(x float32, y int64)``: a new permutation each epoch."""
    if batch > len(images):
        raise ValueError(f"batch must be <= the number of images ({len(images)}), got {batch}")
    while True:
        order = rng.permutation(len(images))
        for start in range(0, len(order) - batch + 1, batch):
            idx = order[start:start + batch]
            yield augment(images.x[idx], rng), images.y[idx]


# --- model --------------------------------------------------------------------------------

def blocks_per_stage(depth: int) -> int:
    """``n`` of a ResNet of depth ``6n + 2`` (ValueError for other depths)."""
    if isinstance(depth, bool) or not isinstance(depth, int) or depth < 8 or (depth - 2) % 6:
        raise ValueError(f"depth must be 6n+2 with n >= 1 (8, 14, 20, 32, 44, 56, ...), "
                         f"got {depth!r}")
    return (depth - 2) // 6


def resnet_v2(depth: int = 20, *, weight_decay: float = WEIGHT_DECAY, seed: int = 0):
    """The CIFAR-10 pre-activation ResNet v2 of the module docstring, as a Keras Model.

    Parameters
    ----------
    depth : int
        ``6n + 2``: 20 (default), 56 (the official model's CIFAR default), 8 for smoke tests.
    weight_decay : float
        L2 loss weight: ``weight_decay * sum ||v||^2 / 2`` over conv and dense variables.
    seed : int
        Seed of the initialisers (the same seed gives the same initial weights).
    """
    keras = require_keras()
    layers = keras.layers
    n = blocks_per_stage(depth)
    l2 = keras.regularizers.L2(weight_decay / 2) if weight_decay else None
    seeds = iter(range(seed * 1000, seed * 1000 + 1000))

    def conv(x, filters, kernel, strides, name):
        if strides > 1:
            total = kernel - 1
            x = layers.ZeroPadding2D(((total // 2, total - total // 2),) * 2,
                                     name=f"{name}_pad")(x)
        init = keras.initializers.VarianceScaling(1.0, "fan_in", "truncated_normal",
                                                  seed=next(seeds))
        return layers.Conv2D(filters, kernel, strides=strides,
                             padding="valid" if strides > 1 else "same", use_bias=False,
                             kernel_initializer=init, kernel_regularizer=l2, name=name)(x)

    def bn_relu(x, name):
        x = layers.BatchNormalization(momentum=BN_MOMENTUM, epsilon=BN_EPSILON,
                                      name=f"{name}_bn")(x)
        return layers.ReLU(name=f"{name}_relu")(x)

    inputs = keras.Input(IMAGE_SHAPE, name="image")
    x = conv(inputs, 16, 3, 1, "conv0")
    for stage, (filters, stride) in enumerate(((16, 1), (32, 2), (64, 2)), start=1):
        for block in range(n):
            name = f"stage{stage}_block{block}"
            strides = stride if block == 0 else 1
            pre = bn_relu(x, f"{name}_pre")
            shortcut = conv(pre, filters, 1, strides, f"{name}_proj") if block == 0 else x
            y = conv(pre, filters, 3, strides, f"{name}_conv1")
            y = conv(bn_relu(y, f"{name}_mid"), filters, 3, 1, f"{name}_conv2")
            x = layers.Add(name=f"{name}_add")([y, shortcut])
    x = bn_relu(x, "final")
    x = layers.GlobalAveragePooling2D(name="pool")(x)
    outputs = layers.Dense(
        NUM_CLASSES, name="logits", kernel_regularizer=l2, bias_regularizer=l2,
        kernel_initializer=keras.initializers.GlorotUniform(seed=next(seeds)),
    )(x)
    return keras.Model(inputs, outputs, name=f"resnet{depth}_v2")


# --- optimizers and timed steps -----------------------------------------------------------

def make_optimizer(name: str, learning_rate=None, *, momentum: float = MOMENTUM,
                   trust_coefficient: float = 1.0, epsilon: float = AUTHORS_EPSILON,
                   switch_threshold: float | None = AUTHORS_SWITCH, exclude=None):
    """A fresh Keras optimizer by name: ``lars``, ``sgd`` (with momentum) or ``adam``.

    ``learning_rate`` is a float or a Keras schedule (default :data:`DEFAULT_LR`).
    LARS takes the authors' settings (STATEMENTS §0) unless told otherwise, with
    ``weight_decay = 0`` because the model's loss already holds the L2 term.
    """
    keras = require_keras()
    if name not in OPTIMIZERS:
        raise ValueError(f"optimizer must be one of {OPTIMIZERS}, got {name!r}")
    lr = DEFAULT_LR[name] if learning_rate is None else learning_rate
    if name == "sgd":
        return keras.optimizers.SGD(lr, momentum=momentum)
    if name == "adam":
        return keras.optimizers.Adam(lr)
    from larscheck.sims.keras.lars import LARS

    return LARS(lr, momentum=momentum, trust_coefficient=trust_coefficient, epsilon=epsilon,
                switch_threshold=switch_threshold, exclude_from_layer_adaptation=exclude)


def compiled_model(depth: int, optimizer, *, seed: int = 0, weight_decay: float = WEIGHT_DECAY):
    """:func:`resnet_v2` compiled with ``optimizer``, cross-entropy loss and accuracy."""
    keras = require_keras()
    model = resnet_v2(depth, weight_decay=weight_decay, seed=seed)
    model.compile(optimizer=optimizer,
                  loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
                  metrics=[keras.metrics.SparseCategoricalAccuracy(name="accuracy")])
    return model


def timed_step(model, x, y) -> tuple[float, float, float]:
    """One training step; returns ``(seconds, loss, error)`` on that mini-batch.

    The loss includes the L2 term; the error is the fraction of the batch
    misclassified (training-mode batch norm, before the update). The time
    includes fetching the results, so it covers the whole step on a GPU too.
    """
    start = time.perf_counter()
    logs = model.train_on_batch(x, y, return_dict=True)
    loss, accuracy = float(logs["loss"]), float(logs["accuracy"])
    return time.perf_counter() - start, loss, 1.0 - accuracy

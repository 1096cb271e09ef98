"""Step time of the CIFAR-10 ResNet v2 with LARS vs SGD-with-momentum vs Adam.

The three optimizers train copies of the same network on the same mini-batch
in one process. After a warm-up (tracing, XLA compilation on a GPU) the steps
are interleaved round-robin, the order rotating each round, so that load
drift on the machine hits all three alike. Printed: the median step time of
each, the ratios to SGD, and the paper's figures (TITAN X Pascal, STATEMENTS
§4: SGD 44.8 ms, Adam 42.6 ms, LARS 48.0 ms, i.e. LARS +7.1 %). Also printed:
the time of the optimizer update alone (``optimizer.apply`` on fixed
gradients, compiled like the training step, the optimizers interleaved) and the
number of operations in its graph, which isolate LARS's extra
work (two norms and a few element-wise operations per variable).

Target: LARS within 10 % of SGD per training step.

    python benchmarks/keras_step_overhead.py                       # ResNet-20, batch 128
    python benchmarks/keras_step_overhead.py --depth 56 --rounds 50  # the paper's case, GPU

Step time does not depend on the data, so synthetic images serve.
"""

from __future__ import annotations

import argparse
import os
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import numpy as np

from larscheck.sims.keras.resnet import (
    OPTIMIZERS,
    augment,
    compiled_model,
    make_optimizer,
    synthetic_cifar,
    timed_step,
)

PAPER_MS = {"sgd": 44.8, "adam": 42.6, "lars": 48.0}
TARGET_RATIO = 1.10
#: Timed repeats of the update alone (milliseconds each, so many are cheap).
UPDATE_REPEATS = 200


def _compiled_apply(model, grads, variables):
    import tensorflow as tf

    def apply():
        model.optimizer.apply(grads, variables)

    return tf.function(apply, jit_compile=model.jit_compile)


def _update_functions(models, x, y) -> dict:
    """Per optimizer, a compiled ``optimizer.apply`` on fixed gradients of one batch."""
    import tensorflow as tf

    fns = {}
    for name, model in models.items():
        variables = model.trainable_variables
        with tf.GradientTape() as tape:
            loss = model.compute_loss(x=x, y=y, y_pred=model(x, training=True))
        grads = [tf.identity(g) for g in tape.gradient(loss, variables)]
        fns[name] = _compiled_apply(model, grads, variables)
        fns[name]()
    return fns


def _graph_ops(fn) -> int:
    """Number of operations in the traced graph (a load-independent cost figure on CPU)."""
    return len(fn.get_concrete_function().graph.get_operations())


def _update_only_ms(models, fns, repeats: int) -> dict:
    """Median time of each update alone, the optimizers interleaved round-robin."""
    times = {name: [] for name in fns}
    for _ in range(repeats):
        for name, fn in fns.items():
            start = time.perf_counter()
            fn()
            float(models[name].optimizer.iterations.numpy())  # wait for the device
            times[name].append(time.perf_counter() - start)
    return {name: 1e3 * float(np.median(t)) for name, t in times.items()}


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--depth", type=int, default=20,
                   help="6n+2 (default 20; 56 for the paper's case)")
    p.add_argument("--batch", type=int, default=128)
    p.add_argument("--warmup", type=int, default=3, help="untimed steps per optimizer")
    p.add_argument("--rounds", type=int, default=15, help="timed steps per optimizer")
    p.add_argument("--seed", type=int, default=0)
    args = p.parse_args()

    import keras
    import tensorflow as tf

    rng = np.random.default_rng(args.seed)
    images = synthetic_cifar(rng, args.batch)
    x, y = augment(images.x, rng), images.y
    models = {name: compiled_model(args.depth, make_optimizer(name), seed=args.seed)
              for name in OPTIMIZERS}
    devices = [d.device_type for d in tf.config.list_physical_devices()]
    print(f"ResNet-{args.depth} v2, batch {args.batch}; keras {keras.__version__}, "
          f"tensorflow {tf.__version__}, devices {devices}, "
          f"{len(models['sgd'].trainable_variables)} trainable variables, "
          f"{models['sgd'].count_params()} parameters")
    for name, model in models.items():
        start = time.perf_counter()
        for _ in range(args.warmup):
            timed_step(model, x, y)
        print(f"warm-up {name}: {time.perf_counter() - start:.1f} s "
              f"(jit_compile={model.jit_compile})")

    times = {name: [] for name in OPTIMIZERS}
    for r in range(args.rounds):
        order = OPTIMIZERS[r % 3:] + OPTIMIZERS[:r % 3]
        for name in order:
            times[name].append(timed_step(models[name], x, y)[0])
    median = {name: 1e3 * float(np.median(t)) for name, t in times.items()}
    fns = _update_functions(models, x, y)
    update = _update_only_ms(models, fns, UPDATE_REPEATS)
    ops_count = {name: _graph_ops(fn) for name, fn in fns.items()}

    print(f"\n{'optimizer':<10}{'median step ms':>15}{'vs SGD':>9}{'update only ms':>16}"
          f"{'update ops':>12}{'paper ms':>10}{'paper vs SGD':>14}")
    for name in OPTIMIZERS:
        print(f"{name:<10}{median[name]:>15.1f}{median[name] / median['sgd']:>9.3f}"
              f"{update[name]:>16.2f}{ops_count[name]:>12d}{PAPER_MS[name]:>10.1f}"
              f"{PAPER_MS[name] / PAPER_MS['sgd']:>14.3f}")
    spread = {name: (1e3 * np.percentile(t, 25), 1e3 * np.percentile(t, 75))
              for name, t in times.items()}
    print("interquartile step ms: " + ", ".join(
        f"{n} {lo:.1f}-{hi:.1f}" for n, (lo, hi) in spread.items()))
    ratio = median["lars"] / median["sgd"]
    verdict = "met" if ratio <= TARGET_RATIO else "NOT met"
    print(f"LARS / SGD step time = {ratio:.3f}: target <= {TARGET_RATIO:.2f} {verdict}")


if __name__ == "__main__":
    main()

"""``larscheck resnet``: train the CIFAR-10 ResNet v2 with LARS, SGD and/or Adam.

Each optimizer trains a fresh copy of the same network (same initial weights,
same sequence of augmented mini-batches) for ``--steps`` steps. Per step it
records the time, the training loss (with the L2 term) and the training error
on that mini-batch; it writes ``steps.csv``, ``summary.json`` and
``resnet.png`` to ``--out`` and prints the median step time after warm-up and
the final (last 10 % of steps) loss and error of each optimizer.
"""

from __future__ import annotations

import argparse
import csv
import io
import logging
import os
import sys
from pathlib import Path

import numpy as np

from larscheck.cli.args import (
    UsageError,
    finite_float,
    float_list,
    out_dir,
    positive_float,
    positive_int,
    seed_int,
)
from larscheck.sims.keras.resnet import (
    DEFAULT_LR,
    OPTIMIZERS,
    batches,
    blocks_per_stage,
    compiled_model,
    load_cifar10,
    make_optimizer,
    require_keras,
    synthetic_cifar,
    timed_step,
)
from larscheck.sims.output import (
    atomic_write_bytes,
    atomic_write_text,
    pyplot,
    versions,
    write_json,
)

NAME = "resnet"
HELP = "Train the CIFAR-10 ResNet v2 with LARS/SGD/Adam; step times, loss, error, CSV + figure."

SYNTHETIC_BANNER = ("SYNTHETIC DATA: random images with random labels. Step times are "
                    "meaningful; loss and error are NOT (pass --data PATH for CIFAR-10).")
#: Steps (tracing, compilation) left out of the step-time statistics by default.
DEFAULT_WARMUP = 5
#: Fraction of the last steps averaged for the final loss and error.
FINAL_FRACTION = 0.1


def _optimizer_list(text: str) -> list[str]:
    names = [t.strip() for t in text.split(",") if t.strip()]
    bad = [n for n in names if n not in OPTIMIZERS]
    if bad or not names or len(set(names)) != len(names):
        raise argparse.ArgumentTypeError(
            f"expected distinct names among {','.join(OPTIMIZERS)}, got {text!r}")
    return names


def add_arguments(p: argparse.ArgumentParser) -> None:
    """Flags of ``larscheck resnet``."""
    p.add_argument("--optimizer", type=_optimizer_list, default=["lars", "sgd", "adam"],
                   help="comma-separated: lars, sgd, adam (default all three)")
    p.add_argument("--steps", type=positive_int, default=100)
    p.add_argument("--batch", type=positive_int, default=128)
    p.add_argument("--depth", type=positive_int, default=20, help="6n+2: 8, 20 (default), 56")
    src = p.add_mutually_exclusive_group()
    src.add_argument("--data", metavar="PATH",
                     help="CIFAR-10: cifar-10-python.tar.gz, its extracted folder, or an .npz")
    src.add_argument("--synthetic", action="store_true",
                     help="random CIFAR-shaped data (the default without --data)")
    p.add_argument("--lr", type=float_list, default=None,
                   help="rate(s): one for all, or one per optimizer "
                        "(default lars 0.01, sgd 0.1, adam 0.001)")
    p.add_argument("--schedule", choices=("constant", "poly"), default="constant",
                   help="poly: (1 - k/steps)^2 decay to 0, as in the authors' code")
    p.add_argument("--momentum", type=finite_float, default=0.9, help="SGD and LARS momentum")
    p.add_argument("--trust-coefficient", type=positive_float, default=1.0, help="LARS eta")
    p.add_argument("--epsilon", type=finite_float, default=1e-9, help="LARS epsilon")
    p.add_argument("--switch-threshold", type=finite_float, default=1e-2,
                   help="LARS tau; 0 turns the switch off")
    p.add_argument("--exclude", default="",
                   help="LARS: comma-separated regexes of variables without adaptation")
    p.add_argument("--weight-decay", type=finite_float, default=2e-4, help="L2 loss weight")
    p.add_argument("--warmup", type=int, default=None,
                   help=f"first steps left out of the step-time statistics "
                        f"(default {DEFAULT_WARMUP}, at most --steps minus 1)")
    p.add_argument("--seed", type=seed_int, default=0)
    p.add_argument("--out", type=out_dir, default="out/resnet",
                   help="output folder (default out/resnet)")


def _rates(args) -> list[float]:
    if args.lr is None:
        return [DEFAULT_LR[name] for name in args.optimizer]
    if not args.lr or min(args.lr) <= 0:
        raise UsageError(f"--lr must be > 0, got {args.lr}")
    if len(args.lr) == 1:
        return args.lr * len(args.optimizer)
    if len(args.lr) != len(args.optimizer):
        raise UsageError(f"--lr needs one value or one per optimizer ({len(args.optimizer)}), "
                         f"got {len(args.lr)}")
    return args.lr


def _check(args) -> None:
    blocks_per_stage(args.depth)
    if args.warmup is None:
        args.warmup = min(DEFAULT_WARMUP, args.steps - 1)
    if not 0 <= args.warmup < args.steps:
        raise UsageError(f"--warmup must lie in [0, --steps), got {args.warmup} with "
                         f"--steps {args.steps}")
    if not 0 <= args.momentum < 1:
        raise UsageError(f"--momentum must lie in [0, 1), got {args.momentum}")
    if args.weight_decay < 0 or args.epsilon < 0 or args.switch_threshold < 0:
        raise UsageError("--weight-decay, --epsilon and --switch-threshold must be >= 0")


def _images(args):
    if args.data is not None:
        return load_cifar10(args.data)
    return synthetic_cifar(np.random.default_rng(args.seed), max(4 * args.batch, 512))


def _train(args, name, lr, images, progress):
    """Train one optimizer; returns a dict of per-step arrays."""
    keras = require_keras()
    rate = lr
    if args.schedule == "poly":
        rate = keras.optimizers.schedules.PolynomialDecay(lr, args.steps,
                                                          end_learning_rate=0.0, power=2.0)
    optimizer = make_optimizer(
        name, rate, momentum=args.momentum, trust_coefficient=args.trust_coefficient,
        epsilon=args.epsilon, switch_threshold=args.switch_threshold or None,
        exclude=[e for e in args.exclude.split(",") if e] or None)
    model = compiled_model(args.depth, optimizer, seed=args.seed,
                           weight_decay=args.weight_decay)
    stream = batches(images, args.batch, np.random.default_rng(args.seed + 1))
    rows = np.empty((args.steps, 3))
    for k in range(args.steps):
        rows[k] = timed_step(model, *next(stream))
        progress.update()
    return {"seconds": rows[:, 0], "loss": rows[:, 1], "error": rows[:, 2], "initial_lr": lr}


def _summary(name, rec, warmup) -> dict:
    tail = max(1, round(FINAL_FRACTION * len(rec["loss"])))
    timed = rec["seconds"][warmup:]
    return {"optimizer": name, "learning_rate": rec["initial_lr"],
            "median_step_ms": 1e3 * float(np.median(timed)),
            "mean_step_ms": 1e3 * float(np.mean(timed)),
            "final_loss": float(np.mean(rec["loss"][-tail:])),
            "final_error_percent": 100.0 * float(np.mean(rec["error"][-tail:])),
            "diverged": bool(not np.all(np.isfinite(rec["loss"])))}


def _csv(records) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["optimizer", "step", "seconds", "loss", "error"])
    for name, rec in records.items():
        for k, row in enumerate(zip(rec["seconds"], rec["loss"], rec["error"], strict=True)):
            writer.writerow([name, k, *(f"{v:.6g}" for v in row)])
    return out.getvalue()


#: Runs shorter than this (steps) are drawn with markers.
SHORT_RUN = 30


def _figure(records, summaries, args, synthetic) -> bytes:
    """The PNG of :func:`draw`."""
    fig = draw(records, summaries, args, synthetic)
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=100)
    pyplot().close(fig)
    return buf.getvalue()


def draw(records, summaries, args, synthetic):
    """The figure of a run: loss, error and step time against the step, per optimizer.

    Loss and error are smoothed by a moving average over ``steps // 20`` steps when that
    is at least 2 (raw values otherwise); short runs get markers, so that a run of one
    step still shows its point.
    """
    plt = pyplot()
    window = max(1, args.steps // 20)
    kernel = np.ones(window) / window
    fig, axes = plt.subplots(1, 3, figsize=(14, 4))
    for (name, rec), summ in zip(records.items(), summaries, strict=True):
        steps = np.arange(len(rec["loss"]))
        marker = "o" if len(steps) < SHORT_RUN else None
        smooth = steps[window - 1:]
        for ax, key, scale in ((axes[0], "loss", 1.0), (axes[1], "error", 100.0)):
            ax.plot(smooth, scale * np.convolve(rec[key], kernel, mode="valid"), label=name,
                    marker=marker, ms=4)
        axes[2].plot(steps[args.warmup:], 1e3 * rec["seconds"][args.warmup:], marker=marker,
                     ms=4, label=f"{name} (median {summ['median_step_ms']:.1f} ms)")
    for ax, label in zip(axes, ("train loss", "train error (%)", "step time (ms)"), strict=True):
        ax.set_xlabel("step")
        ax.set_ylabel(label)
        ax.legend()
    smoothing = (f"moving average over {window} steps" if window > 1
                 else "raw values (no smoothing)")
    title = f"ResNet-{args.depth} v2, batch {args.batch}, {smoothing}"
    if args.warmup:
        title += f"; step times after {args.warmup} warm-up steps"
    if synthetic:
        title += "\nSYNTHETIC DATA (loss/error meaningless)"
    fig.suptitle(title)
    fig.tight_layout()
    return fig


def run(args) -> int:
    """Train, print the summary, write steps.csv, summary.json and resnet.png."""
    _check(args)
    rates = _rates(args)
    # Everything that can be checked without TensorFlow (15-40 s to import) is
    # checked first: the options, --out (at parsing) and the data file.
    images = _images(args)
    # TensorFlow's C++ and Python log lines would break the one-line error contract.
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    logging.getLogger("tensorflow").setLevel(logging.ERROR)
    try:
        require_keras()
    except ImportError as exc:
        print(f"larscheck: error: {exc}", file=sys.stderr)
        return 2
    from tqdm import tqdm

    if images.synthetic:
        print(SYNTHETIC_BANNER, flush=True)
    print(f"ResNet-{args.depth} v2, batch {args.batch}, {args.steps} steps, data: "
          f"{images.source} ({len(images)} images)", flush=True)
    records = {}
    with tqdm(total=args.steps * len(args.optimizer), disable=not sys.stderr.isatty(),
              desc="resnet") as progress:
        for name, lr in zip(args.optimizer, rates, strict=True):
            records[name] = _train(args, name, lr, images, progress)
    summaries = [_summary(name, rec, args.warmup) for name, rec in records.items()]
    print(f"{'optimizer':<10}{'lr':>10}{'median ms':>11}{'mean ms':>10}"
          f"{'final loss':>12}{'final error %':>15}")
    for s in summaries:
        print(f"{s['optimizer']:<10}{s['learning_rate']:>10.4g}{s['median_step_ms']:>11.1f}"
              f"{s['mean_step_ms']:>10.1f}{s['final_loss']:>12.4f}"
              f"{s['final_error_percent']:>15.2f}")
    out = Path(args.out)
    atomic_write_text(out / "steps.csv", _csv(records))
    write_json(out / "summary.json", {
        "versions": versions("keras", "tensorflow", "tensorflow-cpu"),
        "synthetic": images.synthetic, "data": images.source, "depth": args.depth,
        "batch": args.batch, "steps": args.steps, "warmup": args.warmup,
        "schedule": args.schedule, "summary": summaries,
        "inputs": {k: v for k, v in vars(args).items() if not k.startswith("_")},
    })
    atomic_write_bytes(out / "resnet.png", _figure(records, summaries, args, images.synthetic))
    print(f"wrote {out / 'steps.csv'}, {out / 'summary.json'}, {out / 'resnet.png'}")
    if images.synthetic:
        print(SYNTHETIC_BANNER)
    return 0

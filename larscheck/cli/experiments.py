"""``larscheck experiments fig1|svm|logreg|all``: rerun the paper's experiments.

Writes into ``--out``: ``<exp>_curves.csv`` (tidy), ``<exp>_claims.md`` and
``<exp>_claims.json``, and the figures ``fig1.png/.pdf`` and
``fig2.png/.pdf`` (one row per convex experiment run); prints the claims
tables and the wall time.

This command lives in :mod:`larscheck.proofs_check` because it joins the two
halves: the experiments of :mod:`larscheck.sims` and, for Figure 1, the region
predicted by :mod:`larscheck.theory` (Theorem 1's ``D`` for a start at ``x*``,
``R + lambda (R + ||x*||)`` with the tight cos bound), drawn and checked
against the measured oscillation radius.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from larscheck.cli.args import UsageError, finite_float, positive_float, positive_int, seed_int
from larscheck.sims.experiments import fig1, logreg, svm
from larscheck.sims.experiments.data import MissingExtraError, save_npz
from larscheck.sims.experiments.report import claims_json, claims_markdown, write_result
from larscheck.sims.output import write_json

NAME = "experiments"
HELP = "Rerun the paper's Figure 1 and Figure 2 experiments and check their claims."
EXPERIMENTS = ("fig1", "svm", "logreg", "all")


def _non_negative(text: str) -> float:
    value = finite_float(text)
    if value < 0:
        raise argparse.ArgumentTypeError(f"must be >= 0, got {text!r}")
    return value


def add_arguments(p: argparse.ArgumentParser) -> None:
    """Flags of ``larscheck experiments``."""
    p.add_argument("experiment", choices=EXPERIMENTS)
    p.add_argument("--data", metavar="PATH",
                   help="MNIST for logreg: a folder with the IDX training files (gzipped or "
                        "not) or an .npz with x_train/y_train (default: scikit-learn digits)")
    p.add_argument("--seeds", type=positive_int, default=5, help="seeds per method (default 5)")
    p.add_argument("--seed", type=seed_int, default=0, help="base seed (data, starts, batch order)")
    p.add_argument("--epochs", type=positive_int, default=None,
                   help=f"epochs (default svm {svm.EPOCHS}, logreg {logreg.EPOCHS})")
    p.add_argument("--steps", type=positive_int, default=fig1.STEPS,
                   help=f"fig1 iterations (default {fig1.STEPS})")
    p.add_argument("--dim", type=positive_int, default=svm.DIM, help="svm data dimension")
    p.add_argument("--svm-alpha", type=_non_negative, default=svm.ALPHA,
                   help=f"L1 penalty on the SVM weights (default {svm.ALPHA:g})")
    p.add_argument("--logreg-alpha", type=_non_negative, default=logreg.ALPHA,
                   help=f"L2 penalty of the logistic problem, > 0 (default {logreg.ALPHA:g})")
    p.add_argument("--svm-init", type=positive_float, default=svm.INIT_SCALE,
                   help=f"standard deviation of the SVM starts (default {svm.INIT_SCALE:g})")
    p.add_argument("--logreg-init", type=positive_float, default=logreg.INIT_SCALE,
                   help=f"standard deviation of the logistic starts "
                        f"(default {logreg.INIT_SCALE:g})")
    p.add_argument("--out", metavar="DIR", default="experiments-out",
                   help="folder for CSV, claims and figures (default experiments-out)")
    p.add_argument("--json", metavar="PATH", help="claims as JSON ('-' = stdout)")
    p.add_argument("--save-data", metavar="PATH",
                   help="write the exact data set to an .npz (X, y); with 'all', one file per "
                        "experiment, PATH's stem + _svm / _logreg")
    p.add_argument("--no-plots", action="store_true", help="skip the figures")


def _save_paths(args, names: list[str]) -> dict[str, Path]:
    if not args.save_data:
        return {}
    data_names = [n for n in names if n != "fig1"]
    if not data_names:
        raise UsageError("--save-data: fig1 uses no data set")
    path = Path(args.save_data)
    if len(data_names) == 1:
        return {data_names[0]: path}
    return {n: path.with_name(f"{path.stem}_{n}{path.suffix or '.npz'}") for n in data_names}


def _predicted_region(mu: float, L: float, lam: float, xstar_norm: float) -> float:
    """Radius around ``x*`` that LARS with fixed ``lam`` never leaves once inside (theory)."""
    from larscheck.theory.bounds import ProblemConstants, theorem1_D  # SymPy: only for Figure 1

    problem = ProblemConstants(mu=mu, L=L, xstar_norm=xstar_norm, dist0=0.0)
    return float(theorem1_D(lam, problem, variant="tight"))


def _run_one(name: str, args):
    if name == "fig1":
        return fig1.run(steps=args.steps, predicted=_predicted_region,
                        predicted_source="Theorem 1's D from x*, tight cos bound")
    if name == "svm":
        return svm.run(seeds=args.seeds, seed=args.seed, dim=args.dim,
                       epochs=args.epochs or svm.EPOCHS, alpha=args.svm_alpha,
                       init_scale=args.svm_init)
    if args.logreg_alpha <= 0:
        raise UsageError("--logreg-alpha must be > 0 (it certifies f*)")
    try:
        return logreg.run(data=args.data, seeds=args.seeds, seed=args.seed,
                          epochs=args.epochs or logreg.EPOCHS, alpha=args.logreg_alpha,
                          init_scale=args.logreg_init)
    except MissingExtraError as exc:
        raise UsageError(str(exc)) from None


def run(args) -> int:
    """Run the chosen experiments, write their files, print the claims tables."""
    names = ["fig1", "svm", "logreg"] if args.experiment == "all" else [args.experiment]
    if args.data and "logreg" not in names:
        raise UsageError("--data is used only by logreg (and all)")
    if args.data and not Path(args.data).exists():
        raise UsageError(f"--data: {args.data}: no such file or folder")
    saves = _save_paths(args, names)
    out = Path(args.out)
    quiet = args.json == "-"
    results = []
    for name in names:
        start = time.perf_counter()
        result = _run_one(name, args)
        results.append(result)
        written = write_result(result, out)
        if name in saves:
            written.append(save_npz(saves[name], *result.data))
        if not quiet:
            print(claims_markdown(result))
            print(f"{name}: {time.perf_counter() - start:.1f} s; wrote "
                  + ", ".join(str(p) for p in written) + "\n")
    if not args.no_plots:
        from larscheck.sims.experiments import plots

        written = []
        if "fig1" in names:
            written += plots.save(plots.figure1(results[names.index("fig1")]), out / "fig1")
        convex = [r for r in results if r.experiment != "fig1"]
        if convex:
            written += plots.save(plots.figure2(convex), out / "fig2")
        if not quiet:
            print("figures: " + ", ".join(str(p) for p in written))
    if args.json:
        write_json(args.json, claims_json(results))
    return 0

"""Figure 2 (left): a linear SVM with the hinge loss on separable data.

The paper (§6.2.1): 1,000 linearly separable points, hinge loss, full batch
and mini-batches of 100; rates SGD 0.01, Adam 0.1, LARS 0.1, and LARS
decaying polynomially (power 2) from 0.1 to 0.

**Regularisation.** Without a penalty the hinge loss of separable data has
``f* = 0``, attained by every separator with margin >= 1, an unbounded cone
of minimisers: ``f - f*`` is then just the training loss, "the same
optimum" says nothing, and a fixed-rate method can stop exactly at 0. The
paper most likely followed the TensorFlow linear-SVM recipe of its time,
``mean(max(0, 1 - y (w.x + b))) + 0.01 |w|^2`` (an L2 penalty: a quadratic
program). We use the same weight with an **L1** penalty,
``f = mean hinge + 0.01 |w|_1`` (bias not penalised): it too makes the
optimum bounded and ``f* > 0`` meaningful, and it keeps the problem a linear
program whose optimum HiGHS certifies by a primal-dual pair (no QP solver is
available in scipy). ``alpha = 0`` (``--svm-alpha 0``) runs the unpenalised
problem.

**Start.** Each seed starts from ``w, b ~ N(0, 1)`` (TensorFlow's
``random_normal`` initialisers of that recipe); LARS is the authors' version
(``eps = 1e-9``, plain step when a block norm is below ``tau = 0.01``), so it
also leaves a zero bias.
"""

from __future__ import annotations

import numpy as np

from larscheck.sims.experiments import claims
from larscheck.sims.experiments.data import separable_data
from larscheck.sims.experiments.losses import Hinge
from larscheck.sims.experiments.optimum import hinge_optimum
from larscheck.sims.experiments.report import Result
from larscheck.sims.experiments.runner import initial_points, paper_methods, run_methods

#: The paper's rates (§6.2.1).
RATES = {"sgd": 0.01, "adam": 0.1, "lars": 0.1}
N_POINTS = 1000
BATCH_SIZE = 100
EPOCHS = 500
ALPHA = 0.01
INIT_SCALE = 1.0
DIM = 2


def run(*, seeds: int = 5, seed: int = 0, dim: int = DIM, n: int = N_POINTS,
        epochs: int = EPOCHS, batch_size: int = BATCH_SIZE, alpha: float = ALPHA,
        init_scale: float = INIT_SCALE, progress: bool | None = None) -> Result:
    """Train SGD, Adam, LARS and decaying LARS on seeded separable data; check the claims."""
    X, y = separable_data(np.random.default_rng(seed), n=n, dim=dim)
    loss = Hinge(X, y, alpha=alpha)
    opt = hinge_optimum(loss)
    x0 = initial_points(seed, seeds, loss.dim, init_scale)
    curves = run_methods("svm", loss, paper_methods(**RATES), x0, epochs, batch_size,
                         opt.fstar, seed=seed, progress=progress)
    curves.info = {"data": f"separable_data(n={n}, dim={dim}, seed={seed})", "seeds": seeds,
                   "epochs": epochs, "batch_size": batch_size, "alpha (L1 on w)": alpha,
                   "rates": RATES, "init": f"N(0, {init_scale:g}^2)"}
    found = [
        claims.all_reach_optimum(curves),
        claims.faster(curves, [("LARS", "SGD"), ("LARS", "Adam")],
                      "LARS converges faster than SGD and Adam"),
        claims.initial_spike(curves),
        claims.fixed_vs_decaying(curves, behaviour="oscillates"),
    ]
    return Result(curves, found, opt.to_dict(), data=(X, y))

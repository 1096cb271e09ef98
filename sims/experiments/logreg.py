"""Figure 2 (right): multinomial logistic regression on digits.

The paper (§6.2.2): MNIST, 60,000 training images, full batch and
mini-batches of 10,000; rates SGD 0.5, Adam 0.001, LARS 0.05, plus LARS
decaying to 0. Default data here: the 8x8 digits that scikit-learn ships
(the ``data`` extra), the seeded 6/7 training split, mini-batches of a sixth
of it (as 10,000 of 60,000). With ``data`` given (MNIST files, see
:func:`larscheck.sims.experiments.data.load_mnist`) the paper's setting is
used as is.

**Regularisation.** ``f = mean cross-entropy + (alpha/2) |x|^2`` with
``alpha = 1e-3`` on weights and biases. The 8x8 digits are linearly
separable, so without a penalty ``f* = 0`` is never attained (the weights
would grow without bound); the penalty makes ``f`` ``alpha``-strongly convex,
so ``f*`` exists and L-BFGS's final gradient certifies it,
``f - f* <= |grad f|^2 / (2 alpha)``.

**Start.** Each seed starts from ``N(0, 0.01^2)`` weights and biases (a
small random start; the TensorFlow MNIST recipe's zero start would leave
plain LARS at the origin forever, and the authors' switch to plain steps
below ``tau = 0.01`` handles that too).
"""

from __future__ import annotations

from larscheck.sims.experiments import claims
from larscheck.sims.experiments.data import load_digits_split, load_mnist
from larscheck.sims.experiments.losses import Softmax
from larscheck.sims.experiments.optimum import softmax_optimum
from larscheck.sims.experiments.report import Result
from larscheck.sims.experiments.runner import initial_points, paper_methods, run_methods

#: The paper's rates (§6.2.2).
RATES = {"sgd": 0.5, "adam": 0.001, "lars": 0.05}
EPOCHS = 200
ALPHA = 1e-3
INIT_SCALE = 0.01
#: Mini-batches per epoch: 60,000 / 10,000 in the paper.
BATCHES_PER_EPOCH = 6


def run(*, data: str | None = None, seeds: int = 5, seed: int = 0, epochs: int = EPOCHS,
        batch_size: int | None = None, alpha: float = ALPHA,
        init_scale: float = INIT_SCALE, progress: bool | None = None) -> Result:
    """Train SGD, Adam, LARS and decaying LARS; check the claims.

    ``data``: path of MNIST files (IDX folder or ``.npz``); ``None``: the digits.
    ``batch_size``: default a sixth of the training set.
    """
    if data is None:
        X, labels = load_digits_split(seed)
        source = f"scikit-learn digits, training split {len(labels)} of 1797 (seed {seed})"
    else:
        X, labels = load_mnist(data)
        source = f"MNIST from {data} ({len(labels)} images)"
    loss = Softmax(X, labels, classes=10, alpha=alpha)
    opt = softmax_optimum(loss)
    if batch_size is None:
        batch_size = -(-len(labels) // BATCHES_PER_EPOCH)
    x0 = initial_points(seed, seeds, loss.dim, init_scale)
    curves = run_methods("logreg", loss, paper_methods(**RATES), x0, epochs, batch_size,
                         opt.fstar, seed=seed, progress=progress)
    curves.info = {"data": source, "seeds": seeds, "epochs": epochs, "batch_size": batch_size,
                   "alpha (L2 on all parameters)": alpha, "rates": RATES,
                   "init": f"N(0, {init_scale:g}^2)"}
    found = [
        claims.all_reach_optimum(curves),
        claims.faster(curves, [("SGD", "LARS"), ("LARS", "Adam")],
                      "LARS is slower than SGD but faster than Adam"),
        claims.fixed_vs_decaying(curves, behaviour="drifts away"),
    ]
    return Result(curves, found, opt.to_dict(), data=(X, labels))

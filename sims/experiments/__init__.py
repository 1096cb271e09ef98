"""The paper's experiments: Figure 1 (2-D quadratic) and Figure 2 (SVM, logistic regression).

- :mod:`.fig1`: LARS vs gradient descent (and decaying LARS) on a 2-D quadratic;
- :mod:`.svm`: hinge loss on separable data, with ``f*`` from a linear program;
- :mod:`.logreg`: multinomial logistic regression on digits or MNIST, ``f*`` by L-BFGS;
- :mod:`.claims`: each qualitative claim of the paper as a check that can fail;
- :mod:`.runner`: full- and mini-batch training with :mod:`larscheck.sims.rules`;
- :mod:`.data`, :mod:`.losses`, :mod:`.optimum`, :mod:`.report`, :mod:`.plots`.

The command ``larscheck experiments`` is :mod:`larscheck.cli.experiments`.

Each ``run`` returns a :class:`~.report.Result` (curves, claims, optimum, data).
"""

from larscheck.sims.experiments import claims, fig1, logreg, svm
from larscheck.sims.experiments.data import (
    load_digits_split,
    load_mnist,
    read_idx,
    save_npz,
    separable_data,
)
from larscheck.sims.experiments.losses import Hinge, Softmax
from larscheck.sims.experiments.optimum import Optimum, hinge_optimum, softmax_optimum
from larscheck.sims.experiments.report import Result
from larscheck.sims.experiments.runner import PAPER_LARS, Curves, Method, paper_methods, train

__all__ = [
    "PAPER_LARS",
    "Curves",
    "Hinge",
    "Method",
    "Optimum",
    "Result",
    "Softmax",
    "claims",
    "fig1",
    "hinge_optimum",
    "load_digits_split",
    "load_mnist",
    "logreg",
    "paper_methods",
    "read_idx",
    "save_npz",
    "separable_data",
    "softmax_optimum",
    "svm",
    "train",
]

"""The Keras LARS optimizer against the NumPy reference rule ``larscheck.sims.rules.LARS``.

Keras runs in float32, the reference in float64, so the two trajectories differ
by rounding only. Tolerance: one float32 LARS step evaluates two norms (tree
reductions), one division and a handful of multiply-adds per element, each
good to about one ulp of its operands, so it adds at most ``STEP_ULPS`` ulps
(relative to the block's norm) to the difference of the iterates; the
differences add up over the steps (the maps here are not expansive by more
than a factor close to 1 over so few steps). The bound checked is therefore
``steps * STEP_ULPS * eps32 * max_k ||w_k||`` per block. A wrong formula
(a missing ``beta ||w||``, the rate outside the velocity, a switch that does
not fire) moves the iterates by ``O(lambda)`` relative, thousands of times
more; :func:`test_every_option_is_visible_at_the_tolerance` checks that for
each option switched on.
"""

from __future__ import annotations

import itertools
import os

import numpy as np
import pytest

os.environ.setdefault("KERAS_BACKEND", "tensorflow")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
keras = pytest.importorskip("keras")
tf = pytest.importorskip("tensorflow")

from keras import ops  # noqa: E402

from larscheck.sims import rules  # noqa: E402
from larscheck.sims.blocks import Blocks  # noqa: E402
from larscheck.sims.keras.lars import LARS  # noqa: E402
from larscheck.sims.problems import Quadratic, random_orthogonal  # noqa: E402
from larscheck.sims.schedules import PolynomialDecay  # noqa: E402
from larscheck.sims.simulate import simulate  # noqa: E402

EPS32 = float(np.finfo(np.float32).eps)
#: float32 rounding budget of one step, in ulps of the block norm (see the module docstring).
STEP_ULPS = 8
#: An option counts as visible when it moves the reference by this many tolerances.
VISIBLE = 100.0
#: The switch ``||w|| < tau`` must not be decided within this relative margin of tau,
#: else float32 and float64 could take different branches (a precondition of the test).
SWITCH_MARGIN = 1e-3

LAM = 0.05
STEPS = 25
TAU = 0.05

# Quadratic test: three variables (blocks): a matrix, a vector that the exclusion
# targets, and a vector that starts at zero (only the switch lets it move).
SHAPES = {"kernel": (3, 4), "bias": (5,), "offset": (2,)}
SIZES = tuple(int(np.prod(s)) for s in SHAPES.values())
EXCLUDE = "bias"

OPTIONS = ("momentum", "weight_decay", "epsilon", "switch_threshold", "exclude")
ON = {"momentum": 0.9, "weight_decay": 0.5, "epsilon": 2.0, "switch_threshold": TAU,
      "exclude": True}
OFF = {"momentum": 0.0, "weight_decay": 0.0, "epsilon": 0.0, "switch_threshold": None,
       "exclude": False}
COMBINATIONS = [
    {k: (ON if flag else OFF)[k] for k, flag in zip(OPTIONS, flags, strict=True)}
    for flags in itertools.product((False, True), repeat=len(OPTIONS))
]


def _combo_id(combo) -> str:
    on = [k for k in OPTIONS if combo[k] != OFF[k]]
    return "+".join(on) or "plain"


def _reference_rule(combo, adapt, nesterov=False) -> rules.LARS:
    return rules.LARS(
        trust_coefficient=1.0, eps=combo["epsilon"], switch_threshold=combo["switch_threshold"],
        weight_decay=combo["weight_decay"], momentum=combo["momentum"], nesterov=nesterov,
        adapt=adapt,
    )


def _keras_optimizer(combo, lr=LAM, nesterov=False, exclude=EXCLUDE) -> LARS:
    return LARS(
        learning_rate=lr, momentum=combo["momentum"], weight_decay=combo["weight_decay"],
        trust_coefficient=1.0, epsilon=combo["epsilon"],
        switch_threshold=combo["switch_threshold"],
        exclude_from_layer_adaptation=exclude if combo["exclude"] else None, nesterov=nesterov,
    )


def _block_norms(x: np.ndarray, sizes) -> np.ndarray:
    """Per-block norms of iterates ``x`` (shape (..., n)) -> (..., n_blocks)."""
    return np.stack([np.linalg.norm(b, axis=-1) for b in np.split(x, np.cumsum(sizes)[:-1], -1)],
                    axis=-1)


def _check_close(keras_x, ref_x, ref_path, sizes, steps):
    """Every block of ``keras_x`` within the float32 budget of ``ref_x``."""
    scale = _block_norms(ref_path, sizes).max(axis=0)
    err = _block_norms(keras_x - ref_x, sizes)
    tol = steps * STEP_ULPS * EPS32 * scale
    assert np.all(err <= tol), f"block errors {err} exceed float32 budget {tol}"


def _check_switch_margin(path, sizes, tau):
    if tau is None:
        return
    rel = np.abs(_block_norms(path, sizes) / tau - 1.0)
    assert rel.min() > SWITCH_MARGIN, "test setup: a block norm sits on the switch threshold"


@pytest.fixture(scope="module")
def quadratic():
    """A float32-exact quadratic on R^19 (eigenvalues 1..10, rotated) and its start."""
    rng = np.random.default_rng(7)
    n = sum(SIZES)
    basis = random_orthogonal(rng, 1, n)[0]
    eigs = np.linspace(1.0, 10.0, n)
    A = ((basis * eigs) @ basis.T).astype(np.float32)
    A = (A + A.T) / 2
    xstar = rng.standard_normal(n).astype(np.float32)
    x0 = np.concatenate([3.0 * rng.standard_normal(SIZES[0]), 2.0 * rng.standard_normal(SIZES[1]),
                         np.zeros(SIZES[2])]).astype(np.float32)
    return A, xstar, x0


def _run_reference_quadratic(quadratic, rule, steps, schedule):
    A, xstar, x0 = quadratic
    prob = Quadratic.from_matrix(A.astype(np.float64), xstar.astype(np.float64))
    traj = simulate(prob, rule, x0.astype(np.float64), steps, schedule, blocks=SIZES,
                    record_path=True)
    return traj.final_x[0], traj.path[:, 0, :]


def _run_keras_quadratic(quadratic, opt, steps):
    A, xstar, x0 = quadratic
    offsets = np.cumsum((0, *SIZES))
    spans = list(itertools.pairwise(offsets))
    variables = [keras.Variable(x0[a:b].reshape(shape), name=name)
                 for (name, shape), (a, b) in zip(SHAPES.items(), spans, strict=True)]
    A_t, xstar_t = ops.convert_to_tensor(A), ops.convert_to_tensor(xstar)
    for _ in range(steps):
        x = ops.concatenate([ops.reshape(v, (-1,)) for v in variables])
        g = ops.matmul(A_t, x - xstar_t)
        opt.apply([ops.reshape(g[a:b], v.shape)
                   for v, (a, b) in zip(variables, spans, strict=True)], variables)
    return np.concatenate([np.ravel(v.numpy()) for v in variables]).astype(np.float64)


def _adapt(combo):
    return tuple(not (combo["exclude"] and name == EXCLUDE) for name in SHAPES)


@pytest.mark.parametrize("combo", COMBINATIONS, ids=_combo_id)
def test_quadratic_matches_reference(quadratic, combo):
    ref_x, path = _run_reference_quadratic(quadratic, _reference_rule(combo, _adapt(combo)),
                                           STEPS, LAM)
    _check_switch_margin(path, SIZES, combo["switch_threshold"])
    keras_x = _run_keras_quadratic(quadratic, _keras_optimizer(combo), STEPS)
    _check_close(keras_x, ref_x, path, SIZES, STEPS)


@pytest.mark.parametrize("combo", COMBINATIONS, ids=_combo_id)
def test_every_option_is_visible_at_the_tolerance(quadratic, combo):
    """Switching any one option off moves the reference far beyond the tolerance."""
    ref_x, path = _run_reference_quadratic(quadratic, _reference_rule(combo, _adapt(combo)),
                                           STEPS, LAM)
    tol = STEPS * STEP_ULPS * EPS32 * _block_norms(path, SIZES).max(axis=0)
    for option in OPTIONS:
        if combo[option] == OFF[option]:
            continue
        other = dict(combo, **{option: OFF[option]})
        other_x, _ = _run_reference_quadratic(quadratic, _reference_rule(other, _adapt(other)),
                                              STEPS, LAM)
        moved = _block_norms(other_x - ref_x, SIZES)
        assert np.any(moved > VISIBLE * tol), f"{option} is invisible at the tolerance"


@pytest.mark.parametrize("combo", [COMBINATIONS[-1], dict(ON, weight_decay=0.0, exclude=False)],
                         ids=_combo_id)
def test_nesterov_matches_reference(quadratic, combo):
    rule = _reference_rule(combo, _adapt(combo), nesterov=True)
    ref_x, path = _run_reference_quadratic(quadratic, rule, STEPS, LAM)
    _check_switch_margin(path, SIZES, combo["switch_threshold"])
    keras_x = _run_keras_quadratic(quadratic, _keras_optimizer(combo, nesterov=True), STEPS)
    _check_close(keras_x, ref_x, path, SIZES, STEPS)


def test_schedule_matches_reference(quadratic):
    """A Keras PolynomialDecay(power 2, to 0) is the reference's PolynomialDecay."""
    combo = COMBINATIONS[-1]
    ref_x, path = _run_reference_quadratic(quadratic, _reference_rule(combo, _adapt(combo)),
                                           STEPS, PolynomialDecay(0.2, STEPS, power=2.0))
    lr = keras.optimizers.schedules.PolynomialDecay(0.2, STEPS, end_learning_rate=0.0, power=2.0)
    keras_x = _run_keras_quadratic(quadratic, _keras_optimizer(combo, lr=lr), STEPS)
    _check_close(keras_x, ref_x, path, SIZES, STEPS)


# --- a small model: hidden Dense + BatchNorm + head, the same gradients fed to both ---

MODEL_STEPS = 8
MODEL_EXCLUDE = ["norm", "head/bias"]
#: Switch threshold for the model: the zero-initialised biases cross it, away from any step.
MODEL_TAU = 0.03
#: Which trainable variable (in model order) the exclusion above leaves adaptive.
MODEL_ADAPT = {"hidden/kernel": True, "hidden/bias": True, "norm/gamma": False,
               "norm/beta": False, "head/kernel": True, "head/bias": False}


def _small_model(seed):
    keras.utils.set_random_seed(seed)
    return keras.Sequential([
        keras.Input((6,)),
        keras.layers.Dense(5, activation="relu", name="hidden"),
        keras.layers.BatchNormalization(name="norm"),
        keras.layers.Dense(3, name="head"),
    ])


@pytest.fixture(scope="module")
def batch():
    rng = np.random.default_rng(3)
    x = rng.standard_normal((16, 6)).astype(np.float32)
    return x, rng.integers(0, 3, size=16)


@pytest.mark.parametrize("combo", COMBINATIONS, ids=_combo_id)
def test_small_model_matches_reference(batch, combo):
    """Each step feeds the same Keras gradients to the optimizer and to the reference."""
    if combo["switch_threshold"] is not None:
        combo = dict(combo, switch_threshold=MODEL_TAU)
    model = _small_model(11)
    variables = model.trainable_variables
    assert [v.path.split("/", 1)[1] for v in variables] == list(MODEL_ADAPT)
    sizes = [int(np.prod(v.shape)) for v in variables]
    adapt = tuple(MODEL_ADAPT.values()) if combo["exclude"] else None
    rule = _reference_rule(combo, adapt)
    blocks = Blocks(sum(sizes), sizes)
    opt = _keras_optimizer(combo, lr=0.1, exclude=MODEL_EXCLUDE)
    loss_fn = keras.losses.SparseCategoricalCrossentropy(from_logits=True)
    x_ref = np.concatenate([v.numpy().ravel() for v in variables])[None, :].astype(np.float64)
    state = rule.init(x_ref, blocks)
    path = [x_ref[0].copy()]
    for _ in range(MODEL_STEPS):
        with tf.GradientTape() as tape:
            loss = loss_fn(batch[1], model(batch[0], training=True))
        grads = tape.gradient(loss, variables)
        g = np.concatenate([gr.numpy().ravel() for gr in grads])[None, :].astype(np.float64)
        rule.apply(x_ref, g, 0.1, state, blocks)
        opt.apply(grads, variables)
        path.append(x_ref[0].copy())
    expected_adapt = list(MODEL_ADAPT.values()) if combo["exclude"] else [True] * len(sizes)
    assert [opt.adapts(v) for v in variables] == expected_adapt
    path = np.array(path)
    _check_switch_margin(path, sizes, combo["switch_threshold"])
    keras_x = np.concatenate([v.numpy().ravel() for v in variables]).astype(np.float64)
    _check_close(keras_x, x_ref[0], path, sizes, MODEL_STEPS)


# --- degenerate blocks, Keras integration, serialisation, validation ---

@pytest.mark.parametrize("w0, g0", [(0.0, 0.0), (0.0, 1.0), (1.0, 0.0)],
                         ids=["zero-w-zero-g", "zero-w", "zero-g"])
@pytest.mark.parametrize("combo", [OFF, ON], ids=_combo_id)
def test_degenerate_blocks_give_the_reference_step(w0, g0, combo):
    """Zero weights or gradients: a finite step, equal to the reference's (0 or lambda g)."""
    w = keras.Variable(np.full(4, w0, np.float32), name="w")
    opt = _keras_optimizer(combo, exclude="nothing-matches")
    opt.apply([ops.full((4,), g0)], [w])
    x = np.full((1, 4), w0)
    rule = _reference_rule(combo, None)
    rule.apply(x, np.full((1, 4), g0), LAM, rule.init(x, Blocks(4)), Blocks(4))
    assert np.all(np.isfinite(w.numpy()))
    np.testing.assert_allclose(w.numpy(), x[0], rtol=4 * EPS32, atol=4 * EPS32)


def _fit_model():
    model = _small_model(5)
    model.compile(
        optimizer=LARS(0.05, momentum=0.9, weight_decay=1e-3, epsilon=1e-9, switch_threshold=1e-2,
                       exclude_from_layer_adaptation=["norm"], nesterov=True),
        loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
        jit_compile=True,
    )
    return model


def test_fit_save_load_and_resume(batch, tmp_path):
    """compile + fit work; a .keras round trip keeps the config and the velocities.

    The original trains under XLA (as on a GPU, where Keras's ``jit_compile="auto"``
    picks it), the loaded copy resumes without: both take the same step.
    """
    x, y = batch
    model = _fit_model()
    model.fit(x, y, batch_size=8, epochs=2, verbose=0, shuffle=False)
    path = tmp_path / "m.keras"
    model.save(path)
    loaded = keras.models.load_model(path)
    loaded.jit_compile = False
    assert isinstance(loaded.optimizer, LARS)
    assert loaded.optimizer.get_config() == model.optimizer.get_config()
    for a, b in zip(model.optimizer.variables, loaded.optimizer.variables, strict=True):
        np.testing.assert_array_equal(a.numpy(), b.numpy())
    model.fit(x, y, batch_size=8, epochs=1, verbose=0, shuffle=False)
    loaded.fit(x, y, batch_size=8, epochs=1, verbose=0, shuffle=False)
    for a, b in zip(model.trainable_variables, loaded.trainable_variables, strict=True):
        np.testing.assert_allclose(a.numpy(), b.numpy(), rtol=STEP_ULPS * EPS32, atol=1e-6)


def test_config_round_trip_with_schedule():
    lr = keras.optimizers.schedules.PolynomialDecay(0.1, 100, end_learning_rate=0.0, power=2.0)
    opt = LARS(lr, momentum=0.5, switch_threshold=0.01, exclude_from_layer_adaptation="bias")
    again = keras.optimizers.deserialize(keras.optimizers.serialize(opt))
    assert isinstance(again, LARS)
    assert again.get_config() == opt.get_config()


@pytest.mark.parametrize("kwargs, error", [
    ({"momentum": 1.0}, ValueError),
    ({"momentum": -0.1}, ValueError),
    ({"weight_decay": -1.0}, ValueError),
    ({"trust_coefficient": 0.0}, ValueError),
    ({"epsilon": float("nan")}, ValueError),
    ({"switch_threshold": 0.0}, ValueError),
    ({"exclude_from_layer_adaptation": "("}, ValueError),
    ({"exclude_from_layer_adaptation": [3]}, TypeError),
    ({"nesterov": "yes"}, TypeError),
])
def test_bad_arguments_name_the_argument(kwargs, error):
    with pytest.raises(error, match=next(iter(kwargs))):
        LARS(**kwargs)

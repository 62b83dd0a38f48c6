"""The perceptron against deck 003's OR table, truth tables, XOR and the convergence theorem;
McCulloch-Pitts against its slide rule."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.base import clone
from sklearn.exceptions import ConvergenceWarning
from sklearn.utils.estimator_checks import parametrize_with_checks

from helpers.slides import SLIDE_OR_TABLE
from profond.classic import McCullochPitts, Perceptron

INPUTS = np.array([[0, 0], [0, 1], [1, 0], [1, 1]])
OR = np.array([0, 1, 1, 1])
AND = np.array([0, 0, 0, 1])
NAND = 1 - AND
XOR = np.array([0, 1, 1, 0])


def _row(step):
    return (tuple(step.x), tuple(step.w_before), step.y, step.t, tuple(step.w_after))


def test_or_trace_matches_the_slides_row_by_row():
    model = Perceptron(lr=1.0, init_weights=[0, 1, 0]).fit(INPUTS, OR)
    rows = [_row(step) for step in model.trace_]
    assert rows[:len(SLIDE_OR_TABLE)] == SLIDE_OR_TABLE
    # Epoch 3 is the first without an update, so training ends after its 4 examples.
    assert len(rows) == 12 and model.n_iter_ == 3 and model.converged_
    assert all(not step.updated for step in model.trace_[8:])
    assert sum(step.updated for step in model.trace_) == 2
    assert [step.epoch for step in model.trace_] == [1] * 4 + [2] * 4 + [3] * 4
    assert model.intercept_ == 0 and model.coef_.tolist() == [1, 1]
    assert model.predict(INPUTS).tolist() == OR.tolist()


@pytest.mark.parametrize("target", [AND, NAND, OR], ids=["and", "nand", "or"])
def test_learns_the_linearly_separable_truth_tables(target):
    model = Perceptron().fit(INPUTS, target)
    assert model.converged_
    assert model.predict(INPUTS).tolist() == target.tolist()
    assert model.score(INPUTS, target) == 1.0


def test_xor_does_not_converge_and_stops_at_max_epochs():
    with pytest.warns(ConvergenceWarning, match="max_epochs=7"):
        model = Perceptron(max_epochs=7).fit(INPUTS, XOR)
    assert not model.converged_ and model.n_iter_ == 7
    assert len(model.trace_) == 7 * 4
    assert model.score(INPUTS, XOR) < 1.0


def test_output_is_zero_when_w_dot_x_is_exactly_zero():
    # With w = (0, 1, -1), the input (1, 1) gives w.x = 0: the slides' rule is strict, so y = 0.
    model = Perceptron(init_weights=[0, 1, -1], max_epochs=1)
    with pytest.warns(ConvergenceWarning):
        model.fit(np.array([[1.0, 1.0]]), np.array([1]))
    first = model.trace_[0]
    assert first.y == 0 and first.w_after.tolist() == [1, 2, 0]


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 10_000), n=st.integers(2, 30), dims=st.integers(1, 4),
       lr=st.sampled_from([0.1, 1.0, 2.5]), shuffle=st.booleans())
def test_every_step_follows_the_rule_and_separable_data_converges(seed, n, dims, lr, shuffle):
    rng = np.random.default_rng(seed)
    X = rng.uniform(-1, 1, size=(n, dims))
    w_true = rng.normal(size=dims + 1)
    score = X @ w_true[1:] + w_true[0]
    # A margin of 0.1 ||w||: by the convergence theorem at most |x|^2 / 0.1^2 <= 500 updates.
    keep = np.abs(score) > 0.1 * np.linalg.norm(w_true)
    X, t = X[keep], (score[keep] > 0).astype(int)
    if len(X) == 0:
        return
    model = Perceptron(lr=lr, max_epochs=501, shuffle=shuffle, random_state=seed).fit(X, t)
    for step in model.trace_:
        assert step.y == int(step.w_before @ step.x > 0)
        np.testing.assert_allclose(step.w_after, step.w_before + lr * (step.t - step.y) * step.x)
        np.testing.assert_array_equal(step.x, np.r_[1.0, X[step.index]])
    assert model.converged_ and model.score(X, t) == 1.0


def test_bad_arguments_name_what_was_expected():
    with pytest.raises(ValueError,
                       match=r"init_weights: expected 3 values \(w0, w1, \.\.\., w2\); got 2"):
        Perceptron(init_weights=[0, 1]).fit(INPUTS, OR)
    with pytest.raises(ValueError,
                       match=r"y: expected two classes \(such as 0 and 1, or -1 and 1\); got 3: "
                             r"\[0, 1, 2\]"):
        Perceptron().fit(INPUTS[:3], [0, 1, 2])
    with pytest.raises(ValueError, match="lr: expected a number > 0; got -1"):
        Perceptron(lr=-1).fit(INPUTS, OR)
    with pytest.raises(ValueError, match="max_epochs: expected an integer >= 1; got 0"):
        Perceptron(max_epochs=0).fit(INPUTS, OR)


def test_clone_keeps_parameters_and_drops_learned_state():
    model = Perceptron(lr=0.5, max_epochs=9, shuffle=True, init_weights=[0, 1, 0], random_state=3)
    model.fit(INPUTS, OR)
    copy = clone(model)
    assert copy.get_params() == model.get_params()
    assert not hasattr(copy, "trace_")
    assert clone(McCullochPitts([1, 1], 1.5)).get_params() == {"weights": [1, 1], "threshold": 1.5}


@pytest.mark.parametrize(("weights", "threshold", "table"), [
    ([1, 1], 1.5, AND), ([1, 1], 0.5, OR), ([-1, -1], -1.5, NAND),
    # Strict rule: with theta = 1 the sum 1 is not enough, so only (1, 1) fires.
    ([1, 1], 1, AND),
])
def test_mcculloch_pitts_fires_when_the_sum_exceeds_theta(weights, threshold, table):
    neuron = McCullochPitts(weights, threshold).fit(INPUTS, table)
    assert neuron.predict(INPUTS).tolist() == table.tolist()


def test_mcculloch_pitts_checks_the_weights_against_the_inputs():
    with pytest.raises(ValueError, match=r"weights: expected 2 values \(one per input\); got 3"):
        McCullochPitts([1, 1, 1], 1).fit(INPUTS)


@pytest.mark.parametrize("labels", [(-1, 1), ("non", "oui"), (2, 7)])
def test_any_two_labels_train_as_the_slides_t_in_0_1(labels):
    # sklearn's classifiers take any two labels; inside, the larger one is the slide's t = 1
    low, high = labels
    y = np.where(OR == 1, high, low)
    model = Perceptron(init_weights=[0, 1, 0]).fit(INPUTS, y)
    reference = Perceptron(init_weights=[0, 1, 0]).fit(INPUTS, OR)
    assert model.classes_.tolist() == [low, high]
    assert model.predict(INPUTS).tolist() == y.tolist()
    assert [s.t for s in model.trace_] == [s.t for s in reference.trace_]  # t stays 0 or 1
    np.testing.assert_array_equal(np.r_[model.intercept_, model.coef_],
                                  np.r_[reference.intercept_, reference.coef_])
    neuron = McCullochPitts([1, 1], 0.5).fit(INPUTS, y)
    assert neuron.predict(INPUTS).tolist() == y.tolist()


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
@parametrize_with_checks([Perceptron(max_epochs=20)])
def test_sklearn_estimator_checks(estimator, check):
    # labels such as [1, 2] or strings, as every scikit-learn classifier takes them
    check(estimator)

"""The delta rule against the least-squares solution and the hand-written update of deck 003."""

import warnings

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.exceptions import ConvergenceWarning
from sklearn.utils.estimator_checks import parametrize_with_checks

from profond.classic import DeltaRule


def _regression(noise, seed=0, n=40, dims=3):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, dims))
    t = X @ rng.normal(size=dims) + 0.7 + noise * rng.normal(size=n)
    return X, t


def _lstsq(X, t):
    Xb = np.hstack([np.ones((len(X), 1)), X])
    return np.linalg.lstsq(Xb, t, rcond=None)[0]


def _weights(model):
    return np.r_[model.intercept_, model.coef_]


def test_batch_converges_to_least_squares():
    X, t = _regression(noise=0.3)
    model = DeltaRule(lr=0.005, mode="batch", max_epochs=5000, tol=1e-14).fit(X, t)
    assert model.converged_
    np.testing.assert_allclose(_weights(model), _lstsq(X, t), atol=1e-6)
    # Full-batch gradient descent with a small step never increases E.
    assert np.all(np.diff(model.loss_curve_) <= 1e-12)


def test_online_converges_to_least_squares_when_it_interpolates():
    X, t = _regression(noise=0.0)
    model = DeltaRule(lr=0.05, mode="online", max_epochs=2000, tol=1e-20, random_state=0).fit(X, t)
    np.testing.assert_allclose(_weights(model), _lstsq(X, t), atol=1e-6)


def test_online_hovers_near_least_squares_with_noise():
    # With noise, online steps at a fixed lr keep moving around the minimum, within O(lr) of it.
    X, t = _regression(noise=0.3)
    with pytest.warns(ConvergenceWarning, match="max_epochs=300"):
        model = DeltaRule(lr=0.002, max_epochs=300, tol=0, random_state=0).fit(X, t)
    np.testing.assert_allclose(_weights(model), _lstsq(X, t), atol=0.02)


def test_batch_steps_equal_the_hand_formula():
    X, t = _regression(noise=0.3, n=6, dims=2)
    lr = 0.01
    steps, w = 2, np.zeros(3)
    for _ in range(steps):
        # Delta w = eta sum_x (t - y) x, with x0 = 1 and y = w . x, written example by example.
        delta = np.zeros(3)
        for x_n, t_n in zip(X, t, strict=True):
            x = np.r_[1.0, x_n]
            delta += lr * (t_n - w @ x) * x
        w = w + delta
    with pytest.warns(ConvergenceWarning):
        model = DeltaRule(lr=lr, mode="batch", max_epochs=steps, tol=0).fit(X, t)
    np.testing.assert_allclose(_weights(model), w, rtol=1e-12)
    assert model.loss_curve_[-1] == pytest.approx(0.5 * np.sum((t - w[0] - X @ w[1:]) ** 2))


def test_one_online_epoch_follows_the_shuffled_order():
    X, t = _regression(noise=0.3, n=5, dims=2)
    order = np.random.RandomState(4).permutation(5)
    w = np.zeros(3)
    for i in order:
        x = np.r_[1.0, X[i]]
        w = w + 0.1 * (t[i] - w @ x) * x
    with pytest.warns(ConvergenceWarning):
        model = DeltaRule(lr=0.1, max_epochs=1, random_state=4).fit(X, t)
    np.testing.assert_allclose(_weights(model), w, rtol=1e-12)


def test_bad_arguments_name_what_was_expected():
    X, t = _regression(noise=0.3)
    with pytest.raises(ValueError, match="mode: expected one of 'online', 'batch'; got 'mini'"):
        DeltaRule(mode="mini").fit(X, t)
    with pytest.raises(ValueError,
                       match="lr: expected a step small enough for E to decrease; got 1.0"):
        DeltaRule(lr=1.0, mode="batch").fit(X, t)
    with pytest.raises(ValueError, match="tol: expected a number >= 0; got -1"):
        DeltaRule(tol=-1).fit(X, t)


def test_clone_keeps_parameters():
    model = DeltaRule(lr=0.1, max_epochs=5, mode="batch", tol=0.0, random_state=1)
    assert clone(model).get_params() == model.get_params()


@pytest.mark.parametrize("mode", ["online", "batch"])
def test_default_step_is_stable_on_unscaled_data_and_the_warning_says_what_to_change(mode):
    # features of scale 100 and 10 around a mean of 50: |x|^2 ~ 1e4, 200 examples
    rng = np.random.default_rng(0)
    X = rng.normal(size=(200, 3)) * [100, 10, 1] + [50, 0, 0]
    t = X @ [0.02, -0.3, 2.0] + 0.7 + 0.1 * rng.normal(size=200)
    with pytest.raises(ValueError, match="use lr='auto', a smaller lr, or standardise X"):
        DeltaRule(lr=0.01, mode=mode).fit(X, t)
    with pytest.warns(ConvergenceWarning, match="standardise X .* or raise max_epochs"):
        model = DeltaRule(mode=mode, random_state=0).fit(X, t)
    E0 = 0.5 * np.sum(t**2)  # E at w = 0
    assert all(E < E0 for E in model.loss_curve_) and model.loss_curve_[-1] < 0.5 * E0
    # the same data standardised: the default reaches the least-squares fit (online, up to the
    # jitter of its last updates, which keeps E changing by more than tol: no converged_ there)
    Xs = (X - X.mean(0)) / X.std(0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        model = DeltaRule(mode=mode, max_epochs=400, random_state=0).fit(Xs, t)
    assert np.allclose(_weights(model), _lstsq(Xs, t), atol=0.01)


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
@parametrize_with_checks([DeltaRule(), DeltaRule(mode="batch")])
def test_sklearn_estimator_checks(estimator, check):
    # some checks fit on features around 100, where a fixed lr=0.01 diverged
    check(estimator)

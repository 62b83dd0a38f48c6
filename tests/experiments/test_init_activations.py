"""`profond experiment run init-activations`: the signal through ten layers against the variance
argument of Glorot & Bengio and He et al. (Var(a) = fan_in · Var(w) · E[h²])."""

import numpy as np
import pytest

from profond.experiments import run_experiment
from profond.experiments.init_activations import DEPTH, WIDTH, activations
from profond.scratch import rng

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


@pytest.fixture(scope="module")
def X():
    return np.random.default_rng(3).standard_normal((500, WIDTH))


def _second_moments(activation, scheme, X):
    rng.manual_seed(0)
    return np.array([np.mean(h ** 2) for h in activations(activation, scheme, X)])


def test_he_keeps_relu_signal_and_xavier_halves_it(X):
    he = _second_moments("relu", "he", X)
    xavier = _second_moments("relu", "xavier", X)
    # He: E[h_l²] = fan_in · (2 / fan_in) · E[h_{l-1}²] / 2, the same at every layer
    assert 0.5 < he[-1] / he[0] < 2  # finite width: a random walk around 1
    # Xavier (Var w = 2 / (fan_in + fan_out) = 1 / fan_in here): half of it is lost per layer
    assert xavier[-1] / xavier[0] == pytest.approx(0.5 ** (DEPTH - 1), rel=0.5)


def test_too_small_vanishes_and_too_large_saturates(X):
    small = np.sqrt(_second_moments("tanh", "small", X))
    # tanh is the identity near 0, so each layer scales the std by 0.01 · √256
    assert small[-1] / small[-2] == pytest.approx(0.01 * np.sqrt(WIDTH), rel=0.05)
    rng.manual_seed(0)
    last = activations("tanh", "large", X)[-1]
    assert np.mean(np.abs(last) > 0.99) > 0.8


def test_quick_run_writes_its_figure(tmp_path):
    result = run_experiment("init-activations", quick=True, seed=0, out_dir=tmp_path)
    std = result.claims["std_h10"]
    assert std["tanh, N(0, 0.01²)"] < 1e-6 < 0.1 < std["tanh, Xavier"] < 0.9
    assert std["ReLU, Xavier"] < std["ReLU, He"] / 5
    assert result.figures == [str(tmp_path / "init_activations.png")]
    assert (tmp_path / "init_activations.png").read_bytes()[:8] == PNG_MAGIC

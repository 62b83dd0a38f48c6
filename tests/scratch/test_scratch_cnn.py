"""Scratch CNNs: twins of the torch models (outputs, gradients, keys) and they learn MNIST-1D."""

import multiprocessing
from concurrent.futures import ProcessPoolExecutor

import numpy as np
import pytest
from threadpoolctl import threadpool_limits

from helpers.gradients import assert_matches_torch
from profond.data import load
from profond.models.conv import MNIST1DCNN as TorchMNIST1DCNN
from profond.models.conv import LeNet5 as TorchLeNet5
from profond.scratch import manual_seed, nn, optim
from profond.scratch.learner import ScratchLearner
from profond.scratch.models import MNIST1DCNN, LeNet5
from profond.train.trainer import Trainer


@pytest.fixture(autouse=True)
def one_blas_thread():
    """Tiny matrices: a second OpenBLAS thread only spins, and costs 10× the CPU on a busy box."""
    with threadpool_limits(1):
        yield


@pytest.mark.parametrize("make, twin, shape", [
    (lambda: MNIST1DCNN(), lambda: TorchMNIST1DCNN(), (4, 40)),
    (lambda: MNIST1DCNN(channels=7, length=50), lambda: TorchMNIST1DCNN(channels=7, length=50),
     (3, 1, 50)),
    (lambda: LeNet5(image_size=8), lambda: TorchLeNet5(image_size=8), (3, 1, 8, 8)),
    (lambda: LeNet5(3, in_channels=3, image_size=28),
     lambda: TorchLeNet5(3, in_channels=3, image_size=28), (2, 3, 28, 28)),
])
def test_twin_of_the_torch_model(make, twin, shape):
    manual_seed(0)
    scratch, reference = make().double(), twin()
    assert list(scratch.state_dict()) == list(reference.state_dict())
    x = np.random.default_rng(0).standard_normal(shape)
    assert_matches_torch(scratch, reference, x, atol=1e-10, rtol=1e-10)


def test_layer_sizes_follow_the_formula():
    """MNIST-1D: 40 -> 19 -> 10 -> 5 (paper); LeNet-5 on 8×8 digits: 8 -> 8 -> 4 -> 4 -> 2."""
    acts = dict(MNIST1DCNN().activations(np.zeros((2, 40), np.float32)))
    assert [acts[k].shape for k in ("conv1", "conv2", "conv3", "flatten", "linear")] == [
        (2, 25, 19), (2, 25, 10), (2, 25, 5), (2, 125), (2, 10)]
    acts = dict(LeNet5(image_size=8).activations(np.zeros((2, 1, 8, 8), np.float32)))
    assert [acts[k].shape[2:] for k in ("conv1", "pool1", "conv2", "pool2")] == [
        (8, 8), (4, 4), (4, 4), (2, 2)]
    assert acts["flatten"].shape == (2, 64)


def test_too_short_signal_is_named():
    with pytest.raises(ValueError, match=r"dim_in=2, kernel_size=5, padding=1, stride=2"):
        MNIST1DCNN(length=2)


def _train_mnist1d(steps: int, seed: int = 0) -> float:
    with threadpool_limits(1):  # also in spawned worker processes, where the fixture does not run
        return _train_mnist1d_one_thread(steps, seed)


def _train_mnist1d_one_thread(steps: int, seed: int) -> float:
    data = load("mnist1d")
    manual_seed(seed)
    model = MNIST1DCNN()
    learner = ScratchLearner(model, nn.CrossEntropyLoss(), optim.Adam(model.parameters(), lr=1e-2))
    epochs = steps // (len(data.X_train) // 100)
    Trainer(epochs, 100, seed=seed, eval_train=False).fit(learner, (data.X_train, data.y_train))
    return learner.evaluate(learner.prepare(data.X_test, data.y_test))["acc"]


def test_mnist1d_cnn_learns_in_a_few_hundred_steps():
    assert _train_mnist1d(400) > 0.6  # chance is 0.1; the paper's full recipe reaches 0.94


@pytest.mark.slow
def test_mnist1d_cnn_paper_recipe_reaches_92_percent():
    """Adam lr 1e-2, batch 100, 6000 steps (Greydanus 2020 reports 94 % for this CNN).

    The last step's test accuracy swings with the seed (91.7, 93.0, 90.2, 93.4 % for seeds 0-3
    here, mean 92.1 %; the torch twin gives 91.4 % on seed 0), so the claim is on the mean.
    """
    load("mnist1d")  # fill the cache once, before the workers read it
    # One process per core: four single-threaded runs take half the wall time on two cores.
    with ProcessPoolExecutor(2, mp_context=multiprocessing.get_context("spawn")) as pool:
        accuracies = list(pool.map(_train_mnist1d, [6000] * 4, range(4)))
    assert np.mean(accuracies) >= 0.92, accuracies
    assert min(accuracies) >= 0.88, accuracies


def test_lenet5_learns_digits():
    data = load("digits")
    manual_seed(0)
    model = LeNet5(image_size=8)
    learner = ScratchLearner(model, nn.CrossEntropyLoss(), optim.Adam(model.parameters(), lr=3e-3))
    Trainer(8, 64, seed=0, eval_train=False).fit(learner, (data.X_train, data.y_train))
    assert learner.evaluate(learner.prepare(data.X_test, data.y_test))["acc"] > 0.9


def test_float32_training_step_keeps_float32():
    model = MNIST1DCNN()
    out = model(np.zeros((2, 40), np.float32))
    model.backward(np.ones_like(out))
    assert out.dtype == np.float32
    assert all(p.grad.dtype == np.float32 for p in model.parameters())

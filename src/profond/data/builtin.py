"""Real data that needs no network: scikit-learn's digits and iris, and MNIST-1D generated locally.

Each set is cached as an .npz in `cache_dir()`, its file name keyed by the options that made it.
"""

import numpy as np

from profond.checks import check_int
from profond.data.cache import cached_arrays
from profond.data.dataset import Dataset
from profond.data.split import train_val_split


def load_digits(seed: int = 0) -> Dataset:
    """sklearn's 8x8 digits, pixels / 16 in [0, 1]; stratified split, 20 % test.

    X: (N, 1, 8, 8) float32; y: (N,) int64 in 0..9.
    """
    check_int("seed", seed, minimum=0)

    def make():
        from sklearn.datasets import load_digits as sk_digits

        bunch = sk_digits()
        X = (bunch.images / 16.0).astype(np.float32)[:, None]
        return _split(X, bunch.target, 0.2, seed)
    arrays = cached_arrays(f"digits-test0.2-seed{seed}", make)
    return Dataset("digits", **arrays, task="classification", classes=[str(d) for d in range(10)],
                   meta={"seed": seed, "test_fraction": 0.2})


def load_iris(seed: int = 0) -> Dataset:
    """Fisher's iris, 4 measurements in cm; stratified split, 30 % test.

    X: (N, 4) float32; y: (N,) int64 in 0..2.
    """
    check_int("seed", seed, minimum=0)

    def make():
        from sklearn.datasets import load_iris as sk_iris

        bunch = sk_iris()
        return _split(bunch.data.astype(np.float32), bunch.target, 0.3, seed)
    arrays = cached_arrays(f"iris-test0.3-seed{seed}", make)
    return Dataset("iris", **arrays, task="classification",
                   classes=["setosa", "versicolor", "virginica"],
                   meta={"seed": seed, "test_fraction": 0.3})


def load_mnist1d(n_samples: int = 5000, seed: int = 42) -> Dataset:
    """MNIST-1D from `mnist1d.data.make_dataset`; the defaults give the published frozen set.

    X: (N, 40) float32; y: (N,) int64 in 0..9; 80 % train (4000 / 1000 with the defaults).
    """
    check_int("n_samples", n_samples, minimum=10)
    check_int("seed", seed, minimum=0)

    def make():
        from mnist1d.data import get_dataset_args, make_dataset

        args = get_dataset_args()
        args.num_samples, args.seed = n_samples, seed
        data = _keeping_global_rng(make_dataset, args)
        return {"X_train": data["x"].astype(np.float32), "y_train": data["y"].astype(np.int64),
                "X_test": data["x_test"].astype(np.float32),
                "y_test": data["y_test"].astype(np.int64)}
    arrays = cached_arrays(f"mnist1d-n{n_samples}-seed{seed}", make)
    return Dataset("mnist1d", **arrays, task="classification", classes=[str(d) for d in range(10)],
                   meta={"n_samples": n_samples, "seed": seed})


def _keeping_global_rng(fn, *args):
    """mnist1d reseeds `random` and `np.random` globally: give the caller its streams back."""
    import random

    states = random.getstate(), np.random.get_state()  # noqa: NPY002
    try:
        return fn(*args)
    finally:
        random.setstate(states[0])
        np.random.set_state(states[1])  # noqa: NPY002


def _split(X, y, test_fraction, seed):
    X_train, X_test, y_train, y_test = train_val_split(X, y.astype(np.int64), test_fraction, seed)
    return {"X_train": X_train, "y_train": y_train, "X_test": X_test, "y_test": y_test}

"""Offline real data: digits and iris against scikit-learn, MNIST-1D against mnist1d itself."""

import numpy as np
import pytest
from sklearn.datasets import load_digits as sk_digits
from sklearn.datasets import load_iris as sk_iris

from profond.data import builtin
from profond.data.cache import cached_arrays


@pytest.fixture(autouse=True)
def cache(tmp_path, monkeypatch):
    monkeypatch.setenv("PROFOND_CACHE", str(tmp_path / "cache"))
    return tmp_path / "cache"


def _rows(X):
    return {row.tobytes() for row in np.ascontiguousarray(X, dtype=np.float32).reshape(len(X), -1)}


def test_digits_shapes_scaling_and_stratified_split(cache):
    ds = builtin.load_digits(seed=0)
    assert ds.X_train.shape == (1437, 1, 8, 8) and ds.X_test.shape == (360, 1, 8, 8)
    assert ds.X_train.min() == 0 and ds.X_train.max() == 1
    ref = sk_digits()
    assert _rows(np.concatenate([ds.X_train, ds.X_test])) == _rows(ref.images / 16)
    counts = np.bincount(ref.target)
    assert np.all(np.abs(np.bincount(ds.y_test, minlength=10) - 0.2 * counts) < 1)
    assert (cache / "digits-test0.2-seed0.npz").exists()


def test_iris_shapes_and_stratified_split():
    ds = builtin.load_iris(seed=2)
    assert ds.X_train.shape == (105, 4) and ds.X_test.shape == (45, 4)
    assert np.array_equal(np.bincount(ds.y_test), [15, 15, 15])
    assert np.array_equal(np.bincount(ds.y_train), [35, 35, 35])
    ref = sk_iris()
    # each row keeps its own species
    lookup = {row.astype(np.float32).tobytes(): t for row, t in zip(ref.data, ref.target)}
    assert all(lookup[x.tobytes()] == t for x, t in zip(ds.X_test, ds.y_test))
    assert ds.classes == list(ref.target_names)
    assert not np.array_equal(builtin.load_iris(seed=3).y_test, ds.y_test)


def test_second_load_reads_the_cache(monkeypatch):
    first = builtin.load_iris(seed=0)
    monkeypatch.setattr("sklearn.datasets.load_iris", lambda: 1 / 0)
    again = builtin.load_iris(seed=0)
    assert np.array_equal(first.X_train, again.X_train)
    assert np.array_equal(first.y_test, again.y_test)


def test_cache_leaves_no_file_when_making_fails(cache):
    def broken():
        raise RuntimeError("boom")
    with pytest.raises(RuntimeError, match="boom"):
        cached_arrays("broken", broken)
    assert list(cache.iterdir()) == []


def _assert_equals_make_dataset(ds, total, n_train):
    from mnist1d.data import get_dataset_args, make_dataset

    args = get_dataset_args()
    args.num_samples = total
    ref = make_dataset(args)
    assert ds.X_train.shape == (n_train, 40) and ds.X_test.shape == (total - n_train, 40)
    assert np.array_equal(ds.X_train, ref["x"].astype(np.float32))
    assert np.array_equal(ds.X_test, ref["x_test"].astype(np.float32))
    assert np.array_equal(ds.y_train, ref["y"]) and np.array_equal(ds.y_test, ref["y_test"])


def test_mnist1d_small_equals_make_dataset_and_keeps_the_global_rng():
    before = np.random.get_state()[1].copy()  # noqa: NPY002  (the legacy global stream)
    ds = builtin.load_mnist1d(n_samples=500)
    assert np.array_equal(np.random.get_state()[1], before)  # noqa: NPY002  (mnist1d reseeds it)
    _assert_equals_make_dataset(ds, 500, 400)
    assert np.array_equal(builtin.load_mnist1d(n_samples=500).X_test, ds.X_test)  # cached


@pytest.mark.slow
def test_mnist1d_equals_the_published_set():
    _assert_equals_make_dataset(builtin.load_mnist1d(), 5000, 4000)


def test_builtin_loaders_validate_their_options():
    with pytest.raises(ValueError, match=r"seed: expected an integer >= 0; got -2"):
        builtin.load_digits(seed=-2)
    with pytest.raises(ValueError, match=r"n_samples: expected an integer >= 10; got 5"):
        builtin.load_mnist1d(n_samples=5)

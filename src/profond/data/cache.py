"""Arrays cached as .npz files in `cache_dir()`, written atomically, read without pickle."""

from collections.abc import Callable
from pathlib import Path

import numpy as np

from profond.io import atomic_write
from profond.paths import cache_dir


def cache_path(key: str) -> Path:
    """Where `cached_arrays(key, ...)` keeps its arrays."""
    return cache_dir() / f"{key}.npz"


def cached_arrays(key: str, make: Callable[[], dict]) -> dict:
    """Arrays from `cache_dir()/key.npz`, made by `make()` and written atomically on a miss."""
    path = cache_path(key)
    if path.exists():
        with np.load(path, allow_pickle=False) as npz:
            return {name: npz[name] for name in npz.files}
    arrays = make()

    def write(tmp):
        with open(tmp, "wb") as f:  # a file object: np.savez would add ".npz" to a path
            np.savez(f, **arrays)
    atomic_write(path, write)
    return arrays

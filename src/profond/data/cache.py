"""Arrays cached as .npz files in `cache_dir()`, written atomically, read without pickle.

A cache file that cannot be read (truncated, empty) is set aside as `<name>.damaged`, named on
stderr, and made again.
"""

import logging
import os
import zipfile
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
        try:
            with np.load(path, allow_pickle=False) as npz:
                return {name: npz[name] for name in npz.files}
        except (OSError, EOFError, ValueError, zipfile.BadZipFile) as exc:  # truncated, empty
            set_aside(path, exc)
    arrays = make()

    def write(tmp):
        with open(tmp, "wb") as f:  # a file object: np.savez would add ".npz" to a path
            np.savez(f, **arrays)
    atomic_write(path, write)
    return arrays


def set_aside(path: Path, reason: Exception) -> Path:
    """Rename a damaged cache file to `<name>.damaged` (kept for a look) and say so on stderr."""
    aside = path.with_name(path.name + ".damaged")
    os.replace(path, aside)
    logging.getLogger(__name__).warning(
        "%s: expected a readable cache file; got a damaged one (%s): set aside as %s, getting it "
        "again", path, type(reason).__name__, aside.name)
    return aside

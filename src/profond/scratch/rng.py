"""The engine's one random generator, used by init and Dropout (`manual_seed` as torch's)."""

import numpy as np

from profond.checks import check_int

_generator = np.random.default_rng()


def manual_seed(seed: int) -> np.random.Generator:
    """Reseed the engine's generator (like `torch.manual_seed`) and return it."""
    global _generator
    _generator = np.random.default_rng(check_int("seed", seed, minimum=0))
    return _generator


def generator() -> np.random.Generator:
    """The current generator; look it up at each use, since `manual_seed` replaces it."""
    return _generator

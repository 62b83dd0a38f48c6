"""profond.scratch: the white-box NumPy engine, with PyTorch's names (never imports torch)."""

from profond.scratch import functional, gradcheck, init, nn, optim
from profond.scratch.rng import manual_seed

F = functional

__all__ = ["F", "functional", "gradcheck", "init", "manual_seed", "nn", "optim"]

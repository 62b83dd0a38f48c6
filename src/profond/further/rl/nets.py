"""The small torch pieces the deep agents share: an MLP, and weights to and from NumPy arrays."""

import numpy as np
import torch
from torch import nn


def mlp(sizes: tuple[int, ...], activation: type[nn.Module] = nn.ReLU) -> nn.Sequential:
    """Linear(sizes[0], sizes[1]), act, ..., Linear(sizes[-2], sizes[-1]), no activation last.

    Input (N, sizes[0]) -> output (N, sizes[-1]). Mirrors torch.nn.Sequential.
    """
    layers: list[nn.Module] = []
    for n_in, n_out in zip(sizes[:-1], sizes[1:], strict=True):
        layers += [nn.Linear(n_in, n_out), activation()]
    return nn.Sequential(*layers[:-1])


def numpy_state(module: nn.Module, prefix: str = "") -> dict[str, np.ndarray]:
    """module.state_dict() as NumPy arrays, keys prefixed (to save several nets in one file)."""
    return {prefix + k: v.detach().cpu().numpy().copy() for k, v in module.state_dict().items()}


def load_numpy_state(module: nn.Module, tensors: dict[str, np.ndarray], prefix: str = "") -> None:
    """Load the arrays whose keys start with `prefix` into `module` (strict: all keys match)."""
    state = {k[len(prefix):]: torch.from_numpy(np.ascontiguousarray(v))
             for k, v in tensors.items() if k.startswith(prefix)}
    module.load_state_dict(state, strict=True)

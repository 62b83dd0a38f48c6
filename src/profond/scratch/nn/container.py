"""Sequential: a chain of Modules; backward runs the chain in reverse."""

import numpy as np

from profond.scratch.module import Module


class Sequential(Module):
    """y = f_n(... f_1(x)). Children live in `_modules`, so state_dict keys are "0.weight", ...

    Mirrors torch.nn.Sequential.
    """

    def __init__(self, *modules: Module):
        for i, m in enumerate(modules):
            if not isinstance(m, Module):
                raise TypeError(f"modules[{i}]: expected a Module; got {type(m).__name__}")
        self._modules = list(modules)

    def forward(self, x: np.ndarray) -> np.ndarray:
        for m in self._modules:
            x = m(x)
        return x

    def backward(self, dout: np.ndarray) -> np.ndarray:
        for m in reversed(self._modules):
            dout = m.backward(dout)
        return dout

    def __getitem__(self, i: int) -> Module:
        return self._modules[i]

    def __len__(self) -> int:
        return len(self._modules)

    def __iter__(self):
        return iter(self._modules)

    def __repr__(self) -> str:
        lines = "".join(f"\n  ({i}): {m!r}" for i, m in enumerate(self._modules))
        return f"Sequential({lines}\n)"

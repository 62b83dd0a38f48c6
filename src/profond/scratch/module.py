"""Parameter and Module: the white-box engine's base classes, with PyTorch's names.

A Module keeps what backward needs from its last `forward` (its cache); `backward(dout)` accumulates
into each `param.grad` and returns `dx`, the gradient with respect to the module's input.
"""

from collections import OrderedDict
from collections.abc import Iterator

import numpy as np


class Parameter:
    """A learnable array `.data` with its gradient `.grad` (same shape, float32 by default)."""

    def __init__(self, data: np.ndarray, dtype=np.float32):
        self.data = np.ascontiguousarray(data, dtype=dtype)
        self.grad = np.zeros_like(self.data)

    @property
    def shape(self) -> tuple[int, ...]:
        return self.data.shape

    def zero_grad(self) -> None:
        self.grad.fill(0)

    def __repr__(self) -> str:
        return f"Parameter(shape={self.data.shape}, dtype={self.data.dtype})"


class Module:
    """Base class. Parameters and sub-modules are found in attribute order, as in torch."""

    training: bool = True

    def forward(self, x: np.ndarray) -> np.ndarray:
        raise NotImplementedError(f"{type(self).__name__} does not define forward")

    def backward(self, dout: np.ndarray) -> np.ndarray:
        raise NotImplementedError(f"{type(self).__name__} does not define backward")

    def __call__(self, x: np.ndarray) -> np.ndarray:
        return self.forward(x)

    def children(self) -> Iterator[tuple[str, "Module"]]:
        for name, value in vars(self).items():
            if isinstance(value, Module):
                yield name, value
            elif isinstance(value, list | tuple):
                for i, item in enumerate(value):
                    if isinstance(item, Module):
                        yield (str(i) if name == "_modules" else f"{name}.{i}"), item

    def named_parameters(self, prefix: str = "") -> Iterator[tuple[str, Parameter]]:
        for name, value in vars(self).items():
            if isinstance(value, Parameter):
                yield prefix + name, value
        for name, child in self.children():
            yield from child.named_parameters(prefix + name + ".")

    def parameters(self) -> list[Parameter]:
        return [p for _, p in self.named_parameters()]

    def named_buffers(self, prefix: str = "") -> Iterator[tuple[str, np.ndarray]]:
        """Non-learnable state saved in state_dict (e.g. batch-norm running statistics)."""
        for name in getattr(self, "_buffers", ()):
            yield prefix + name, getattr(self, name)
        for name, child in self.children():
            yield from child.named_buffers(prefix + name + ".")

    def zero_grad(self) -> None:
        for p in self.parameters():
            p.zero_grad()

    def train(self, mode: bool = True) -> "Module":
        self.training = mode
        for _, child in self.children():
            child.train(mode)
        return self

    def eval(self) -> "Module":
        return self.train(False)

    def to(self, dtype) -> "Module":
        """Cast parameters, grads and floating buffers to `dtype` (float64 for gradient checks)."""
        for value in vars(self).values():
            if isinstance(value, Parameter):
                value.data = value.data.astype(dtype)
                value.grad = np.zeros_like(value.data)
        for name in getattr(self, "_buffers", ()):
            buffer = getattr(self, name)
            if np.issubdtype(buffer.dtype, np.floating):
                setattr(self, name, buffer.astype(dtype))
        for _, child in self.children():
            child.to(dtype)
        return self

    def double(self) -> "Module":
        return self.to(np.float64)

    def float(self) -> "Module":
        return self.to(np.float32)

    def state_dict(self) -> "OrderedDict[str, np.ndarray]":
        state = OrderedDict((name, p.data.copy()) for name, p in self.named_parameters())
        state.update((name, np.array(b, copy=True)) for name, b in self.named_buffers())
        return state

    def load_state_dict(self, state: dict, strict: bool = True) -> None:
        own = dict(self.named_parameters())
        buffers = dict(self.named_buffers())
        expected = set(own) | set(buffers)
        if strict and set(state) != expected:
            missing, unexpected = sorted(expected - set(state)), sorted(set(state) - expected)
            raise KeyError(f"state_dict: expected keys {sorted(expected)}; "
                           f"missing {missing}, unexpected {unexpected}")
        for name, value in state.items():
            value = np.asarray(value)
            if name in own:
                if value.shape != own[name].shape:
                    raise ValueError(f"state_dict[{name!r}]: expected shape {own[name].shape}; "
                                     f"got {value.shape}")
                own[name].data[...] = value
            elif name in buffers:
                self._set_buffer(name, value)

    def _set_buffer(self, dotted: str, value: np.ndarray) -> None:
        *path, leaf = dotted.split(".")
        module = self
        for part in path:
            module = dict(module.children())[part]
        getattr(module, leaf)[...] = value

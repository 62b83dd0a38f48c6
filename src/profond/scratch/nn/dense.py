"""Dense Modules: Linear, Dropout, Flatten, Identity (PyTorch names and signatures)."""

import math

import numpy as np

from profond.checks import check_int, check_range
from profond.scratch import init, rng
from profond.scratch.functional import dense as F
from profond.scratch.module import Module, Parameter


class Linear(Module):
    """y = x Wᵀ + b; x (*, in_features) -> y (*, out_features). Mirrors torch.nn.Linear.

    Init as torch: W, b ~ U(−1/√in_features, 1/√in_features) (kaiming_uniform_ with a = √5 for W).
    As torch, in_features may be 0: W is (out, 0), b starts at 0 and y = b (a net with no input).
    `needs_input_grad = False` makes backward skip dx (and return None) for a layer fed with data,
    as torch skips inputs that do not require grad.
    """

    needs_input_grad = True

    def __init__(self, in_features: int, out_features: int, bias: bool = True, dtype=np.float32):
        self.in_features = check_int("in_features", in_features, minimum=0)
        self.out_features = check_int("out_features", out_features, minimum=1)
        self.weight = Parameter(np.zeros((out_features, in_features)), dtype=dtype)
        self.bias = Parameter(np.zeros(out_features), dtype=dtype) if bias else None
        self.reset_parameters()

    def reset_parameters(self) -> None:
        init.kaiming_uniform_(self.weight, a=math.sqrt(5))
        if self.bias is not None:
            bound = 1 / math.sqrt(self.in_features) if self.in_features > 0 else 0.0
            init.uniform_(self.bias, -bound, bound)

    def forward(self, x: np.ndarray) -> np.ndarray:
        b = None if self.bias is None else self.bias.data
        out, self._cache = F.linear_forward(x, self.weight.data, b)
        return out

    def backward(self, dout: np.ndarray) -> np.ndarray:
        dx, dW, db = F.linear_backward(dout, self._cache, self.needs_input_grad)
        self.weight.grad += dW
        if self.bias is not None:
            self.bias.grad += db
        return dx

    def __repr__(self) -> str:
        return (f"Linear(in_features={self.in_features}, out_features={self.out_features}, "
                f"bias={self.bias is not None})")


class Dropout(Module):
    """y = x · m / (1 − p), m ~ Bernoulli(1 − p) in training; y = x in eval.

    Mirrors torch.nn.Dropout.
    """

    def __init__(self, p: float = 0.5):
        self.p = check_range("p", p, 0.0, 1.0)

    def forward(self, x: np.ndarray) -> np.ndarray:
        out, self._cache = F.dropout_forward(x, self.p, self.training, rng.generator())
        return out

    def backward(self, dout: np.ndarray) -> np.ndarray:
        return F.dropout_backward(dout, self._cache)

    def __repr__(self) -> str:
        return f"Dropout(p={self.p})"


class Flatten(Module):
    """(N, C, H, W) -> (N, C·H·W) for start_dim=1. Mirrors torch.nn.Flatten."""

    def __init__(self, start_dim: int = 1, end_dim: int = -1):
        self.start_dim, self.end_dim = start_dim, end_dim

    def forward(self, x: np.ndarray) -> np.ndarray:
        out, self._cache = F.flatten_forward(x, self.start_dim, self.end_dim)
        return out

    def backward(self, dout: np.ndarray) -> np.ndarray:
        return F.flatten_backward(dout, self._cache)

    def __repr__(self) -> str:
        return f"Flatten(start_dim={self.start_dim}, end_dim={self.end_dim})"


class Identity(Module):
    """y = x. Mirrors torch.nn.Identity."""

    def forward(self, x: np.ndarray) -> np.ndarray:
        return x

    def backward(self, dout: np.ndarray) -> np.ndarray:
        return dout

    def __repr__(self) -> str:
        return "Identity()"

"""Loss Modules: `loss = crit(y_hat, y)` (a float), then `crit.backward()` returns dL/dy_hat."""

import numpy as np

from profond.checks import check_choice
from profond.scratch.functional import losses as F
from profond.scratch.module import Module


class _Loss(Module):
    _forward = _backward = None

    def __init__(self, reduction: str = "mean"):
        self.reduction = check_choice("reduction", reduction, F.REDUCTIONS)

    def __call__(self, y_hat: np.ndarray, y: np.ndarray):
        return self.forward(y_hat, y)

    def forward(self, y_hat: np.ndarray, y: np.ndarray):
        loss, self._cache = type(self)._forward(y_hat, y, self.reduction)
        return loss if self.reduction == "none" else float(loss)

    def backward(self, dout=None) -> np.ndarray:
        """dL/dy_hat; `dout` (default 1) is the upstream gradient, per item for reduction="none"."""
        return type(self)._backward(self._cache, dout)

    def __repr__(self) -> str:
        return f"{type(self).__name__}(reduction={self.reduction!r})"


class CrossEntropyLoss(_Loss):
    """L = −(1/N) Σ_n log softmax(y_hat_n)[y_n] on logits y_hat (N, C), labels y (N,).

    Mirrors torch.nn.CrossEntropyLoss.
    """

    _forward, _backward = F.cross_entropy_forward, F.cross_entropy_backward


class MSELoss(_Loss):
    """L = (1/n) Σ (y_hat − y)² over all n elements. Mirrors torch.nn.MSELoss."""

    _forward, _backward = F.mse_forward, F.mse_backward


class HalfSSE(_Loss):
    """E = ½ Σ (t − y)², the slides' squared error; equal to ½ · MSELoss(reduction="sum").

    The ½ cancels the 2 of the derivative, so dE/dy = y − t, the delta of the slides' delta rule.
    No torch twin: use 0.5 * torch.nn.MSELoss(reduction="sum").
    """

    _forward, _backward = F.mse_forward, F.mse_backward

    def __init__(self):
        super().__init__("sum")

    def forward(self, y_hat: np.ndarray, y: np.ndarray) -> float:
        return 0.5 * super().forward(y_hat, y)

    def backward(self, dout=None) -> np.ndarray:
        return super().backward(0.5 if dout is None else 0.5 * dout)

    def __repr__(self) -> str:
        return "HalfSSE()"

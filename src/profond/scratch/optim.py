"""SGD, Adagrad and Adam with torch.optim's update rules, in place on each Parameter's `.data`.

State is per parameter (momentum buffers, moment estimates, step counts); `state_dict()` is a flat
name -> np.ndarray mapping so that a checkpoint stores it as safetensors.
"""

from collections.abc import Iterable

import numpy as np

from profond.checks import check_positive, check_range
from profond.scratch.module import Parameter


class Optimizer:
    """One parameter group; `lr` is read at every step, so a schedule may set it between steps."""

    def __init__(self, params: Iterable[Parameter], **hyper):
        self.params = list(params)
        if not self.params:
            raise ValueError("params: expected at least one Parameter; got an empty list")
        for i, p in enumerate(self.params):
            if not isinstance(p, Parameter):
                raise TypeError(f"params[{i}]: expected a Parameter; got {type(p).__name__}")
        self.param_groups = [{"params": self.params, **hyper}]
        self.state: list[dict[str, np.ndarray]] = [{} for _ in self.params]

    @property
    def lr(self) -> float:
        return self.param_groups[0]["lr"]

    @lr.setter
    def lr(self, value: float) -> None:
        self.param_groups[0]["lr"] = check_positive("lr", value, allow_zero=True)

    def zero_grad(self) -> None:
        for p in self.params:
            p.zero_grad()

    def step(self) -> None:
        group = self.param_groups[0]
        for p, state in zip(self.params, self.state, strict=True):
            grad = p.grad
            if group["weight_decay"]:
                grad = grad + group["weight_decay"] * p.data
            self._update(p, grad, state, group)

    def _update(self, p: Parameter, grad: np.ndarray, state: dict, group: dict) -> None:
        raise NotImplementedError

    def state_dict(self) -> dict[str, np.ndarray]:
        """{"lr": ..., "<i>.<name>": array} for parameter i's buffers and step count."""
        flat = {"lr": np.asarray(self.lr, dtype=np.float64)}
        for i, state in enumerate(self.state):
            flat.update((f"{i}.{key}", np.array(value, copy=True)) for key, value in state.items())
        return flat

    def load_state_dict(self, flat: dict[str, np.ndarray]) -> None:
        self.lr = float(flat["lr"])
        self.state = [{} for _ in self.params]
        for key, value in flat.items():
            if key == "lr":
                continue
            index, name = key.split(".", 1)
            if not index.isdigit() or int(index) >= len(self.params):
                raise KeyError(f"state_dict: expected keys 'lr' or '<i>.<name>' with i < "
                               f"{len(self.params)}; got {key!r}")
            self.state[int(index)][name] = np.array(value, copy=True)


def _step_count(state: dict) -> int:
    state["step"] = np.asarray(int(state.get("step", 0)) + 1, dtype=np.int64)
    return int(state["step"])


class SGD(Optimizer):
    """v ← μ v + (1 − τ) g (v = g at the first step); w ← w − lr · (g + μ v if nesterov else v).

    g includes weight_decay · w. Mirrors torch.optim.SGD.
    """

    def __init__(self, params, lr: float, momentum: float = 0, dampening: float = 0,
                 weight_decay: float = 0, nesterov: bool = False):
        check_positive("lr", lr, allow_zero=True)
        check_positive("momentum", momentum, allow_zero=True)
        check_positive("weight_decay", weight_decay, allow_zero=True)
        if nesterov and (momentum <= 0 or dampening != 0):
            raise ValueError(f"nesterov: expected momentum > 0 and dampening = 0; "
                             f"got momentum={momentum}, dampening={dampening}")
        super().__init__(params, lr=lr, momentum=momentum, dampening=dampening,
                         weight_decay=weight_decay, nesterov=nesterov)

    def _update(self, p, grad, state, group):
        momentum = group["momentum"]
        if momentum:
            buf = state.get("momentum_buffer")
            if buf is None:
                buf = state["momentum_buffer"] = np.array(grad, dtype=p.data.dtype, copy=True)
            else:
                buf *= momentum
                buf += (1 - group["dampening"]) * grad
            grad = grad + momentum * buf if group["nesterov"] else buf
        p.data -= group["lr"] * grad


class Adagrad(Optimizer):
    """G ← G + g²; w ← w − lr_t · g / (√G + eps), lr_t = lr / (1 + (t − 1) · lr_decay).

    Mirrors torch.optim.Adagrad.
    """

    def __init__(self, params, lr: float = 0.01, lr_decay: float = 0, weight_decay: float = 0,
                 initial_accumulator_value: float = 0, eps: float = 1e-10):
        check_positive("lr", lr, allow_zero=True)
        check_positive("lr_decay", lr_decay, allow_zero=True)
        check_positive("weight_decay", weight_decay, allow_zero=True)
        check_positive("initial_accumulator_value", initial_accumulator_value, allow_zero=True)
        check_positive("eps", eps, allow_zero=True)
        super().__init__(params, lr=lr, lr_decay=lr_decay, weight_decay=weight_decay,
                         initial_accumulator_value=initial_accumulator_value, eps=eps)

    def _update(self, p, grad, state, group):
        if "sum" not in state:
            state["sum"] = np.full_like(p.data, group["initial_accumulator_value"])
        t = _step_count(state)
        clr = group["lr"] / (1 + (t - 1) * group["lr_decay"])
        state["sum"] += grad * grad
        p.data -= clr * (grad / (np.sqrt(state["sum"]) + group["eps"]))


class Adam(Optimizer):
    """m ← β₁m + (1−β₁)g, v ← β₂v + (1−β₂)g²; w ← w − lr · m̂ / (√v̂ + eps), bias-corrected.

    amsgrad uses the running max of v. Mirrors torch.optim.Adam.
    """

    def __init__(self, params, lr: float = 0.001, betas: tuple[float, float] = (0.9, 0.999),
                 eps: float = 1e-8, weight_decay: float = 0, amsgrad: bool = False):
        check_positive("lr", lr, allow_zero=True)
        check_range("betas[0]", betas[0], 0.0, 1.0 - 1e-12)
        check_range("betas[1]", betas[1], 0.0, 1.0 - 1e-12)
        check_positive("eps", eps, allow_zero=True)
        check_positive("weight_decay", weight_decay, allow_zero=True)
        super().__init__(params, lr=lr, betas=tuple(betas), eps=eps, weight_decay=weight_decay,
                         amsgrad=amsgrad)
        self._work: dict[int, np.ndarray] = {}

    def _update(self, p, grad, state, group):
        if "exp_avg" not in state:
            state["exp_avg"], state["exp_avg_sq"] = np.zeros_like(p.data), np.zeros_like(p.data)
            if group["amsgrad"]:
                state["max_exp_avg_sq"] = np.zeros_like(p.data)
        t = _step_count(state)
        beta1, beta2 = group["betas"]
        m, v = state["exp_avg"], state["exp_avg_sq"]
        # One reused work array per parameter: the update allocates no temporaries, and the
        # Python-float factors (not NumPy float64 scalars) keep it in the parameter's dtype.
        work = self._work.get(id(p))
        if work is None:
            work = self._work[id(p)] = np.empty_like(p.data)
        np.subtract(grad, m, out=work)
        work *= 1 - beta1
        m += work
        v *= beta2
        np.multiply(grad, grad, out=work)
        work *= 1 - beta2
        v += work
        if group["amsgrad"]:
            np.maximum(state["max_exp_avg_sq"], v, out=state["max_exp_avg_sq"])
            v = state["max_exp_avg_sq"]
        # Same order of operations as torch: divide √v by √(1 − β₂ᵗ) before adding eps.
        np.sqrt(v, out=work)
        work /= (1 - beta2**t) ** 0.5
        work += group["eps"]
        np.divide(m, work, out=work)
        work *= group["lr"] / (1 - beta1**t)
        p.data -= work


def l1_penalty(params: Iterable[Parameter], lam: float) -> float:
    """Ω = λ Σ |w|; adds ∂Ω/∂w = λ sign(w) to each `.grad`, returns Ω (L2: use weight_decay)."""
    check_positive("lam", lam, allow_zero=True)
    total = 0.0
    for p in params:
        total += float(np.abs(p.data).sum())
        p.grad += lam * np.sign(p.data)
    return lam * total

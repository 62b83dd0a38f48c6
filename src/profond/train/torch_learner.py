"""The torch learner: a model, its loss and optimizer driven by the one Trainer (protocol.py).

A split that fits the device budget is moved there once by `prepare`; `train_batch` then only
indexes it, with no DataLoader, no collation and no host copy per step. Larger splits stay in
(pinned) host memory and each batch is gathered there and copied asynchronously. On CUDA the
forward pass runs under autocast (bfloat16 where supported, else float16 with a GradScaler).
"""

import random
from dataclasses import dataclass

import numpy as np
import torch
from torch import nn

from profond.checks import check_choice, check_int

TASKS = ("classification", "regression")


def seed_everything(seed: int, deterministic: bool = False) -> None:
    """Seed Python, NumPy, the scratch engine and torch (every device); optionally ask for
    deterministic kernels."""
    from profond.scratch.rng import manual_seed

    random.seed(seed)
    # The legacy global generator is what third-party code (and old course notebooks) draw from.
    np.random.seed(seed % 2**32)  # noqa: NPY002
    manual_seed(seed % 2**32)  # scratch layers initialise from the engine's own generator
    torch.manual_seed(seed)
    if deterministic:
        torch.backends.cudnn.benchmark = False
        torch.use_deterministic_algorithms(True, warn_only=True)


def resolve_device(device: str | torch.device = "auto") -> torch.device:
    """"auto" picks cuda, then mps, then cpu; anything else is passed to torch.device."""
    if str(device) != "auto":
        return torch.device(device)
    if torch.cuda.is_available():
        return torch.device("cuda")
    if getattr(torch.backends, "mps", None) is not None and torch.backends.mps.is_available():
        return torch.device("mps")
    return torch.device("cpu")


@dataclass
class Split:
    """One split as tensors: on the device (`on_device`) or in host memory, gathered per batch."""

    X: torch.Tensor
    y: torch.Tensor
    on_device: bool

    def __len__(self) -> int:
        return len(self.X)


class TorchLearner:
    """`TorchLearner(model, loss_fn, optimizer, device="auto", amp=None, compile=False, task=...)`.

    `amp=None` turns mixed precision on for CUDA only. `augment` is a callable applied to each
    training batch on the device (profond.data.augment); `balanced` redraws each batch with class
    weights 1/count (what torch.utils.data.WeightedRandomSampler does). `device_budget` (bytes) is
    the largest split kept on an accelerator; the CPU always keeps the tensors (zero-copy views).
    `input_shape` reshapes flat rows (e.g. standardised pixels) back to images, (C, H, W).
    """

    def __init__(self, model: nn.Module, loss_fn: nn.Module | None,
                 optimizer: torch.optim.Optimizer, device: str | torch.device = "auto",
                 amp: bool | None = None, compile: bool = False,
                 task: str = "classification", augment=None, balanced: bool = False,
                 eval_batch_size: int = 4096, device_budget: int = 2 << 30,
                 input_shape: tuple[int, ...] | None = None):
        self.task = check_choice("task", task, TASKS)
        self.device = resolve_device(device)
        self.model = model.to(self.device)
        self.loss_fn = loss_fn or (nn.CrossEntropyLoss() if task == "classification"
                                   else nn.MSELoss())
        self.optimizer = optimizer
        self.amp = self.device.type == "cuda" if amp is None else bool(amp)
        self.amp_dtype = (torch.bfloat16 if self.device.type != "cuda"
                          or torch.cuda.is_bf16_supported() else torch.float16)
        self.scaler = torch.amp.GradScaler(self.device.type,
                                           enabled=self.amp and self.amp_dtype == torch.float16)
        self._scaled = self.scaler.is_enabled()
        self.forward = torch.compile(self.model) if compile else self.model
        self.augment = augment
        self.balanced = balanced
        self.eval_batch_size = check_int("eval_batch_size", eval_batch_size, minimum=1)
        self.device_budget = device_budget
        self.input_shape = tuple(input_shape) if input_shape else None
        self._weights = None

    @property
    def lr(self) -> float:
        return self.optimizer.param_groups[0]["lr"]

    @lr.setter
    def lr(self, value: float) -> None:
        for group in self.optimizer.param_groups:
            group["lr"] = value

    def prepare(self, X: np.ndarray, y: np.ndarray) -> Split:
        """Tensors for one split: moved to the device once when it fits the budget."""
        X = np.ascontiguousarray(X, dtype=np.float32)
        if self.input_shape is not None:
            X = X.reshape(len(X), *self.input_shape)
        X_t = torch.from_numpy(X)
        label_dtype = np.int64 if self.task == "classification" else np.float32
        y_t = torch.from_numpy(np.ascontiguousarray(y, dtype=label_dtype))
        on_device = self.device.type == "cpu" or X_t.nbytes + y_t.nbytes <= self.device_budget
        if on_device:
            return Split(X_t.to(self.device), y_t.to(self.device), True)
        pin = self.device.type == "cuda"
        return Split(X_t.pin_memory() if pin else X_t, y_t.pin_memory() if pin else y_t, False)

    def train_batch(self, data: Split, idx: np.ndarray) -> float:
        """One optimizer step on examples `idx`; returns the batch loss as a float."""
        model = self.model
        if not model.training:
            model.train()
        if self.balanced:
            idx = self._balanced_draw(data, len(idx))
        xb, yb = self._gather(data, torch.from_numpy(idx))
        if self.augment is not None:
            xb = self.augment(xb)
        if self.amp:
            with torch.autocast(self.device.type, self.amp_dtype):
                loss = self.loss_fn(self.forward(xb), yb)
        else:
            loss = self.loss_fn(self.forward(xb), yb)
        self.optimizer.zero_grad(set_to_none=True)
        if self._scaled:
            self.scaler.scale(loss).backward()
            self.scaler.step(self.optimizer)
            self.scaler.update()
        else:
            loss.backward()
            self.optimizer.step()
        # On the CPU .item() only reads memory; on an accelerator it waits for the step, the price
        # of a float per batch that DivergenceStop checks and the progress bar shows.
        return loss.item()

    def evaluate(self, data: Split) -> dict[str, float]:
        """Mean loss (and accuracy for classification) over a split, in eval mode, by chunks."""
        total_loss, correct = 0.0, 0
        for yb, out in self._outputs(data):
            total_loss += self.loss_fn(out, yb).item() * len(yb)
            if self.task == "classification":
                correct += (out.argmax(1) == yb).sum().item()
        metrics = {"loss": total_loss / len(data)}
        if self.task == "classification":
            metrics["acc"] = correct / len(data)
        return metrics

    def predict(self, X: np.ndarray) -> np.ndarray:
        """Class probabilities (N, C) for classification, raw outputs for regression."""
        data = self.prepare(X, np.zeros(len(X)))
        outs = [out.softmax(1) if self.task == "classification" else out
                for _, out in self._outputs(data)]
        return torch.cat(outs).cpu().numpy()

    def state_dict(self) -> dict[str, np.ndarray]:
        """"model.<key>" for the weights, "optimizer.<...>" and "scaler.<...>" for the rest."""
        state = {f"model.{k}": _to_numpy(v) for k, v in self.model.state_dict().items()}
        state.update(optimizer_state(self.optimizer))
        state.update({f"scaler.{k}": np.asarray(v) for k, v in self.scaler.state_dict().items()})
        return state

    def load_state_dict(self, state: dict[str, np.ndarray]) -> None:
        """Restore what `state_dict` returned: the model strictly, optimizer/scaler if present."""
        model = {k[6:]: torch.from_numpy(np.array(v)) for k, v in state.items()
                 if k.startswith("model.")}
        self.model.load_state_dict(model)
        if any(k.startswith("optimizer.") for k in state):
            load_optimizer_state(self.optimizer, state)
        scaler = {k[7:]: np.asarray(v).item() for k, v in state.items() if k.startswith("scaler.")}
        if scaler and self.scaler.is_enabled():
            self.scaler.load_state_dict(scaler)

    def model_state(self) -> dict[str, np.ndarray]:
        """The model's weights alone, keyed as its own state_dict (what model.safetensors holds)."""
        return {k: _to_numpy(v) for k, v in self.model.state_dict().items()}

    def _gather(self, data: Split, idx: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        if data.on_device:
            if self.device.type != "cpu":
                idx = idx.to(self.device, non_blocking=True)
            return data.X.index_select(0, idx), data.y.index_select(0, idx)
        pin = self.device.type == "cuda"
        xb, yb = data.X[idx], data.y[idx]
        if pin:
            xb, yb = xb.pin_memory(), yb.pin_memory()
        return xb.to(self.device, non_blocking=True), yb.to(self.device, non_blocking=True)

    def _outputs(self, data: Split):
        """(y, model output in float32) per chunk of `eval_batch_size`, without gradients."""
        self.model.eval()
        try:
            with torch.inference_mode(), torch.autocast(self.device.type, self.amp_dtype,
                                                        enabled=self.amp):
                for start in range(0, len(data), self.eval_batch_size):
                    idx = torch.arange(start, min(start + self.eval_batch_size, len(data)))
                    xb, yb = self._gather(data, idx)
                    yield yb, self.forward(xb).float()
        finally:
            self.model.train()

    def _balanced_draw(self, data: Split, n: int) -> np.ndarray:
        if self._weights is None or len(self._weights) != len(data):
            y = data.y.cpu().numpy()
            counts = np.bincount(y)
            self._weights = torch.from_numpy(1.0 / counts[y])
        return torch.multinomial(self._weights, n, replacement=True).numpy()


def _to_numpy(t: torch.Tensor) -> np.ndarray:
    return t.detach().cpu().numpy().copy()


def optimizer_state(optimizer: torch.optim.Optimizer) -> dict[str, np.ndarray]:
    """A torch optimizer's state as flat arrays: "optimizer.state.<param>.<name>" per-parameter
    buffers and "optimizer.group.<g>.<hyper>" numeric hyperparameters (betas as a 2-vector)."""
    sd = optimizer.state_dict()
    flat = {}
    for pid, buffers in sd["state"].items():
        for name, value in buffers.items():
            flat[f"optimizer.state.{pid}.{name}"] = (_to_numpy(value) if torch.is_tensor(value)
                                                     else np.asarray(value))
    for g, group in enumerate(sd["param_groups"]):
        for name, value in group.items():
            if isinstance(value, bool | int | float) or (
                    isinstance(value, tuple) and all(isinstance(v, float | int) for v in value)):
                flat[f"optimizer.group.{g}.{name}"] = np.asarray(value)
    return flat


def load_optimizer_state(optimizer: torch.optim.Optimizer, flat: dict[str, np.ndarray]) -> None:
    """Inverse of `optimizer_state`: numbers keep the type they were saved with."""
    sd = optimizer.state_dict()
    state: dict[int, dict] = {}
    for key, value in flat.items():
        parts = key.split(".")
        if parts[:2] == ["optimizer", "state"]:
            state.setdefault(int(parts[2]), {})[parts[3]] = torch.from_numpy(np.array(value))
        elif parts[:2] == ["optimizer", "group"]:
            value = np.asarray(value)
            # the saved dtype decides the type: a live default (momentum=0, an int) must not
            # truncate the saved 0.9
            sd["param_groups"][int(parts[2])][parts[3]] = (
                tuple(value.tolist()) if value.ndim else value.item())
    sd["state"] = state
    optimizer.load_state_dict(sd)

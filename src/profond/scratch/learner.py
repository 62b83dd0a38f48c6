"""ScratchLearner: a scratch model, loss and optimizer behind the one Trainer's Learner protocol."""

import contextlib

import numpy as np

from profond.checks import check_choice, check_int
from profond.scratch.functional.activations import softmax_forward
from profond.scratch.module import Module
from profond.scratch.nn.container import Sequential
from profond.scratch.nn.dense import Linear
from profond.scratch.nn.losses import CrossEntropyLoss

TASKS = ("classification", "regression")


class ScratchLearner:
    """`ScratchLearner(model, loss, optimizer, task="classification", eval_batch_size=4096)`.

    One step is the five lines of a torch loop with the engine's explicit backward:
    zero_grad, y_hat = model(X[idx]), loss(y_hat, y[idx]), model.backward(loss.backward()), step.
    Data stay NumPy arrays (float32, made contiguous once by `prepare`). When the model is a
    Sequential starting with a Linear, that layer stops computing dx (the gradient of the data),
    as torch does for inputs that do not require grad: a third of that layer's backward.
    """

    def __init__(self, model: Module, loss: Module, optimizer, task: str = "classification",
                 eval_batch_size: int = 4096):
        self.model, self.loss, self.optimizer = model, loss, optimizer
        self.task = check_choice("task", task, TASKS)
        self.eval_batch_size = check_int("eval_batch_size", eval_batch_size, minimum=1)
        self.model.train()
        first = model[0] if isinstance(model, Sequential) and len(model) else None
        if isinstance(first, Linear):
            first.needs_input_grad = False

    @property
    def lr(self) -> float:
        return self.optimizer.lr

    @lr.setter
    def lr(self, value: float) -> None:
        self.optimizer.lr = value

    def prepare(self, X: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        label_dtype = np.int64 if self.task == "classification" else np.float32
        return (np.ascontiguousarray(X, dtype=np.float32),
                np.ascontiguousarray(y, dtype=label_dtype))

    def train_batch(self, data: tuple[np.ndarray, np.ndarray], idx: np.ndarray) -> float:
        X, y = data
        self.optimizer.zero_grad()
        loss = self.loss(self.model(X[idx]), y[idx])
        self.model.backward(self.loss.backward())
        self.optimizer.step()
        return loss

    def evaluate(self, data: tuple[np.ndarray, np.ndarray]) -> dict[str, float]:
        """Mean loss per example (and accuracy for classification) in eval mode, by chunks."""
        X, y = data
        total, correct = 0.0, 0
        # A "mean" loss is weighted by the chunk size; a "sum" one (HalfSSE) already is.
        per_mean = getattr(self.loss, "reduction", "mean") == "mean"
        for start, out in self._outputs(X):
            yb = y[start:start + len(out)]
            total += self.loss(out, yb) * (len(out) if per_mean else 1)
            if self.task == "classification":
                correct += int(np.count_nonzero(_predicted_class(out) == yb))
        metrics = {"loss": total / len(X)}
        if self.task == "classification":
            metrics["acc"] = correct / len(X)
        return metrics

    def predict(self, X: np.ndarray) -> np.ndarray:
        """Class probabilities (N, C) when the loss reads logits (cross-entropy), else outputs."""
        X = np.ascontiguousarray(X, dtype=np.float32)
        outs = [out for _, out in self._outputs(X)]
        out = np.concatenate(outs) if outs else np.zeros((0,))
        if self.task == "classification" and isinstance(self.loss, CrossEntropyLoss):
            out = softmax_forward(out)[0]
        return out

    def state_dict(self) -> dict[str, np.ndarray]:
        """"model.<name>" for weights and buffers, "optimizer.<name>" for the optimizer's state."""
        state = {f"model.{k}": v for k, v in self.model.state_dict().items()}
        state.update((f"optimizer.{k}", v) for k, v in self.optimizer.state_dict().items())
        return state

    def load_state_dict(self, state: dict[str, np.ndarray]) -> None:
        self.model.load_state_dict({k[6:]: v for k, v in state.items() if k.startswith("model.")})
        optimizer = {k[10:]: v for k, v in state.items() if k.startswith("optimizer.")}
        if optimizer:
            self.optimizer.load_state_dict(optimizer)

    def model_state(self) -> dict[str, np.ndarray]:
        """The model's weights alone, keyed as its own state_dict (what model.safetensors holds)."""
        return dict(self.model.state_dict())

    @contextlib.contextmanager
    def evaluating(self):
        """Eval mode for a measurement, then back to train mode for the next batch."""
        self.model.eval()
        try:
            yield
        finally:
            self.model.train()

    def _outputs(self, X: np.ndarray):
        """(start, model output) per chunk of `eval_batch_size`, in eval mode."""
        with self.evaluating():
            for start in range(0, len(X), self.eval_batch_size):
                yield start, self.model(X[start:start + self.eval_batch_size])


def _predicted_class(out: np.ndarray) -> np.ndarray:
    """argmax over classes; one output column is read as a probability thresholded at ½."""
    if out.ndim == 2 and out.shape[1] == 1:
        return (out[:, 0] > 0.5).astype(np.int64)
    return out.argmax(axis=1)

"""The learner protocol: what the one Trainer drives, for the scratch engine and for torch alike.

The Trainer owns the loop (epochs, shuffling, mini-batch indices, callbacks, history); a learner
owns the model, the loss and the optimizer, and keeps the data in its own form (NumPy arrays for
scratch, tensors already on the device for torch, so a step costs no conversion).
"""

from typing import Any, Protocol

import numpy as np


class Learner(Protocol):
    lr: float
    """Current learning rate (read by divergence messages, written by schedules)."""

    def prepare(self, X: np.ndarray, y: np.ndarray) -> Any:
        """Convert one split once (e.g. to device tensors); the calls below get the result back."""

    def train_batch(self, data: Any, idx: np.ndarray) -> float:
        """One optimizer step on the examples `idx` of `data`; returns the batch loss (a float)."""

    # Optional: `train_epoch(data, order, batch_size) -> float | None` runs the steps of a whole
    # epoch (batches order[i:i + batch_size]) and returns the mean batch loss, or None to let the
    # Trainer call train_batch per batch.

    def evaluate(self, data: Any) -> dict[str, float]:
        """Metrics on a whole split, in eval mode: {"loss": ..., "acc": ...} (acc: classes)."""

    def predict(self, X: np.ndarray) -> np.ndarray:
        """Model outputs for raw inputs: class probabilities (N, C) or regression values (N, ...).
        """

    def state_dict(self) -> dict[str, np.ndarray]:
        """Model and optimizer state as flat name -> array (what a checkpoint stores)."""

    def load_state_dict(self, state: dict[str, np.ndarray]) -> None:
        """Restore what `state_dict` returned."""

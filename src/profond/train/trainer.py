"""The one training loop: epochs, per-epoch shuffling, mini-batch indices, callbacks, history.

It drives any `Learner` (protocol.py): the scratch engine and torch alike. The inner loop does only
what a hand-written loop does (slice the shuffled index, one learner step) plus the callbacks that
asked for batch events, so it costs no more than a five-line loop.
"""

import math

import numpy as np

from profond.checks import check_int
from profond.train.callbacks import Callback, DivergenceStop, watchers
from profond.train.history import History
from profond.train.protocol import Learner


class Trainer:
    """`Trainer(max_epochs, batch_size, seed=0, callbacks=(), shuffle=True, eval_train=True,
    stop_on_divergence=True)`.

    Each epoch: shuffle the training indices with the trainer's own seeded generator, run
    ceil(N / batch_size) steps, then evaluate. With `eval_train` the logged train loss/acc come from
    `learner.evaluate` on the whole train split (eval mode); without it, the logged loss is the mean
    batch loss (Keras' running average) and no train accuracy is logged. A DivergenceStop is added
    unless one is given or `stop_on_divergence` is False (the lab shows a NaN loss, as TensorFlow
    Playground does). `max_epochs=None` is for `epochs` alone: it trains until a callback stops
    it or the caller stops iterating (the lab, one epoch per frame). Callbacks of an enclosing
    `callbacks.watching` block join `callbacks`.
    """

    def __init__(self, max_epochs: int | None, batch_size: int, seed: int = 0, callbacks=(),
                 shuffle: bool = True, eval_train: bool = True, stop_on_divergence: bool = True):
        self.max_epochs = None if max_epochs is None else check_int("max_epochs", max_epochs,
                                                                    minimum=1)
        self.batch_size = check_int("batch_size", batch_size, minimum=1)
        self.seed = seed
        self.shuffle = shuffle
        self.eval_train = eval_train
        self.callbacks = [*callbacks, *watchers()]
        if stop_on_divergence and not any(isinstance(cb, DivergenceStop)
                                          for cb in self.callbacks):
            self.callbacks.append(DivergenceStop())
        self.stop_training = False
        self.epoch = 0
        self.steps_per_epoch = 0
        self.learner = None
        self.history = History()

    def fit(self, learner: Learner, train, val=None, initial_epoch: int = 0) -> History:
        """Train `learner` on `train` (a Dataset's train split, or (X, y)); `val` is (X, y).

        `initial_epoch` (Keras' name) resumes after that many epochs: the shuffles of the skipped
        epochs are replayed, so the batches match those of an uninterrupted run.
        """
        if self.max_epochs is None:
            raise ValueError("max_epochs: expected a number of epochs for fit; got None (which "
                             "is for iterating `epochs`)")
        self.history = History()
        for logs in self.epochs(learner, train, val, initial_epoch):
            self.history.append(logs)
        return self.history

    def epochs(self, learner: Learner, train, val=None, initial_epoch: int = 0):
        """Train one epoch per iteration and yield its logs: what `fit` runs, for a caller that
        shows each epoch as it comes (the lab). Callbacks see every hook as in `fit`; closing the
        generator ends training (on_train_end)."""
        X, y = _pair(train)
        if len(X) == 0:
            raise ValueError("train: expected at least one example; got 0")
        self.learner, self.stop_training = learner, False
        data = learner.prepare(X, y)
        val_data = learner.prepare(*_pair(val)) if val is not None else None
        self.steps_per_epoch = math.ceil(len(X) / self.batch_size)
        order = np.arange(len(X))
        rng = np.random.default_rng(self.seed)
        for _ in range(initial_epoch if self.shuffle else 0):
            rng.shuffle(order)
        for cb in self.callbacks:
            cb.trainer = self
        self._call("on_train_begin")
        try:
            epoch = initial_epoch
            while self.max_epochs is None or epoch < self.max_epochs:
                epoch = self.epoch = epoch + 1
                self._call("on_epoch_begin", epoch)
                if self.shuffle:
                    rng.shuffle(order)
                mean_loss = self._run_epoch(learner, data, order)
                logs = self._epoch_logs(learner, data, val_data, mean_loss)
                self._call("on_epoch_end", epoch, logs)
                yield logs
                if self.stop_training:
                    break
        finally:
            self._call("on_train_end")

    def _run_epoch(self, learner: Learner, data, order: np.ndarray) -> float:
        batch_hooks = [cb.on_batch_end for cb in self.callbacks
                       if type(cb).on_batch_end is not Callback.on_batch_end]
        # a learner that runs a whole epoch at once (the lab's compiled playground) may, unless a
        # callback wants each batch; it returns None when its settings need the batch loop
        whole = getattr(learner, "train_epoch", None)
        if whole is not None and not batch_hooks:
            mean_loss = whole(data, order, self.batch_size)
            if mean_loss is not None:
                return mean_loss
        train_batch, bs, total = learner.train_batch, self.batch_size, 0.0
        for step, start in enumerate(range(0, len(order), bs), 1):
            loss = train_batch(data, order[start:start + bs])
            total += loss
            for hook in batch_hooks:
                hook(step, loss)
        return total / self.steps_per_epoch

    def _epoch_logs(self, learner: Learner, data, val_data, mean_loss: float) -> dict[str, float]:
        logs = {"epoch": self.epoch, "lr": float(learner.lr)}
        logs.update(learner.evaluate(data) if self.eval_train else {"loss": mean_loss})
        if val_data is not None:
            logs.update({f"val_{k}": v for k, v in learner.evaluate(val_data).items()})
        return logs

    def _call(self, hook: str, *args) -> None:
        for cb in self.callbacks:
            getattr(cb, hook)(*args)


def _pair(split) -> tuple[np.ndarray, np.ndarray]:
    """(X, y) from a Dataset (its train split) or from an (X, y) pair."""
    if hasattr(split, "X_train"):
        return split.X_train, split.y_train
    X, y = split
    if len(X) != len(y):
        raise ValueError(f"X and y: expected the same length; got {len(X)} and {len(y)}")
    return X, y

"""Callbacks the Trainer calls (Keras' hook names): progress bar, early and divergence stops."""

import math
import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

import numpy as np


class TrainingDiverged(RuntimeError):
    """The loss became nan, inf, or exploded; the message says where and suggests a lower lr."""


class Callback:
    """Base class: every hook does nothing. `self.trainer` is set by `Trainer.fit` before any hook.

    Hooks: on_train_begin(), on_epoch_begin(epoch), on_batch_end(step, loss), on_epoch_end(epoch,
    logs), on_train_end(). Epochs and steps count from 1; `step` is the batch's rank in its epoch.
    Set `self.trainer.stop_training = True` to end the run after the current epoch.
    """

    trainer = None

    def on_train_begin(self) -> None:
        pass

    def on_epoch_begin(self, epoch: int) -> None:
        pass

    def on_batch_end(self, step: int, loss: float) -> None:
        pass

    def on_epoch_end(self, epoch: int, logs: dict[str, float]) -> None:
        pass

    def on_train_end(self) -> None:
        pass


_WATCHERS: ContextVar[tuple[Callback, ...]] = ContextVar("profond_watchers", default=())


@contextmanager
def watching(*callbacks: Callback) -> Iterator[None]:
    """Every Trainer made inside the block calls `callbacks` too, after its own: how a command
    shows the progress of code that builds its Trainers itself (`profond experiment run`)."""
    token = _WATCHERS.set(_WATCHERS.get() + callbacks)
    try:
        yield
    finally:
        _WATCHERS.reset(token)


def watchers() -> tuple[Callback, ...]:
    """The callbacks of the enclosing `watching` blocks."""
    return _WATCHERS.get()


class DivergenceStop(Callback):
    """Raise TrainingDiverged when a batch loss is nan, inf, or over `factor` x the first one."""

    def __init__(self, factor: float = 1e6):
        self.factor = factor
        self.first_loss = None

    def on_train_begin(self) -> None:
        self.first_loss = None

    def on_batch_end(self, step: int, loss: float) -> None:
        if self.first_loss is None:
            self.first_loss = abs(loss)
        exploded = self.first_loss > 0 and abs(loss) > self.factor * self.first_loss
        if math.isfinite(loss) and not exploded:
            return
        what = ("became nan" if math.isnan(loss) else "became inf" if math.isinf(loss)
                else f"exploded to {loss:.3g} (over {self.factor:g} x the first batch's "
                     f"{self.first_loss:.3g})")
        lr = self.trainer.learner.lr
        raise TrainingDiverged(f"loss {what} at epoch {self.trainer.epoch} step {step}; "
                               f"try a lower learning rate (got lr={lr:g})")


class EarlyStopping(Callback):
    """Stop once `monitor` has gone `patience` epochs without improving by more than `min_delta`.

    With `restore_best_weights`, the learner gets back the state of its best epoch when training
    ends (keras.callbacks.EarlyStopping(restore_best_weights=True)).
    """

    def __init__(self, monitor: str = "val_loss", patience: int = 5, min_delta: float = 0.0,
                 restore_best_weights: bool = True, mode: str = "auto"):
        from profond.checks import check_choice, check_int, check_positive

        self.monitor = monitor
        self.patience = check_int("patience", patience, minimum=0)
        self.min_delta = check_positive("min_delta", min_delta, allow_zero=True)
        self.restore_best_weights = restore_best_weights
        mode = check_choice("mode", mode, ("auto", "min", "max"))
        self.sign = -1.0 if mode == "max" or (mode == "auto" and "acc" in monitor) else 1.0

    def on_train_begin(self) -> None:
        self.best, self.best_epoch, self.best_state, self.wait = math.inf, 0, None, 0

    def on_epoch_end(self, epoch: int, logs: dict[str, float]) -> None:
        if self.monitor not in logs:
            raise KeyError(f"monitor: expected one of {sorted(logs)}; got {self.monitor!r}")
        value = self.sign * logs[self.monitor]
        if value < self.best - self.min_delta:
            self.best, self.best_epoch, self.wait = value, epoch, 0
            if self.restore_best_weights:
                self.best_state = {k: np.array(v, copy=True)
                                   for k, v in self.trainer.learner.state_dict().items()}
        else:
            self.wait += 1
            if self.wait >= self.patience:
                self.trainer.stop_training = True

    def on_train_end(self) -> None:
        if self.restore_best_weights and self.best_state is not None:
            self.trainer.learner.load_state_dict(self.best_state)


class ProgressBar(Callback):
    """A rich progress bar: epoch, step in the epoch, last batch loss, and the epoch's metrics."""

    def __init__(self, console=None, refresh_every: int = 0):
        self.console = console
        self.refresh_every = refresh_every

    def on_train_begin(self) -> None:
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

        trainer = self.trainer
        self.every = self.refresh_every or max(1, trainer.steps_per_epoch // 20)
        epochs = str(trainer.max_epochs or "∞")
        self.progress = Progress(TextColumn("epoch {task.fields[epoch]}/" + epochs),
                                 BarColumn(), MofNCompleteColumn(),
                                 TextColumn("loss {task.fields[loss]:.4f} {task.fields[metrics]}"),
                                 console=self.console, transient=False)
        self.task = self.progress.add_task("train", total=trainer.steps_per_epoch, epoch=0,
                                           loss=math.nan, metrics="")
        self.progress.start()

    def on_epoch_begin(self, epoch: int) -> None:
        self.progress.update(self.task, completed=0, epoch=epoch)

    def on_batch_end(self, step: int, loss: float) -> None:
        if step % self.every == 0:
            self.progress.update(self.task, completed=step, loss=loss)

    def on_epoch_end(self, epoch: int, logs: dict[str, float]) -> None:
        metrics = " ".join(f"{k} {v:.4f}" for k, v in logs.items()
                           if k not in ("epoch", "lr", "loss"))
        self.progress.update(self.task, completed=self.trainer.steps_per_epoch, metrics=metrics,
                             loss=logs.get("loss", math.nan))

    def on_train_end(self) -> None:
        self.progress.stop()


class ArmProgress(Callback):
    """Progress of code that trains several models (an experiment's arms), for `watching`: each
    training it starts is one arm, and `show` gets "NAME: arm K (MODEL), epoch E/N, ~S s left"
    when it starts and after every epoch (time left: the mean epoch so far times those to go)."""

    def __init__(self, name: str, show):
        self.name, self.show = name, show
        self.arm, self.start, self.first_epoch = 0, 0.0, None

    def on_train_begin(self) -> None:
        self.arm += 1
        self.first_epoch = None
        self.show(f"{self.name}: arm {self.arm} ({self._model()}), starting")

    def on_epoch_begin(self, epoch: int) -> None:
        if self.first_epoch is None:  # a resumed training starts past epoch 1
            self.first_epoch, self.start = epoch, time.perf_counter()

    def on_epoch_end(self, epoch: int, logs: dict[str, float]) -> None:
        total = self.trainer.max_epochs
        text = f"{self.name}: arm {self.arm} ({self._model()}), epoch {epoch}/{total or '∞'}"
        if total:
            per_epoch = (time.perf_counter() - self.start) / (epoch - self.first_epoch + 1)
            text += f", ~{per_epoch * (total - epoch):.0f} s left"
        self.show(text)

    def _model(self) -> str:
        learner = self.trainer.learner
        return type(getattr(learner, "model", learner)).__name__


class OneCycle(Callback):
    """lr(t) = peak·(t + 1)/w for t < w, then peak·(1 + cos(π (t − w)/(T − w)))/2.

    t counts optimizer steps over the whole run (T = max_epochs x steps per epoch, w = warmup x
    T), so a resumed run continues the curve where its checkpoint left it. Like
    torch.optim.lr_scheduler.OneCycleLR with a linear warm-up and cosine annealing to 0.
    """

    def __init__(self, peak: float, warmup: float = 0.2):
        self.peak, self.warmup = peak, warmup

    def on_train_begin(self) -> None:
        self.spe = self.trainer.steps_per_epoch
        self.total = self.trainer.max_epochs * self.spe
        self.warm = max(1, int(self.warmup * self.total))

    def on_epoch_begin(self, epoch: int) -> None:
        self.start = (epoch - 1) * self.spe
        self._set(self.start)

    def on_batch_end(self, step: int, loss: float) -> None:
        self._set(self.start + step)

    def _set(self, t: int) -> None:
        w = self.warm
        self.trainer.learner.lr = (self.peak * (t + 1) / w if t < w else self.peak * (
            1 + math.cos(math.pi * (t - w) / max(1, self.total - w))) / 2)


"""History: what the Trainer records once per epoch, the learning-curve figure, and LiveCurves,
the callback that redraws that figure in a notebook after every epoch."""

from pathlib import Path

from profond.train.callbacks import Callback

KEYS = ("epoch", "lr", "loss", "acc", "val_loss", "val_acc")
# the figure's words; `History.plot(labels=...)` replaces any of them (a notebook passes French:
# {"epoch": "époque", "loss": "perte", "acc": "exactitude", "train": "entraînement"})
LABELS = {"epoch": "epoch", "loss": "loss", "acc": "accuracy", "train": "train",
          "val": "validation"}


class History:
    """Per-epoch lists keyed by log name, as Keras' `History.history`: every key the Trainer or a
    learner logs (epoch, lr, loss, acc, val_loss, val_acc, and the learner's own: recon, kl,
    d_loss, ...).

    The usual keys read as attributes (`history.val_acc`), an empty list when never logged (acc
    for regression, val_* without a validation split); other logged keys read by name,
    `history.history["kl"]`.
    """

    def __init__(self, history: dict[str, list] | None = None, **lists):
        self.history: dict[str, list] = {k: list(v) for k, v in {**(history or {}),
                                                                 **lists}.items()}

    def __getattr__(self, name: str) -> list:
        if name in KEYS:
            return self.__dict__["history"].get(name, [])
        raise AttributeError(f"History has no attribute {name!r} (logged keys are in .history: "
                             f"{', '.join(self.__dict__.get('history', {}))})")

    def append(self, logs: dict[str, float]) -> None:
        """Add one epoch's logs, every key."""
        for key, value in logs.items():
            self.history.setdefault(key, []).append(value)

    def to_dict(self) -> dict[str, list[float]]:
        """Every logged key, and the usual ones (empty when never logged)."""
        return {**{key: [] for key in KEYS}, **{k: list(v) for k, v in self.history.items()}}

    def rows(self) -> list[dict]:
        """One dict per epoch with that epoch's logs."""
        epochs = len(self)
        return [{k: v[i] for k, v in self.history.items() if i < len(v)} for i in range(epochs)]

    def __len__(self) -> int:
        return len(self.history.get("epoch", []))

    def plot(self, path: str | Path | None = None, *, title: str | None = None,
             labels: dict[str, str] | None = None):
        """The learning curves (loss, and accuracy when recorded; train and validation) against
        whole epochs, as a matplotlib Figure; written as a PNG too when `path` is given.

        `labels` replaces words of LABELS (a notebook passes French ones); `title` goes on top.
        """
        from profond.plotting import finish, integer_ticks, pyplot

        plt = pyplot()
        words = {**LABELS, **(labels or {})}
        panels = ["loss"] + (["acc"] if self.acc or self.val_acc else [])
        fig, axes = plt.subplots(1, len(panels), figsize=(5 * len(panels), 3.6), squeeze=False)
        for ax, key in zip(axes[0], panels, strict=True):
            for name, style, part in ((key, "-", "train"), (f"val_{key}", "--", "val")):
                values = getattr(self, name)
                if values:
                    ax.plot(self.epoch[: len(values)], values, style, marker=".",
                            label=words[part])
            ax.set_xlabel(words["epoch"])
            ax.set_ylabel(words[key])
            integer_ticks(ax)
            ax.grid(alpha=0.3)
            ax.legend()
        if title:
            fig.suptitle(title)
        fig.tight_layout()
        return finish(fig, path)


class LiveCurves(Callback):
    """Trainer callback for notebooks: one learning-curve figure (`History.plot`'s, with its
    `title` and `labels`) shown once and redrawn in place after every epoch.

    `display` is IPython's `display` by default; `self.history` holds the epochs seen.
    """

    def __init__(self, title: str | None = None, labels: dict[str, str] | None = None,
                 display=None):
        self.title, self.labels, self.display = title, labels, display
        self.history, self.handle = History(), None

    def on_train_begin(self) -> None:
        if self.display is None:
            from IPython.display import display

            self.display = display
        self.history, self.handle = History(), None

    def on_epoch_end(self, epoch: int, logs: dict[str, float]) -> None:
        self.history.append(logs)
        figure = self.history.plot(title=self.title, labels=self.labels)
        if self.handle is None:
            self.handle = self.display(figure, display_id=True)
        else:
            self.handle.update(figure)

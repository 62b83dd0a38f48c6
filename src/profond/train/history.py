"""History: what the Trainer records once per epoch, and the learning-curve figure."""

from pathlib import Path

KEYS = ("epoch", "lr", "loss", "acc", "val_loss", "val_acc")


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

    def plot(self, path: str | Path) -> Path:
        """Write the learning curves (loss, and accuracy when recorded) against epochs as a PNG."""
        from profond.plotting import pyplot, save_png

        plt = pyplot()

        panels = [("loss", "loss")] + ([("acc", "accuracy")] if self.acc or self.val_acc else [])
        fig, axes = plt.subplots(1, len(panels), figsize=(5 * len(panels), 3.6), squeeze=False)
        for ax, (key, label) in zip(axes[0], panels, strict=True):
            for name, style in ((key, "-"), (f"val_{key}", "--")):
                values = getattr(self, name)
                if values:
                    ax.plot(self.epoch[: len(values)], values, style, marker=".", label=name)
            ax.set_xlabel("epoch")
            ax.set_ylabel(label)
            ax.grid(alpha=0.3)
            ax.legend()
        fig.tight_layout()
        return save_png(fig, path)

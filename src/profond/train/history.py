"""History: what the Trainer records once per epoch, and the learning-curve figure."""

from dataclasses import dataclass, field
from pathlib import Path

KEYS = ("epoch", "lr", "loss", "acc", "val_loss", "val_acc")


@dataclass
class History:
    """Per-epoch lists, as Keras' `History.history`: train and validation loss/accuracy, epoch, lr.

    A metric the learner does not report (acc for regression, val_* without a validation split)
    stays an empty list, so every non-empty list has one value per epoch.
    """

    epoch: list[int] = field(default_factory=list)
    lr: list[float] = field(default_factory=list)
    loss: list[float] = field(default_factory=list)
    acc: list[float] = field(default_factory=list)
    val_loss: list[float] = field(default_factory=list)
    val_acc: list[float] = field(default_factory=list)

    def append(self, logs: dict[str, float]) -> None:
        """Add one epoch's logs; keys outside KEYS are ignored."""
        for key in KEYS:
            if key in logs:
                getattr(self, key).append(logs[key])

    def to_dict(self) -> dict[str, list[float]]:
        return {key: list(getattr(self, key)) for key in KEYS}

    def __len__(self) -> int:
        return len(self.epoch)

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

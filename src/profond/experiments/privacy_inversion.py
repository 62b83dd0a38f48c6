"""Deck 000, reconstruction attacks: a shared gradient gives the training image away (DLG).

A client computes the gradient of a tiny MLP (64 -> 32 sigmoid -> 10) on one digit and shares it,
as in federated learning. The server optimises a random dummy digit and label until their gradient
matches (Zhu et al. 2019, "Deep Leakage from Gradients"); the table reports the reconstruction
MSE and the recovered label, the figure shows original against reconstruction.
"""

from pathlib import Path

import numpy as np
import torch

from profond.data import load
from profond.experiments.registry import ExperimentResult
from profond.further.privacy.attacks import gradient_inversion, shared_gradient
from profond.models import create_model
from profond.plotting import pyplot, save_png
from profond.train.torch_learner import seed_everything

HIDDEN = (32,)
# (digits attacked, L-BFGS steps) by `quick`
BUDGETS = {True: (3, 30), False: (8, 100)}


def run(*, quick: bool, seed: int, out_dir: Path) -> ExperimentResult:
    """One row per attacked test digit: label, recovered label, MSE at the start and at the end."""
    n_images, steps = BUDGETS[quick]
    data = load("digits")
    seed_everything(seed)
    model = create_model("mlp", data.X_train.shape[1:], len(data.classes), hidden=HIDDEN,
                         activation="sigmoid")  # DLG needs a twice-differentiable network
    rows, pictures = [], []
    for i in range(n_images):
        x, y = torch.from_numpy(data.X_test[i:i + 1]), torch.from_numpy(data.y_test[i:i + 1])
        x_hat, label, _ = gradient_inversion(model, shared_gradient(model, x, y), x.shape[1:],
                                             len(data.classes), steps=steps, seed=seed + i)
        start, _, _ = gradient_inversion(model, shared_gradient(model, x, y), x.shape[1:],
                                         len(data.classes), steps=1, seed=seed + i, restarts=1)
        rows.append({"digit": i, "label": int(y), "recovered label": int(label.argmax()),
                     "mse after 1 step": round(float(((start - x) ** 2).mean()), 5),
                     f"mse after {steps} steps": round(float(((x_hat - x) ** 2).mean()), 6)})
        pictures.append((x[0, 0].numpy(), x_hat[0, 0].clamp(0, 1).numpy()))
    figure = _plot(pictures, out_dir / "privacy_inversion.png")
    final = [r[f"mse after {steps} steps"] for r in rows]
    return ExperimentResult(
        name="privacy-inversion", rows=rows,
        title=f"Gradient inversion (DLG) on an MLP {HIDDEN} sigmoid, one 8×8 digit per gradient",
        figures=[str(figure)],
        claims={"mean_mse": float(np.mean(final)),
                "labels_recovered": sum(r["label"] == r["recovered label"] for r in rows),
                "images": len(rows)},
        notes=["Untrained network (the first round of federated learning); pixels in [0, 1], "
               f"L-BFGS on the squared gradient distance, {steps} steps, up to 3 random starts."])


def _plot(pictures: list[tuple[np.ndarray, np.ndarray]], path: Path) -> Path:
    plt = pyplot()

    fig, axes = plt.subplots(2, len(pictures), figsize=(1.6 * len(pictures), 3.4), squeeze=False)
    for col, (original, rebuilt) in enumerate(pictures):
        for row, img in enumerate((original, rebuilt)):
            axes[row, col].imshow(img, cmap="gray", vmin=0, vmax=1)
            axes[row, col].set_xticks([])
            axes[row, col].set_yticks([])
    axes[0, 0].set_ylabel("original")
    axes[1, 0].set_ylabel("from gradient")
    fig.tight_layout()
    return save_png(fig, path)

"""Deck 001 (Chester): does the network know what it does not know, and where does it look?

An autoencoder (profond.models.autoencoders.Autoencoder) trained on sklearn digits scores images by
reconstruction error; the ROC AUC says how well that score separates test digits from (a) uniform
noise images, (b) MNIST-1D signals resampled to 64 values and shown as 8x8 images, and two harder
sets made of the test digits themselves, (c) rotated by 90° and (d) mirrored left to right. As
Chester shows two maps, one PNG puts, per digit, the per-pixel reconstruction error (x̂ − x)²
beside a LeNet-5's vanilla-gradient and Grad-CAM saliency maps.
"""

from pathlib import Path

import numpy as np

from profond.data import load
from profond.experiments.registry import ExperimentResult
from profond.limits.ood import grad_cam, ood_auc, reconstruction_error, vanilla_saliency
from profond.models import logits, new_model
from profond.models.autoencoders import Autoencoder
from profond.plotting import pyplot, save_png
from profond.train.recipe import fit_model
from profond.train.torch_learner import seed_everything

# (autoencoder epochs, CNN epochs) by `quick`
BUDGETS = {True: (30, 20), False: (200, 60)}


def run(*, quick: bool, seed: int, out_dir: Path) -> ExperimentResult:
    """Rows: one per out-of-distribution set (mean scores and ROC AUC)."""
    ae_epochs, cnn_epochs = BUDGETS[quick]
    digits = load("digits")
    flat = digits.X_train.reshape(len(digits.X_train), -1)
    seed_everything(seed)  # the autoencoder's initial weights come from the seed
    ae = Autoencoder(64, hidden=(32, 8))
    fit_model(ae, (flat, flat), epochs=ae_epochs, lr=3e-3, seed=seed, task="regression",
        eval_train=False)
    scores_in = reconstruction_error(ae, digits.X_test.reshape(len(digits.X_test), -1))
    rows = []
    for name, X_out in _ood_sets(digits.X_test, seed).items():
        scores_out = reconstruction_error(ae, X_out)
        rows.append({"OOD set": name, "n": len(X_out),
                     "score digits (MSE)": round(float(scores_in.mean()), 4),
                     "score OOD (MSE)": round(float(scores_out.mean()), 4),
                     "ROC AUC": round(ood_auc(scores_in, scores_out), 4)})
    figure = _saliency_figure(digits, ae, cnn_epochs, seed, out_dir / "saliency.png")
    return ExperimentResult(
        name="ood-saliency", rows=rows,
        title="OOD detection by autoencoder reconstruction error (in: digits test set)",
        figures=[str(figure)],
        claims={row["OOD set"]: row["ROC AUC"] for row in rows},
        notes=["Autoencoder 64-32-8-32-64 (sigmoid output), MSE, Adam lr 0.003.",
               "MNIST-1D: each 40-value signal linearly resampled to 64 values, min-max scaled "
               "to [0, 1], reshaped 8x8 (a different kind of data with the same shape).",
               "Rotated and mirrored: the test digits turned 90° counter-clockwise or flipped "
               "left to right (a mirrored 0, 1 or 8 is still a plausible digit).",
               "saliency.png: rows = digits (two of them rotated); columns = image, the "
               "autoencoder's per-pixel error (x̂ − x)², |d logit / d x|, Grad-CAM on "
               "LeNet-5's second convolution."])


def _ood_sets(X_test: np.ndarray, seed: int) -> dict[str, np.ndarray]:
    """The four out-of-distribution sets, each (n, 64) with n = len(X_test)."""
    n = len(X_test)
    rng = np.random.default_rng(seed)
    signals = load("mnist1d").X_test[:n]
    grid = np.linspace(0, signals.shape[1] - 1, 64)
    resampled = np.stack([np.interp(grid, np.arange(signals.shape[1]), s) for s in signals])
    low, high = resampled.min(1, keepdims=True), resampled.max(1, keepdims=True)
    return {"uniform noise": rng.uniform(0, 1, (n, 64)).astype(np.float32),
            "MNIST-1D as 8x8": ((resampled - low) / (high - low)).astype(np.float32),
            "digits rotated 90°": np.rot90(X_test, axes=(2, 3)).reshape(n, 64).copy(),
            "digits mirrored": X_test[..., ::-1].reshape(n, 64).copy()}


def _saliency_figure(digits, ae, epochs: int, seed: int, path: Path) -> Path:
    plt = pyplot()

    cnn = new_model("lenet5", (1, 8, 8), 10, seed=seed)
    fit_model(cnn, (digits.X_train, digits.y_train), epochs=epochs, lr=1e-3, seed=seed,
        eval_train=False)
    X = np.concatenate([digits.X_test[:4], np.rot90(digits.X_test[4:6], axes=(2, 3))])
    flat = np.ascontiguousarray(X.reshape(len(X), -1))
    error = ((logits(ae, flat) - flat) ** 2).reshape(X[:, 0].shape)
    maps = (X[:, 0], error, vanilla_saliency(cnn, X)[:, 0], grad_cam(cnn, cnn.conv2, X))
    titles = ("image", "(x̂ − x)²", "gradient", "Grad-CAM")
    fig, axes = plt.subplots(len(X), len(maps), figsize=(6, 1.5 * len(X)))
    for i in range(len(X)):
        for j, (title, m) in enumerate(zip(titles, maps, strict=True)):
            axes[i, j].imshow(m[i], cmap="gray" if j == 0 else "hot",
                              vmin=0 if j == 1 else None, vmax=1 if j == 1 else None)
            axes[i, j].set_axis_off()
            if i == 0:
                axes[i, j].set_title(title, fontsize=8)
    fig.tight_layout()
    return save_png(fig, path)

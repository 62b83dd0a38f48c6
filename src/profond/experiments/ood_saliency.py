"""Deck 004 (Chester): does the network know what it does not know, and where does it look?

An autoencoder (profond.models.autoencoders.Autoencoder) trained on sklearn digits scores images by
reconstruction error; the ROC AUC says how well that score separates test digits from (a) uniform
noise images and (b) MNIST-1D signals resampled to 64 values and shown as 8x8 images. A LeNet-5
trained on digits gets vanilla-gradient and Grad-CAM saliency maps, saved as one PNG.
"""

from pathlib import Path

import numpy as np

from profond.experiments.registry import ExperimentResult

# (autoencoder epochs, CNN epochs) by `quick`
BUDGETS = {True: (30, 20), False: (200, 60)}


def run(*, quick: bool, seed: int, out_dir: Path) -> ExperimentResult:
    """Rows: one per out-of-distribution set (mean scores and ROC AUC)."""
    from profond.data import load
    from profond.limits.ood import ood_auc, reconstruction_error
    from profond.models.autoencoders import Autoencoder
    from profond.train.recipe import fit_model
    from profond.train.torch_learner import seed_everything

    ae_epochs, cnn_epochs = BUDGETS[quick]
    digits = load("digits")
    flat = digits.X_train.reshape(len(digits.X_train), -1)
    seed_everything(seed)  # the autoencoder's initial weights come from the seed
    ae = Autoencoder(64, hidden=(32, 8))
    fit_model(ae, (flat, flat), epochs=ae_epochs, lr=3e-3, seed=seed, task="regression",
        eval_train=False)
    scores_in = reconstruction_error(ae, digits.X_test.reshape(len(digits.X_test), -1))
    rows = []
    for name, X_out in _ood_sets(len(scores_in), seed).items():
        scores_out = reconstruction_error(ae, X_out)
        rows.append({"OOD set": name, "n": len(X_out),
                     "score digits (MSE)": round(float(scores_in.mean()), 4),
                     "score OOD (MSE)": round(float(scores_out.mean()), 4),
                     "ROC AUC": round(ood_auc(scores_in, scores_out), 4)})
    figure = _saliency_figure(digits, cnn_epochs, seed, out_dir / "saliency.png")
    return ExperimentResult(
        name="ood-saliency", rows=rows,
        title="OOD detection by autoencoder reconstruction error (in: digits test set)",
        figures=[str(figure)],
        claims={row["OOD set"]: row["ROC AUC"] for row in rows},
        notes=["Autoencoder 64-32-8-32-64 (sigmoid output), MSE, Adam lr 0.003.",
               "MNIST-1D: each 40-value signal linearly resampled to 64 values, min-max scaled "
               "to [0, 1], reshaped 8x8 (a different kind of data with the same shape).",
               "saliency.png: rows = digits; columns = image, |d logit / d x|, Grad-CAM on "
               "LeNet-5's second convolution."])


def _ood_sets(n: int, seed: int) -> dict[str, np.ndarray]:
    from profond.data import load

    rng = np.random.default_rng(seed)
    signals = load("mnist1d").X_test[:n]
    grid = np.linspace(0, signals.shape[1] - 1, 64)
    resampled = np.stack([np.interp(grid, np.arange(signals.shape[1]), s) for s in signals])
    low, high = resampled.min(1, keepdims=True), resampled.max(1, keepdims=True)
    return {"uniform noise": rng.uniform(0, 1, (n, 64)).astype(np.float32),
            "MNIST-1D as 8x8": ((resampled - low) / (high - low)).astype(np.float32)}


def _saliency_figure(digits, epochs: int, seed: int, path: Path) -> Path:
    from profond.plotting import pyplot

    plt = pyplot()

    from profond.limits.ood import grad_cam, vanilla_saliency
    from profond.models import new_model
    from profond.train.recipe import fit_model

    cnn = new_model("lenet5", (1, 8, 8), 10, seed=seed)
    fit_model(cnn, (digits.X_train, digits.y_train), epochs=epochs, lr=1e-3, seed=seed,
        eval_train=False)
    X = digits.X_test[:6]
    maps = (X[:, 0], vanilla_saliency(cnn, X)[:, 0], grad_cam(cnn, cnn.conv2, X))
    fig, axes = plt.subplots(len(X), 3, figsize=(4.5, 1.5 * len(X)))
    for i in range(len(X)):
        for j, (title, m) in enumerate(zip(("image", "gradient", "Grad-CAM"), maps, strict=True)):
            axes[i, j].imshow(m[i], cmap="gray" if j == 0 else "hot")
            axes[i, j].set_axis_off()
            if i == 0:
                axes[i, j].set_title(title, fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)
    return path

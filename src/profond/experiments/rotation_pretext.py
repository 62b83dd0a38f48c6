"""Deck 003's taxonomy, self-supervised learning: y' = f(x) with y' = t(x) a pretext task. The
labels come from the data: rotate each digit by 0, 90, 180 or 270 degrees and predict the angle
(Gidaris et al. 2018). Then a linear probe (logistic regression on the frozen features) with few
true labels, against PCA features of the same size and against the same net left untrained.
"""

from pathlib import Path

import numpy as np
import torch
from matplotlib.ticker import NullFormatter
from sklearn.decomposition import PCA
from sklearn.linear_model import LogisticRegression
from sklearn.preprocessing import StandardScaler
from torch import nn

from profond.data import load
from profond.experiments.registry import ExperimentResult
from profond.models import logits
from profond.plotting import pyplot, save_png
from profond.train.recipe import accuracy, fit_model
from profond.train.torch_learner import seed_everything

FEATURES = 32
BUDGETS = {True: (8, (10, 50)), False: (30, (5, 10, 20, 50, 100))}  # epochs, labels per class


def rotations(X: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Every image at 0, 90, 180, 270 degrees (4N, C, H, W) and the angle's index (4N,)."""
    images = np.concatenate([np.rot90(X, k, axes=(-2, -1)) for k in range(4)])
    return np.ascontiguousarray(images), np.repeat(np.arange(4), len(X))


def encoder():
    """Conv 16@3x3, conv 32@3x3, max pool 2, Linear 512 -> 32, ReLU after each: x (N, 1, 8, 8)."""
    return nn.Sequential(nn.Conv2d(1, 16, 3, padding=1), nn.ReLU(),
                         nn.Conv2d(16, 32, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
                         nn.Flatten(), nn.Linear(32 * 4 * 4, FEATURES), nn.ReLU())


def run(*, quick: bool, seed: int, out_dir: Path) -> ExperimentResult:
    """One row per number of labels per class: the probe's test accuracy on each feature set."""
    torch.set_num_threads(1)
    epochs, label_counts = BUDGETS[quick]
    data = load("digits")
    seed_everything(seed)
    untrained = encoder()
    trunk = encoder()
    trunk.load_state_dict(untrained.state_dict())  # the same start: only the pretext differs
    net = torch.nn.Sequential(trunk, torch.nn.Linear(FEATURES, 4))
    X_rot, y_rot = rotations(data.X_train)
    learner, _ = fit_model(net, (X_rot, y_rot), epochs=epochs, lr=2e-3, seed=seed, eval_train=False)
    pretext_acc = accuracy(learner, *rotations(data.X_test))
    flat = [X.reshape(len(X), -1) for X in (data.X_train, data.X_test)]
    pca = PCA(FEATURES, random_state=seed).fit(flat[0])  # fitted on the unlabelled images too
    features = {"rotation pretext": [logits(trunk, X) for X in (data.X_train, data.X_test)],
                "PCA": [pca.transform(X) for X in flat],
                "untrained net": [logits(untrained, X) for X in (data.X_train, data.X_test)],
                "raw pixels (64)": flat}
    rows = [{"labels per class": k, **{name: _probe(f, data, k, seed)
                                       for name, f in features.items()}}
            for k in label_counts]
    figure = _plot(rows, features, out_dir / "rotation_pretext.png")
    last = rows[-1]
    return ExperimentResult(
        name="rotation-pretext", rows=rows,
        title=f"Rotation pretext on digits: linear probe on {FEATURES} features, test %",
        figures=[str(figure)],
        claims={"pretext_test_acc": pretext_acc,
                "probe_acc": {name: last[name] / 100 for name in features},
                "labels_per_class": last["labels per class"]},
        notes=[f"Pretext: {epochs} epochs of Adam on the 4 rotations of the {len(data.X_train)} "
               f"training digits, no label used; rotation predicted on test at "
               f"{100 * pretext_acc:.1f} %.",
               "Probe: logistic regression on the frozen features of k labelled digits per "
               "class (drawn from the seed), scored on the whole test set.",
               "Compare the pretext's features with the untrained net's (same start): that gap "
               "is what the pretext taught. On 8x8 digits PCA and raw pixels stay ahead; "
               "the pretext pays on large images and networks, not at this scale."])


def _probe(features, data, per_class: int, seed: int) -> float:
    """Logistic regression on `per_class` labelled training examples per class; test %."""
    rng = np.random.default_rng(seed)
    chosen = np.concatenate([rng.choice(np.flatnonzero(data.y_train == c), per_class,
                                        replace=False) for c in range(10)])
    scaler = StandardScaler().fit(features[0])
    probe = LogisticRegression(max_iter=2000).fit(scaler.transform(features[0][chosen]),
                                                  data.y_train[chosen])
    return round(100 * probe.score(scaler.transform(features[1]), data.y_test), 2)


def _plot(rows: list[dict], features: dict, path: Path) -> Path:
    plt = pyplot()
    fig, ax = plt.subplots(figsize=(6, 4))
    ks = [r["labels per class"] for r in rows]
    for name in features:
        ax.plot(ks, [r[name] for r in rows], marker="o", label=name)
    ax.set(xscale="log", xticks=ks, xticklabels=ks, xlabel="labelled digits per class",
           ylabel="test accuracy (%)", title="Linear probe: features learnt without labels")
    ax.xaxis.set_minor_formatter(NullFormatter())  # the label budgets alone, not 2x10^1
    ax.legend(fontsize=8)
    fig.tight_layout()
    return save_png(fig, path)

"""Deck 001/004's taxonomy, unsupervised learning: k-means is the nearest mean with the cluster
assignments in place of the labels. On 8x8 digits, how close does it come without any label?

The clusters are named after the fact: each takes the majority label of its training members
(the only use of labels), then test digits get their nearest centre's name.
"""

from pathlib import Path

import numpy as np
from sklearn.metrics import adjusted_rand_score

from profond.classic import KMeans, NearestMean
from profond.data import load
from profond.experiments.registry import ExperimentResult
from profond.plotting import pyplot, save_png

CLUSTERS = {True: (10, 30), False: (10, 20, 30, 50)}


def run(*, quick: bool, seed: int, out_dir: Path) -> ExperimentResult:
    """One row for the supervised nearest mean, one per number of clusters."""
    data = load("digits")
    X_train, X_test = (X.reshape(len(X), -1) for X in (data.X_train, data.X_test))
    supervised = NearestMean().fit(X_train, data.y_train)
    rows = [{"method": "nearest mean (labels)", "k": 10, "iterations": None,
             "test %": _pct(supervised.score(X_test, data.y_test)),
             "ARI (test)": round(adjusted_rand_score(data.y_test,
                                                     supervised.predict(X_test)), 3)}]
    models = {}
    for k in CLUSTERS[quick]:
        model = models[k] = KMeans(k, n_init=3 if quick else 10, seed=seed).fit(X_train)
        names = np.array([np.bincount(data.y_train[model.labels_ == c], minlength=10).argmax()
                          for c in range(k)])
        clusters = model.predict(X_test)
        rows.append({"method": "k-means (no labels)", "k": k, "iterations": model.n_iter_,
                     "test %": _pct(np.mean(names[clusters] == data.y_test)),
                     "ARI (test)": round(adjusted_rand_score(data.y_test, clusters), 3)})
    figure = _plot(models[10], supervised, data.X_train.shape[1:], out_dir / "kmeans_digits.png")
    return ExperimentResult(
        name="kmeans-digits", rows=rows,
        title="k-means vs nearest mean on 8x8 digits: the same means, without labels",
        figures=[str(figure)],
        claims={"nearest_mean_acc": rows[0]["test %"] / 100,
                "kmeans10_acc": rows[1]["test %"] / 100,
                "kmeans10_ari": rows[1]["ARI (test)"],
                "kmeans_acc_by_k": {r["k"]: r["test %"] / 100 for r in rows[1:]}},
        notes=["k-means++ starts, the best inertia of several; each cluster is named by the "
               "majority label of its training members; chance is 10 %.",
               "ARI: adjusted Rand index between the partition and the true classes (0 = chance, "
               "1 = the same partition).",
               "With k > 10 each digit gets several centres (styles of the same digit): named by "
               "the labels, they can beat one mean per class, but that naming uses every "
               "training label; k = 10 is the label-free row."])


def _pct(acc: float) -> float:
    return round(100 * float(acc), 2)


def _plot(kmeans, supervised, shape, path: Path) -> Path:
    """Top: the 10 class means (labels); bottom: the 10 k-means centres (no labels)."""
    plt = pyplot()
    fig, axes = plt.subplots(2, 10, figsize=(10, 2.4))
    side = shape[-2:]
    for row, (means, label) in enumerate(((supervised.means_, "class means"),
                                          (kmeans.cluster_centers_, "k-means centres"))):
        for ax, mean in zip(axes[row], means, strict=True):
            ax.imshow(mean.reshape(side), cmap="gray_r")
            ax.set(xticks=[], yticks=[])
        axes[row][0].set_ylabel(label, fontsize=7)
    fig.suptitle("Nearest mean with labels (top) and k-means without (bottom), k = 10")
    fig.tight_layout()
    return save_png(fig, path)

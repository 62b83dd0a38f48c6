"""Teachable-Machine-like few-shot learning: the CNN's penultimate layer as the embedding, a
nearest class mean and a k-NN on it (`profond.classic.NearestMean`, `KNearestNeighbors`)."""

import numpy as np

from profond.classic import KNearestNeighbors, NearestMean
from profond.lab.pages import cnn
from profond.lab.pages.schema import MAX_CLASSES, MAX_EXAMPLES

K = 3
SHOTS = (1, 2, 3, 5, 10, 20)
DRAWS = 20  # random choices of the shots per point of the curve


class FewShot:
    """One browser's classes and their examples' embeddings (N, 84)."""

    def __init__(self):
        self.labels: list[str] = []
        self.X, self.y = np.zeros((0, 84)), np.zeros(0, dtype=np.int64)

    def add(self, label: str, bitmap: list[int]) -> dict:
        if label not in self.labels and len(self.labels) >= MAX_CLASSES:
            raise ValueError(f"label: expected at most {MAX_CLASSES} classes; got a new one, "
                             f"{label!r}")
        index = self.labels.index(label) if label in self.labels else len(self.labels)
        if np.sum(self.y == index) >= MAX_EXAMPLES:
            raise ValueError(f"label: expected at most {MAX_EXAMPLES} examples per class; "
                             f"{label!r} has them")
        self.X = np.vstack([self.X, cnn.embed(cnn.preprocess(bitmap))])
        if index == len(self.labels):
            self.labels.append(label)
        self.y = np.append(self.y, index)
        return self.summary()

    def summary(self) -> dict:
        counts = np.bincount(self.y, minlength=len(self.labels)).tolist()
        return {"type": "fewshot_classes", "labels": self.labels, "counts": counts}

    def predict(self, bitmap: list[int]) -> dict:
        """Nearest mean: softmax(−distance) as the confidence; k-NN: the share of each class's
        votes among the K (or fewer) nearest examples."""
        if len(self.labels) < 2:
            raise ValueError(f"classes: expected at least 2 with examples; got {len(self.labels)}")
        z = cnn.embed(cnn.preprocess(bitmap))
        d = NearestMean().fit(self.X, self.y).transform(z)[0]
        conf = np.exp(-(d - d.min()))
        knn = KNearestNeighbors(n_neighbors=min(K, len(self.y))).fit(self.X, self.y)
        idx = knn.kneighbors(z)
        votes = np.bincount(self.y[idx[0]], minlength=len(self.labels)) / idx.shape[1]
        return {"type": "fewshot_predict", "labels": self.labels,
                "mean": (conf / conf.sum()).tolist(), "distances": d.tolist(),
                "knn": votes.tolist(), "k": int(idx.shape[1])}


def accuracy_curve(seed: int = 0) -> dict:
    """Held-out accuracy of nearest mean and 1-NN on the embedding vs examples per class:
    the shots drawn from digits' train split, the test split scored, mean over DRAWS draws."""
    from profond.data import load

    data = load("digits")
    Z_train, Z_test = cnn.embed(data.X_train), cnn.embed(data.X_test)
    rng = np.random.default_rng(seed)
    rows = []
    for shots in SHOTS:
        scores = np.array([_scores(Z_train, data.y_train, Z_test, data.y_test, shots, rng)
                           for _ in range(DRAWS)])
        rows.append({"shots": shots, "mean": float(scores[:, 0].mean()),
                     "knn": float(scores[:, 1].mean())})
    return {"type": "fewshot_curve", "rows": rows}


def _scores(Z, y, Z_test, y_test, shots: int, rng) -> tuple[float, float]:
    pick = np.concatenate([rng.choice(np.flatnonzero(y == c), shots, replace=False)
                           for c in np.unique(y)])
    return (NearestMean().fit(Z[pick], y[pick]).score(Z_test, y_test),
            KNearestNeighbors(n_neighbors=1).fit(Z[pick], y[pick]).score(Z_test, y_test))

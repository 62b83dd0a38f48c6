"""Teachable-Machine-like few-shot learning: the CNN's penultimate layer as the embedding, a
nearest class mean and a k-NN on it (`profond.classic.NearestMean`, `KNearestNeighbors`).

The accuracy curve measures few-shot learning as decks 001/004 mean it: an embedding trained on
digits 0-4 only, its nearest mean and 1-NN on digits 5-9 it never saw, beside the nearest mean on
raw pixels (deck 003's « Pourquoi ça marche ? »: learned features vs prototypes).
"""

import functools

import numpy as np

from profond.classic import KNearestNeighbors, NearestMean
from profond.lab.errors import LabError, got
from profond.lab.pages import cnn
from profond.lab.pages.schema import MAX_CLASSES, MAX_EXAMPLES

K = 3
SHOTS = (1, 2, 3, 5, 10, 20)
DRAWS = 20  # random choices of the shots per point of the curve
BASE, NOVEL = (0, 1, 2, 3, 4), (5, 6, 7, 8, 9)  # the embedding's classes, the few-shot ones
BASE_EPOCHS = 15


class FewShot:
    """One browser's classes and their examples' embeddings (N, 84)."""

    def __init__(self):
        self.labels: list[str] = []
        self.X, self.y = np.zeros((0, 84)), np.zeros(0, dtype=np.int64)

    def add(self, label: str, bitmap: list[int]) -> dict:
        if label not in self.labels and len(self.labels) >= MAX_CLASSES:
            raise LabError("label", "max_classes", max=MAX_CLASSES, got=got(label))
        index = self.labels.index(label) if label in self.labels else len(self.labels)
        if np.sum(self.y == index) >= MAX_EXAMPLES:
            raise LabError("label", "max_examples", max=MAX_EXAMPLES, got=got(label))
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
            raise LabError("classes", "two_classes", got=len(self.labels))
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
    """Accuracy on the NOVEL digits' test split vs examples per class: nearest mean and 1-NN on
    the BASE-trained embedding ("mean", "knn") and nearest mean on raw pixels ("pixels"); the
    shots drawn from the NOVEL digits' train split, mean over DRAWS draws."""
    from profond.data import load

    data = load("digits")
    net = base_embedding(seed)
    train, test = np.isin(data.y_train, NOVEL), np.isin(data.y_test, NOVEL)
    X, y, X_test, y_test = data.X_train[train], data.y_train[train], data.X_test[test], \
        data.y_test[test]
    Z, Z_test = _features(net, X), _features(net, X_test)
    P, P_test = X.reshape(len(X), -1), X_test.reshape(len(X_test), -1)
    rng = np.random.default_rng(seed)
    rows = []
    for shots in SHOTS:
        scores = []
        for _ in range(DRAWS):
            pick = np.concatenate([rng.choice(np.flatnonzero(y == c), shots, replace=False)
                                   for c in NOVEL])
            scores.append((NearestMean().fit(Z[pick], y[pick]).score(Z_test, y_test),
                           KNearestNeighbors(n_neighbors=1).fit(Z[pick], y[pick])
                           .score(Z_test, y_test),
                           NearestMean().fit(P[pick], y[pick]).score(P_test, y_test)))
        mean = np.mean(scores, axis=0)
        rows.append({"shots": shots, "mean": float(mean[0]), "knn": float(mean[1]),
                     "pixels": float(mean[2])})
    return {"type": "fewshot_curve", "rows": rows, "base": list(BASE), "novel": list(NOVEL)}


@functools.cache
def base_embedding(seed: int = 0):
    """The lab's scratch LeNet-5 trained on the BASE digits only (train split), once a process."""
    from profond.data import load
    from profond.scratch.learner import ScratchLearner
    from profond.scratch.models import create_model
    from profond.scratch.nn.losses import CrossEntropyLoss
    from profond.scratch.optim import Adam
    from profond.train.torch_learner import seed_everything
    from profond.train.trainer import Trainer

    data = load("digits")
    rows = np.isin(data.y_train, BASE)
    seed_everything(seed)
    net = create_model(cnn.MODEL, (1, 8, 8), len(BASE))
    learner = ScratchLearner(net, CrossEntropyLoss(), Adam(net.parameters(), lr=3e-3))
    Trainer(max_epochs=BASE_EPOCHS, batch_size=32, seed=seed, eval_train=False).fit(
        learner, (data.X_train[rows], data.y_train[rows]))
    net.eval()
    return net


def _features(net, X: np.ndarray) -> np.ndarray:
    """The penultimate layer (relu4, 84 features), as `cnn.embed` reads the lab's model."""
    return dict(net.activations(X))["relu4"].astype(np.float64)

"""The GAN's diversity score and class histogram, a mode-collapse detector (Salimans et al. 2016
discuss collapse; the score here is a plain distance ratio, the histogram an "Inception score" on
digits).
"""

from collections.abc import Callable
from pathlib import Path

import numpy as np

from profond.train.callbacks import Callback

# A generator is flagged as collapsed when its samples are less than half as spread as real data
# or their class entropy is under half the uniform one: thresholds for a warning, not a test.
COLLAPSE_DIVERSITY, COLLAPSE_ENTROPY = 0.5, 0.5


def mean_pairwise_distance(X: np.ndarray) -> float:
    """mean_{i<j} ||x_i - x_j||_2 over the rows of X (N, D), N >= 2 (scipy's pdist, averaged)."""
    X = np.asarray(X, dtype=np.float64).reshape(len(X), -1)
    if len(X) < 2:
        raise ValueError(f"X: expected at least 2 rows; got {len(X)}")
    sq = (X * X).sum(1)
    d2 = np.maximum(sq[:, None] + sq[None, :] - 2 * X @ X.T, 0.0)
    upper = np.triu_indices(len(X), k=1)
    return float(np.sqrt(d2[upper]).mean())


def class_histogram(probs: np.ndarray, n_classes: int) -> np.ndarray:
    """Fraction of samples whose most probable class is c, for c < n_classes: (C,), sums to 1."""
    return np.bincount(np.asarray(probs).argmax(1), minlength=n_classes) / len(probs)


def normalized_entropy(hist: np.ndarray) -> float:
    """H(p) / log C in [0, 1]: 1 for a uniform class histogram, 0 when one class takes all."""
    p = hist[hist > 0]
    return float(-(p * np.log(p)).sum() / np.log(len(hist))) + 0.0  # no "-0.0" for one class


class DiversityMonitor(Callback):
    """Per epoch of a GANLearner: diversity = mean pairwise distance of n samples / of real data,
    the class histogram of the samples under `classify` (raw (N, D) -> probabilities (N, C)), a
    collapse flag, and a PNG grid of G(z) for a fixed noise batch every `draw_every` epochs and
    after the last (epoch 0 is the untrained G).

    Both noise batches are drawn once from `seed`, so epochs differ only by the generator.
    `draw(images (n, D), path, title)` writes the grid; `records` holds one dict per epoch.
    """

    def __init__(self, real: np.ndarray, classify: Callable[[np.ndarray], np.ndarray],
                 n_classes: int, out_dir: Path | None = None, draw=None, n_samples: int = 500,
                 grid: int = 64, seed: int = 0, prefix: str = "samples", draw_every: int = 1):
        real = np.asarray(real, dtype=np.float32).reshape(len(real), -1)
        self.real_distance = mean_pairwise_distance(real[:n_samples])
        self.classify, self.n_classes = classify, n_classes
        self.out_dir, self.draw, self.prefix = out_dir, draw, prefix
        self.n_samples, self.grid, self.seed = n_samples, grid, seed
        self.draw_every = draw_every
        self.figures: list[str] = []

    def on_train_begin(self) -> None:
        import torch

        generator = self.trainer.learner.generator
        rng = torch.Generator().manual_seed(self.seed)
        self.z_eval = torch.randn(self.n_samples, generator.latent_dim, generator=rng)
        self.z_grid = self.z_eval[: self.grid]
        self.records: list[dict] = []
        self.figures = []
        self._record(0, {})

    def on_epoch_end(self, epoch: int, logs: dict[str, float]) -> None:
        self._record(epoch, logs)

    def _record(self, epoch: int, logs: dict[str, float]) -> None:
        samples = self._generate(self.z_eval)
        hist = class_histogram(self.classify(samples), self.n_classes)
        diversity = mean_pairwise_distance(samples) / self.real_distance
        entropy = normalized_entropy(hist)
        self.records.append({
            "epoch": epoch, **{k: logs[k] for k in ("d_loss", "g_loss") if k in logs},
            "diversity": diversity, "class_entropy": entropy,
            "classes_covered": int((hist >= 0.5 / self.n_classes).sum()),
            "collapse": bool(diversity < COLLAPSE_DIVERSITY or entropy < COLLAPSE_ENTROPY),
            "histogram": hist.round(4).tolist()})
        due = epoch % self.draw_every == 0 or epoch == self.trainer.max_epochs
        if self.out_dir is not None and self.draw is not None and due:
            path = Path(self.out_dir) / f"{self.prefix}_epoch{epoch:03d}.png"
            self.draw(samples[: self.grid], path, f"G(z), fixed noise, epoch {epoch}")
            self.figures.append(str(path))

    def _generate(self, z) -> np.ndarray:
        import torch

        generator = self.trainer.learner.generator
        was_training = generator.training
        generator.eval()
        with torch.no_grad():
            out = generator(z.to(next(generator.parameters()).device)).cpu().numpy()
        generator.train(was_training)
        return out

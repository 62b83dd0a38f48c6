"""TensorFlow Playground's 2-D datasets (tensorflow/playground `src/dataset.ts`), plus moons,
blobs and spirals.

Classification labels are int64: class 1 is the playground's +1, class 0 its -1. Regression
targets are float32 on the playground's scale (reg-gauss in [-1, 1]; reg-plane is (x1 + x2)/10,
unclamped as there, so within [-1.2, 1.2] without noise).
`noise` is the playground's internal fraction in [0, 0.5] (its slider shows 0-50 %).
"""

import numpy as np

from profond.checks import check_choice, check_int, check_range

CLASSIFICATION = ("circle", "xor", "gauss", "spiral", "moons", "blobs", "spirals")
REGRESSION = ("reg-plane", "reg-gauss")
TOY2D = CLASSIFICATION + REGRESSION
MULTICLASS = ("blobs", "spirals")
N_SAMPLES = {"classification": 500, "regression": 1200}  # NUM_SAMPLES_CLASSIFY / _REGRESS
DEFAULT_N_CLASSES = 3
# reg-gauss bumps: (cx, cy, sign)
GAUSSIANS = ((-4, 2.5, 1), (0, 2.5, -1), (4, 2.5, 1), (-4, -2.5, -1), (0, -2.5, 1), (4, -2.5, -1))


def is_regression(name: str) -> bool:
    return check_choice("name", name, TOY2D) in REGRESSION


def generate(name: str, n_samples: int | None = None, noise: float = 0.0, seed: int = 0,
             n_classes: int | None = None) -> tuple[np.ndarray, np.ndarray]:
    """One toy set in generation order (class by class, as the playground builds it).

    X: (n_samples, 2) float32; y: (n_samples,) int64 classes or float32 targets.
    """
    return _generate(np.random.default_rng(check_int("seed", seed, minimum=0)),
                     name, n_samples, noise, n_classes)


def _generate(rng, name, n_samples, noise, n_classes):
    regression = is_regression(name)
    n = n_samples
    if n is None:
        n = N_SAMPLES["regression" if regression else "classification"]
    check_range("noise", noise, 0.0, 0.5)
    if name in MULTICLASS:
        k = DEFAULT_N_CLASSES if n_classes is None else check_int("n_classes", n_classes, minimum=2)
        check_int("n_samples", n, minimum=k)
        X, y = _GENERATORS[name](rng, n, noise, k)
    else:
        if n_classes is not None:
            raise ValueError(f"n_classes: expected None for {name!r} (only {', '.join(MULTICLASS)} "
                             f"take it); got {n_classes!r}")
        check_int("n_samples", n, minimum=2)
        X, y = _GENERATORS[name](rng, n, noise)
    return X.astype(np.float32), y.astype(np.float32 if regression else np.int64)


def _counts(n: int, k: int) -> list[int]:
    """Points per class: the first n % k classes get one more (the playground's +1 class first)."""
    return [n // k + (c < n % k) for c in range(k)]


def _circle(rng, n, noise):
    radius = 5.0
    n_in, n_out = _counts(n, 2)
    r = np.concatenate([rng.uniform(0, radius * 0.5, n_in),
                        rng.uniform(radius * 0.7, radius, n_out)])
    angle = rng.uniform(0, 2 * np.pi, n)
    X = np.column_stack([r * np.sin(angle), r * np.cos(angle)])
    # The playground jitters only the point it labels: noise flips labels, points stay put.
    jitter = rng.uniform(-radius, radius, (n, 2)) * noise
    return X, np.linalg.norm(X + jitter, axis=1) < radius * 0.5


def _xor(rng, n, noise):
    padding = 0.3
    X = rng.uniform(-5, 5, (n, 2))
    X += np.where(X > 0, padding, -padding)
    p = X + rng.uniform(-5, 5, (n, 2)) * noise
    return X, p[:, 0] * p[:, 1] >= 0


def _gauss(rng, n, noise):
    variance = 0.5 + (4 - 0.5) * noise / 0.5  # d3 linear scale [0, .5] -> [0.5, 4]
    n_pos, n_neg = _counts(n, 2)
    centers = np.repeat([[2.0, 2.0], [-2.0, -2.0]], [n_pos, n_neg], axis=0)
    X = centers + np.sqrt(variance) * rng.standard_normal((n, 2))
    return X, np.repeat([1, 0], [n_pos, n_neg])


def _arms(rng, n, noise, k):
    """k spiral arms: r = 5 i / m, t = 1.75 (i / m) 2 pi + 2 pi c / k, m = n / k points per arm."""
    m = n / k
    i = np.concatenate([np.arange(count) for count in _counts(n, k)])
    arm = np.repeat(np.arange(k), _counts(n, k))
    r = i / m * 5
    t = 1.75 * i / m * 2 * np.pi + 2 * np.pi * arm / k
    X = np.column_stack([r * np.sin(t), r * np.cos(t)]) + rng.uniform(-1, 1, (n, 2)) * noise
    return X, arm


def _spiral(rng, n, noise):
    X, arm = _arms(rng, n, noise, 2)
    return X, arm == 0  # the playground's deltaT = 0 arm is +1


def _reg_plane(rng, n, noise):
    radius = 6.0
    X = rng.uniform(-radius, radius, (n, 2))
    p = X + rng.uniform(-radius, radius, (n, 2)) * noise
    return X, (p[:, 0] + p[:, 1]) / 10  # d3 linear scale [-10, 10] -> [-1, 1], unclamped


def _reg_gauss(rng, n, noise):
    radius = 6.0
    X = rng.uniform(-radius, radius, (n, 2))
    p = X + rng.uniform(-radius, radius, (n, 2)) * noise
    centers = np.array([g[:2] for g in GAUSSIANS], dtype=float)
    signs = np.array([g[2] for g in GAUSSIANS], dtype=float)
    dist = np.linalg.norm(p[:, None, :] - centers[None], axis=2)
    labels = signs * np.clip(1 - dist / 2, 0, 1)  # d3 scale [0, 2] -> [1, 0], clamped
    # The bump largest in absolute value wins; argmax keeps the first on ties, as the strict > does.
    return X, labels[np.arange(n), np.abs(labels).argmax(axis=1)]


def _moons(rng, n, noise):
    from sklearn.datasets import make_moons

    X, y = make_moons(n_samples=n, noise=noise, random_state=int(rng.integers(2**31)))
    # sklearn's moons span [-1, 2] x [-0.5, 1]; centred and scaled by 4 they fill the playground.
    return (X - [0.5, 0.25]) * 4, y


def _blobs(rng, n, noise, k):
    variance = 0.5 + (4 - 0.5) * noise / 0.5  # the same noise scale as gauss
    angles = np.pi / 4 + 2 * np.pi * np.arange(k) / k
    centers = 4 * np.column_stack([np.cos(angles), np.sin(angles)])
    y = np.repeat(np.arange(k), _counts(n, k))
    return centers[y] + np.sqrt(variance) * rng.standard_normal((n, 2)), y


_GENERATORS = {"circle": _circle, "xor": _xor, "gauss": _gauss, "spiral": _spiral,
               "reg-plane": _reg_plane, "reg-gauss": _reg_gauss, "moons": _moons,
               "blobs": _blobs, "spirals": _arms}


def load_toy(name: str, n_samples: int | None = None, noise: float = 0.0, train_ratio: float = 0.5,
             seed: int = 0, n_classes: int | None = None):
    """A toy set shuffled and split as the playground does: floor(n * train_ratio) points train."""
    from profond.data.dataset import Dataset

    check_range("train_ratio", train_ratio, 0.1, 0.9)  # the playground's slider: 10-90 %
    rng = np.random.default_rng(check_int("seed", seed, minimum=0))
    X, y = _generate(rng, name, n_samples, noise, n_classes)
    order = rng.permutation(len(X))
    X, y = X[order], y[order]
    n_train = int(len(X) * train_ratio)
    if not 0 < n_train < len(X):
        raise ValueError(f"n_samples: expected enough points for train and test at train_ratio="
                         f"{train_ratio}; got {len(X)}")
    regression = is_regression(name)
    k = 0 if regression else 2 if name not in MULTICLASS else n_classes or DEFAULT_N_CLASSES
    meta = {"n_samples": len(X), "noise": noise, "train_ratio": train_ratio, "seed": seed}
    if name in MULTICLASS:
        meta["n_classes"] = k
    return Dataset(name, X[:n_train], y[:n_train], X[n_train:], y[n_train:],
                   task="regression" if regression else "classification",
                   classes=[str(c) for c in range(k)], meta=meta)

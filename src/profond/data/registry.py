"""The one dataset registry: every name `profond.data.load` knows, what it is and how to load it.

Loaders are named by "module:function" and imported on first use, so the registry stays light.
"""

import importlib
from dataclasses import dataclass, field

from profond.checks import check_choice
from profond.data.dataset import Dataset

TOY_OPTIONS = ("n_samples", "noise", "train_ratio", "seed")


@dataclass(frozen=True)
class DatasetInfo:
    """What `profond data list` shows; n_train / n_test / n_classes are for the default options."""

    name: str
    task: str
    n_train: int
    n_test: int
    n_classes: int  # 0 for regression
    source: str
    offline: bool
    description: str
    loader: str  # "module:function"
    options: tuple[str, ...] = ()
    fixed: dict = field(default_factory=dict)  # arguments the loader always gets


def _toy(name, task, n, k, description, source="Playground"):
    options = TOY_OPTIONS + (("n_classes",) if name in ("blobs", "spirals") else ())
    return DatasetInfo(name, task, n // 2, n - n // 2, k, source, True, description,
                       "profond.data.toy2d:load_toy", options, {"name": name})


def _remote(name, n_train, description, source):
    return DatasetInfo(name, "classification", n_train, 10_000, 10, source, False, description,
                       "profond.data.download:load_remote", (), {"name": name})


_ENTRIES = (
    _toy("circle", "classification", 500, 2, "a disc (r < 2.5) inside a ring (3.5 < r < 5)"),
    _toy("xor", "classification", 500, 2, "the four quadrants, label = sign(x1 * x2)"),
    _toy("gauss", "classification", 500, 2, "two Gaussians at (2, 2) and (-2, -2)"),
    _toy("spiral", "classification", 500, 2, "two interleaved spirals"),
    _toy("reg-plane", "regression", 1200, 0, "target (x1 + x2) / 10 on a plane"),
    _toy("reg-gauss", "regression", 1200, 0, "six signed Gaussian bumps"),
    _toy("moons", "classification", 500, 2, "two interleaving half circles",
         "sklearn"),
    _toy("blobs", "classification", 500, 3, "k Gaussian blobs on a circle (n_classes)",
         "profond"),
    _toy("spirals", "classification", 500, 3, "k interleaved spiral arms (n_classes)",
         "profond"),
    DatasetInfo("digits", "classification", 1437, 360, 10, "sklearn", True,
                "8x8 handwritten digits (1, 8, 8) in [0, 1]", "profond.data.builtin:load_digits",
                ("seed",)),
    DatasetInfo("iris", "classification", 105, 45, 3, "sklearn", True,
                "Fisher's iris: 4 flower measurements, 3 species", "profond.data.builtin:load_iris",
                ("seed",)),
    DatasetInfo("mnist1d", "classification", 4000, 1000, 10, "mnist1d", True,
                "MNIST-1D: digits as 40-point 1-D signals", "profond.data.builtin:load_mnist1d",
                ("n_samples", "seed")),
    _remote("mnist", 60_000, "handwritten digits (1, 28, 28)", "LeCun et al."),
    _remote("fashion-mnist", 60_000, "Zalando clothes (1, 28, 28)", "Zalando"),
    _remote("cifar10", 50_000, "32x32 colour photos (3, 32, 32), 10 classes",
            "Krizhevsky"),
)
REGISTRY = {entry.name: entry for entry in _ENTRIES}


def names() -> tuple[str, ...]:
    return tuple(REGISTRY)


def info(name: str) -> DatasetInfo:
    return REGISTRY[check_choice("name", name, REGISTRY)]


def load(name: str, **options) -> Dataset:
    """The dataset `name`, loaded with `options` (see `info(name).options`)."""
    entry = info(name)
    unknown = sorted(set(options) - set(entry.options))
    if unknown:
        takes = ", ".join(entry.options) or "no options"
        raise ValueError(f"options: {name!r} takes {takes}; got {', '.join(unknown)}")
    module, function = entry.loader.split(":")
    dataset = getattr(importlib.import_module(module), function)(**entry.fixed, **options)
    dataset.description = dataset.description or entry.description
    dataset.meta.setdefault("source", entry.source)
    return dataset

"""The one container every part of profond exchanges: NumPy arrays plus what they mean."""

from dataclasses import dataclass, field

import numpy as np

TASKS = ("classification", "regression")


@dataclass
class Dataset:
    """Train and test arrays. X is float32 (N, ...); y is int64 (N,) for classification,
    float32 otherwise.

    `classes` names the classes (empty for regression); `meta` carries generator options
    (seed, noise, ...).
    """

    name: str
    X_train: np.ndarray
    y_train: np.ndarray
    X_test: np.ndarray
    y_test: np.ndarray
    task: str
    classes: list[str] = field(default_factory=list)
    description: str = ""
    meta: dict = field(default_factory=dict)

    def __post_init__(self):
        if self.task not in TASKS:
            raise ValueError(f"task: expected one of {TASKS}; got {self.task!r}")
        label_dtype = np.int64 if self.task == "classification" else np.float32
        self.X_train = np.ascontiguousarray(self.X_train, dtype=np.float32)
        self.X_test = np.ascontiguousarray(self.X_test, dtype=np.float32)
        self.y_train = np.ascontiguousarray(self.y_train, dtype=label_dtype)
        self.y_test = np.ascontiguousarray(self.y_test, dtype=label_dtype)
        for split in ("train", "test"):
            X, y = getattr(self, f"X_{split}"), getattr(self, f"y_{split}")
            if len(X) != len(y):
                raise ValueError(f"X_{split} and y_{split}: expected the same length; "
                                 f"got {len(X)} and {len(y)}")

    @property
    def n_classes(self) -> int:
        return len(self.classes)

    @property
    def input_shape(self) -> tuple[int, ...]:
        """Shape of one example, e.g. (2,) for toy 2-D sets, (1, 8, 8) for digits."""
        return tuple(self.X_train.shape[1:])

    def __repr__(self) -> str:
        return (f"Dataset({self.name!r}, task={self.task!r}, train={self.X_train.shape}, "
                f"test={self.X_test.shape}, classes={self.n_classes})")

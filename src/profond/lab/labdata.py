"""The lab's data: a generated toy set or the user's own points, shuffled and split as TFP does.

Points are (x1, x2, label) in [-6, 6]²; classification labels are class indices, regression
targets in [-1, 1]. CSV files carry the header `x1,x2,label`.
"""

import csv
import io
from dataclasses import dataclass

import numpy as np

from profond.lab.errors import LabError, got
from profond.lab.schema import MAX_CLASSES, MAX_CSV_BYTES, MAX_POINTS, Config


@dataclass
class LabData:
    X_train: np.ndarray  # (n_train, 2) float32
    y_train: np.ndarray  # (n_train,) int64 (classes) or float32 (regression)
    X_test: np.ndarray
    y_test: np.ndarray
    n_classes: int  # 0 for regression

    def points(self) -> dict:
        """Points for the front end: rows of [x1, x2, label], rounded to keep the message small."""
        def rows(X, y):
            return np.round(np.column_stack([X, y]).astype(np.float64), 3).tolist()
        return {"train": rows(self.X_train, self.y_train), "test": rows(self.X_test, self.y_test),
                "n_classes": self.n_classes}


def make_data(cfg: Config, custom: np.ndarray) -> LabData:
    """Generate (or take the custom points), shuffle with the seed, split by `cfg.train_ratio` %."""
    from profond.data import toy2d

    name = cfg.dataset_for_problem()
    classify = cfg.problem == "classification"
    if name == "custom":
        X, y = custom[:, :2].astype(np.float32), custom[:, 2]
    else:
        n_classes = cfg.n_classes if name in ("blobs", "spirals") else None
        X, y = toy2d.generate(name, noise=cfg.noise / 100, seed=cfg.seed, n_classes=n_classes)
    if classify:
        y = np.clip(np.round(y), 0, MAX_CLASSES - 1).astype(np.int64)
    else:
        y = y.astype(np.float32)
    order = np.random.default_rng(cfg.seed).permutation(len(X))
    X, y = X[order], y[order]
    n_train = max(1, int(round(len(X) * cfg.train_ratio / 100))) if len(X) else 0
    n_classes = max(2, int(y.max()) + 1) if classify and len(y) else (2 if classify else 0)
    return LabData(X[:n_train], y[:n_train], X[n_train:], y[n_train:], n_classes)


def parse_csv(text: str, classify: bool) -> np.ndarray:
    """Rows `x1,x2,label` (header optional) -> (n, 3) float64; errors name line and value."""
    if len(text.encode()) > MAX_CSV_BYTES:
        raise LabError("csv", "too_big", max=MAX_CSV_BYTES, got=len(text.encode()))
    rows, reader = [], csv.reader(io.StringIO(text))
    try:
        for row in reader:
            if not row or (reader.line_num == 1 and row[0].strip().lower() in ("x1", "x")):
                continue
            rows.append(_parse_row(row, reader.line_num, classify))
            if len(rows) > MAX_POINTS:
                raise LabError("csv", "csv_too_many_points", max=MAX_POINTS)
    except csv.Error as exc:  # a field over csv's limit, a NUL byte, an unclosed quote
        raise LabError("csv", "csv_unreadable", line=reader.line_num, detail=str(exc)) from None
    if not rows:
        raise LabError("csv", "csv_no_rows")
    return np.array(rows, dtype=np.float64)


def _parse_row(row: list[str], line_no: int, classify: bool) -> list[float]:
    if len(row) != 3:
        raise LabError("csv", "csv_columns", line=line_no, got=len(row))
    try:
        x1, x2, label = (float(v) for v in row)
    except ValueError:
        raise LabError("csv", "csv_numbers", line=line_no, got=got(",".join(row))) from None
    if not (-6 <= x1 <= 6 and -6 <= x2 <= 6):
        raise LabError("csv", "csv_xy_range", line=line_no, got=f"{x1}, {x2}")
    if classify and not (label.is_integer() and 0 <= label < MAX_CLASSES):
        raise LabError("csv", "csv_class", line=line_no, max=MAX_CLASSES - 1, got=label)
    if not classify and not -1 <= label <= 1:
        raise LabError("csv", "csv_target", line=line_no, got=label)
    return [x1, x2, label]


def to_csv(points: np.ndarray) -> str:
    """(n, 3) points -> CSV text with the header x1,x2,label."""
    out = io.StringIO()
    out.write("x1,x2,label\n")
    for x1, x2, label in points:
        out.write(f"{x1:.4f},{x2:.4f},{label:g}\n")
    return out.getvalue()

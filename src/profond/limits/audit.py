"""Subgroup audits as in Gender Shades (Buolamwini & Gebru 2018): PPV, error rate, TPR and FPR per
column of the slide's table, with fairlearn's MetricFrame, and the sampling helpers that make a
group rare in training (`under_represent`) or reweight it (`rebalance`).

The slide's columns are of two kinds. A column that names a class (F, M, DF, ...) scores that
class's predictions: PPV = precision, TPR = recall, FPR = share of the other classes predicted
as it. A column that names no class (All, Darker, Lighter) scores every prediction, which is
micro-averaging: PPV = TPR = accuracy and FPR = 1 − accuracy. In every cell Error Rate = 100 − PPV.
"""

import numpy as np

from profond.checks import check_range

METRICS = ("PPV (%)", "Error Rate (%)", "TPR (%)", "FPR (%)")


def mirror_groups(n: int, fraction: float, seed: int = 0) -> np.ndarray:
    """group_n = "mirrored" with probability `fraction`, else "upright" (one seeded draw each)."""
    check_range("fraction", fraction, 0.0, 1.0)
    draw = np.random.default_rng(seed).uniform(size=n)
    return np.where(draw < fraction, "mirrored", "upright")


def apply_mirror(X: np.ndarray, groups: np.ndarray) -> np.ndarray:
    """A copy of X (N, C, H, W) where the "mirrored" images are flipped left to right."""
    X = X.copy()
    rows = groups == "mirrored"
    X[rows] = X[rows][..., ::-1]
    return X


def under_represent(groups: np.ndarray, group: str, keep: float, seed: int = 0) -> np.ndarray:
    """Indices of a training set where only a `keep` fraction of `group` is kept."""
    check_range("keep", keep, 0.0, 1.0)
    rng = np.random.default_rng(seed)
    members = np.flatnonzero(groups == group)
    kept = rng.permutation(members)[:round(keep * len(members))]
    return np.sort(np.r_[np.flatnonzero(groups != group), kept])


def rebalance(groups: np.ndarray, seed: int = 0) -> np.ndarray:
    """Indices drawn with replacement so every group has as many examples as the largest."""
    rng = np.random.default_rng(seed)
    names, counts = np.unique(groups, return_counts=True)
    parts = [rng.choice(np.flatnonzero(groups == g), counts.max(), replace=True) for g in names]
    return np.sort(np.concatenate(parts))


def audit(y_true: np.ndarray, y_pred: np.ndarray, groups: np.ndarray,
          classes: dict[int, str] | None = None) -> dict[str, dict]:
    """{metric: {column: %}} for METRICS plus "count", as the slide's table, with MetricFrame.

    Columns: "All", then each class of `classes` ({label: name}), each group, and each
    "group class" pair (the slide's DF, DM, ...); without `classes`, "All" and the groups.
    """
    table = {name: {} for name in (*METRICS, "count")}
    _add_columns(table, _frame(y_true, y_pred, groups, None), "")
    for label, name in (classes or {}).items():
        _add_columns(table, _frame(y_true, y_pred, groups, label), name)
    return table


def _frame(y_true, y_pred, groups, label):
    """MetricFrame of PPV, TPR, FPR and count; micro-averaged (accuracy) when label is None."""
    from fairlearn.metrics import MetricFrame, count, false_positive_rate
    from sklearn.metrics import accuracy_score, precision_score, recall_score

    if label is None:
        metrics = {"PPV": accuracy_score, "TPR": accuracy_score,
                   "FPR": lambda t, p: 1.0 - accuracy_score(t, p)}
    else:
        binary = {"zero_division": 0, "pos_label": 1}
        metrics = {"PPV": lambda t, p: precision_score(t == label, p == label, **binary),
                   "TPR": lambda t, p: recall_score(t == label, p == label, **binary),
                   "FPR": lambda t, p: false_positive_rate(t == label, p == label, pos_label=1)}
    metrics["count"] = count if label is None else lambda t, p: int(np.sum(t == label))
    return MetricFrame(metrics=metrics, y_true=y_true, y_pred=y_pred,
                       sensitive_features=groups)


def _add_columns(table: dict, frame, class_name: str) -> None:
    """The frame's overall column (named after the class, or "All") and one per group."""
    columns = {class_name or "All": frame.overall}
    columns |= {f"{g} {class_name}".strip(): frame.by_group.loc[g] for g in frame.by_group.index}
    for column, values in columns.items():
        ppv = round(100 * float(values["PPV"]), 2)
        table["PPV (%)"][column] = ppv
        table["Error Rate (%)"][column] = round(100 - ppv, 2)
        table["TPR (%)"][column] = round(100 * float(values["TPR"]), 2)
        table["FPR (%)"][column] = round(100 * float(values["FPR"]), 2)
        table["count"][column] = int(values["count"])

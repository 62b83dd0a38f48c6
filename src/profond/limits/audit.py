"""Subgroup audits as in Gender Shades (Buolamwini & Gebru 2018): PPV, error rate, TPR and FPR per
group with fairlearn's MetricFrame, and a group attribute read from the digits themselves.
"""

import numpy as np

from profond.checks import check_range

METRICS = ("PPV (%)", "Error Rate (%)", "TPR (%)", "FPR (%)")


def ink_groups(X: np.ndarray, threshold: float | None = None) -> tuple[np.ndarray, float]:
    """group_n = "heavy" if sum of pixel intensities > threshold else "light".

    X (N, ...) -> (groups (N,) str, threshold); the default threshold is the median ink of X.
    """
    ink = X.reshape(len(X), -1).sum(1)
    threshold = float(np.median(ink)) if threshold is None else threshold
    return np.where(ink > threshold, "heavy", "light"), threshold


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


def audit(y_true: np.ndarray, y_pred: np.ndarray, groups: np.ndarray) -> dict[str, dict]:
    """{metric: {"All": %, group: %, ...}} for METRICS plus "count", with fairlearn.MetricFrame."""
    from fairlearn.metrics import MetricFrame, count, false_positive_rate, true_positive_rate
    from sklearn.metrics import precision_score

    frame = MetricFrame(
        metrics={"PPV (%)": lambda t, p: precision_score(t, p, zero_division=0),
                 "Error Rate (%)": lambda t, p: float(np.mean(t != p)),
                 "TPR (%)": true_positive_rate, "FPR (%)": false_positive_rate, "count": count},
        y_true=y_true, y_pred=y_pred, sensitive_features=groups)
    table = {}
    for name in (*METRICS, "count"):
        scale = 1 if name == "count" else 100
        table[name] = {"All": round(scale * float(frame.overall[name]), 2),
                       **{g: round(scale * float(v), 2) for g, v in frame.by_group[name].items()}}
    return table

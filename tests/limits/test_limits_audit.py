"""Subgroup metrics against counts by hand, the sampling helpers, and the bias-audit table."""

import numpy as np
import pytest

from profond.experiments.registry import run_experiment
from profond.limits.audit import audit, ink_groups, rebalance, under_represent

pytest.importorskip("fairlearn")


def test_audit_matches_confusion_counts_by_hand():
    rng = np.random.default_rng(0)
    y, p = rng.integers(0, 2, 200), rng.integers(0, 2, 200)
    groups = np.where(rng.uniform(size=200) < 0.3, "a", "b")
    table = audit(y, p, groups)
    for g in ("a", "b"):
        t, q = y[groups == g], p[groups == g]
        tp, fp = np.sum((t == 1) & (q == 1)), np.sum((t == 0) & (q == 1))
        assert table["PPV (%)"][g] == pytest.approx(100 * tp / (tp + fp), abs=0.01)
        assert table["TPR (%)"][g] == pytest.approx(100 * tp / np.sum(t == 1), abs=0.01)
        assert table["FPR (%)"][g] == pytest.approx(100 * fp / np.sum(t == 0), abs=0.01)
        assert table["Error Rate (%)"][g] == pytest.approx(100 * np.mean(t != q), abs=0.01)
        assert table["count"][g] == len(t)


def test_ink_groups_split_at_the_median_and_sampling_helpers():
    X = np.arange(10, dtype=np.float32).reshape(10, 1, 1, 1)
    groups, threshold = ink_groups(X)
    assert threshold == 4.5 and (groups == "heavy").sum() == 5
    idx = under_represent(groups, "light", 0.4, seed=0)
    assert (groups[idx] == "light").sum() == 2 and (groups[idx] == "heavy").sum() == 5
    balanced = groups[idx][rebalance(groups[idx], seed=0)]
    assert (balanced == "light").sum() == (balanced == "heavy").sum() == 5
    with pytest.raises(ValueError, match=r"keep: expected a number in \[0.0, 1.0\]; got 2"):
        under_represent(groups, "light", 2)


def test_bias_audit_quick_table(tmp_path):
    result = run_experiment("bias-audit", quick=True, seed=0, out_dir=tmp_path)
    counts = [r for r in result.rows if r["Metric"] == "train count"]
    assert counts[0]["light"] < 0.1 * counts[0]["heavy"]
    assert counts[1]["light"] == counts[1]["heavy"]
    errors = [r for r in result.rows if r["Metric"] == "Error Rate (%)"]
    assert all(r["All"] < 15 for r in errors)  # far better than the 50 % of a coin
    assert (tmp_path / "bias_audit.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"

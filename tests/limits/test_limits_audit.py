"""Subgroup metrics against counts by hand and the slide's own identities, the sampling helpers,
and the bias-audit table's direction."""

import numpy as np
import pytest

from profond.experiments.registry import run_experiment
from profond.limits.audit import (
    apply_mirror,
    audit,
    mirror_groups,
    rebalance,
    under_represent,
)

pytest.importorskip("fairlearn")


def _random_predictions():
    rng = np.random.default_rng(0)
    y, p = rng.integers(0, 2, 200), rng.integers(0, 2, 200)
    return y, p, np.where(rng.uniform(size=200) < 0.3, "a", "b")


def test_class_columns_match_confusion_counts_by_hand():
    y, p, groups = _random_predictions()
    table = audit(y, p, groups, {1: "pos", 0: "neg"})
    for g in ("a", "b"):
        t, q = y[groups == g], p[groups == g]
        tp, fp = np.sum((t == 1) & (q == 1)), np.sum((t == 0) & (q == 1))
        column = f"{g} pos"
        assert table["PPV (%)"][column] == pytest.approx(100 * tp / (tp + fp), abs=0.01)
        assert table["TPR (%)"][column] == pytest.approx(100 * tp / np.sum(t == 1), abs=0.01)
        assert table["FPR (%)"][column] == pytest.approx(100 * fp / np.sum(t == 0), abs=0.01)
        assert table["count"][column] == np.sum(t == 1)
        # a column without a class scores every prediction: PPV = TPR = accuracy
        assert table["PPV (%)"][g] == table["TPR (%)"][g] == pytest.approx(
            100 * np.mean(t == q), abs=0.01)
        assert table["count"][g] == len(t)


def test_the_slides_identities_hold_in_every_cell():
    """MSFT on the slide: PPV 93.7 + Error 6.3 = 100 everywhere; FPR(DF) = 100 − TPR(DM)."""
    y, p, groups = _random_predictions()
    table = audit(y, p, groups, {1: "pos", 0: "neg"})
    assert set(table["PPV (%)"]) == {"All", "a", "b", "pos", "a pos", "b pos", "neg", "a neg",
                                     "b neg"}
    for column, ppv in table["PPV (%)"].items():
        assert ppv + table["Error Rate (%)"][column] == pytest.approx(100)
    for prefix in ("", "a ", "b "):
        assert table["FPR (%)"][f"{prefix}pos"] == pytest.approx(
            100 - table["TPR (%)"][f"{prefix}neg"], abs=0.011)
    assert table["FPR (%)"]["All"] == pytest.approx(100 - table["TPR (%)"]["All"], abs=0.011)


def test_mirror_groups_and_sampling_helpers():
    groups = np.array(["upright"] * 5 + ["mirrored"] * 5)
    X = np.arange(10 * 4, dtype=np.float32).reshape(10, 1, 2, 2)
    flipped = apply_mirror(X, groups)
    assert np.array_equal(flipped[:5], X[:5]) and np.array_equal(flipped[5:, 0, :, 0],
                                                                 X[5:, 0, :, 1])
    assert (mirror_groups(10_000, 0.25, seed=0) == "mirrored").mean() == pytest.approx(0.25,
                                                                                       abs=0.02)
    idx = under_represent(groups, "mirrored", 0.4, seed=0)
    assert (groups[idx] == "mirrored").sum() == 2 and (groups[idx] == "upright").sum() == 5
    balanced = groups[idx][rebalance(groups[idx], seed=0)]
    assert (balanced == "mirrored").sum() == (balanced == "upright").sum() == 5
    with pytest.raises(ValueError, match=r"keep: expected a number in \[0.0, 1.0\]; got 2"):
        under_represent(groups, "mirrored", 2)


def test_bias_audit_quick_rare_group_errs_several_times_more(tmp_path):
    result = run_experiment("bias-audit", quick=True, seed=0, out_dir=tmp_path)
    counts = [r for r in result.rows if r["Metric"] == "train count"]
    assert counts[0]["mirrored"] < 0.05 * counts[0]["upright"]
    assert counts[1]["mirrored"] == counts[1]["upright"]
    skewed, augmented = (result.claims[k] for k in ("skewed training",
                                                    "augmented (random flips)"))
    assert skewed["error_mirrored"] > 3 * skewed["error_upright"]
    assert skewed["error_all"] < skewed["error_mirrored"] / 2  # the overall figure hides it
    gap = abs(augmented["error_mirrored"] - augmented["error_upright"])
    assert gap < (skewed["error_mirrored"] - skewed["error_upright"]) / 2
    assert (tmp_path / "bias_audit.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"

"""Ba & Caruana on MNIST-1D: parameter and hidden-unit counts by hand, the quick budget's
directions (depth helps; more signals help the shallow net, labelled or mimicked)."""

import pytest

from profond.experiments.registry import run_experiment


def test_deep_vs_shallow_quick_table(tmp_path):
    result = run_experiment("deep-vs-shallow", quick=True, seed=0, out_dir=tmp_path)
    teacher, shallow, mimic_small, mimic, control = result.rows
    # one hidden layer of 256 on 40 samples, 10 outputs
    assert shallow["# Param."] == mimic["# Param."] == control["# Param."] == (
        40 * 256 + 256 + 256 * 10 + 10)
    assert shallow["# Hidden units"] == 256
    # the paper's CNN: 25 channels, 40 -> 19 -> 10 -> 5 samples
    assert teacher["# Hidden units"] == 25 * (19 + 10 + 5)
    assert mimic["# Train signals"] == control["# Train signals"] == 4000 + 4000
    claims = result.claims
    assert claims["teacher_err"] < claims["shallow_err"] - 0.1  # depth helps on MNIST-1D
    assert claims["control_err"] < claims["shallow_err"]
    assert claims["mimic_err"] < claims["mimic_labelled_only_err"]
    assert all(r["Err. %"] < 70 for r in result.rows)  # chance is 90 %
    assert (tmp_path / "mimic_loss.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


@pytest.mark.parametrize("n", [4000])
def test_transfer_set_is_new_signals(n):
    import numpy as np

    from profond.data.builtin import load_mnist1d
    from profond.experiments.deep_vs_shallow import _transfer_set

    X, y = _transfer_set(n)
    published = load_mnist1d().X_train
    assert X.shape == (n, 40) and y.shape == (n,) and set(np.unique(y)) == set(range(10))
    assert not np.isin(X[:50, 0] * 1e3 + X[:50, 1], published[:, 0] * 1e3 + published[:, 1]).any()

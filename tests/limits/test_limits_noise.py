"""Label corruption (Zhang et al.) and the random-labels / label-noise experiments' directions."""

import numpy as np
import pytest

from profond.experiments.registry import run_experiment
from profond.limits.noise import flip_labels, random_labels


def test_flip_labels_flips_exactly_the_fraction_to_another_class():
    y = np.arange(1000) % 10
    y_new, flipped = flip_labels(y, 0.3, 10, seed=1)
    assert flipped.sum() == 300
    assert (y_new[flipped] != y[flipped]).all() and (y_new[~flipped] == y[~flipped]).all()
    # the wrong class is uniform over the other 9: each offset about 300 / 9 times
    offsets = np.bincount((y_new[flipped] - y[flipped]) % 10, minlength=10)
    assert offsets[0] == 0 and offsets[1:].min() > 10


def test_random_labels_ignore_the_true_labels():
    y = np.zeros(5000, dtype=np.int64)
    counts = np.bincount(random_labels(y, 10, seed=0), minlength=10)
    assert abs(counts / 5000 - 0.1).max() < 0.02


@pytest.mark.parametrize(("kwargs", "match"), [
    ({"fraction": 1.5, "num_classes": 10}, r"fraction: expected a number in \[0.0, 1.0\]; got 1.5"),
    ({"fraction": 0.1, "num_classes": 1}, "num_classes: expected"),
])
def test_flip_labels_rejects_bad_arguments(kwargs, match):
    with pytest.raises(ValueError, match=match):
        flip_labels(np.zeros(4, dtype=np.int64), **kwargs)


def test_random_labels_quick_memorises_without_generalising(tmp_path):
    result = run_experiment("random-labels", quick=True, seed=0, out_dir=tmp_path)
    random_rows = [r for r in result.rows if r["labels"] == "random"]
    assert len(result.rows) == 7 and len(random_rows) == 3
    for row in random_rows:
        assert row["top-1 train"] > 95
        assert abs(row["top-1 test"] - 10) < 5
    true_rows = [r for r in result.rows if r["labels"] == "true"]
    assert min(r["top-1 test"] for r in true_rows) > 80
    for row in result.rows:  # the best epoch includes the last, so early stopping never loses
        assert row["top-1 test (early stop)"] >= row["top-1 test"]
        assert 1 <= row["early-stop epoch"] <= 80
    assert (tmp_path / "result.json").exists() and (tmp_path / "random_labels.png").exists()


def test_label_noise_quick_lowers_test_accuracy(tmp_path):
    result = run_experiment("label-noise", quick=True, seed=0, out_dir=tmp_path)
    tests = [r["test %"] for r in result.rows]
    assert tests == sorted(tests, reverse=True) and tests[0] - tests[-1] > 20
    assert [r["flipped"] for r in result.rows] == [0, 575, 1150]
    assert (tmp_path / "label_noise.png").exists()


def test_models_start_from_the_seed_so_experiments_reproduce(tmp_path):
    from profond.models import new_model

    a, b = (new_model("mlp", (1, 8, 8), 10, hidden=(16,), seed=3) for _ in range(2))
    c = new_model("mlp", (1, 8, 8), 10, hidden=(16,), seed=4)
    for (name, x), y, z in zip(a.state_dict().items(), b.state_dict().values(),
                               c.state_dict().values(), strict=True):
        assert x.equal(y), name
        assert not x.equal(z), name
    first = run_experiment("label-noise", quick=True, seed=0, out_dir=tmp_path / "1")
    again = run_experiment("label-noise", quick=True, seed=0, out_dir=tmp_path / "2")
    assert first.rows == again.rows


def test_best_test_keeps_the_epoch_of_the_best_top1_and_its_top5():
    import torch

    from profond.experiments.random_labels import BestTest

    # epoch e predicts the scores of row e: top-1 right on 1 of 3, then 3 of 3, then 2 of 3
    scores = torch.tensor([[[0, 1, 2], [0, 1, 2], [0, 1, 2]],
                           [[2, 1, 0], [0, 2, 1], [0, 1, 2]],
                           [[2, 1, 0], [0, 2, 1], [2, 0, 1]]], dtype=torch.float32)

    class Replay(torch.nn.Module):
        epoch = 0

        def forward(self, x):
            return scores[self.epoch]

    model, y = Replay(), np.array([0, 1, 2])
    best = BestTest(model, np.zeros((3, 1), dtype=np.float32), y)
    for epoch in range(3):
        model.epoch = epoch
        best.on_epoch_end(epoch + 1, {})
    assert (best.epoch, best.top1, best.top5) == (2, 1.0, 1.0)

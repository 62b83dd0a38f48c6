"""Issue 16, part B: the new experiments, against the slides and in their direction on --quick."""

import json

import pytest
from typer.testing import CliRunner

from profond.cli import app

runner = CliRunner()
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def run_quick(name, out):
    result = runner.invoke(app, ["experiment", "run", name, "--quick", "--json", "--out", str(out)])
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout.strip().splitlines()[-1])
    assert summary["name"] == name
    assert all(open(f, "rb").read(8) == PNG_MAGIC for f in summary["figures"])
    return summary


# Mazur, "A Step by Step Backpropagation Example" (deck 001's slide), to the digits it prints
MAZUR_FORWARD = {"net_h1": 0.3775, "out_h1": 0.593269992, "out_h2": 0.596884378,
                 "net_o1": 1.105905967, "out_o1": 0.75136507, "out_o2": 0.772928465,
                 "E_o1": 0.274811083, "E_o2": 0.023560026, "E_total": 0.298371109}
MAZUR_WEIGHTS = {"w1": 0.149780716, "w2": 0.19956143, "w3": 0.24975114, "w4": 0.29950229,
                 "w5": 0.35891648, "w6": 0.408666186, "w7": 0.511301270, "w8": 0.561370121}


def test_backprop_slide_prints_mazurs_numbers(tmp_path):
    summary = run_quick("backprop-slide", tmp_path)
    values = {r["quantity"]: r["value"] for r in summary["rows"]}
    for name, expected in MAZUR_FORWARD.items():
        assert values[name] == pytest.approx(expected, abs=1e-9), name
    # Mazur's ∂E_total/∂out_o1 · ∂out_o1/∂net_o1 = 0.138498562 is −δ_o1 in the slides' sign
    assert values["δ_o1"] == pytest.approx(-0.138498562, abs=1e-9)
    gradients = {r["quantity"]: r["dE/dw"] for r in summary["rows"] if r["step"] == "update"}
    assert gradients["w5"] == pytest.approx(0.082167041, abs=1e-9)
    assert gradients["w1"] == pytest.approx(0.000438568, abs=1e-9)
    assert summary["updated_weights"] == pytest.approx(MAZUR_WEIGHTS, abs=1e-8)
    # Mazur prints 0.291027924 from rounded intermediates; the exact value is 0.29102777
    assert summary["E_total_after_one_step"] == pytest.approx(0.291027924, abs=2e-7)
    assert summary["E_total_after_training"] < 1e-3 < summary["E_total"]


def test_momentum_rolls_out_of_the_local_minimum_plain_descent_stops_in(tmp_path):
    import numpy as np

    summary = run_quick("momentum-local-minimum", tmp_path)
    # the minima of x⁴ − 4x² + x are the real roots of 4x³ − 8x + 1 where f'' = 12x² − 8 > 0
    roots = np.sort(np.roots([4, 0, -8, 1]).real)
    global_min, local_min = roots[0], roots[2]
    assert summary["end_plain"] == pytest.approx(local_min, abs=1e-4)
    assert summary["end_momentum_0.9"] == pytest.approx(global_min, abs=1e-4)
    assert summary["global_share_plain"] == 0 < summary["global_share_momentum_0.9"]


def test_kmeans_digits_finds_classes_without_labels_but_below_the_labelled_mean(tmp_path):
    from sklearn.cluster import KMeans as SkKMeans
    from sklearn.metrics import adjusted_rand_score

    from profond.data import load

    summary = run_quick("kmeans-digits", tmp_path)
    assert 0.5 < summary["kmeans10_acc"] < summary["nearest_mean_acc"]
    data = load("digits")
    reference = SkKMeans(10, n_init=10, random_state=0).fit(data.X_train.reshape(-1, 64))
    ari = adjusted_rand_score(data.y_test, reference.predict(data.X_test.reshape(-1, 64)))
    assert summary["kmeans10_ari"] == pytest.approx(ari, abs=0.1)


def test_universal_approximation_error_falls_with_hidden_units(tmp_path):
    import numpy as np

    from profond.experiments.universal_approximation import datasets

    summary = run_quick("universal-approximation", tmp_path)
    # the reference error is predicting the mean of y, computed here from the data
    variance = {name: float(np.var(sets[3])) for name, sets in datasets(0).items()}
    assert summary["variance_of_y"] == pytest.approx(variance, rel=1e-4)
    for target, by_model in summary["mse_32_units"].items():
        for model, error in by_model.items():
            assert error < 0.25 * variance[target], (target, model)
            assert error < summary["mse_1_units"][target][model] / 4, (target, model)


def test_pairs_label_exactly_the_digits_shown():
    import numpy as np

    from profond.experiments.multilabel_digits import pairs

    X = np.arange(10, dtype=np.float32)[:, None, None, None] + np.ones((10, 1, 8, 8), np.float32)
    images, labels = pairs(X, np.arange(10), 300, seed=0)
    for image, label in zip(images, labels, strict=True):
        shown = {int(image[0, 0, 0]) - 1, int(image[0, 0, 8]) - 1} - {-1}  # blank half: 0
        assert set(np.flatnonzero(label)) == shown and shown


def test_multilabel_sigmoid_heads_beat_one_softmax(tmp_path):
    summary = run_quick("multilabel-digits", tmp_path)
    # one label per image: the softmax misses every image with two different digits
    assert summary["subset_acc_softmax"] <= 1 - summary["share_two_labels"] + 1e-9
    assert summary["subset_acc_sigmoid"] > summary["subset_acc_softmax"] + 0.05
    assert min(summary["f1_per_label_sigmoid"]) > 0.6


def test_rotations_turn_the_images_and_label_the_angle():
    import numpy as np

    from profond.experiments.rotation_pretext import rotations

    X = np.arange(2 * 9, dtype=np.float32).reshape(2, 1, 3, 3)
    images, angles = rotations(X)
    assert angles.tolist() == [0, 0, 1, 1, 2, 2, 3, 3]
    # 90 degrees counter-clockwise: the top row becomes the first column read upwards
    np.testing.assert_array_equal(images[2, 0], [[2, 5, 8], [1, 4, 7], [0, 3, 6]])
    np.testing.assert_array_equal(images[4, 0], X[0, 0, ::-1, ::-1])


def test_rotation_pretext_learns_the_angle_and_better_features_than_its_start(tmp_path):
    summary = run_quick("rotation-pretext", tmp_path)
    assert summary["pretext_test_acc"] > 0.8  # chance: 0.25
    probe = summary["probe_acc"]
    assert probe["rotation pretext"] > probe["untrained net"]
    assert probe["PCA"] > 0.5 and probe["rotation pretext"] > 0.5


def test_shifted_moves_every_image_by_one_pixel_without_wrapping():
    import numpy as np

    from profond.experiments.stride_vs_pooling import shifted

    X = np.zeros((200, 1, 8, 8), np.float32)
    X[:, 0, 0, 3] = 1  # a pixel on the top row: moving up drops it, it must not wrap around
    X[:, 0, 4, 4] = 2
    out = shifted(X, seed=0)
    for image in out[:, 0]:
        y, x = np.argwhere(image == 2)[0]
        assert abs(y - 4) + abs(x - 4) == 1
        assert image[7, 3] == 0 and image.sum() in (2, 3)


def test_max_pooling_beats_stride_two_on_shifted_digits(tmp_path):
    summary = run_quick("stride-vs-pooling", tmp_path)
    pool, stride = "stride 1 + max pool", "stride 2, no pooling"
    assert summary["shifted_acc"][pool] > summary["shifted_acc"][stride] + 0.05
    assert summary["test_acc"][pool] >= summary["test_acc"][stride] - 0.01


@pytest.mark.parametrize("repeatable, paid", [(True, [0.2, 0.0, 0.2, 0.0]),
                                              (False, [0.2, 0.0, 0.0, 0.0])])
def test_bonus_tile_pays_on_entry_every_time_or_once(repeatable, paid):
    from profond.experiments.reward_misspecification import make_env

    env = make_env(repeatable)
    env.reset(seed=0)
    # 4x4 map, actions 0 left 1 down 2 right 3 up: 0 -> 1 -> 2; then 2 -> 6 (down), 6 -> 2 (up)
    env.step(2)
    env.step(2)
    rewards = [env.step(a)[1] for a in (1, 3, 1, 2)]  # enter 6, leave, enter again, 6 -> 7 (hole)
    assert rewards == pytest.approx(paid)


def test_a_repeatable_bonus_makes_the_agent_loop_instead_of_reaching_the_goal(tmp_path):
    summary = run_quick("reward-misspecification", tmp_path)
    goal = summary["goal_rate"]
    assert goal["goal only (intended)"] == 1 and goal["bonus once per episode"] == 1
    assert goal["bonus at every entry"] == 0
    assert summary["tile_entries_repeatable"] > 10 and summary["paid_return_repeatable"] > 1


@pytest.mark.parametrize("activation", ["sigmoid", "gaussian"])
def test_nets_trained_together_equal_nets_trained_one_by_one(activation):
    import numpy as np
    import torch

    from profond.experiments.universal_approximation import LR, fit_mse, one_hidden_layer_nets

    rng = np.random.default_rng(0)
    X, X_test = rng.uniform(-2, 2, (50, 2)).astype(np.float32), rng.uniform(-2, 2, (20, 2))
    y, y_test = np.sin(X.sum(1)).astype(np.float32), np.sin(X_test.sum(1))
    X_test = X_test.astype(np.float32)
    widths = (1, 3, 5)
    together = fit_mse(X, y, X_test, y_test, widths, activation, 40, seed=7)
    (W1, b1, W2, b2), _ = one_hidden_layer_nets(2, widths, seed=7)
    act = torch.nn.Sigmoid() if activation == "sigmoid" else None
    for m, h in enumerate(widths):
        first, second = torch.nn.Linear(2, h), torch.nn.Linear(h, 1)
        with torch.no_grad():
            first.weight.copy_(W1[m, :, :h].T)
            first.bias.copy_(b1[m, 0, :h])
            second.weight.copy_(W2[m, None, :h])
            second.bias.copy_(b2[m])

        def net(x, first=first, second=second):
            s = first(x)
            return second(act(s) if act else torch.exp(-s * s))[:, 0]

        params = [*first.parameters(), *second.parameters()]
        optimizer = torch.optim.Adam(params, lr=LR)
        for _ in range(40):
            optimizer.zero_grad()
            torch.mean((net(torch.from_numpy(X)) - torch.from_numpy(y)) ** 2).backward()
            optimizer.step()
        with torch.no_grad():
            alone = float(np.mean((net(torch.from_numpy(X_test)).numpy() - y_test) ** 2))
        assert together[m] == pytest.approx(alone, rel=1e-4), h

"""GAN: shapes, the minimax / non-saturating / discriminator losses against their formulas on
fixed discriminator outputs, the learner's alternating step and checkpoint round trip, the
diversity statistics against SciPy/NumPy, a short run's diversity, and the gan-digits claims."""

import numpy as np
import pytest
import torch
from scipy.spatial.distance import pdist

from profond.generative.fit import fit_gan, flat_data
from profond.generative.learners import GANLearner
from profond.generative.monitor import (
    DiversityMonitor,
    class_histogram,
    mean_pairwise_distance,
    normalized_entropy,
)
from profond.models.gan import Discriminator, Generator, discriminator_loss, generator_loss

LOGITS_REAL = np.array([2.0, -0.5, 0.3, 4.0])
LOGITS_FAKE = np.array([-3.0, 0.2, -1.0, 1.5])


def _sigmoid(x):
    return 1 / (1 + np.exp(-x))


def test_shapes_and_sample_range():
    torch.manual_seed(0)
    G, D = Generator(5, 12, hidden=(7,)), Discriminator(12, hidden=(6, 4))
    x = G(torch.randn(9, 5))
    assert x.shape == (9, 12) and ((x >= 0) & (x <= 1)).all()
    assert D(x).shape == (9,)
    assert G.sample(3).shape == (3, 12) and not G.sample(3).requires_grad


def test_losses_equal_their_formulas_on_fixed_discriminator_outputs():
    d_real, d_fake = _sigmoid(LOGITS_REAL), _sigmoid(LOGITS_FAKE)
    real, fake = torch.tensor(LOGITS_REAL), torch.tensor(LOGITS_FAKE)
    assert generator_loss(fake, "minimax").item() == pytest.approx(np.mean(np.log(1 - d_fake)))
    assert generator_loss(fake, "non-saturating").item() == pytest.approx(
        -np.mean(np.log(d_fake)))
    assert discriminator_loss(real, fake).item() == pytest.approx(
        -np.mean(np.log(d_real)) - np.mean(np.log(1 - d_fake)))


def test_minimax_gradient_vanishes_where_d_rejects_the_samples_non_saturating_does_not():
    # dL/dl for one sample of N: minimax -D/N, non-saturating -(1 - D)/N (l the logit)
    fake = torch.tensor([-6.0, 0.0, 6.0], dtype=torch.float64, requires_grad=True)
    grads = {}
    for kind in ("minimax", "non-saturating"):
        fake.grad = None
        generator_loss(fake, kind).backward()
        grads[kind] = fake.grad.numpy().copy()
    d = _sigmoid(fake.detach().numpy())
    np.testing.assert_allclose(grads["minimax"], -d / 3)
    np.testing.assert_allclose(grads["non-saturating"], -(1 - d) / 3)
    assert abs(grads["minimax"][0]) < 1e-3 < 0.3 < abs(grads["non-saturating"][0])


def test_bad_loss_names_what_was_expected():
    with pytest.raises(ValueError, match="kind: expected one of 'minimax', 'non-saturating'"):
        generator_loss(torch.zeros(2), "wasserstein")
    G, D = Generator(2, 4), Discriminator(4)
    with pytest.raises(ValueError, match="loss: expected one of .*; got 'hinge'"):
        GANLearner(G, D, torch.optim.SGD(G.parameters(), lr=0.1),
                   torch.optim.SGD(D.parameters(), lr=0.1), loss="hinge")


def _learner(loss="non-saturating"):
    torch.manual_seed(0)
    G, D = Generator(3, 6, hidden=(8,)), Discriminator(6, hidden=(8,))
    return GANLearner(G, D, torch.optim.Adam(G.parameters(), lr=1e-2),
                      torch.optim.Adam(D.parameters(), lr=1e-2), loss=loss, device="cpu")


def test_one_step_moves_both_players_and_returns_the_positive_d_loss():
    learner = _learner()
    X = np.random.default_rng(0).uniform(0, 1, (20, 6)).astype(np.float32)
    data = learner.prepare(X, np.zeros(20))
    before = learner.state_dict()
    loss = learner.train_batch(data, np.arange(8))
    after = learner.state_dict()
    assert isinstance(loss, float) and loss > 0
    for prefix in ("generator.", "discriminator."):
        keys = [k for k in before if k.startswith(prefix)]
        assert all(not np.array_equal(before[k], after[k]) for k in keys), prefix
    metrics = learner.evaluate(data)
    assert set(metrics) == {"loss", "d_loss", "g_loss", "d_real", "d_fake"}
    assert learner.predict(X).shape == (20,)


def test_state_dict_round_trip_restores_both_networks_and_optimizers():
    learner = _learner("minimax")
    X = np.random.default_rng(0).uniform(0, 1, (20, 6)).astype(np.float32)
    learner.train_batch(learner.prepare(X, np.zeros(20)), np.arange(20))
    state = learner.state_dict()
    fresh = _learner("minimax")
    fresh.load_state_dict(state)
    z = torch.randn(4, 3)
    torch.testing.assert_close(fresh.generator(z), learner.generator(z))
    np.testing.assert_allclose(fresh.predict(X), learner.predict(X))
    assert fresh.state_dict().keys() == state.keys()


def test_diversity_statistics_match_scipy_and_numpy():
    X = np.random.default_rng(0).normal(size=(30, 5))
    assert mean_pairwise_distance(X) == pytest.approx(pdist(X).mean(), rel=1e-9)
    probs = np.eye(4)[[0, 0, 1, 3, 3, 3]]
    np.testing.assert_allclose(class_histogram(probs, 4), [2 / 6, 1 / 6, 0, 3 / 6])
    assert normalized_entropy(np.full(10, 0.1)) == pytest.approx(1.0)
    assert normalized_entropy(np.eye(10)[3]) == 0.0
    with pytest.raises(ValueError, match="X: expected at least 2 rows; got 1"):
        mean_pairwise_distance(X[:1])


def test_a_short_gan_run_changes_the_diversity_score(tmp_path):
    from profond.generative.pictures import plot_grid

    data = flat_data("digits")
    # a stand-in judge: the class is the brightest of ten pixel blocks (any fixed map will do)
    def judge(X):
        return X[:, :60].reshape(len(X), 10, 6).sum(2)

    monitor = DiversityMonitor(data.X_test, judge, 10, tmp_path,
                               lambda im, path, title: plot_grid(im, data.shape, path, title),
                               n_samples=200, grid=16, draw_every=2)
    fit_gan(data.X_train[:640], loss="non-saturating", epochs=3, lr=1e-3, callbacks=[monitor])
    records = monitor.records
    assert [r["epoch"] for r in records] == [0, 1, 2, 3]
    assert records[-1]["diversity"] != pytest.approx(records[0]["diversity"], rel=0.05)
    assert all(sum(r["histogram"]) == pytest.approx(1.0) for r in records)
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "samples_epoch000.png", "samples_epoch002.png", "samples_epoch003.png"]


def test_gan_digits_quick_logs_diversity_for_both_losses(tmp_path, monkeypatch):
    from profond.experiments.registry import run_experiment

    monkeypatch.setenv("OMP_NUM_THREADS", "1")
    result = run_experiment("gan-digits", quick=True, seed=0, out_dir=tmp_path)
    per_epoch = result.claims["digits_per_epoch"]
    for loss in ("minimax", "non-saturating"):
        mine = [r for r in per_epoch if r["loss"] == loss]
        assert [r["epoch"] for r in mine] == list(range(7))
        assert result.claims[f"digits_{loss}_diversity_change"] != 0
        assert all("d_loss" in r and "g_loss" in r for r in mine[1:])
    assert {r["G objective"] for r in result.rows} == {"minimax", "non-saturating"}
    assert result.claims["digits_classifier_test_acc"] > 0.8
    assert sum("epoch" in f for f in result.figures) >= 4
    for figure in result.figures:
        assert open(figure, "rb").read(8) == b"\x89PNG\r\n\x1a\n"

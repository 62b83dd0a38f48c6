"""Autoencoders: shapes, losses against torch/NumPy formulas, noise statistics, greedy layer-wise
pretraining (earlier layers frozen), the reconstruction learner, and the ae-denoise claims."""

import json

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st
from torch.nn import functional as F

from profond.generative.fit import fit_reconstruction, greedy_pretrain, pretrain_layer
from profond.generative.learners import ReconstructionLearner
from profond.models.autoencoders import (
    AELoss,
    Autoencoder,
    gaussian_noise,
    masking_noise,
    reconstruction_error,
    sparsity_penalty,
)


@settings(max_examples=15, deadline=None)
@given(n=st.integers(1, 5), d=st.integers(1, 12),
       hidden=st.lists(st.integers(1, 9), min_size=1, max_size=3))
def test_shapes_of_codes_reconstructions_and_stages(n, d, hidden):
    model = Autoencoder(d, hidden)
    x = torch.rand(n, d)
    assert model(x).shape == (n, d)
    assert model.encode(x).shape == (n, hidden[-1])
    for k in range(len(hidden)):
        code = model.encode(x, layers=k)
        assert model.stage(k)(code).shape == code.shape
        assert model.stage(k).encode(code).shape == (n, hidden[k])


def test_outer_decoder_ends_in_the_data_range():
    torch.manual_seed(0)
    x = torch.randn(50, 6) * 10
    y = Autoencoder(6, (4,))(x)
    assert ((y >= 0) & (y <= 1)).all()
    assert (Autoencoder(6, (4,), out_activation="identity")(x) < 0).any()


@pytest.mark.parametrize("call, match", [
    (lambda: Autoencoder(8, ()), "hidden: expected at least one layer width; got ()"),
    (lambda: Autoencoder(8, (4,), activation="swish"), "activation: expected one of"),
    (lambda: Autoencoder(8, (4,), out_activation="tanh"), "out_activation: expected one of"),
    (lambda: Autoencoder(8, (4,)).stage(1), r"k: expected an integer in \[0, 0\]; got 1"),
    (lambda: AELoss("l2"), "reconstruction: expected one of 'mse', 'bce'; got 'l2'"),
    (lambda: AELoss(sparsity="l0"), "sparsity: expected one of 'l1', 'kl'; got 'l0'"),
    (lambda: AELoss(beta=-1), "beta: expected a number >= 0; got -1"),
    (lambda: masking_noise(1.5), r"p: expected a number in \[0.0, 1.0\]; got 1.5"),
    (lambda: gaussian_noise(0), "std: expected a number > 0; got 0"),
])
def test_bad_arguments_name_what_was_expected(call, match):
    with pytest.raises(ValueError, match=match):
        call()


def test_reconstruction_errors_match_torch_losses_summed_per_example():
    torch.manual_seed(0)
    x, x_hat = torch.rand(7, 5), torch.rand(7, 5)
    mse = F.mse_loss(x_hat, x, reduction="none").sum(1)
    torch.testing.assert_close(reconstruction_error(x_hat, x, "mse"), mse)
    bce = -(x * torch.log(x_hat) + (1 - x) * torch.log(1 - x_hat)).sum(1)
    torch.testing.assert_close(reconstruction_error(x_hat, x, "bce"), bce)


def test_sparsity_penalties_equal_their_formulas():
    h = np.random.default_rng(0).uniform(0.01, 0.99, (20, 6))
    rho = 0.1
    rho_hat = h.mean(0)
    kl = np.sum(rho * np.log(rho / rho_hat) + (1 - rho) * np.log((1 - rho) / (1 - rho_hat)))
    got = sparsity_penalty(torch.from_numpy(h), "kl", rho).item()
    assert got == pytest.approx(kl, rel=1e-10)
    assert sparsity_penalty(torch.from_numpy(h), "l1").item() == pytest.approx(
        np.abs(h).sum(1).mean(), rel=1e-10)
    # the KL term vanishes exactly when every unit's mean activation is the target
    assert sparsity_penalty(torch.full((4, 3), rho), "kl", rho).item() == pytest.approx(0, abs=1e-7)


def test_ae_loss_is_reconstruction_plus_beta_times_sparsity():
    torch.manual_seed(0)
    model = Autoencoder(6, (5,), activation="sigmoid")
    x = torch.rand(9, 6)
    terms = AELoss("mse", "kl", beta=0.3, rho=0.2)(model, x, x)
    torch.testing.assert_close(terms["recon"], F.mse_loss(model(x), x))
    torch.testing.assert_close(terms["loss"], terms["recon"] + 0.3 * terms["sparsity"])


def test_noise_statistics():
    torch.manual_seed(0)
    x = torch.ones(200, 500)
    masked = masking_noise(0.3)(x)
    assert set(masked.unique().tolist()) == {0.0, 1.0}
    assert (masked == 0).float().mean().item() == pytest.approx(0.3, abs=0.005)
    noisy = gaussian_noise(0.5)(x) - x
    assert noisy.mean().item() == pytest.approx(0, abs=0.005)
    assert noisy.std().item() == pytest.approx(0.5, abs=0.005)


def _X(n=120, d=10, seed=0):
    return np.random.default_rng(seed).uniform(0, 1, (n, d)).astype(np.float32)


def test_greedy_stage_two_leaves_layer_one_untouched_and_trains_layer_two():
    torch.manual_seed(0)
    model = Autoencoder(10, (8, 4))
    X = _X()
    codes, _ = pretrain_layer(model, 0, X, epochs=2, batch_size=16)
    np.testing.assert_allclose(codes, model.encode(torch.from_numpy(X), layers=1).detach(),
                               rtol=1e-6)
    before = {k: v.clone() for k, v in model.state_dict().items()}
    pretrain_layer(model, 1, codes, epochs=2, batch_size=16)
    after = model.state_dict()
    for key in before:
        changed = not torch.equal(before[key], after[key])
        assert changed == key.startswith(("encoders.1.", "decoders.1.")), key
    assert not any(p.requires_grad for p in model.encoders[0].parameters())
    assert all(p.requires_grad for p in model.encoders[1].parameters())


def test_greedy_pretrain_records_each_stage_then_unfreezes_for_fine_tuning():
    torch.manual_seed(0)
    model = Autoencoder(10, (8, 6, 4))
    stages = greedy_pretrain(model, _X(), epochs=1, batch_size=32)
    assert [s["stage"] for s in stages] == [1, 2, 3]
    assert all(p.requires_grad for p in model.parameters())


def test_denoising_learner_corrupts_training_inputs_only():
    torch.manual_seed(0)
    calls = []

    def noise(x):
        calls.append(len(x))
        return torch.zeros_like(x)

    model = Autoencoder(10, (6,))
    learner = ReconstructionLearner(model, AELoss("mse"),
                                    torch.optim.SGD(model.parameters(), lr=0.1), noise=noise)
    data = learner.prepare(_X(), np.zeros(120))
    learner.train_batch(data, np.arange(5))
    assert calls == [5]
    metrics = learner.evaluate(data)
    assert calls == [5]
    X = torch.from_numpy(_X())
    assert metrics["recon"] == pytest.approx(F.mse_loss(model(X), X).item(), rel=1e-5)


def test_training_lowers_the_reconstruction_error_on_held_out_data():
    torch.manual_seed(0)
    rng = np.random.default_rng(0)
    basis = rng.uniform(0, 1, (3, 12))  # data on a 3-dim subspace: a 3-unit code suffices
    X = (rng.uniform(0, 1, (300, 3)) @ basis / 3).astype(np.float32)
    _, records = fit_reconstruction(Autoencoder(12, (3,), out_activation="identity"),
                                    AELoss("mse"), X[:200], epochs=30, batch_size=20, lr=1e-2,
                                    X_val=X[200:])
    assert records[-1]["val_recon"] < 0.2 * records[0]["val_recon"]


def test_ae_denoise_quick_denoising_beats_the_noisy_input(tmp_path, monkeypatch):
    from profond.experiments.registry import run_experiment

    monkeypatch.setenv("OMP_NUM_THREADS", "1")
    result = run_experiment("ae-denoise", quick=True, seed=0, out_dir=tmp_path)
    rows = {(r["dataset"], r["model"]): r for r in result.rows}
    for name in ("digits", "mnist1d"):
        denoising = rows[name, "denoising"]
        assert denoising["noisy in -> MSE"] < denoising["noisy input MSE"]
        assert result.claims[f"{name}_denoising_below_noisy_input"] is True
        assert {m for d, m in rows if d == name} == {"plain", "denoising", "sparse", "stacked"}
    # the sparse AE's sigmoid codes fire far less than the ReLU codes of the others
    assert rows["digits", "sparse"]["mean code"] < 0.2 < rows["digits", "plain"]["mean code"]
    for figure in result.figures:
        assert open(figure, "rb").read(8) == b"\x89PNG\r\n\x1a\n"
    assert json.loads((tmp_path / "result.json").read_text())["name"] == "ae-denoise"


def test_mnist_counts_as_cached_only_once_its_arrays_or_files_are_there(tmp_path, monkeypatch):
    from profond.data.download import IDX_FILES
    from profond.generative.fit import mnist_cached

    monkeypatch.setenv("PROFOND_CACHE", str(tmp_path))
    assert not mnist_cached()
    (tmp_path / "mnist").mkdir()
    for name in IDX_FILES[:3]:
        (tmp_path / "mnist" / name).write_bytes(b"")
    assert not mnist_cached()
    (tmp_path / "mnist" / IDX_FILES[3]).write_bytes(b"")
    assert mnist_cached()


def test_full_runs_add_cached_mnist_on_a_subset_for_a_fifth_of_the_epochs(monkeypatch):
    import profond.data
    from profond.data import Dataset
    from profond.generative import fit

    def fake_load(name):
        X = np.zeros((25_000 if name == "mnist" else 30, 1, 28, 28), dtype=np.float32)
        return Dataset(name, X, np.zeros(len(X), np.int64), X[:5], np.zeros(5, np.int64),
                       "classification")

    monkeypatch.setattr(profond.data, "load", fake_load)
    monkeypatch.setattr(fit, "mnist_cached", lambda: True)
    full = [(d.name, len(d.X_train), d.X_train.shape[1], d.shape, d.bounded, e)
            for d, e in fit.experiment_data(["digits"], False, 50)]
    assert full == [("digits", 30, 784, (1, 28, 28), True, 50),
                    ("mnist", 20_000, 784, (1, 28, 28), True, 10)]
    assert [d.name for d, _ in fit.experiment_data(["digits"], True, 50)] == ["digits"]

"""VAE: shapes, the reparameterisation gradient (torch autograd), the KL closed form against
torch.distributions and a Monte-Carlo estimate, the ELBO split, per-epoch logs, vae-latent claims.
"""

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st
from torch.distributions import Normal
from torch.distributions import kl_divergence as torch_kl
from torch.nn import functional as F

from profond.generative.fit import fit_reconstruction
from profond.models.autoencoders import VAE, ELBOLoss, kl_divergence, reparameterize


@settings(max_examples=15, deadline=None)
@given(n=st.integers(1, 5), d=st.integers(1, 12), k=st.integers(1, 4),
       hidden=st.lists(st.integers(1, 9), max_size=2))
def test_shapes(n, d, k, hidden):
    model = VAE(d, hidden, latent_dim=k)
    x = torch.rand(n, d)
    mu, logvar = model.encode(x)
    assert mu.shape == logvar.shape == (n, k)
    assert model.decode(mu).shape == model(x).shape == (n, d)


def test_eval_mode_decodes_the_mean_and_training_mode_samples():
    torch.manual_seed(0)
    model = VAE(6, (5,), latent_dim=2)
    x = torch.rand(4, 6)
    assert not torch.equal(model(x), model(x))
    model.eval()
    torch.testing.assert_close(model(x), model.decode(model.encode(x)[0]))


def test_reparameterisation_gradient_flows_to_mu_and_logvar():
    torch.manual_seed(0)
    mu = torch.randn(5, 3, requires_grad=True)
    logvar = torch.randn(5, 3, requires_grad=True)
    w = torch.randn(5, 3)
    z = reparameterize(mu, logvar)
    (w * z).sum().backward()
    sigma = torch.exp(0.5 * logvar.detach())
    eps = (z.detach() - mu.detach()) / sigma
    # dz/dmu = 1, dz/dlogvar = eps * sigma / 2
    torch.testing.assert_close(mu.grad, w)
    torch.testing.assert_close(logvar.grad, w * eps * sigma / 2)


def test_sample_has_the_posterior_mean_and_std():
    torch.manual_seed(0)
    mu, logvar = torch.full((200_000, 1), 1.5), torch.full((200_000, 1), np.log(0.25))
    z = reparameterize(mu, logvar)
    assert z.mean().item() == pytest.approx(1.5, abs=0.005)
    assert z.std().item() == pytest.approx(0.5, abs=0.005)


def test_kl_closed_form_matches_torch_distributions():
    torch.manual_seed(0)
    mu, logvar = torch.randn(6, 4), torch.randn(6, 4)
    expected = torch_kl(Normal(mu, torch.exp(0.5 * logvar)), Normal(0.0, 1.0)).sum(1)
    torch.testing.assert_close(kl_divergence(mu, logvar), expected)


def test_kl_closed_form_matches_a_monte_carlo_estimate():
    torch.manual_seed(0)
    mu = torch.tensor([[0.8, -1.2, 0.1]], dtype=torch.float64)
    logvar = torch.tensor([[-0.5, 0.4, -1.5]], dtype=torch.float64)
    q, p = Normal(mu, torch.exp(0.5 * logvar)), Normal(0.0, 1.0)
    z = q.sample((400_000,)).squeeze(1)
    samples = (q.log_prob(z) - p.log_prob(z)).sum(-1)  # log q(z) - log p(z), z ~ q
    stderr = samples.std().item() / np.sqrt(len(samples))
    assert abs(samples.mean().item() - kl_divergence(mu, logvar).item()) < 4 * stderr


@pytest.mark.parametrize("reconstruction, beta", [("bce", 1.0), ("mse", 0.5)])
def test_elbo_terms_sum_to_the_loss_and_equal_their_formulas(reconstruction, beta):
    torch.manual_seed(0)
    model = VAE(8, (6,), latent_dim=2)
    x = torch.rand(10, 8)
    torch.manual_seed(1)
    terms = ELBOLoss(reconstruction, beta)(model, x, x)
    torch.manual_seed(1)  # the same eps again: an independent recomputation
    mu, logvar = model.encode(x)
    sigma = torch.exp(0.5 * logvar)
    x_hat = model.decode(mu + sigma * torch.randn_like(mu))
    recon = (F.binary_cross_entropy(x_hat, x, reduction="sum") if reconstruction == "bce"
             else F.mse_loss(x_hat, x, reduction="sum")) / len(x)
    kl = torch_kl(Normal(mu, sigma), Normal(0.0, 1.0)).sum() / len(x)
    torch.testing.assert_close(terms["recon"], recon)
    torch.testing.assert_close(terms["kl"], kl)
    torch.testing.assert_close(terms["loss"], recon + beta * kl)


def test_both_elbo_terms_are_logged_every_epoch_and_sum_to_the_loss():
    torch.manual_seed(0)
    X = np.random.default_rng(0).uniform(0, 1, (100, 8)).astype(np.float32)
    _, records = fit_reconstruction(VAE(8, (6,)), ELBOLoss("bce"), X[:80], epochs=3,
                                    batch_size=20, X_val=X[80:])
    assert [r["epoch"] for r in records] == [1, 2, 3]
    for r in records:
        assert r["kl"] >= 0 and r["val_kl"] >= 0
        assert r["loss"] == pytest.approx(r["recon"] + r["kl"], rel=1e-5)
        assert r["val_loss"] == pytest.approx(r["val_recon"] + r["val_kl"], rel=1e-5)


def test_bad_arguments_name_what_was_expected():
    with pytest.raises(ValueError, match="latent_dim: expected an integer >= 1; got 0"):
        VAE(8, (4,), latent_dim=0)
    with pytest.raises(ValueError, match="beta: expected a number >= 0; got -0.1"):
        ELBOLoss(beta=-0.1)


def test_vae_latent_quick_latent_separates_classes_better_than_chance(tmp_path, monkeypatch):
    from profond.experiments.registry import run_experiment

    monkeypatch.setenv("OMP_NUM_THREADS", "1")
    result = run_experiment("vae-latent", quick=True, seed=0, out_dir=tmp_path)
    row = result.rows[0]
    assert row["dataset"] == "digits"
    assert row["latent k-NN %"] > 3 * row["chance %"]
    assert result.claims["digits_latent_beats_chance"] is True
    assert row["-ELBO test"] == pytest.approx(row["recon test"] + row["KL test"], abs=2e-3)
    assert row["recon test"] > row["BCE floor"]  # no decoder beats the pixels' own entropy
    epochs = result.claims["digits_elbo_per_epoch"]
    assert len(epochs) == row["epochs"] and epochs[-1]["loss"] < epochs[0]["loss"]
    # MNIST-1D (standardised, linear decoder, squared error): its 2-D codes beat chance too
    curves = result.rows[1]
    assert curves["dataset"] == "mnist1d" and curves["BCE floor"] is None
    assert curves["latent k-NN %"] > 2 * curves["chance %"]
    assert result.claims["mnist1d_elbo_per_epoch"][-1]["loss"] < result.claims[
        "mnist1d_elbo_per_epoch"][0]["loss"]
    assert len(result.figures) == 8  # ELBO curves, latent, rows, manifold for each dataset
    for figure in result.figures:
        assert open(figure, "rb").read(8) == b"\x89PNG\r\n\x1a\n"

"""Autoencoders (deck 004 "AE empilés", "AE variationnels"; deck 001 "Auto-encodeur") in torch.

Inputs are flat rows (N, D): images are flattened by the caller and reshaped for pictures. The
losses live beside the models and return their terms by name, so a learner logs each one.
"""

import torch
from torch import nn
from torch.nn import functional as F

from profond.checks import check_choice, check_int, check_positive, check_range
from profond.models.dense import ACTIVATIONS

OUTPUTS = ("sigmoid", "identity")
RECONSTRUCTIONS = ("mse", "bce")
SPARSITY = ("l1", "kl")


def _block(in_features: int, out_features: int, activation: str) -> nn.Sequential:
    act = nn.Identity() if activation == "identity" else ACTIVATIONS[activation]()
    return nn.Sequential(nn.Linear(in_features, out_features), act)


class ShallowAE(nn.Module):
    """x_hat = g(f(x)): one encoder layer f and one decoder layer g (a stage of a stacked AE).

    x (N, D) -> code (N, H) -> x_hat (N, D). `encode`/`decode` are what the losses call.
    """

    def __init__(self, encoder: nn.Module, decoder: nn.Module):
        super().__init__()
        self.encoder, self.decoder = encoder, decoder

    def encode(self, x: torch.Tensor) -> torch.Tensor:
        return self.encoder(x)

    def decode(self, h: torch.Tensor) -> torch.Tensor:
        return self.decoder(h)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.decode(self.encode(x))


class Autoencoder(nn.Module):
    """h = f_L(...f_1(x)), x_hat = g_1(...g_L(h)): a stacked autoencoder with mirrored layers.

    x (N, in_features) -> code (N, hidden[-1]) -> x_hat (N, in_features). Layer k is the pair
    (encoders[k], decoders[k]); `stage(k)` is that pair as a shallow AE, which greedy layer-wise
    pretraining trains on the codes of layers 0..k-1. The outer decoder ends with `out_activation`
    (sigmoid for data in [0, 1], identity for standardised data); inner decoders end with
    `activation`, the range of the codes they rebuild. Mirrors torch.nn.Sequential of Linear layers.
    """

    def __init__(self, in_features: int, hidden=(64, 16), activation: str = "relu",
                 out_activation: str = "sigmoid"):
        super().__init__()
        check_int("in_features", in_features, minimum=1)
        if not hidden:
            raise ValueError(f"hidden: expected at least one layer width; got {hidden!r}")
        check_choice("activation", activation, ACTIVATIONS)
        check_choice("out_activation", out_activation, OUTPUTS)
        widths = [in_features, *(check_int("hidden", h, minimum=1) for h in hidden)]
        self.encoders = nn.ModuleList(_block(a, b, activation)
                                      for a, b in zip(widths, widths[1:], strict=False))
        self.decoders = nn.ModuleList(
            _block(b, a, out_activation if k == 0 else activation)
            for k, (a, b) in enumerate(zip(widths, widths[1:], strict=False)))

    @property
    def depth(self) -> int:
        return len(self.encoders)

    def stage(self, k: int) -> ShallowAE:
        """Layer k's encoder and decoder (shared modules, not copies) as a shallow AE."""
        check_int("k", k, minimum=0, maximum=self.depth - 1)
        return ShallowAE(self.encoders[k], self.decoders[k])

    def encode(self, x: torch.Tensor, layers: int | None = None) -> torch.Tensor:
        """The code after the first `layers` encoder layers (all of them by default)."""
        for encoder in self.encoders[:layers]:
            x = encoder(x)
        return x

    def decode(self, h: torch.Tensor) -> torch.Tensor:
        for decoder in reversed(self.decoders):
            h = decoder(h)
        return h

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.decode(self.encode(x))


class VAE(nn.Module):
    """q(z|x) = N(mu(x), diag exp(logvar(x))), p(z) = N(0, I), x_hat = g(z), z = mu + sigma * eps.

    x (N, in_features) -> (mu, logvar) each (N, latent_dim) -> x_hat (N, in_features). `forward`
    decodes a sample in training mode and the mean mu in eval mode (Kingma & Welling, 2014).
    """

    def __init__(self, in_features: int, hidden=(128,), latent_dim: int = 2,
                 activation: str = "relu", out_activation: str = "sigmoid"):
        super().__init__()
        check_int("in_features", in_features, minimum=1)
        check_int("latent_dim", latent_dim, minimum=1)
        check_choice("activation", activation, ACTIVATIONS)
        check_choice("out_activation", out_activation, OUTPUTS)
        widths = [in_features, *(check_int("hidden", h, minimum=1) for h in hidden)]
        self.encoder = nn.Sequential(*(_block(a, b, activation)
                                       for a, b in zip(widths, widths[1:], strict=False)))
        self.head = nn.Linear(widths[-1], 2 * latent_dim)  # mu and logvar side by side
        back = [latent_dim, *reversed(widths)]
        self.decoder = nn.Sequential(*(
            _block(a, b, out_activation if i == len(back) - 2 else activation)
            for i, (a, b) in enumerate(zip(back, back[1:], strict=False))))
        self.latent_dim = latent_dim

    def encode(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        mu, logvar = self.head(self.encoder(x)).chunk(2, dim=1)
        return mu, logvar

    def decode(self, z: torch.Tensor) -> torch.Tensor:
        return self.decoder(z)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        mu, logvar = self.encode(x)
        return self.decode(reparameterize(mu, logvar) if self.training else mu)


def reparameterize(mu: torch.Tensor, logvar: torch.Tensor) -> torch.Tensor:
    """z = mu + exp(logvar / 2) * eps, eps ~ N(0, I): the sample is differentiable in mu, logvar.

    mu, logvar (N, K) -> z (N, K). Mirrors torch.distributions.Normal(mu, sigma).rsample().
    """
    return mu + torch.exp(0.5 * logvar) * torch.randn_like(mu)


def kl_divergence(mu: torch.Tensor, logvar: torch.Tensor) -> torch.Tensor:
    """KL(N(mu, sigma^2) || N(0, 1)) = 1/2 sum_k (mu_k^2 + sigma_k^2 - log sigma_k^2 - 1).

    mu, logvar (N, K) -> (N,) nats per example. Mirrors torch.distributions.kl_divergence.
    """
    return 0.5 * (mu.pow(2) + logvar.exp() - logvar - 1).sum(dim=1)


def reconstruction_error(x_hat: torch.Tensor, x: torch.Tensor, kind: str = "mse") -> torch.Tensor:
    """sum_d (x_hat_d - x_d)^2 or sum_d -[x_d log x_hat_d + (1 - x_d) log(1 - x_hat_d)].

    x_hat, x (N, D) -> (N,) per example. Mirrors F.mse_loss / F.binary_cross_entropy, summed.
    """
    if kind == "mse":
        return (x_hat - x).pow(2).sum(dim=1)
    return F.binary_cross_entropy(x_hat, x, reduction="none").sum(dim=1)


def sparsity_penalty(h: torch.Tensor, kind: str = "kl", rho: float = 0.05) -> torch.Tensor:
    """L1: mean_n sum_j |h_nj|; KL: sum_j rho log(rho/rho_j) + (1-rho) log((1-rho)/(1-rho_j)).

    h (N, H) codes -> scalar; rho_j is unit j's mean activation over the batch (codes in (0, 1)
    for "kl": a sigmoid encoder). Ng's sparse autoencoder notes, CS294A.
    """
    if kind == "l1":
        return h.abs().sum(dim=1).mean()
    rho_hat = h.mean(dim=0).clamp(1e-6, 1 - 1e-6)  # a dead or saturated unit must not give inf
    return (rho * torch.log(rho / rho_hat)
            + (1 - rho) * torch.log((1 - rho) / (1 - rho_hat))).sum()


class AELoss:
    """L = mean_n rec(x_hat_n, x_n) / D + beta * Omega(h): per-feature error, optional sparsity.

    `AELoss(reconstruction="mse", sparsity=None, beta=0.0, rho=0.05)`; called as
    `loss(model, x_in, x)` with x_in the (possibly noisy) input and x the clean target, it returns
    {"loss", "recon"[, "sparsity"]} as scalars. A model with `encode`/`decode` (Autoencoder,
    ShallowAE).
    """

    def __init__(self, reconstruction: str = "mse", sparsity: str | None = None,
                 beta: float = 0.0, rho: float = 0.05):
        self.reconstruction = check_choice("reconstruction", reconstruction, RECONSTRUCTIONS)
        self.sparsity = None if sparsity is None else check_choice("sparsity", sparsity, SPARSITY)
        self.beta = check_positive("beta", beta, allow_zero=True)
        self.rho = check_range("rho", rho, 1e-6, 1 - 1e-6)

    def __call__(self, model: nn.Module, x_in: torch.Tensor,
                 x: torch.Tensor) -> dict[str, torch.Tensor]:
        h = model.encode(x_in)
        recon = reconstruction_error(model.decode(h), x, self.reconstruction).mean() / x.shape[1]
        if self.sparsity is None:
            return {"loss": recon, "recon": recon}
        sparsity = sparsity_penalty(h, self.sparsity, self.rho)
        return {"loss": recon + self.beta * sparsity, "recon": recon, "sparsity": sparsity}


class ELBOLoss:
    """-ELBO = E_q[-log p(x|z)] + beta * KL(q(z|x) || p(z)), per example, averaged over the batch.

    Called as `loss(model, x_in, x)` on a VAE, it returns {"loss", "recon", "kl"} (nats per
    example; "loss" = "recon" + beta * "kl") from one reparameterised sample per example.
    """

    def __init__(self, reconstruction: str = "bce", beta: float = 1.0):
        self.reconstruction = check_choice("reconstruction", reconstruction, RECONSTRUCTIONS)
        self.beta = check_positive("beta", beta, allow_zero=True)

    def __call__(self, model: VAE, x_in: torch.Tensor,
                 x: torch.Tensor) -> dict[str, torch.Tensor]:
        mu, logvar = model.encode(x_in)
        x_hat = model.decode(reparameterize(mu, logvar))
        recon = reconstruction_error(x_hat, x, self.reconstruction).mean()
        kl = kl_divergence(mu, logvar).mean()
        return {"loss": recon + self.beta * kl, "recon": recon, "kl": kl}


def gaussian_noise(std: float):
    """x_tilde = x + std * eps, eps ~ N(0, I): the corruption of a denoising AE (Vincent, 2008)."""
    check_positive("std", std)
    return lambda x: x + std * torch.randn_like(x)


def masking_noise(p: float, fill: float = 0.0):
    """x_tilde_d = fill with probability p, else x_d: masking noise (Vincent et al., 2010)."""
    check_range("p", p, 0.0, 1.0)
    return lambda x: torch.where(torch.rand_like(x) < p, torch.full_like(x, fill), x)


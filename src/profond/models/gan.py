"""Generative adversarial networks (deck 002, Goodfellow et al. 2014) as two torch MLPs + losses.

min_G max_D E[log D(x)] + E[log(1 - D(G(z)))]: the discriminator outputs a logit l, D = sigmoid(l),
so log D = logsigmoid(l) and log(1 - D) = logsigmoid(-l) stay finite when D saturates.
"""

import torch
from torch import nn
from torch.nn import functional as F

from profond.checks import check_choice, check_int

GENERATOR_LOSSES = ("minimax", "non-saturating")


def _mlp(widths: list[int], last: nn.Module | None) -> nn.Sequential:
    """Linear + LeakyReLU(0.2) per layer, the last activation replaced by `last` (or none)."""
    layers: list[nn.Module] = []
    for a, b in zip(widths, widths[1:], strict=False):
        layers += [nn.Linear(a, b), nn.LeakyReLU(0.2)]
    layers[-1:] = [last] if last is not None else []
    return nn.Sequential(*layers)


class Generator(nn.Module):
    """x = G(z) = sigmoid(MLP(z)), z ~ N(0, I): samples in [0, 1] like the pixels of digits.

    z (N, latent_dim) -> x (N, out_features). Mirrors the MLP generator of pytorch/examples' GAN.
    """

    def __init__(self, latent_dim: int, out_features: int, hidden=(128, 256)):
        super().__init__()
        self.latent_dim = check_int("latent_dim", latent_dim, minimum=1)
        check_int("out_features", out_features, minimum=1)
        widths = [latent_dim, *(check_int("hidden", h, minimum=1) for h in hidden), out_features]
        self.net = _mlp(widths, nn.Sigmoid())

    def forward(self, z: torch.Tensor) -> torch.Tensor:
        return self.net(z)

    def sample(self, n: int, generator: torch.Generator | None = None) -> torch.Tensor:
        """G(z) for n draws z ~ N(0, I) (from `generator` when given), without gradients."""
        device = next(self.parameters()).device
        z = torch.randn(n, self.latent_dim, generator=generator, device=device)
        with torch.no_grad():
            return self(z)


class Discriminator(nn.Module):
    """l = MLP(x), D(x) = sigmoid(l): the logit that x is real rather than generated.

    x (N, in_features) -> l (N,). LeakyReLU hidden layers (Radford et al., 2016).
    """

    def __init__(self, in_features: int, hidden=(256, 128)):
        super().__init__()
        check_int("in_features", in_features, minimum=1)
        widths = [in_features, *(check_int("hidden", h, minimum=1) for h in hidden), 1]
        self.net = _mlp(widths, None)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.net(x).squeeze(1)


def discriminator_loss(real_logits: torch.Tensor, fake_logits: torch.Tensor) -> torch.Tensor:
    """L_D = -mean log D(x) - mean log(1 - D(G(z))): D ascends the minimax value.

    logits (N,) each -> scalar. Mirrors F.binary_cross_entropy_with_logits on labels 1 and 0.
    """
    return -(F.logsigmoid(real_logits).mean() + F.logsigmoid(-fake_logits).mean())


def generator_loss(fake_logits: torch.Tensor, kind: str = "non-saturating") -> torch.Tensor:
    """minimax: L_G = mean log(1 - D(G(z))); non-saturating: L_G = -mean log D(G(z)).

    fake_logits (N,) -> scalar. The minimax gradient vanishes where D rejects the samples (early
    training), so Goodfellow et al. train G with the non-saturating form in practice.
    """
    check_choice("kind", kind, GENERATOR_LOSSES)
    if kind == "minimax":
        return F.logsigmoid(-fake_logits).mean()
    return -F.logsigmoid(fake_logits).mean()

"""Learners for the one Trainer: a reconstruction learner (AE, VAE) and the GAN's two-player step.

Both keep the data as flat (N, D) tensors on the device, prepared once, as TorchLearner does.
"""

import numpy as np
import torch
from torch import nn

from profond.checks import check_choice
from profond.models.gan import GENERATOR_LOSSES, discriminator_loss, generator_loss
from profond.train.torch_learner import (
    Split,
    TorchLearner,
    load_optimizer_state,
    optimizer_state,
    resolve_device,
)


class ReconstructionLearner(TorchLearner):
    """`ReconstructionLearner(model, loss, optimizer, device="auto", noise=None)`: target = input.

    `loss(model, x_in, x)` returns named scalar terms (models.autoencoders.AELoss, ELBOLoss);
    "loss" is minimised and every term is averaged by `evaluate`, so the Trainer logs each one.
    `noise` corrupts the training inputs only, the target stays clean (a denoising autoencoder);
    evaluation always reads clean inputs. Inputs are flattened to (N, D).
    """

    def __init__(self, model: nn.Module, loss, optimizer: torch.optim.Optimizer,
                 device: str | torch.device = "auto", noise=None, eval_batch_size: int = 4096):
        super().__init__(model, loss, optimizer, device=device, amp=False, task="regression",
                         augment=noise, eval_batch_size=eval_batch_size)

    def prepare(self, X: np.ndarray, y: np.ndarray) -> Split:
        """The split's inputs, flat, as both input and target (labels are not used)."""
        X = np.ascontiguousarray(X, dtype=np.float32).reshape(len(X), -1)
        return super().prepare(X, X)

    def train_batch(self, data: Split, idx: np.ndarray) -> float:
        self.model.train()
        x, target = self._gather(data, torch.from_numpy(idx))
        x_in = self.augment(x) if self.augment is not None else x
        loss = self.loss_fn(self.model, x_in, target)["loss"]
        self.optimizer.zero_grad(set_to_none=True)
        loss.backward()
        self.optimizer.step()
        return loss.item()

    def evaluate(self, data: Split) -> dict[str, float]:
        """Every loss term averaged over the split (by chunks), in eval mode, on clean inputs."""
        totals: dict[str, float] = {}
        self.model.eval()
        try:
            with torch.no_grad():
                for start in range(0, len(data), self.eval_batch_size):
                    idx = torch.arange(start, min(start + self.eval_batch_size, len(data)))
                    x, target = self._gather(data, idx)
                    for name, value in self.loss_fn(self.model, x, target).items():
                        totals[name] = totals.get(name, 0.0) + value.item() * len(idx)
        finally:
            self.model.train()
        return {name: total / len(data) for name, total in totals.items()}

    def predict(self, X: np.ndarray) -> np.ndarray:
        """Reconstructions x_hat (N, D) of raw inputs, in eval mode (a VAE decodes its mean)."""
        return self._apply(lambda x: self.model(x), X)

    def encode(self, X: np.ndarray) -> np.ndarray:
        """Codes (N, H) of raw inputs; for a VAE the posterior mean mu."""
        def code(x):
            h = self.model.encode(x)
            return h[0] if isinstance(h, tuple) else h
        return self._apply(code, X)

    def decode(self, Z: np.ndarray) -> np.ndarray:
        """Decoder outputs (N, D) for codes Z (N, H)."""
        return self._apply(self.model.decode, Z)

    def _apply(self, fn, X: np.ndarray) -> np.ndarray:
        x = torch.from_numpy(np.ascontiguousarray(X, dtype=np.float32).reshape(len(X), -1))
        self.model.eval()
        try:
            with torch.no_grad():
                return fn(x.to(self.device)).cpu().numpy()
        finally:
            self.model.train()


class GANLearner:
    """`GANLearner(generator, discriminator, g_optimizer, d_optimizer, loss="non-saturating")`.

    `train_batch` is one discriminator step on the real batch and as many fresh samples, then one
    generator step on new samples (Goodfellow et al. 2014, Algorithm 1 with k = 1); it returns the
    discriminator's loss, which stays positive (what DivergenceStop watches). `loss` picks the
    generator's objective: the slide's minimax log(1 - D(G(z))) or the non-saturating -log D(G(z)).
    """

    def __init__(self, generator: nn.Module, discriminator: nn.Module,
                 g_optimizer: torch.optim.Optimizer, d_optimizer: torch.optim.Optimizer,
                 loss: str = "non-saturating", device: str | torch.device = "auto",
                 eval_batch_size: int = 4096):
        self.loss = check_choice("loss", loss, GENERATOR_LOSSES)
        self.device = resolve_device(device)
        self.generator = generator.to(self.device)
        self.discriminator = discriminator.to(self.device)
        self.g_optimizer, self.d_optimizer = g_optimizer, d_optimizer
        self.eval_batch_size = eval_batch_size

    @property
    def lr(self) -> float:
        return self.g_optimizer.param_groups[0]["lr"]

    @lr.setter
    def lr(self, value: float) -> None:
        for optimizer in (self.g_optimizer, self.d_optimizer):
            for group in optimizer.param_groups:
                group["lr"] = value

    def prepare(self, X: np.ndarray, y: np.ndarray) -> torch.Tensor:
        """Real examples, flat (N, D), on the device once; labels are not used."""
        X = np.ascontiguousarray(X, dtype=np.float32).reshape(len(X), -1)
        return torch.from_numpy(X).to(self.device)

    def train_batch(self, data: torch.Tensor, idx: np.ndarray) -> float:
        real = data.index_select(0, torch.from_numpy(idx).to(self.device))
        d_loss = discriminator_loss(self.discriminator(real),
                                    self.discriminator(self._fake(len(real)).detach()))
        self.d_optimizer.zero_grad(set_to_none=True)
        d_loss.backward()
        self.d_optimizer.step()
        g_loss = generator_loss(self.discriminator(self._fake(len(real))), self.loss)
        self.g_optimizer.zero_grad(set_to_none=True)
        g_loss.backward()  # D's gradients from this pass are cleared before its next step
        self.g_optimizer.step()
        return d_loss.item()

    def evaluate(self, data: torch.Tensor) -> dict[str, float]:
        """Both players' losses on the split and as many samples, and the mean D(x), D(G(z))."""
        with torch.no_grad():
            real = torch.cat([self.discriminator(data[s:s + self.eval_batch_size])
                              for s in range(0, len(data), self.eval_batch_size)])
            fake = self.discriminator(self._fake(len(data)))
        d_loss = discriminator_loss(real, fake).item()
        return {"loss": d_loss, "d_loss": d_loss, "g_loss": generator_loss(fake, self.loss).item(),
                "d_real": torch.sigmoid(real).mean().item(),
                "d_fake": torch.sigmoid(fake).mean().item()}

    def predict(self, X: np.ndarray) -> np.ndarray:
        """D(x): the discriminator's probability that each raw input is real, (N,)."""
        with torch.no_grad():
            logits = self.discriminator(self.prepare(X, np.zeros(len(X))))
        return torch.sigmoid(logits).cpu().numpy()

    def state_dict(self) -> dict[str, np.ndarray]:
        """"generator.<key>", "discriminator.<key>" and "g_optimizer.<...>", "d_optimizer.<...>"."""
        state = {}
        for prefix, module in (("generator", self.generator),
                               ("discriminator", self.discriminator)):
            state.update({f"{prefix}.{k}": v.detach().cpu().numpy().copy()
                          for k, v in module.state_dict().items()})
        for prefix, optimizer in (("g_", self.g_optimizer), ("d_", self.d_optimizer)):
            state.update({prefix + k: v for k, v in optimizer_state(optimizer).items()})
        return state

    def load_state_dict(self, state: dict[str, np.ndarray]) -> None:
        for prefix, module in (("generator.", self.generator),
                               ("discriminator.", self.discriminator)):
            module.load_state_dict({k[len(prefix):]: torch.from_numpy(np.array(v))
                                    for k, v in state.items() if k.startswith(prefix)})
        for prefix, optimizer in (("g_", self.g_optimizer), ("d_", self.d_optimizer)):
            load_optimizer_state(optimizer, {k[len(prefix):]: v for k, v in state.items()
                                             if k.startswith(prefix + "optimizer.")})

    def _fake(self, n: int) -> torch.Tensor:
        z = torch.randn(n, self.generator.latent_dim, device=self.device)
        return self.generator(z)

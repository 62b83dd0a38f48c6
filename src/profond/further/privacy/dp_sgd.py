"""DP-SGD (Abadi et al. 2016), the deck's "privacy budget ε": by hand, and with Opacus.

Each example's gradient is clipped to norm C, the clipped gradients are summed, Gaussian noise of
std σC is added and the sum is divided by the batch size. The hand version computes per-example
gradients with torch.func (vmap of grad) and follows Opacus's DPOptimizer step for step (same
clip factor min(1, C / (‖g_i‖ + 1e-6)), same noise draws from the same generator), so the two give
identical gradients on the same model and batch. The accountant (how much ε a run spends) is
Opacus's RDP accountant.
"""

import numpy as np
import torch
from torch import nn

from profond.checks import check_positive
from profond.train.torch_learner import Split, TorchLearner


def per_example_grads(model: nn.Module, loss_fn: nn.Module, X: torch.Tensor,
                      y: torch.Tensor) -> dict[str, torch.Tensor]:
    """g_i = ∇_θ ℓ(f(x_i), y_i) for each example: name -> (N, *param.shape).

    vmap over a batch of one: mirrors torch.func's per-sample-gradients tutorial.
    """
    from torch.func import functional_call, grad, vmap

    params = {k: v.detach() for k, v in model.named_parameters()}
    buffers = {k: v.detach() for k, v in model.named_buffers()}

    def loss_one(p, x, t):
        out = functional_call(model, (p, buffers), (x.unsqueeze(0),))
        return loss_fn(out, t.unsqueeze(0))

    return vmap(grad(loss_one), in_dims=(None, 0, 0))(params, X, y)


def clip_per_example(grads: dict[str, torch.Tensor], max_grad_norm: float):
    """g_i · min(1, C / (‖g_i‖ + 1e-6)) with ‖g_i‖ over all parameters together (Opacus "flat").

    Returns (clipped grads name -> (N, ...), the norms before clipping (N,)).
    """
    check_positive("max_grad_norm", max_grad_norm)
    flat = [g.reshape(len(g), -1).norm(2, dim=1) for g in grads.values()]
    norms = torch.stack(flat, dim=1).norm(2, dim=1)
    factor = (max_grad_norm / (norms + 1e-6)).clamp(max=1.0)
    return {k: torch.einsum("i,i...->i...", factor, g) for k, g in grads.items()}, norms


def dp_sgd_gradients(model: nn.Module, loss_fn: nn.Module, X: torch.Tensor, y: torch.Tensor,
                     max_grad_norm: float, noise_multiplier: float,
                     generator: torch.Generator | None = None,
                     expected_batch_size: int | None = None) -> dict[str, torch.Tensor]:
    """g̃ = (Σ_i clip_C(g_i) + N(0, σ²C² I)) / B: name -> param.shape.

    B is `expected_batch_size` (Opacus's name; Poisson batches vary in size) or len(X). The noise is
    drawn parameter by parameter in model order, as Opacus's DPOptimizer.add_noise draws it.
    """
    check_positive("noise_multiplier", noise_multiplier, allow_zero=True)
    clipped, _ = clip_per_example(per_example_grads(model, loss_fn, X, y), max_grad_norm)
    std = noise_multiplier * max_grad_norm
    out = {}
    for name, g in clipped.items():
        summed = g.sum(0)
        if std > 0:
            summed = summed + torch.normal(0.0, std, size=summed.shape, device=summed.device,
                                           generator=generator, dtype=summed.dtype)
        out[name] = summed / (expected_batch_size or len(X))
    return out


class DPSGDLearner(TorchLearner):
    """`DPSGDLearner(model, loss_fn, optimizer, max_grad_norm, noise_multiplier, seed=0, **kw)`.

    TorchLearner whose step sets each parameter's .grad to the hand DP-SGD gradient before
    `optimizer.step()`. The loss must average over the batch (reduction "mean"), as Opacus assumes.
    """

    def __init__(self, model: nn.Module, loss_fn: nn.Module | None,
                 optimizer: torch.optim.Optimizer, max_grad_norm: float,
                 noise_multiplier: float, seed: int = 0, **kwargs):
        super().__init__(model, loss_fn, optimizer, amp=False, **kwargs)
        self.max_grad_norm = check_positive("max_grad_norm", max_grad_norm)
        self.noise_multiplier = check_positive("noise_multiplier", noise_multiplier,
                                               allow_zero=True)
        self.generator = torch.Generator(self.device).manual_seed(seed)

    def train_batch(self, data: Split, idx: np.ndarray) -> float:
        xb, yb = self._gather(data, torch.from_numpy(idx))
        grads = dp_sgd_gradients(self.model, self.loss_fn, xb, yb, self.max_grad_norm,
                                 self.noise_multiplier, self.generator)
        for name, p in self.model.named_parameters():
            p.grad = grads[name]
        self.optimizer.step()
        with torch.no_grad():
            return self.loss_fn(self.model(xb), yb).item()


def make_private_learner(model: nn.Module, optimizer: torch.optim.Optimizer, n_train: int,
                         batch_size: int, epochs: int, target_epsilon: float,
                         target_delta: float, max_grad_norm: float, seed: int = 0, **kwargs):
    """Opacus's PrivacyEngine.make_private_with_epsilon, then a TorchLearner on its model/optimizer.

    Returns (learner, privacy_engine). The noise multiplier σ is the smallest that keeps
    `epochs` epochs at sampling rate batch_size / n_train within (ε, δ) by the RDP accountant.
    The one Trainer draws the batches (shuffled, fixed size) instead of Opacus's Poisson loader:
    the accountant assumes Poisson sampling, the usual approximation in DP-SGD papers.
    `privacy_engine.get_epsilon(delta)` reports the ε spent by the steps actually taken.
    """
    from opacus import PrivacyEngine
    from torch.utils.data import DataLoader, TensorDataset

    check_positive("target_epsilon", target_epsilon)
    # The loader only tells Opacus the sampling rate and batch size; the Trainer feeds the data.
    loader = DataLoader(TensorDataset(torch.zeros(n_train)), batch_size=batch_size)
    engine = PrivacyEngine(accountant="rdp")
    private_model, private_opt, _ = engine.make_private_with_epsilon(
        module=model, optimizer=optimizer, data_loader=loader, target_epsilon=target_epsilon,
        target_delta=target_delta, epochs=epochs, max_grad_norm=max_grad_norm,
        poisson_sampling=False, noise_generator=torch.Generator().manual_seed(seed))
    return TorchLearner(private_model, None, private_opt, amp=False, **kwargs), engine

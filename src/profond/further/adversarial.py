"""Adversarial examples (deck 000, panda -> gibbon with ε = .007): FGSM, PGD, adversarial training.

Every attack takes a model, inputs X (N, ...), labels y (N,) and a budget ε in the L∞ norm, and
returns adversarial inputs of X's shape, clamped to the data range (`clamp`, [0, 1] by default).
The model's parameters get no gradient from an attack and its train/eval mode is left as found.
"""

import numpy as np
import torch
from torch import nn

from profond.checks import check_choice, check_int, check_positive
from profond.train.torch_learner import Split, TorchLearner

Range = tuple[float, float] | None

# the LeNet-5 recipe of the adversarial experiments on the digits (epochs: --quick, full)
MODEL, BATCH, LR, PGD_STEPS = "lenet5", 64, 3e-3, 10
EPOCHS = {True: 10, False: 30}


def input_gradient(model: nn.Module, X: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    """∇_X Σ_i L(f(x_i), y_i) for the cross-entropy L: X (N, ...) -> same shape.

    The sum (not the mean) keeps each example's gradient independent of the batch size.
    """
    with torch.enable_grad():
        X = X.detach().requires_grad_(True)
        loss = nn.functional.cross_entropy(model(X), y, reduction="sum")
        return torch.autograd.grad(loss, X)[0]


def fgsm(model: nn.Module, X: torch.Tensor, y: torch.Tensor, eps: float,
         clamp: Range = (0.0, 1.0)) -> torch.Tensor:
    """x_adv = clip(x + ε sign(∇_x L(f(x), y))): Goodfellow et al. 2015, the panda -> gibbon step.

    X (N, ...), y (N,) -> X_adv (N, ...). Mirrors torchattacks.FGSM.
    """
    check_positive("eps", eps, allow_zero=True)
    X_adv = X + eps * input_gradient(model, X, y).sign()
    return _clamp(X_adv, clamp).detach()


def pgd(model: nn.Module, X: torch.Tensor, y: torch.Tensor, eps: float, alpha: float | None = None,
        steps: int = 10, random_start: bool = True, clamp: Range = (0.0, 1.0),
        generator: torch.Generator | None = None) -> torch.Tensor:
    """x_{t+1} = Π_{B∞(x, ε)}(x_t + α sign(∇ L(f(x_t), y))): Madry et al. 2018, L∞ PGD.

    X (N, ...), y (N,) -> X_adv (N, ...). The start is x + U(-ε, ε) when `random_start`; α defaults
    to 2.5 ε / steps (Madry's choice). Mirrors torchattacks.PGD.
    """
    check_positive("eps", eps, allow_zero=True)
    check_int("steps", steps, minimum=1)
    alpha = 2.5 * eps / steps if alpha is None else check_positive("alpha", alpha)
    X = X.detach()
    X_adv = X
    if random_start:
        noise = torch.rand(X.shape, generator=generator, device="cpu").to(X.device)
        X_adv = _clamp(X + eps * (2 * noise - 1), clamp)
    for _ in range(steps):
        X_adv = X_adv + alpha * input_gradient(model, X_adv, y).sign()
        # project back onto the ε-ball around X, then onto the data range
        X_adv = _clamp(X + (X_adv - X).clamp(-eps, eps), clamp)
    return X_adv.detach()


ATTACKS = {"fgsm": fgsm, "pgd": pgd}


def adversarial_accuracy(model: nn.Module, X, y, eps: float, attack: str = "fgsm",
                         batch_size: int = 1024, **options) -> float:
    """Fraction of examples still classified correctly after `attack` with budget ε.

    X (N, ...) and y (N,) as NumPy arrays or tensors; `options` go to the attack (steps, alpha,
    clamp, generator). ε = 0 gives the clean accuracy. The model is evaluated in eval mode.
    """
    attack_fn = ATTACKS[check_choice("attack", attack, ATTACKS)]
    device = next(model.parameters()).device
    X, y = torch.as_tensor(X, device=device), torch.as_tensor(y, device=device)
    was_training = model.training
    model.eval()
    try:
        correct = 0
        for start in range(0, len(X), batch_size):
            xb, yb = X[start:start + batch_size], y[start:start + batch_size]
            X_adv = attack_fn(model, xb, yb, eps, **options)
            with torch.no_grad():
                correct += (model(X_adv).argmax(1) == yb).sum().item()
    finally:
        model.train(was_training)
    return correct / len(X)


class AdversarialLearner(TorchLearner):
    """`AdversarialLearner(model, loss_fn, optimizer, attack="fgsm", eps=0.1, steps=7, **kw)`.

    Each step trains on the clean batch and its adversarial twin together, so the mean loss is
    ½ L(x) + ½ L(x_adv) (Goodfellow et al. 2015 with α = ½; `attack="pgd"` is Madry's training with
    clean examples kept). The rest is TorchLearner's step: same optimizer, AMP, augmentation.
    """

    def __init__(self, model: nn.Module, loss_fn: nn.Module | None,
                 optimizer: torch.optim.Optimizer, attack: str = "fgsm", eps: float = 0.1,
                 steps: int = 7, clamp: Range = (0.0, 1.0), **kwargs):
        super().__init__(model, loss_fn, optimizer, **kwargs)
        self.attack = check_choice("attack", attack, ATTACKS)
        self.eps = check_positive("eps", eps)
        self.options = {"clamp": clamp} | ({"steps": steps} if attack == "pgd" else {})

    def train_batch(self, data: Split, idx: np.ndarray) -> float:
        xb, yb = self._gather(data, torch.from_numpy(idx))
        X_adv = ATTACKS[self.attack](self.model, xb, yb, self.eps, **self.options)
        mixed = Split(torch.cat([xb, X_adv]), torch.cat([yb, yb]), on_device=True)
        return super().train_batch(mixed, np.arange(2 * len(idx)))


def _clamp(X: torch.Tensor, clamp: Range) -> torch.Tensor:
    return X if clamp is None else X.clamp(*clamp)


def train_digits(data, epochs: int, seed: int, learner_cls=None, **options) -> nn.Module:
    """LeNet-5 on the digits with the one Trainer, in eval mode; `learner_cls` (default
    TorchLearner) and its extra options let adversarial training reuse the recipe."""
    from profond.models import new_model
    from profond.train.trainer import Trainer

    model = new_model(MODEL, data.X_train.shape[1:], len(data.classes), seed=seed)
    learner = (learner_cls or TorchLearner)(
        model, None, torch.optim.Adam(model.parameters(), lr=LR), device="cpu", **options)
    Trainer(epochs, BATCH, seed=seed, eval_train=False).fit(learner, data)
    return model.eval()

"""Privacy attacks on trained models (deck 000, "attaques de reconstruction").

Membership inference by loss threshold (Yeom et al. 2018): training examples tend to have a lower
loss than unseen ones, so -loss scores membership; its ROC AUC is 0.5 for a model that leaks
nothing. Gradient inversion (Zhu et al. 2019, "Deep Leakage from Gradients"): a dummy input and
label are optimised until their gradient matches the one a client shared, which rebuilds the input.
"""

import numpy as np
import torch
from torch import nn

from profond.checks import check_int


def per_example_loss(model: nn.Module, X, y, batch_size: int = 1024) -> np.ndarray:
    """ℓ_i = CE(f(x_i), y_i): X (N, ...), y (N,) -> (N,) float64, in eval mode, no gradients."""
    device = next(model.parameters()).device
    X, y = torch.as_tensor(X, device=device), torch.as_tensor(y, device=device)
    was_training = model.training
    model.eval()
    try:
        with torch.no_grad():
            losses = [nn.functional.cross_entropy(model(X[s:s + batch_size]),
                                                  y[s:s + batch_size], reduction="none")
                      for s in range(0, len(X), batch_size)]
    finally:
        model.train(was_training)
    return torch.cat(losses).double().cpu().numpy()


def membership_inference_auc(model: nn.Module, members: tuple, non_members: tuple) -> float:
    """AUC of the score -ℓ(x, y) at telling members (training pairs) from non-members.

    `members` and `non_members` are (X, y) pairs; 0.5 means the attack is guessing, 1 that every
    training example has a lower loss than every unseen one. Mirrors sklearn's roc_auc_score.
    """
    from sklearn.metrics import roc_auc_score

    scores = np.concatenate([-per_example_loss(model, *members),
                             -per_example_loss(model, *non_members)])
    is_member = np.r_[np.ones(len(members[1])), np.zeros(len(non_members[1]))]
    return float(roc_auc_score(is_member, scores))


def shared_gradient(model: nn.Module, x: torch.Tensor, y: torch.Tensor) -> list[torch.Tensor]:
    """∇_θ CE(f(x), y) for one client's batch: what federated SGD sends to the server."""
    loss = nn.functional.cross_entropy(model(x), y)
    return [g.detach() for g in torch.autograd.grad(loss, list(model.parameters()))]


def gradient_inversion(model: nn.Module, target_grads: list[torch.Tensor], input_shape,
                       num_classes: int, steps: int = 100, seed: int = 0, restarts: int = 3):
    """(x', y') = argmin ‖∇_θ CE(f(x'), softmax(y')) - ∇_θ‖²: DLG, optimised with L-BFGS.

    Rebuilds a batch of one example: input (1, *input_shape) and soft label (1, num_classes) from
    the shared gradient. L-BFGS can stall in a local minimum, so up to `restarts` random starts
    (seeds seed, seed + 1, ...) are tried until one matches (loss < 1e-6). Returns the best
    (x', label probabilities) and its matching loss before each step and after the last.
    Mirrors the DLG reference code (github.com/mit-han-lab/dlg).
    """
    check_int("steps", steps, minimum=1)
    check_int("restarts", restarts, minimum=1)
    best = None
    for attempt in range(restarts):
        result = _invert_once(model, target_grads, input_shape, num_classes, steps, seed + attempt)
        if best is None or min(result[2]) < min(best[2]):
            best = result
        if min(best[2]) < 1e-6:
            break
    return best


def _invert_once(model, target_grads, input_shape, num_classes: int, steps: int, seed: int):
    gen = torch.Generator().manual_seed(seed)
    x = torch.rand((1, *input_shape), generator=gen).requires_grad_(True)
    label = torch.randn((1, num_classes), generator=gen).requires_grad_(True)
    optimizer = torch.optim.LBFGS([x, label], lr=1.0, max_iter=1, history_size=100,
                                  line_search_fn="strong_wolfe")
    params = list(model.parameters())
    history = []

    def closure():
        optimizer.zero_grad()
        loss = nn.functional.cross_entropy(model(x), label.softmax(1))
        grads = torch.autograd.grad(loss, params, create_graph=True)
        match = sum(((g - t) ** 2).sum() for g, t in zip(grads, target_grads, strict=True))
        match.backward()
        return match

    best = (float("inf"), x, label)
    for _ in range(steps + 1):
        current = (x.detach().clone(), label.detach().clone())
        # L-BFGS can overshoot: keep the dummy whose gradient matched best
        loss = (optimizer.step(closure) if len(history) < steps else closure()).item()
        history.append(loss)
        if loss < best[0]:
            best = (loss, *current)
    return best[1], best[2].softmax(1), history

"""Deck 004 (Chester): an autoencoder's reconstruction error as an out-of-distribution score, and
saliency maps (vanilla gradient, Grad-CAM) of a CNN's decision.
"""

import numpy as np


def reconstruction_error(model, X: np.ndarray) -> np.ndarray:
    """score_n = mean_d (x_hat_nd - x_nd)^2; X (N, D) -> (N,). Higher means less familiar."""
    from profond.models import logits

    X = np.ascontiguousarray(X, dtype=np.float32)
    return ((logits(model, X) - X) ** 2).mean(1)


def ood_auc(scores_in: np.ndarray, scores_out: np.ndarray) -> float:
    """ROC AUC of telling out-of-distribution (positive) from in-distribution by the score.

    Mirrors sklearn.metrics.roc_auc_score.
    """
    from sklearn.metrics import roc_auc_score

    y = np.r_[np.zeros(len(scores_in)), np.ones(len(scores_out))]
    return float(roc_auc_score(y, np.r_[scores_in, scores_out]))


def vanilla_saliency(model, X: np.ndarray, target: np.ndarray | None = None) -> np.ndarray:
    """S = |d z_c / d x| for the target (default predicted) class c; X (N, ...) -> same shape.

    Simonyan et al. 2014.
    """
    import torch

    model.eval()
    x = torch.from_numpy(np.ascontiguousarray(X, dtype=np.float32)).requires_grad_(True)
    out = model(x)
    c = out.argmax(1) if target is None else torch.as_tensor(target)
    out.gather(1, c[:, None]).sum().backward()
    model.train()
    return x.grad.abs().numpy()


def grad_cam(model, layer, X: np.ndarray, target: np.ndarray | None = None) -> np.ndarray:
    """L = ReLU(sum_k a_k A^k), a_k = mean_ij dz_c/dA^k_ij, upsampled to the input's H x W.

    X (N, C, H, W) -> (N, H, W), each map scaled to max 1. Selvaraju et al. 2017.
    """
    import torch
    import torch.nn.functional as F

    acts = []
    hook = layer.register_forward_hook(lambda _m, _i, out: acts.append(out))
    model.eval()
    try:
        out = model(torch.from_numpy(np.ascontiguousarray(X, dtype=np.float32)))
    finally:
        hook.remove()
        model.train()
    A = acts[0]
    c = out.argmax(1) if target is None else torch.as_tensor(target)
    (grads,) = torch.autograd.grad(out.gather(1, c[:, None]).sum(), A)
    cam = F.relu((grads.mean((2, 3), keepdim=True) * A).sum(1, keepdim=True))
    cam = F.interpolate(cam, size=X.shape[-2:], mode="bilinear", align_corners=False)[:, 0]
    return (cam / cam.amax((1, 2), keepdim=True).clamp_min(1e-12)).detach().numpy()

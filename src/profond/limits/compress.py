"""Model compression: magnitude pruning (torch.nn.utils.prune), int8 fake quantisation by hand and
torch.ao.quantization.quantize_dynamic, and model sizes in bytes.
"""

import copy

from profond.checks import check_range


def prune_global(model, sparsity: float):
    """A copy whose Linear/Conv weights have the `sparsity` fraction of smallest |w| set to 0.

    Mirrors torch.nn.utils.prune.global_unstructured(..., L1Unstructured, amount=sparsity).
    """
    from torch import nn
    from torch.nn.utils import prune

    check_range("sparsity", sparsity, 0.0, 1.0)
    pruned = copy.deepcopy(model)
    params = [(m, "weight") for m in pruned.modules()
              if isinstance(m, nn.Linear | nn.Conv1d | nn.Conv2d)]
    prune.global_unstructured(params, pruning_method=prune.L1Unstructured, amount=sparsity)
    for module, name in params:
        prune.remove(module, name)  # bake the mask into the weight
    return pruned


def fake_quantize(w, bits: int = 8):
    """w_hat = s * clamp(round(w / s), -q, q), s = max|w| / q, q = 2^(bits-1) - 1 (symmetric).

    w any shape -> same shape. Mirrors torch.fake_quantize_per_tensor_affine (zero point 0).
    """
    import torch

    q = 2 ** (bits - 1) - 1
    scale = w.abs().max().clamp_min(1e-12) / q
    return torch.clamp(torch.round(w / scale), -q, q) * scale


def fake_quantize_model(model, bits: int = 8):
    """A copy with every weight matrix/kernel replaced by its fake-quantised version."""
    import torch

    quantized = copy.deepcopy(model)
    with torch.no_grad():
        for name, p in quantized.named_parameters():
            if name.endswith("weight"):
                p.copy_(fake_quantize(p, bits))
    return quantized


def dynamic_int8(model):
    """torch.ao.quantization.quantize_dynamic on the Linear layers, or None where the platform
    has no quantised engine (the reason is raised as RuntimeError by torch)."""
    import warnings

    import torch
    from torch import nn

    try:
        # torch 2.13 deprecates torch.ao.quantization (for torchao); it still works here
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)
            warnings.simplefilter("ignore", DeprecationWarning)
            return torch.ao.quantization.quantize_dynamic(copy.deepcopy(model), {nn.Linear},
                                                          dtype=torch.qint8)
    except (RuntimeError, AssertionError):
        return None


def quantized_size_bytes(model) -> int:
    """Bytes a `quantize_dynamic` model holds, read off its tensors: each int8 weight's bytes
    (`int_repr()`), its scale and zero point (4 bytes each, per tensor or per channel), float32
    biases, and the parameters of the layers left in float."""
    import torch

    per_channel = (torch.per_channel_affine, torch.per_channel_symmetric)
    total = sum(p.numel() * p.element_size() for p in model.parameters())
    for module in model.modules():
        if not hasattr(module, "_packed_params") or not callable(getattr(module, "weight", None)):
            continue  # quantised Linears expose weight() and bias() as methods
        w, bias = module.weight(), module.bias()
        total += w.int_repr().numel() * w.int_repr().element_size()
        total += 8 * (w.q_per_channel_scales().numel() if w.qscheme() in per_channel else 1)
        total += 0 if bias is None else bias.numel() * bias.element_size()
    return total


def size_bytes(model, weight_bits: int = 32, nonzero_only: bool = False) -> int:
    """Bytes to store the model: weights at `weight_bits`, biases at 32 bits (plus one float
    scale per weight tensor when quantised); `nonzero_only` counts a sparse format's values."""
    total = 0
    for name, p in model.named_parameters():
        n = int((p != 0).sum()) if nonzero_only and name.endswith("weight") else p.numel()
        if name.endswith("weight"):
            total += n * weight_bits // 8 + (4 if weight_bits < 32 else 0)
        else:
            total += n * 4
    return total

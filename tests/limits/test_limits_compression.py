"""Pruning, int8 fake quantisation and distillation losses against torch's own, and the
compression experiment's directions."""

import pytest
import torch
import torch.nn.functional as F

from profond.experiments.registry import run_experiment
from profond.limits.compress import fake_quantize, prune_global, size_bytes
from profond.limits.distill import DistillLoss
from profond.models import create_model


def test_fake_quantize_matches_torch():
    w = torch.randn(50, 30)
    scale = float(w.abs().max() / 127)
    reference = torch.fake_quantize_per_tensor_affine(w, scale, 0, -127, 127)
    torch.testing.assert_close(fake_quantize(w), reference, atol=1e-6, rtol=0)


def test_prune_global_zeroes_the_smallest_weights():
    torch.manual_seed(0)
    model = create_model("mlp", (20,), 5, hidden=(30,))
    pruned = prune_global(model, 0.6)
    weights = torch.cat([p.flatten() for n, p in pruned.named_parameters() if "weight" in n])
    original = torch.cat([p.flatten() for n, p in model.named_parameters() if "weight" in n])
    assert (weights == 0).sum() == round(0.6 * len(original))
    kept = original[weights != 0].abs()
    assert kept.min() >= original[weights == 0].abs().max()
    assert size_bytes(pruned, nonzero_only=True) < size_bytes(model)


def test_a_dynamically_quantised_model_is_a_quarter_of_its_float_size_by_its_own_tensors():
    from profond.limits.compress import dynamic_int8, quantized_size_bytes

    model = create_model("mlp", (64,), 10, hidden=(512, 256))
    quantised = dynamic_int8(model)
    if quantised is None:
        pytest.skip("this platform has no quantised engine")
    weights = 64 * 512 + 512 * 256 + 256 * 10  # one byte each, plus 8 bytes of scale per layer
    biases = 4 * (512 + 256 + 10)
    assert quantized_size_bytes(quantised) == weights + 3 * 8 + biases
    assert 0.24 < quantized_size_bytes(quantised) / size_bytes(model) < 0.26


def test_distill_losses_match_torch_formulas():
    student, teacher = torch.randn(8, 10), torch.randn(8, 10)
    torch.testing.assert_close(DistillLoss("l2")(student, teacher),
                               ((student - teacher) ** 2).mean())
    T = 3.0
    p = F.softmax(teacher / T, 1)
    kl = (p * (p.log() - F.log_softmax(student / T, 1))).sum(1).mean() * T * T
    torch.testing.assert_close(DistillLoss("kd", T)(student, teacher), kl)


def test_distill_loss_rejects_an_unknown_mode():
    with pytest.raises(ValueError, match="mode: expected one of"):
        DistillLoss("cosine")


def test_compression_quick_directions(tmp_path):
    result = run_experiment("compression", quick=True, seed=0, out_dir=tmp_path)
    pruning = [r for r in result.rows if r["method"] == "pruning"]
    assert pruning[0]["test %"] > 90 and pruning[-1]["test %"] < pruning[0]["test %"] - 30
    assert abs(result.claims["int8_fake_test"] - result.claims["fp32_test"]) < 0.03
    assert 0.24 < result.claims["int8_size_ratio"] < 0.27
    assert result.claims["distilled_test"] > 0.8

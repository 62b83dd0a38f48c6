"""OOD scores and saliency maps against closed forms, and the ood-saliency experiment."""

import numpy as np
import torch

from profond.experiments.registry import run_experiment
from profond.limits.ood import grad_cam, ood_auc, vanilla_saliency
from profond.models import create_model


def test_vanilla_saliency_of_a_linear_model_is_its_weight_row():
    torch.manual_seed(0)
    model = create_model("logistic", (12,), 3)
    X = np.random.default_rng(0).normal(size=(5, 12)).astype(np.float32)
    target = np.array([0, 1, 2, 1, 0])
    W = model[0].weight.detach().numpy()
    np.testing.assert_allclose(vanilla_saliency(model, X, target), np.abs(W[target]), atol=1e-6)


def test_grad_cam_maps_are_nonnegative_and_scaled_to_one():
    torch.manual_seed(0)
    model = create_model("lenet5", (1, 8, 8), 10)
    X = np.random.default_rng(0).uniform(size=(4, 1, 8, 8)).astype(np.float32)
    cam = grad_cam(model, model.conv2, X)
    assert cam.shape == (4, 8, 8) and cam.min() >= 0
    assert np.all((np.isclose(cam.max((1, 2)), 1.0)) | (cam.max((1, 2)) == 0))


def test_ood_auc_counts_ordered_pairs():
    # AUC = P(score_out > score_in): 5 of the 6 pairs are ordered
    assert np.isclose(ood_auc(np.array([0.1, 0.4]), np.array([0.3, 0.5, 0.6])), 5 / 6)


def test_ood_saliency_quick_separates_noise(tmp_path):
    result = run_experiment("ood-saliency", quick=True, seed=0, out_dir=tmp_path)
    rows = {r["OOD set"]: r for r in result.rows}
    assert rows["uniform noise"]["ROC AUC"] > 0.9
    signals = rows["MNIST-1D as 8x8"]
    assert signals["score OOD (MSE)"] > signals["score digits (MSE)"]
    # the sets made of the digits themselves: rotated ones still stand out, mirrored ones less
    assert rows["digits rotated 90°"]["ROC AUC"] > 0.9
    assert 0.5 < rows["digits mirrored"]["ROC AUC"] < rows["uniform noise"]["ROC AUC"] - 0.05
    assert (tmp_path / "saliency.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"

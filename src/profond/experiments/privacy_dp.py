"""Deck 000, differential privacy with a budget ε: the price in accuracy, the gain against attacks.

An MLP is trained on a small MNIST-1D subset long enough to overfit (ε = ∞: plain SGD), then with
Opacus's DP-SGD at ε = 8, 3, 1 (δ = 1e-5, RDP accountant, same optimizer, epochs and batches, all
driven by the one Trainer). Each model is scored on the test set and by a loss-threshold
membership-inference attack: members are its training examples, non-members as many held-out ones.
"""

import math
import warnings
from pathlib import Path

import torch

from profond.data import load
from profond.experiments.registry import ExperimentResult
from profond.further.privacy.attacks import membership_inference_auc
from profond.further.privacy.dp_sgd import make_private_learner
from profond.models import create_model
from profond.plotting import pyplot, save_png
from profond.train.torch_learner import TorchLearner, seed_everything
from profond.train.trainer import Trainer

EPSILONS = (math.inf, 8.0, 3.0, 1.0)
DELTA, MAX_GRAD_NORM = 1e-5, 1.0
HIDDEN, BATCH, LR, MOMENTUM = (256,), 32, 0.05, 0.9
# (training examples, epochs) by `quick`
BUDGETS = {True: (300, 30), False: (1000, 40)}


def run(*, quick: bool, seed: int, out_dir: Path) -> ExperimentResult:
    """One row per ε: test accuracy, membership-inference AUC, the ε the accountant reports."""
    n_train, epochs = BUDGETS[quick]
    data = load("mnist1d")
    members = data.X_train[:n_train], data.y_train[:n_train]
    non_members = data.X_test[:n_train], data.y_test[:n_train]
    rows = []
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", module="opacus")  # "secure RNG off": fine for a course
        warnings.filterwarnings("ignore", message="Full backward hook")
        for eps in EPSILONS:
            rows.append(_arm(eps, data, members, non_members, epochs, seed))
    figure = _plot(rows, out_dir / "privacy_dp.png")
    aucs = [r["mia auc"] for r in rows]
    return ExperimentResult(
        name="privacy-dp", rows=rows,
        title=f"DP-SGD on MNIST-1D ({n_train} training examples, MLP {HIDDEN}): "
              "test accuracy and membership-inference AUC",
        figures=[str(figure)],
        claims={"auc_non_private": aucs[0], "auc_eps1": aucs[-1],
                "dp_lowers_auc": aucs[-1] < aucs[0],
                "acc_falls_as_eps_falls": rows[-1]["test %"] < rows[0]["test %"]},
        notes=[f"{epochs} epochs of SGD (lr {LR:g}, momentum {MOMENTUM:g}, batch {BATCH}); DP: "
               f"clip C = {MAX_GRAD_NORM:g}, σ chosen by Opacus's make_private_with_epsilon for "
               f"δ = {DELTA:g}; batches are shuffled, not Poisson-sampled (the accountant's usual "
               "approximation).",
               "AUC 0.5: the attack cannot tell training examples from unseen ones."])


def _arm(eps: float, data, members, non_members, epochs: int, seed: int) -> dict:
    seed_everything(seed)
    model = create_model("mlp", data.X_train.shape[1:], len(data.classes), hidden=HIDDEN)
    optimizer = torch.optim.SGD(model.parameters(), lr=LR, momentum=MOMENTUM)
    if math.isinf(eps):
        learner, engine = TorchLearner(model, None, optimizer, device="cpu"), None
    else:
        learner, engine = make_private_learner(
            model, optimizer, len(members[1]), BATCH, epochs, eps, DELTA, MAX_GRAD_NORM,
            seed=seed, device="cpu")
    Trainer(epochs, BATCH, seed=seed, eval_train=False).fit(learner, members)
    test = learner.evaluate(learner.prepare(data.X_test, data.y_test))["acc"]
    train = learner.evaluate(learner.prepare(*members))["acc"]
    return {"epsilon": "inf" if engine is None else eps,
            "noise σ": 0.0 if engine is None else round(learner.optimizer.noise_multiplier, 3),
            "spent ε": "inf" if engine is None else round(engine.get_epsilon(DELTA), 2),
            "train %": round(100 * train, 2), "test %": round(100 * test, 2),
            "mia auc": round(membership_inference_auc(learner.model, members, non_members), 4)}


def _plot(rows: list[dict], path: Path) -> Path:
    plt = pyplot()

    labels = [f"ε = {r['epsilon']}" if r["epsilon"] != "inf" else "ε = ∞" for r in rows]
    fig, (ax_acc, ax_auc) = plt.subplots(1, 2, figsize=(8.0, 3.6))
    ax_acc.bar(labels, [r["test %"] for r in rows], color="tab:blue")
    ax_acc.set(ylabel="test accuracy %", title="Utility")
    ax_auc.bar(labels, [r["mia auc"] for r in rows], color="tab:red")
    ax_auc.axhline(0.5, color="k", ls="--", lw=1, label="chance")
    ax_auc.set(ylabel="membership-inference ROC AUC", ylim=(0.4, 1.0), title="Leakage")
    ax_auc.legend()
    fig.tight_layout()
    return save_png(fig, path)

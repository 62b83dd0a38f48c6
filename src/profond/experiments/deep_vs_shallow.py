"""Deck 003, Ba & Caruana (2014) "Do deep nets really need to be deep?" on MNIST-1D, where depth
helps (the paper's CNN beats its MLP by 25 points): a deep CNN teacher trained on the 4000
labelled signals; a shallow net (one hidden layer) trained on the same labels; the same shallow
net trained to mimic the teacher's logits (L2 regression, as the paper) on the labelled signals
plus a large unlabelled transfer set that the MNIST-1D generator makes (the paper's 'unlabelled
data labelled by the teacher'); and the control the paper discusses, the shallow net on as many
signals with their true labels. Columns as the slide's Table 2.
"""

from pathlib import Path

import numpy as np
import torch
from torch import nn

from profond.data.builtin import load_mnist1d
from profond.experiments.registry import ExperimentResult
from profond.limits.distill import distill
from profond.limits.plots import line_plot
from profond.models import logits, n_params, new_model
from profond.train.recipe import fit_model

# (teacher epochs, transfer signals, student steps, shallow width) by `quick`
BUDGETS = {True: (8, 4000, 1500, 256), False: (60, 16000, 10000, 256)}
TEACHER_LR, STUDENT_LR, BATCH = 1e-2, 3e-3, 64
TRANSFER_SEED = 43  # the published set is seed 42: another seed draws new signals


def run(*, quick: bool, seed: int, out_dir: Path) -> ExperimentResult:
    """Rows: teacher CNN, SNN on labels, SNN-MIMIC without and with the transfer set, and the
    SNN on as many true labels (control)."""
    teacher_epochs, n_transfer, steps, width = BUDGETS[quick]
    data = load_mnist1d()
    X_transfer, y_transfer = _transfer_set(n_transfer)
    teacher = new_model("mnist1d-cnn", (40,), 10, seed=seed)
    fit_model(teacher, (data.X_train, data.y_train), epochs=teacher_epochs, lr=TEACHER_LR,
        batch_size=100, seed=seed, eval_train=False)
    X_all = np.r_[data.X_train, X_transfer]
    arms = {"SNN trained on labels": (data.X_train, data.y_train),
            "SNN-CNN-MIMIC, labelled signals only": (data.X_train, None),
            f"SNN-CNN-MIMIC-{_k(len(X_all))} (teacher's logits on the transfer set)":
                (X_all, None),
            f"SNN-{_k(len(X_all))} on true labels (control)":
                (X_all, np.r_[data.y_train, y_transfer])}
    rows = [_row("teacher CNN (MNIST-1D paper's, no augmentation)", "25c5/2-25c3/2-25c3/2-10fc",
                 len(data.X_train), teacher, data)]
    histories = {}
    for name, (X, y) in arms.items():
        student = new_model("mlp", (40,), 10, hidden=(width,), seed=seed)
        histories[name] = _train_student(student, X, y, teacher, steps, seed)
        rows.append(_row(name, f"{width}fc, no regularization", len(X), student, data))
    figure = _plot(histories, out_dir / "mimic_loss.png")
    err = {key: rows[i]["Err. %"] / 100 for i, key in enumerate(
        ("teacher_err", "shallow_err", "mimic_labelled_only_err", "mimic_err", "control_err"))}
    return ExperimentResult(
        name="deep-vs-shallow", rows=rows,
        title="Ba & Caruana on MNIST-1D: shallow vs deep (test error on the 1000 test signals)",
        figures=[str(figure)], claims=err,
        notes=[f"Teacher: Adam lr {TEACHER_LR:g}, batch 100, {teacher_epochs} epochs on the "
               f"4000 labelled signals. Students: Adam lr {STUDENT_LR:g}, batch {BATCH}, "
               f"{steps} steps each (the same for every student).",
               f"Transfer set: {n_transfer} new signals from mnist1d's generator (seed "
               f"{TRANSFER_SEED}); the mimic nets regress the teacher's 10 logits with mean "
               "squared error (profond.limits.distill, mode 'l2'); the control sees the same "
               "signals with their true labels.",
               "Slide (CIFAR-10): teacher CNN 12.0 %, SNN-CNN-MIMIC-30k 15.1 %, DNN on labels "
               "57.8 %."])


def _transfer_set(n: int) -> tuple[np.ndarray, np.ndarray]:
    """n fresh MNIST-1D signals and their labels (the generator's 80/20 split, both halves)."""
    extra = load_mnist1d(n_samples=n * 5 // 4, seed=TRANSFER_SEED)
    return np.r_[extra.X_train, extra.X_test][:n], np.r_[extra.y_train, extra.y_test][:n]


def _train_student(student, X, y, teacher, steps: int, seed: int):
    """Cross-entropy on y, or L2 on the teacher's logits when y is None; `steps` batches."""
    epochs = max(1, round(steps * BATCH / len(X)))
    if y is None:
        return distill(student, logits(teacher, X), X, mode="l2", epochs=epochs,
                       lr=STUDENT_LR, seed=seed)
    return fit_model(student, (X, y), epochs=epochs, lr=STUDENT_LR, batch_size=BATCH, seed=seed,
               eval_train=False)[1]


def _k(n: int) -> str:
    return f"{n // 1000}k"


def _row(name: str, architecture: str, n_train: int, model, data) -> dict:
    err = float((logits(model, data.X_test).argmax(1) != data.y_test).mean())
    return {"model": name, "Architecture": architecture, "# Train signals": n_train,
            "# Param.": n_params(model), "# Hidden units": _hidden_units(model, data.X_test[:1]),
            "Err. %": round(100 * err, 2)}


def _hidden_units(model, x) -> int:
    """Outputs of every Conv/Linear layer but the last, per example (forward hooks)."""
    layers = [m for m in model.modules() if isinstance(m, nn.Linear | nn.Conv1d | nn.Conv2d)]
    sizes = []
    hooks = [m.register_forward_hook(lambda _m, _i, out: sizes.append(out[0].numel()))
             for m in layers[:-1]]
    with torch.no_grad():
        model(torch.from_numpy(x))
    for hook in hooks:
        hook.remove()
    return sum(sizes)


def _plot(histories: dict, path: Path) -> Path:
    line_plot({name: (h.epoch, h.loss) for name, h in histories.items()}, path,
              xlabel="epoch", ylabel="student training loss (CE or L2)",
              title="Shallow students on MNIST-1D")
    return path

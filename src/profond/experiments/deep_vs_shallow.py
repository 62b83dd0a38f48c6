"""Deck 003, Ba & Caruana (2014) "Do deep nets really need to be deep?": a shallow net trained on
the labels, then the same shallow net trained to mimic a deep CNN's logits (L2 regression on the
logits, as the paper) and distilled from its softened outputs (Hinton et al.'s temperature), on
sklearn digits. Columns as the slide's Table 2.
"""

from pathlib import Path

from profond.experiments.registry import ExperimentResult

# (teacher epochs, student epochs, shallow width) by `quick`
BUDGETS = {True: (30, 40, 256), False: (100, 300, 2048)}
LR = 1e-3
TEMPERATURE = 4.0  # Hinton et al.'s soft targets: softmax(logits / T), loss scaled by T²


def run(*, quick: bool, seed: int, out_dir: Path) -> ExperimentResult:
    """Rows: the teacher CNN, the shallow net on labels, the shallow mimic net (L2 on logits), the
    shallow net distilled with a temperature."""
    from profond.data import load
    from profond.limits.distill import distill
    from profond.models import logits, new_model
    from profond.train.recipe import fit_model

    teacher_epochs, epochs, width = BUDGETS[quick]
    data = load("digits")
    train, test = (data.X_train, data.y_train), (data.X_test, data.y_test)
    teacher = new_model("lenet5", (1, 8, 8), 10, seed=seed)
    fit_model(teacher, train, epochs=teacher_epochs, lr=LR, seed=seed, eval_train=False)
    shallow = new_model("mlp", (1, 8, 8), 10, hidden=(width,), seed=seed)
    fit_model(shallow, train, epochs=epochs, lr=LR, seed=seed, eval_train=False)
    mimic = new_model("mlp", (1, 8, 8), 10, hidden=(width,), seed=seed)
    targets = logits(teacher, data.X_train)
    history = distill(mimic, targets, data.X_train, mode="l2", epochs=epochs, lr=LR, seed=seed)
    soft = new_model("mlp", (1, 8, 8), 10, hidden=(width,), seed=seed)
    soft_history = distill(soft, targets, data.X_train, mode="kd", temperature=TEMPERATURE,
                           epochs=epochs, lr=LR, seed=seed)
    rows = [_row("teacher CNN (LeNet-5, no augmentation)", "6c5-p-16c5-p-120fc-84fc", teacher,
                 test),
            _row("SNN trained on labels", f"{width}fc, no regularization", shallow, test),
            _row("SNN-CNN-MIMIC trained on the teacher's logits (L2)",
                 f"{width}fc, no regularization", mimic, test),
            _row(f"SNN distilled from the teacher's soft targets (T = {TEMPERATURE:g})",
                 f"{width}fc, no regularization", soft, test)]
    figure = _plot({"L2 on logits (MSE)": history,
                    f"KD, T = {TEMPERATURE:g} (T² KL)": soft_history}, out_dir / "mimic_loss.png")
    return ExperimentResult(
        name="deep-vs-shallow", rows=rows,
        title="Ba & Caruana on digits: shallow vs deep (test error)",
        figures=[str(figure)],
        claims={"teacher_err": rows[0]["Err. %"] / 100, "shallow_err": rows[1]["Err. %"] / 100,
                "mimic_err": rows[2]["Err. %"] / 100, "distilled_err": rows[3]["Err. %"] / 100},
        notes=[f"Adam lr {LR:g}, batch 64; teacher {teacher_epochs} epochs, students {epochs}. "
               "The mimic net regresses the teacher's 10 logits with mean squared error "
               "(profond.limits.distill, mode 'l2'), on the training images only; the distilled "
               f"net matches softmax(teacher logits / {TEMPERATURE:g}) (mode 'kd', no label "
               "term).",
               "# Hidden units: hidden activations per example (conv maps count every unit).",
               "Slide (CIFAR-10): SNN-CNN-MIMIC-30k 15.1 % vs teacher CNN 12.0 %, DNN on labels "
               "57.8 %."])


def _row(name: str, architecture: str, model, test) -> dict:
    from profond.models import logits, n_params

    X, y = test
    err = float((logits(model, X).argmax(1) != y).mean())
    return {"model": name, "Architecture": architecture, "# Param.": n_params(model),
            "# Hidden units": _hidden_units(model, X[:1]), "Err. %": round(100 * err, 2)}


def _hidden_units(model, x) -> int:
    """Outputs of every Conv/Linear layer but the last, per example (forward hooks)."""
    import torch
    from torch import nn

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
    from profond.limits.plots import line_plot

    return line_plot(path, {name: (h.epoch, h.loss) for name, h in histories.items()},
                     xlabel="epoch", ylabel="student loss",
                     title="Shallow students learning from the teacher CNN")

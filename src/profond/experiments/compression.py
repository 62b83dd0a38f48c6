"""Decks 001/004, compression: how much of a trained network can go before accuracy drops.

An MLP on sklearn digits is pruned by global weight magnitude (torch.nn.utils.prune), quantised to
int8 (hand-written symmetric fake quantisation, and torch's quantize_dynamic where the platform has
a quantised engine), and distilled into a small student (profond.limits.distill, shared with
deep-vs-shallow). Each row: its size in KB and its test accuracy.
"""

from pathlib import Path

from profond.data import load
from profond.experiments.registry import ExperimentResult
from profond.limits.compress import (
    dynamic_int8,
    fake_quantize_model,
    prune_global,
    quantized_size_bytes,
    size_bytes,
)
from profond.limits.distill import distill
from profond.limits.plots import line_plot
from profond.models import logits, new_model
from profond.train.recipe import fit_model

# (sparsities, teacher epochs, student epochs) by `quick`
BUDGETS = {True: ((0.0, 0.5, 0.9, 0.99), 20, 30),
           False: ((0.0, 0.3, 0.5, 0.7, 0.8, 0.9, 0.95, 0.98, 0.99), 60, 150)}
HIDDEN, STUDENT, TEMPERATURE = (512, 256), (32,), 4.0


def run(*, quick: bool, seed: int, out_dir: Path) -> ExperimentResult:
    """Rows: pruning sparsities, int8 variants, distilled vs label-trained student."""
    sparsities, epochs, student_epochs = BUDGETS[quick]
    data = load("digits")
    test = (data.X_test, data.y_test)
    teacher = new_model("mlp", (1, 8, 8), 10, hidden=HIDDEN, seed=seed)
    fit_model(teacher, (data.X_train, data.y_train), epochs=epochs, lr=1e-3, seed=seed,
        eval_train=False)
    rows = _pruning_rows(teacher, sparsities, test) + _quant_rows(teacher, test)
    rows += _student_rows(teacher, data, student_epochs, seed)
    figure = _plot([r for r in rows if r["method"] == "pruning"], out_dir / "pruning.png")
    by = {(r["method"], r["setting"]): r for r in rows}
    return ExperimentResult(
        name="compression", rows=rows,
        title=f"Compression of an MLP 64-{HIDDEN[0]}-{HIDDEN[1]}-10 on digits",
        figures=[str(figure)],
        claims={"fp32_test": by[("pruning", "sparsity 0%")]["test %"] / 100,
                "int8_fake_test": by[("int8", "fake-quant (hand-written)")]["test %"] / 100,
                "int8_size_ratio": by[("int8", "fake-quant (hand-written)")]["size (KB)"]
                / by[("pruning", "sparsity 0%")]["size (KB)"],
                "distilled_test": by[("distillation", "student, teacher logits (T=4)")]["test %"]
                / 100,
                "dynamic_int8_available": ("int8", "quantize_dynamic (torch)") in by},
        notes=["Pruning: global L1 magnitude over all weight matrices, no fine-tuning after; "
               "size counts the nonzero weights only (a sparse format's values, indices aside).",
               "int8: symmetric per-tensor scale s = max|w| / 127; biases stay float32.",
               f"Distillation: student MLP 64-{STUDENT[0]}-10, softened targets T={TEMPERATURE:g} "
               "(Hinton et al.), against the same student trained on the labels."])


def _pruning_rows(teacher, sparsities, test) -> list[dict]:
    rows = []
    for s in sparsities:
        pruned = prune_global(teacher, s)
        rows.append(_row("pruning", f"sparsity {100 * s:g}%", size_bytes(pruned, nonzero_only=True),
                         _acc(pruned, test)))
    return rows


def _quant_rows(teacher, test) -> list[dict]:
    rows = [_row("int8", "fake-quant (hand-written)", size_bytes(teacher, 8),
                 _acc(fake_quantize_model(teacher), test))]
    dynamic = dynamic_int8(teacher)
    if dynamic is not None:  # its size is read off the quantised tensors, not computed
        rows.append(_row("int8", "quantize_dynamic (torch)", quantized_size_bytes(dynamic),
                         _acc(dynamic, test)))
    return rows


def _student_rows(teacher, data, epochs: int, seed: int) -> list[dict]:
    test = (data.X_test, data.y_test)
    on_labels = new_model("mlp", (1, 8, 8), 10, hidden=STUDENT, seed=seed)
    fit_model(on_labels, (data.X_train, data.y_train), epochs=epochs, lr=1e-3, seed=seed,
        eval_train=False)
    mimic = new_model("mlp", (1, 8, 8), 10, hidden=STUDENT, seed=seed)
    distill(mimic, logits(teacher, data.X_train), data.X_train, mode="kd",
            temperature=TEMPERATURE, epochs=epochs, lr=1e-3, seed=seed)
    return [_row("distillation", "student, labels", size_bytes(on_labels), _acc(on_labels, test)),
            _row("distillation", f"student, teacher logits (T={TEMPERATURE:g})",
                 size_bytes(mimic), _acc(mimic, test))]


def _acc(model, test) -> float:
    X, y = test
    return float((logits(model, X).argmax(1) == y).mean())


def _row(method: str, setting: str, size: int, acc: float) -> dict:
    return {"method": method, "setting": setting, "size (KB)": round(size / 1024, 2),
            "test %": round(100 * acc, 2)}


def _plot(rows: list[dict], path: Path) -> Path:
    xs = [float(r["setting"].split()[1].rstrip("%")) for r in rows]
    line_plot({"pruned MLP": (xs, [r["test %"] for r in rows])}, path,
              xlabel="sparsity (%)", ylabel="test accuracy (%)",
              title="Magnitude pruning: sparsity vs accuracy (no fine-tuning)", hline=10.0)
    return path

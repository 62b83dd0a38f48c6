"""Deck 000, "panda" + .007 × noise = "gibbon": a small perturbation fools a trained CNN.

LeNet-5 is trained on the 8×8 digits (pixels in [0, 1]) with the one Trainer, then attacked on the
test set with FGSM and L∞ PGD for a grid of budgets ε; the curve is accuracy against ε. The
second figure redraws the slide: a digit with its confidence, + ε × the sign of the gradient,
= the adversarial digit with the (wrong) class and its confidence.

The slide's ε = .007 is in the grid, and each row gives the FGSM perturbation's size relative to
the image (L∞ and L2). Goodfellow et al.'s linearity argument: for w·x, the sign step moves the
output by ε‖w‖₁, which grows with the number of inputs n when the weights keep their size per
input. The third figure measures it: a softmax-linear classifier trained on the same digits
resized to 8×8 ... 64×64 (bilinear), attacked at a fixed ε.
"""

from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F

from profond.data import load
from profond.experiments.registry import ExperimentResult
from profond.further.adversarial import (
    BATCH,
    EPOCHS,
    LR,
    MODEL,
    PGD_STEPS,
    adversarial_accuracy,
    fgsm,
    input_gradient,
    train_digits,
)
from profond.limits.plots import line_plot
from profond.models import new_model
from profond.plotting import pyplot, save_png
from profond.train.recipe import fit_model

EPS = (0.0, 0.007, 0.025, 0.05, 0.1, 0.15, 0.2, 0.3)
SLIDE_EPS = 0.007
# the linearity curve: image sides, the fixed budgets, the linear model's epochs
SIDES = {True: (8, 16, 32), False: (8, 16, 32, 64)}
LINEAR_EPS, LINEAR_EPOCHS, LINEAR_LR = (SLIDE_EPS, 0.05), 20, 1e-2
FIGURE_EPS = 0.1


def run(*, quick: bool, seed: int, out_dir: Path) -> ExperimentResult:
    """One row per ε: test accuracy under FGSM and under PGD."""
    data = load("digits")
    model = train_digits(data, EPOCHS[quick], seed)
    rows = []
    for eps in EPS:
        gen = torch.Generator().manual_seed(seed)
        rows.append({"eps": eps,
                     "fgsm %": round(100 * adversarial_accuracy(
                         model, data.X_test, data.y_test, eps, "fgsm"), 2),
                     "pgd %": round(100 * adversarial_accuracy(
                         model, data.X_test, data.y_test, eps, "pgd", steps=PGD_STEPS,
                         generator=gen), 2),
                     **_relative_size(model, data, eps)})
    curve = _plot_curve(rows, out_dir / "adversarial_eps.png")
    panda, example = _plot_panda(model, data, out_dir / "adversarial_panda.png")
    linearity = linearity_curve(data, SIDES[quick], seed)
    linear_figure = _plot_linearity(linearity, out_dir / "adversarial_linearity.png")
    fgsm, pgd = [r["fgsm %"] for r in rows], [r["pgd %"] for r in rows]
    return ExperimentResult(
        name="adversarial-eps", rows=rows,
        title=f"Test accuracy of {MODEL} on digits under L∞ attacks of budget ε (pixels in [0, 1])",
        figures=[str(curve), str(panda), str(linear_figure)],
        claims={"clean_acc": rows[0]["fgsm %"] / 100,
                "fgsm_falls_with_eps": bool(np.all(np.diff(fgsm) <= 0)),
                "pgd_at_most_fgsm": all(p <= f for p, f in zip(pgd, fgsm, strict=True)),
                "figure_example": example, "linearity": linearity},
        notes=[f"{MODEL} trained {EPOCHS[quick]} epochs (Adam, lr {LR:g}, batch {BATCH}) on "
               f"{len(data.y_train)} digits; PGD: {PGD_STEPS} steps of 2.5 ε / {PGD_STEPS}, "
               "random start.",
               "L∞ % and L2 %: the FGSM perturbation's norm over the clean image's, mean over "
               "the test set (clamping to [0, 1] can make it smaller than ε).",
               f"Linearity: a softmax-linear model (Adam lr {LINEAR_LR:g}, {LINEAR_EPOCHS} "
               f"epochs) per image side {list(SIDES[quick])}, FGSM at ε = "
               f"{' and '.join(f'{e:g}' for e in LINEAR_EPS)}; ‖w‖₁ is the mean over classes.",
               f"Figure: the test digit whose FGSM twin at ε = {FIGURE_EPS:g} is misclassified "
               "with the highest confidence (the slide's ε = .007 is for 224×224 photos; an 8×8 "
               "digit needs a larger budget)."])


def _relative_size(model, data, eps: float) -> dict:
    """Mean ‖δ‖∞ / ‖x‖∞ and ‖δ‖₂ / ‖x‖₂ in % for the FGSM perturbation δ of the test images."""
    X = torch.from_numpy(data.X_test)
    delta = (fgsm(model.eval(), X, torch.from_numpy(data.y_test), eps) - X).flatten(1)
    flat = X.flatten(1)
    linf = delta.abs().amax(1) / flat.abs().amax(1)
    l2 = delta.norm(dim=1) / flat.norm(dim=1)
    return {"L∞ %": round(100 * float(linf.mean()), 2), "L2 %": round(100 * float(l2.mean()), 2)}


def linearity_curve(data, sides, seed: int) -> list[dict]:
    """One row per image side: inputs n = side², clean and FGSM accuracy at LINEAR_EPS of a
    softmax-linear model trained on the resized digits, and its mean ‖w_c‖₁."""
    rows = []
    for side in sides:
        X_train, X_test = (_resize(X, side) for X in (data.X_train, data.X_test))
        model = new_model("logistic", (1, side, side), len(data.classes), seed=seed)
        fit_model(model, (X_train, data.y_train), epochs=LINEAR_EPOCHS, lr=LINEAR_LR, seed=seed,
            eval_train=False)
        weight = next(p for p in model.parameters() if p.dim() == 2).detach()
        row = {"side": side, "inputs": side * side,
               "‖w‖₁": round(float(weight.abs().sum(1).mean()), 1)}
        for eps in (0.0, *LINEAR_EPS):
            acc = adversarial_accuracy(model, X_test, data.y_test, eps, "fgsm")
            row[f"fgsm % at ε={eps:g}"] = round(100 * acc, 2)
        rows.append(row)
    return rows


def _resize(X: np.ndarray, side: int) -> np.ndarray:
    """Bilinear resize of (N, C, H, W) images to side × side: the same digits, more inputs."""
    out = F.interpolate(torch.from_numpy(X), size=(side, side), mode="bilinear",
                        align_corners=False)
    return out.clamp(0, 1).numpy()


def _plot_linearity(rows: list[dict], path: Path) -> Path:
    inputs = [r["inputs"] for r in rows]
    curves = {f"FGSM, ε = {e:g}": (inputs, [r[f"fgsm % at ε={e:g}"] for r in rows])
              for e in (0.0, *LINEAR_EPS)}
    line_plot(curves, path, xlabel="inputs n (image side²)", ylabel="test accuracy %",
              title="Linear model: a fixed ε hurts more in more dimensions", logx=True)
    return path


def _plot_curve(rows: list[dict], path: Path) -> Path:
    plt = pyplot()

    fig, ax = plt.subplots(figsize=(5.5, 3.8))
    eps = [r["eps"] for r in rows]
    ax.plot(eps, [r["fgsm %"] for r in rows], "o-", label="FGSM")
    ax.plot(eps, [r["pgd %"] for r in rows], "s--", label=f"PGD ({PGD_STEPS} steps)")
    ax.set(xlabel="ε (L∞ budget, pixels in [0, 1])", ylabel="test accuracy %",
           title=f"{MODEL} on digits: accuracy under attack")
    ax.grid(alpha=0.3)
    ax.legend()
    return _save(fig, path)


def _plot_panda(model, data, path: Path):
    """Original | + ε × sign(∇) | = adversarial, as on the slide; returns (path, the facts)."""
    plt = pyplot()


    X, y = torch.from_numpy(data.X_test), torch.from_numpy(data.y_test)
    X_adv = fgsm(model, X, y, FIGURE_EPS)
    with torch.no_grad():
        p, p_adv = model(X).softmax(1), model(X_adv).softmax(1)
    fooled = (p.argmax(1) == y) & (p_adv.argmax(1) != y)
    if not fooled.any():
        fooled = p.argmax(1) == y
    i = int(torch.where(fooled, p_adv.max(1).values, -1.0).argmax())
    sign = input_gradient(model, X[i:i + 1], y[i:i + 1]).sign()[0, 0]
    before, after = int(p[i].argmax()), int(p_adv[i].argmax())
    fig, axes = plt.subplots(1, 5, figsize=(8.0, 3.4), width_ratios=[4, 1.2, 4, 0.8, 4])
    panels = [(X[i, 0], f'"{before}"\n{100 * p[i, before]:.1f}% confidence', "gray"),
              (sign, "sign(∇x L)", "coolwarm"),
              (X_adv[i, 0], f'"{after}"\n{100 * p_adv[i, after]:.1f}% confidence', "gray")]
    for ax, (img, caption, cmap) in zip(axes[::2], panels, strict=True):
        ax.imshow(np.asarray(img), cmap=cmap, vmin=-1 if cmap == "coolwarm" else 0, vmax=1)
        ax.set_xlabel(caption)
        ax.set_xticks([])
        ax.set_yticks([])
    for ax, text in zip(axes[1::2], (f"+ {FIGURE_EPS:g} ×", "="), strict=True):
        ax.axis("off")
        ax.text(0.5, 0.5, text, ha="center", va="center", fontsize=14)
    fig.suptitle(f"FGSM on {MODEL} (ε = {FIGURE_EPS:g})")
    facts = {"index": i, "label": int(y[i]), "before": before,
             "confidence_before": round(float(p[i, before]), 4), "after": after,
             "confidence_after": round(float(p_adv[i, after]), 4)}
    return _save(fig, path), facts


def _save(fig, path: Path) -> Path:
    fig.tight_layout()
    return save_png(fig, path)

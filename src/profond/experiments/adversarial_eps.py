"""Deck 000, "panda" + .007 × noise = "gibbon": a small perturbation fools a trained CNN.

LeNet-5 is trained on the 8×8 digits (pixels in [0, 1]) with the one Trainer, then attacked on the
test set with FGSM and L∞ PGD for a grid of budgets ε; the curve is accuracy against ε. The
second figure redraws the slide: a digit with its confidence, + ε × the sign of the gradient,
= the adversarial digit with the (wrong) class and its confidence.
"""

from pathlib import Path

import numpy as np

from profond.experiments.registry import ExperimentResult
from profond.further.adversarial import BATCH, EPOCHS, LR, MODEL, PGD_STEPS, train_digits

EPS = (0.0, 0.025, 0.05, 0.1, 0.15, 0.2, 0.3)
FIGURE_EPS = 0.1


def run(*, quick: bool, seed: int, out_dir: Path) -> ExperimentResult:
    """One row per ε: test accuracy under FGSM and under PGD."""
    import torch

    from profond.data import load
    from profond.further.adversarial import adversarial_accuracy

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
                         generator=gen), 2)})
    curve = _plot_curve(rows, out_dir / "adversarial_eps.png")
    panda, example = _plot_panda(model, data, out_dir / "adversarial_panda.png")
    fgsm, pgd = [r["fgsm %"] for r in rows], [r["pgd %"] for r in rows]
    return ExperimentResult(
        name="adversarial-eps", rows=rows,
        title=f"Test accuracy of {MODEL} on digits under L∞ attacks of budget ε (pixels in [0, 1])",
        figures=[str(curve), str(panda)],
        claims={"clean_acc": rows[0]["fgsm %"] / 100,
                "fgsm_falls_with_eps": bool(np.all(np.diff(fgsm) <= 0)),
                "pgd_at_most_fgsm": all(p <= f for p, f in zip(pgd, fgsm, strict=True)),
                "figure_example": example},
        notes=[f"{MODEL} trained {EPOCHS[quick]} epochs (Adam, lr {LR:g}, batch {BATCH}) on "
               f"{len(data.y_train)} digits; PGD: {PGD_STEPS} steps of 2.5 ε / {PGD_STEPS}, "
               "random start.",
               f"Figure: the test digit whose FGSM twin at ε = {FIGURE_EPS:g} is misclassified "
               "with the highest confidence (the slide's ε = .007 is for 224×224 photos; an 8×8 "
               "digit needs a larger budget)."])


def _plot_curve(rows: list[dict], path: Path) -> Path:
    from profond.plotting import pyplot

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
    from profond.plotting import pyplot

    plt = pyplot()
    import torch

    from profond.further.adversarial import fgsm, input_gradient

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
    from profond.plotting import save_png

    fig.tight_layout()
    return save_png(fig, path)

"""Deck 002, GANs: min_G max_D E[log D(x)] + E[log(1 - D(G(z)))] on the digits, with the slide's
minimax generator loss and the non-saturating one; per epoch a diversity score (mean pairwise
distance of samples / of real digits), the class histogram of samples under a digits classifier
(a mode-collapse detector), and a grid of G(z) for a fixed noise batch.
"""

from pathlib import Path

import torch

from profond.experiments.registry import ExperimentResult
from profond.generative.fit import experiment_data, fit_gan, train_classifier
from profond.generative.monitor import DiversityMonitor
from profond.generative.pictures import interpolate, plot_curves, plot_grid, plot_rows

LOSSES = ("minimax", "non-saturating")
EPOCHS = {True: 6, False: 150}
CLASSIFIER_EPOCHS = {True: 8, False: 40}
LR, BATCH, LATENT = 1e-3, 64, 16
TABLE_POINTS = 6  # epochs per loss shown in the table (all of them are in result.json)


def run(*, quick: bool, seed: int, out_dir: Path) -> ExperimentResult:
    """One row per loss and sampled epoch: D and G losses, diversity, class coverage, collapse."""
    rows, figures, claims = [], [], {}
    for data, epochs in experiment_data(["digits"], quick, EPOCHS[quick]):
        name = data.name
        records, learners, figs, judge_acc = _train_both(data, epochs, quick, seed, out_dir)
        figures += figs + [str(p) for p in _figures(data, records, learners, seed, out_dir)]
        every = max(1, epochs // TABLE_POINTS)
        rows += [_row(name, r) for r in records if r["epoch"] % every == 0
                 or r["epoch"] == epochs]
        claims[f"{name}_classifier_test_acc"] = judge_acc
        for loss in LOSSES:
            mine = [r for r in records if r["loss"] == loss]
            claims[f"{name}_{loss}_final_diversity"] = mine[-1]["diversity"]
            claims[f"{name}_{loss}_collapse_at_end"] = mine[-1]["collapse"]
            claims[f"{name}_{loss}_diversity_change"] = (mine[-1]["diversity"]
                                                         - mine[0]["diversity"])
        claims[f"{name}_per_epoch"] = records
    return ExperimentResult(
        name="gan-digits", rows=rows, figures=figures, claims=claims,
        title="GAN on digits: minimax vs non-saturating generator loss, per epoch",
        notes=[f"MLP generator ({LATENT}-128-256-D, sigmoid) and discriminator (D-256-128-1, "
               f"LeakyReLU 0.2); Adam lr {LR:g}, betas (0.5, 0.999), batch {BATCH}; one D step "
               "then one G step per batch.",
               "diversity = mean pairwise distance of 500 samples / of 500 real test examples; "
               "classes: the argmax of an MLP classifier trained on the real digits; a run is "
               "flagged 'collapse' when diversity < 0.5 or the class entropy < 0.5 of log 10.",
               "Epoch 0 is the untrained generator: near-constant grey images, diversity ~0."])


def _train_both(data, epochs: int, quick: bool, seed: int, out_dir: Path):
    """Both generator losses from the same seed; their per-epoch records, learners, grids."""
    classify, judge_acc = train_classifier(data, epochs=CLASSIFIER_EPOCHS[quick], seed=seed)
    records, learners, figures = [], {}, []

    def draw(images, path, title):
        plot_grid(images, data.shape, path, f"{data.name}, {loss} loss: {title}")

    for loss in LOSSES:
        monitor = DiversityMonitor(data.X_test, classify, 10, out_dir, draw, seed=seed,
                                   prefix=f"gan_{data.name}_{loss}")  # a grid every epoch
        learners[loss], _ = fit_gan(data.X_train, loss=loss, epochs=epochs, batch_size=BATCH,
                                    lr=LR, latent_dim=LATENT, seed=seed, callbacks=[monitor])
        records += [{"loss": loss, **r} for r in monitor.records]
        figures += monitor.figures
    return records, learners, figures, judge_acc


def _row(name: str, record: dict) -> dict:
    return {"dataset": name, "G objective": record["loss"], "epoch": record["epoch"],
            "D loss": round(record.get("d_loss", float("nan")), 4),
            "G loss": round(record.get("g_loss", float("nan")), 4),
            "diversity": round(record["diversity"], 3),
            "class entropy": round(record["class_entropy"], 3),
            "classes": record["classes_covered"], "collapse": record["collapse"]}


def _figures(data, records: list[dict], learners: dict, seed: int, out_dir: Path) -> list:
    """Diversity and class entropy per epoch; a linear path between two latent points per loss."""
    ends = torch.randn(2, LATENT, generator=torch.Generator().manual_seed(seed + 1)).numpy()
    z = torch.from_numpy(interpolate(ends[0], ends[1], 10))
    rows = []
    for loss, learner in learners.items():
        with torch.no_grad():
            rows.append((loss, learner.generator(z.to(learner.device)).cpu().numpy()))
    diversity, path = (out_dir / f"gan_{data.name}_{n}.png" for n in ("diversity", "interpolation"))
    plot_curves(records, ["diversity", "class_entropy", "d_loss"], diversity,
                f"{data.name}: sample diversity and class entropy per epoch", group="loss")
    plot_rows(rows, data.shape, path, f"{data.name}: G((1 - t) z1 + t z2), t from 0 to 1")
    return [diversity, path]

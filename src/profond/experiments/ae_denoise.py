"""Decks 004 and 001, autoencoders: a denoising AE rebuilds clean test examples from noisy ones
with a smaller error than the noisy input itself has; a plain AE, a sparse AE and a stacked AE
(greedy layer-wise pretraining, then end-to-end fine-tuning) are measured beside it.

Each AE has the same layers; the errors are per-feature squared errors against the clean test
examples, the noisy inputs drawn once from the seed (Gaussian noise, Vincent et al. 2008).
"""

from pathlib import Path

import numpy as np

from profond.experiments.registry import ExperimentResult
from profond.generative.fit import experiment_data, fit_reconstruction, greedy_pretrain
from profond.generative.pictures import plot_rows
from profond.models.autoencoders import AELoss, Autoencoder, gaussian_noise
from profond.train.torch_learner import seed_everything

# noise std by dataset: pixels lie in [0, 1], MNIST-1D is standardised (unit variance)
NOISE = {"digits": 0.3, "mnist": 0.3, "mnist1d": 0.7}
HIDDEN = {"digits": (64, 16), "mnist1d": (64, 16), "mnist": (256, 32)}
EPOCHS = {True: 8, False: 80}
# Ng's sparse AE: one wide sigmoid layer whose units fire 5 % of the time on average
SPARSE = {"sparsity": "kl", "rho": 0.05, "beta": 0.01}
LR = 3e-3
ARMS = ("plain", "denoising", "sparse", "stacked")


def run(*, quick: bool, seed: int, out_dir: Path) -> ExperimentResult:
    """One row per dataset and autoencoder: clean and noisy test errors, the noisy input's error."""
    rows, figures, claims, notes = [], [], {}, []
    for data, epochs in experiment_data(["digits", "mnist1d"], quick, EPOCHS[quick]):
        name = data.name
        noisy = _noisy(data.X_test, NOISE[name], seed)
        noisy_error = _mse(noisy, data.X_test)
        learners, stages = {}, []
        for arm in ARMS:
            learners[arm], arm_stages = _train(arm, data, epochs, seed)
            stages += arm_stages
        for arm, learner in learners.items():
            rows.append(_row(name, arm, learner, data.X_test, noisy, noisy_error))
        figures.append(str(_figure(data, noisy, learners, out_dir / f"ae_denoise_{name}.png")))
        by_arm = {r["model"]: r for r in rows if r["dataset"] == name}
        claims[f"{name}_denoising_below_noisy_input"] = by_arm["denoising"]["noisy in -> MSE"] \
            < noisy_error
        claims[f"{name}_denoising_beats_plain_on_noisy"] = by_arm["denoising"][
            "noisy in -> MSE"] < by_arm["plain"]["noisy in -> MSE"]
        notes.append(f"{name}: noise std {NOISE[name]}, {epochs} epochs, layers "
                     f"{data.X_train.shape[1]}-{'-'.join(map(str, HIDDEN[name]))} (sparse: one "
                     f"layer of {HIDDEN[name][0]} sigmoid units, KL to rho {SPARSE['rho']}); "
                     "greedy stages "
                     + ", ".join(f"{s['stage']}: {s['recon']:.4f}" for s in stages))
    if all(row["dataset"] != "mnist" for row in rows):
        notes.append("MNIST skipped: --quick, or not cached yet (`profond data show mnist` "
                     "downloads it once).")
    return ExperimentResult(
        name="ae-denoise", rows=rows, figures=figures, claims=claims, notes=notes,
        title="Autoencoders: test reconstruction error (per-feature MSE vs the clean examples)")


def _noisy(X: np.ndarray, std: float, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    return (X + std * rng.standard_normal(X.shape)).astype(np.float32)


def _mse(X_hat: np.ndarray, X: np.ndarray) -> float:
    return float(np.mean((X_hat - X) ** 2))


def _train(arm: str, data, epochs: int, seed: int):
    """(learner, greedy stage records) of one arm; every arm starts from the same seed."""
    seed_everything(seed)
    sparse = arm == "sparse"
    hidden = HIDDEN[data.name][:1] if sparse else HIDDEN[data.name]
    model = Autoencoder(data.X_train.shape[1], hidden, activation="sigmoid" if sparse else "relu",
                        out_activation=data.out_activation)
    stages = []
    if arm == "stacked":
        stages = greedy_pretrain(model, data.X_train, epochs=max(1, epochs // 2), lr=LR,
                                 seed=seed)
    loss = AELoss("mse", **SPARSE) if sparse else AELoss("mse")
    noise = gaussian_noise(NOISE[data.name]) if arm == "denoising" else None
    learner, _ = fit_reconstruction(model, loss, data.X_train, epochs=epochs, lr=LR,
                                    seed=seed, noise=noise)
    return learner, stages


def _row(name: str, arm: str, learner, X: np.ndarray, noisy: np.ndarray,
         noisy_error: float) -> dict:
    codes = learner.encode(X)
    return {"dataset": name, "model": arm,
            "clean in -> MSE": round(_mse(learner.predict(X), X), 5),
            "noisy in -> MSE": round(_mse(learner.predict(noisy), X), 5),
            "noisy input MSE": round(noisy_error, 5),
            "mean code": round(float(codes.mean()), 4)}


def _figure(data, noisy: np.ndarray, learners: dict, path: Path) -> Path:
    pick = np.arange(8)
    rows = [("input", data.X_test[pick]), ("noisy", noisy[pick])]
    rows += [(f"{arm} AE", learners[arm].predict(noisy[pick]))
             for arm in ("plain", "denoising")]
    plot_rows(rows, data.shape, path,
              f"{data.name}: noisy test examples rebuilt by a plain and a denoising AE")
    return path

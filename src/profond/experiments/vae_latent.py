"""Deck 004, variational autoencoders: the ELBO split into reconstruction and KL per epoch, a 2-D
latent space where classes separate (k-NN on the codes beats chance, as PCA's two components do
less or more), reconstructions, a latent interpolation between two test digits, and the decoded
latent grid (Kingma & Welling 2014, figure 4).
"""

from pathlib import Path

import numpy as np
from sklearn.decomposition import PCA
from sklearn.neighbors import KNeighborsClassifier

from profond.experiments.registry import ExperimentResult
from profond.generative import pictures as pics
from profond.generative.fit import experiment_data, fit_reconstruction
from profond.models.autoencoders import VAE, ELBOLoss
from profond.train.torch_learner import seed_everything

EPOCHS = {True: 10, False: 150}
HIDDEN = {"digits": (256, 128), "mnist1d": (256, 128), "mnist": (512, 256)}
LR, BATCH, NEIGHBOURS = 2e-3, 32, 5


def run(*, quick: bool, seed: int, out_dir: Path) -> ExperimentResult:
    """One row per dataset: the final ELBO terms and the latent's k-NN test accuracy."""
    rows, figures, claims = [], [], {}
    for data, epochs in experiment_data(["digits", "mnist1d"], quick, EPOCHS[quick]):
        name = data.name
        learner, records = _train(data, epochs, seed)
        Z_train, Z_test = learner.encode(data.X_train), learner.encode(data.X_test)
        knn, pca_knn = _knn(Z_train, data.y_train, Z_test, data.y_test), _pca_knn(data)
        chance = float(np.bincount(data.y_test).max() / len(data.y_test))
        last = records[-1]
        rows.append({"dataset": name, "epochs": epochs, "-ELBO test": round(last["val_loss"], 3),
                     "recon test": round(last["val_recon"], 3), "KL test": round(last["val_kl"], 3),
                     "latent k-NN %": round(100 * knn, 2), "PCA-2 k-NN %": round(100 * pca_knn, 2),
                     "chance %": round(100 * chance, 2),
                     "BCE floor": round(_floor(data), 3) if data.bounded else None})
        claims[f"{name}_latent_knn_acc"] = knn
        claims[f"{name}_latent_beats_chance"] = knn > chance
        claims[f"{name}_elbo_per_epoch"] = [
            {k: r[k] for k in ("epoch", "loss", "recon", "kl", "val_loss", "val_recon", "val_kl")}
            for r in records]
        figures += _figures(learner, data, records, Z_test, out_dir)
    return ExperimentResult(
        name="vae-latent", rows=rows, figures=[str(f) for f in figures], claims=claims,
        title="VAE with a 2-D latent: -ELBO = reconstruction + KL (nats per example)",
        notes=[f"Encoder/decoder MLPs {HIDDEN}, Adam lr {LR:g}, batch {BATCH}; BCE reconstruction "
               "on pixels in [0, 1]; each ELBO term from one reparameterised sample per example.",
               "MNIST-1D is standardised, not in [0, 1]: its decoder is linear and its "
               "reconstruction term the sum of squared errors, a Gaussian -log p(x|z) with "
               "variance 1/2 up to a constant, so its -ELBO is not in nats and has no BCE floor.",
               "BCE floor: sum_d H(x_d) over the test pixels, the reconstruction term of a "
               "perfect decoder on grey (non-binary) pixels; the gap above it is what the "
               "latent has to explain.",
               f"k-NN: {NEIGHBOURS} neighbours among the training codes (posterior means mu), "
               "scored on the test codes; PCA-2: the same on two principal components."])


def _train(data, epochs: int, seed: int):
    seed_everything(seed)
    model = VAE(data.X_train.shape[1], HIDDEN[data.name], latent_dim=2,
                out_activation=data.out_activation)
    loss = ELBOLoss("bce" if data.bounded else "mse")
    return fit_reconstruction(model, loss, data.X_train, epochs=epochs,
                              batch_size=BATCH, lr=LR, seed=seed, X_val=data.X_test)


def _floor(data) -> float:
    x = np.clip(data.X_test.astype(np.float64), 1e-12, 1 - 1e-12)
    return float(-(x * np.log(x) + (1 - x) * np.log(1 - x)).sum(1).mean())


def _knn(Z_train, y_train, Z_test, y_test) -> float:
    return float(KNeighborsClassifier(NEIGHBOURS).fit(Z_train, y_train).score(Z_test, y_test))


def _pca_knn(data) -> float:
    pca = PCA(2).fit(data.X_train)
    return _knn(pca.transform(data.X_train), data.y_train, pca.transform(data.X_test),
                data.y_test)


def _figures(learner, data, records: list[dict], Z_test: np.ndarray, out_dir: Path) -> list:
    name = data.name
    # the two of the first 20 test examples whose codes lie farthest apart: the longest path
    near = Z_test[:20]
    a, b = np.unravel_index(((near[:, None] - near[None]) ** 2).sum(-1).argmax(), (20, 20))
    path = learner.decode(pics.interpolate(Z_test[a], Z_test[b], 10))
    side = np.linspace(-2.5, 2.5, 12, dtype=np.float32)
    grid = np.stack(np.meshgrid(side, side[::-1]), -1).reshape(-1, 2)
    figures = [out_dir / f"vae_{kind}_{name}.png" for kind in ("elbo", "latent", "rows",
                                                                   "manifold")]
    pics.plot_curves(records, ["recon", "kl", "val_loss"], figures[0],
                     f"{name}: ELBO terms per epoch (train; val_loss = test -ELBO)")
    pics.plot_latent(Z_test, data.y_test, figures[1],
                     f"{name}: test codes mu(x), coloured by class")
    pics.plot_rows([("input", data.X_test[:10]),
                    ("reconstructed", learner.predict(data.X_test[:10])),
                    ("interpolation", path)], data.shape, figures[2],
                   f"{name}: reconstructions; decoded path from a test {data.y_test[a]} to a "
                   f"{data.y_test[b]}")
    pics.plot_grid(learner.decode(grid), data.shape, figures[3],
                   f"{name}: decoder outputs on a grid of z in [-2.5, 2.5]^2", cols=12)
    return figures

"""Training recipes on the one Trainer: autoencoders (plain, denoising, sparse), greedy layer-wise
pretraining of a stacked autoencoder, VAEs and GANs; and the flat datasets they read.
"""

from dataclasses import dataclass

import numpy as np

from profond.checks import check_int


@dataclass
class FlatData:
    """A dataset as flat rows: X (N, D) float32, labels, the example `shape` for pictures, and
    whether values lie in [0, 1] (sigmoid output, BCE allowed) or are standardised (identity)."""

    name: str
    X_train: np.ndarray
    y_train: np.ndarray
    X_test: np.ndarray
    y_test: np.ndarray
    shape: tuple[int, ...]
    bounded: bool

    @property
    def out_activation(self) -> str:
        return "sigmoid" if self.bounded else "identity"


def mnist_cached() -> bool:
    """True when MNIST was downloaded before (parsed arrays or the four IDX files are cached)."""
    from profond.data.download import IDX_FILES
    from profond.paths import cache_dir

    root = cache_dir()
    return (root / "mnist-uint8.npz").exists() or all(
        (root / "mnist" / name).exists() for name in IDX_FILES)


def flat_data(name: str, max_train: int | None = None) -> FlatData:
    """digits and MNIST (pixels in [0, 1]) or MNIST-1D (already standardised), flattened;
    `max_train` keeps the first examples (MNIST on a CPU)."""
    from profond.data import load

    data = load(name)
    shape = tuple(data.X_train.shape[1:])
    keep = slice(None, max_train)
    flat = [X.reshape(len(X), -1) for X in (data.X_train[keep], data.X_test)]
    return FlatData(name, flat[0], data.y_train[keep], flat[1], data.y_test, shape,
                    bounded=name != "mnist1d")


def experiment_data(names, quick: bool, epochs: int):
    """(FlatData, epochs) for each of `names`, then MNIST on full runs when it is cached: its
    first 20,000 training digits for a fifth of the epochs (each epoch is 14x digits' steps)."""
    extra = ["mnist"] if mnist_cached() and not quick else []
    for name in [*names, *extra]:
        if name == "mnist":
            yield flat_data(name, max_train=20_000), max(1, epochs // 5)
        else:
            yield flat_data(name), epochs


def fit_reconstruction(model, loss, X: np.ndarray, *, epochs: int, batch_size: int = 64,
                       lr: float = 1e-3, seed: int = 0, noise=None, X_val=None, params=None):
    """Adam on `loss(model, x_in, x)` for `epochs`; returns (learner, per-epoch records).

    `params` restricts the optimizer (a frozen part of the model stays out); records carry every
    loss term of the training split and, with X_val, of the validation split ("val_<term>").
    """
    import torch

    from profond.generative.learners import ReconstructionLearner
    from profond.train.trainer import Trainer

    optimizer = torch.optim.Adam(params if params is not None else model.parameters(), lr=lr)
    learner = ReconstructionLearner(model, loss, optimizer, noise=noise)
    val = None if X_val is None else (X_val, np.zeros(len(X_val)))
    history = Trainer(epochs, batch_size, seed=seed).fit(learner, (X, np.zeros(len(X))), val)
    return learner, history.rows()


def pretrain_layer(model, k: int, codes: np.ndarray, *, epochs: int, batch_size: int = 64,
                   lr: float = 1e-3, seed: int = 0, reconstruction: str = "mse", noise=None):
    """Greedy stage k: layers 0..k-1 frozen, layer k trained as a shallow AE on their `codes`.

    Returns (the codes of layer k for the next stage, the stage's records). Layer 0 rebuilds the
    input with `reconstruction`; deeper layers rebuild codes with the squared error.
    """
    from profond.models.autoencoders import AELoss

    check_int("k", k, minimum=0, maximum=model.depth - 1)
    for layer in (*model.encoders[:k], *model.decoders[:k]):
        layer.requires_grad_(False)
    stage = model.stage(k)
    stage.requires_grad_(True)
    learner, records = fit_reconstruction(
        stage, AELoss(reconstruction if k == 0 else "mse"), codes, epochs=epochs,
        batch_size=batch_size, lr=lr, seed=seed + k, noise=noise, params=stage.parameters())
    return learner.encode(codes), records


def greedy_pretrain(model, X: np.ndarray, *, epochs: int, batch_size: int = 64,
                    lr: float = 1e-3, seed: int = 0, reconstruction: str = "mse") -> list[dict]:
    """Train layer 1 as a shallow AE, freeze it, train layer 2 on its codes, ... (Hinton &
    Salakhutdinov 2006; Bengio et al. 2007), then unfreeze all for end-to-end fine-tuning.

    Returns one record per stage: its final training reconstruction error.
    """
    stages, codes = [], X
    for k in range(model.depth):
        codes, records = pretrain_layer(model, k, codes, epochs=epochs, batch_size=batch_size,
                                        lr=lr, seed=seed, reconstruction=reconstruction)
        stages.append({"stage": k + 1, "recon": records[-1]["recon"]})
    model.requires_grad_(True)
    return stages


def train_classifier(data: FlatData, *, epochs: int, seed: int = 0):
    """An MLP (profond.models "mlp") on the flat training split: the judge of generated classes.

    Returns (predict: raw (N, D) -> probabilities (N, C), test accuracy).
    """
    from profond.models import new_model
    from profond.train.recipe import fit_model

    n_classes = int(data.y_train.max()) + 1
    model = new_model("mlp", (data.X_train.shape[1],), n_classes, seed=seed, hidden=(128,))
    learner, _ = fit_model(model, (data.X_train, data.y_train), epochs=epochs, seed=seed,
                           eval_train=False)
    acc = learner.evaluate(learner.prepare(data.X_test, data.y_test))["acc"]
    return learner.predict, acc


def fit_gan(X: np.ndarray, *, loss: str, epochs: int, batch_size: int = 64, lr: float = 2e-4,
            latent_dim: int = 16, seed: int = 0, callbacks=()):
    """A GAN (MLP generator and discriminator, Adam with beta1 = 0.5 as in DCGAN) on rows X.

    Returns (the GANLearner, per-epoch Trainer logs).
    """
    import torch

    from profond.generative.learners import GANLearner
    from profond.models.gan import Discriminator, Generator
    from profond.train.torch_learner import seed_everything
    from profond.train.trainer import Trainer

    seed_everything(seed)
    generator = Generator(latent_dim, X.shape[1])
    discriminator = Discriminator(X.shape[1])
    betas = (0.5, 0.999)
    learner = GANLearner(generator, discriminator,
                         torch.optim.Adam(generator.parameters(), lr=lr, betas=betas),
                         torch.optim.Adam(discriminator.parameters(), lr=lr, betas=betas),
                         loss=loss)
    history = Trainer(epochs, batch_size, seed=seed, callbacks=callbacks).fit(
        learner, (X, np.zeros(len(X))))
    return learner, history.rows()

"""One place where the limits experiments train a torch model: the one Trainer + TorchLearner."""

import numpy as np


def fit(model, train: tuple[np.ndarray, np.ndarray], val=None, *, epochs: int, lr: float = 1e-3,
        batch_size: int = 64, weight_decay: float = 0.0, augment=None, seed: int = 0,
        task: str = "classification", loss_fn=None, eval_train: bool = True, callbacks=()):
    """Adam(lr, weight_decay) for `epochs` on `train` = (X, y); returns (learner, history).

    Mirrors a torch.optim.Adam loop; `augment` is a profond.data.augment transform per batch.
    """
    import torch

    from profond.train.torch_learner import TorchLearner, seed_everything
    from profond.train.trainer import Trainer

    seed_everything(seed)
    optimizer = torch.optim.Adam(model.parameters(), lr=lr, weight_decay=weight_decay)
    learner = TorchLearner(model, loss_fn, optimizer, device="cpu", task=task, augment=augment)
    trainer = Trainer(epochs, batch_size, seed=seed, eval_train=eval_train, callbacks=callbacks)
    history = trainer.fit(learner, train, val)
    return learner, history


def new_model(name: str, input_shape, num_classes: int, *, seed: int, **options):
    """`profond.models.create_model` right after seeding every generator with `seed`: a model's
    initial weights depend on the seed alone, so an experiment reproduces from its --seed and its
    arms (noise levels, widths, true vs random labels) start from the same weights."""
    from profond.models import create_model
    from profond.train.torch_learner import seed_everything

    seed_everything(seed)
    return create_model(name, input_shape, num_classes, **options)


def accuracy(learner, X: np.ndarray, y: np.ndarray) -> float:
    """Fraction of argmax predictions equal to y."""
    return float((learner.predict(X).argmax(1) == y).mean())


def logits(model, X: np.ndarray) -> np.ndarray:
    """The model's raw outputs (N, C) in eval mode, without gradients."""
    import torch

    model.eval()
    with torch.inference_mode():
        out = model(torch.from_numpy(np.ascontiguousarray(X, dtype=np.float32)))
    model.train()
    return out.numpy()


def n_params(model) -> int:
    """Number of trainable scalars, as in the slides' "# Param." column."""
    return sum(p.numel() for p in model.parameters() if p.requires_grad)

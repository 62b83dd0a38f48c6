"""Torch models by kebab-case name. Importing this package does not import torch; building one does.

`create_model(name, input_shape, num_classes, **options)` sizes the model from a dataset's example
shape and class count; `MODELS[name]` is its builder, `profond.names.MODELS[name]` its description.
"""

from collections.abc import Callable
from math import prod


def _logistic(input_shape, num_classes):
    from profond.models.dense import LogisticRegression

    return LogisticRegression(prod(input_shape), num_classes)


def _mlp(input_shape, num_classes, hidden=(100, 100), activation="relu", dropout=0.0,
         residual=False):
    from profond.models.dense import MLP

    return MLP(prod(input_shape), tuple(hidden), num_classes, activation, dropout, residual)


def _mnist1d_cnn(input_shape, num_classes, channels=25):
    from profond.models.conv import MNIST1DCNN

    return MNIST1DCNN(num_classes, channels, length=input_shape[-1])


def _gru(input_shape, num_classes, hidden_size=6, bidirectional=True):
    from profond.models.recurrent import GRUClassifier

    input_size = input_shape[1] if len(input_shape) == 2 else 1
    return GRUClassifier(num_classes, input_shape[0], input_size, hidden_size, bidirectional)


def _recurrent(cls_name):
    def build(input_shape, num_classes, hidden_size=6, bidirectional=True):
        from profond.models import sequence

        input_size = input_shape[1] if len(input_shape) == 2 else 1
        return getattr(sequence, cls_name)(num_classes, input_shape[0], input_size, hidden_size,
                                           bidirectional)

    return build


def _transformer(input_shape, num_classes, **options):
    from profond.models.sequence import TransformerClassifier

    input_size = input_shape[1] if len(input_shape) == 2 else 1
    return TransformerClassifier(num_classes, input_shape[0], input_size, **options)


def _image_shape(name: str, input_shape) -> tuple[int, int, int]:
    if len(input_shape) != 3 or input_shape[1] != input_shape[2]:
        raise ValueError(f"{name}: expected square images (C, H, W); got input shape "
                         f"{tuple(input_shape)}")
    return tuple(input_shape)


def _lenet5(input_shape, num_classes):
    from profond.models.conv import LeNet5

    channels, side, _ = _image_shape("lenet5", input_shape)
    return LeNet5(num_classes, channels, side)


def _alexnet_small(input_shape, num_classes, dropout=0.5, width=64):
    from profond.models.conv import AlexNetSmall

    channels, side, _ = _image_shape("alexnet-small", input_shape)
    return AlexNetSmall(num_classes, channels, side, dropout, width)


# the builders of profond.names.MODELS
MODELS: dict[str, Callable] = {
    "logistic": _logistic,
    "mlp": _mlp,
    "mnist1d-cnn": _mnist1d_cnn,
    "gru": _gru,
    "rnn": _recurrent("RNNClassifier"),
    "lstm": _recurrent("LSTMClassifier"),
    "transformer": _transformer,
    "lenet5": _lenet5,
    "alexnet-small": _alexnet_small,
}


def create_model(name: str, input_shape, num_classes: int, **options):
    """The torch model `name`, sized for examples of `input_shape` and `num_classes` outputs."""
    if name not in MODELS:
        raise ValueError(f"model: expected one of {', '.join(MODELS)}; got {name!r}")
    options = {key: value for key, value in options.items() if value is not None}
    return MODELS[name](tuple(input_shape), num_classes, **options)


def new_model(name: str, input_shape, num_classes: int, *, seed: int, **options):
    """`create_model` right after seeding every generator with `seed`: a model's initial weights
    depend on the seed alone, so an experiment reproduces from its --seed and its arms (noise
    levels, widths, true vs random labels) start from the same weights."""
    from profond.train.torch_learner import seed_everything

    seed_everything(seed)
    return create_model(name, input_shape, num_classes, **options)


def logits(model, X):
    """The model's raw outputs (N, C) for the NumPy inputs X, in eval mode, without gradients."""
    import numpy as np
    import torch

    model.eval()
    with torch.inference_mode():
        out = model(torch.from_numpy(np.ascontiguousarray(X, dtype=np.float32)))
    model.train()
    return out.numpy()


def n_params(model) -> int:
    """Number of trainable scalars, as in the slides' "# Param." column."""
    return sum(p.numel() for p in model.parameters() if p.requires_grad)


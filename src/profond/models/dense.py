"""Fully connected torch models: logistic regression and the multilayer perceptron."""

import torch
from torch import nn

# the classes of profond.names.ACTIVATIONS
ACTIVATIONS = {"relu": nn.ReLU, "tanh": nn.Tanh, "sigmoid": nn.Sigmoid, "leaky-relu": nn.LeakyReLU,
               "linear": nn.Identity}


class FlatSequential(nn.Sequential):
    """torch.nn.Sequential on the input flattened to (N, features), so keys stay "0.weight", ...

    The flattening is not a layer, so the keys equal the scratch twin's `Sequential(Linear, ...)`.
    """

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return super().forward(x.flatten(1))


class LogisticRegression(FlatSequential):
    """y_hat = softmax(x W^T + b): one Linear layer on the flattened input (softmax in the loss).

    x (N, *) -> logits (N, num_classes). Mirrors torch.nn.Linear; keys "0.weight", "0.bias".
    """

    def __init__(self, in_features: int, num_classes: int):
        super().__init__(nn.Linear(in_features, num_classes))


class Residual(nn.Sequential):
    """y = x + f(x) for a block f whose output has the input's shape (He et al., 2016)."""

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x + super().forward(x)


class MLP(FlatSequential):
    """h_l = act(h_{l-1} W_l^T + b_l), logits = h_L W^T + b, on the flattened input.

    x (N, *) -> logits (N, num_classes). With `residual`, hidden layers whose width does not change
    become h_l = h_{l-1} + act(h_{l-1} W_l^T + b_l) (the MNIST-1D paper's MLP). Without residual the
    keys are those of torch.nn.Sequential(Linear, ReLU, ...): "0.weight", "2.weight", ...
    """

    def __init__(self, in_features: int, hidden: tuple[int, ...] | list[int], num_classes: int,
                 activation: str = "relu", dropout: float = 0.0, residual: bool = False):
        if activation not in ACTIVATIONS:
            names = ", ".join(ACTIVATIONS)
            raise ValueError(f"activation: expected one of {names}; got {activation!r}")
        if not 0 <= dropout < 1:
            raise ValueError(f"dropout: expected a number in [0, 1); got {dropout!r}")
        layers: list[nn.Module] = []
        width = in_features
        for out in hidden:
            block = [nn.Linear(width, out), ACTIVATIONS[activation]()]
            block += [nn.Dropout(dropout)] if dropout else []
            layers += [Residual(*block)] if residual and out == width else block
            width = out
        layers.append(nn.Linear(width, num_classes))
        super().__init__(*layers)

"""The white-box twins of `profond.models`, with the same class names and state_dict keys:
LogisticRegression and MLP (dense), MNIST1DCNN and LeNet5 (convolutional), and the MNIST-1D
paper's recurrent classifiers RNNClassifier, LSTMClassifier and GRUClassifier.

The convolutional ones are fixed chains of named layers: `activations(x)` returns every layer's
output in order (what `profond viz activations` draws), `forward` the last one, `backward` runs
the chain in reverse.
"""

import numpy as np

from profond.checks import check_choice, check_int, check_range
from profond.scratch.module import Module
from profond.scratch.nn import (
    GRU,
    LSTM,
    RNN,
    Conv1d,
    Conv2d,
    Dropout,
    Flatten,
    Identity,
    LeakyReLU,
    Linear,
    MaxPool2d,
    ReLU,
    Sequential,
    Sigmoid,
    Tanh,
)

# the classes of profond.names.ACTIVATIONS
ACTIVATIONS = {"relu": ReLU, "tanh": Tanh, "sigmoid": Sigmoid, "leaky-relu": LeakyReLU,
               "linear": Identity}


class _FlatSequential(Sequential):
    """Sequential on the input flattened to (N, features); dx comes back in the input's shape.

    The flattening is not a layer, so keys stay "0.weight", ... as torch's FlatSequential.
    """

    def forward(self, x: np.ndarray) -> np.ndarray:
        self._input_shape = np.shape(x)
        return super().forward(np.reshape(x, (len(x), -1)))

    def backward(self, dout: np.ndarray) -> np.ndarray | None:
        dx = super().backward(dout)  # None when the first Linear skips dx (ScratchLearner's data)
        return None if dx is None else dx.reshape(self._input_shape)


class LogisticRegression(_FlatSequential):
    """y_hat = softmax(x Wᵀ + b): one Linear on the flattened input (softmax in the loss).

    x (N, *) -> logits (N, num_classes). Twin of profond.models.dense.LogisticRegression.
    """

    def __init__(self, in_features: int, num_classes: int):
        super().__init__(Linear(in_features, num_classes))


class Residual(Sequential):
    """y = x + f(x); backward: dx = dout + f's dx (the identity path carries dout unchanged)."""

    def forward(self, x: np.ndarray) -> np.ndarray:
        return x + super().forward(x)

    def backward(self, dout: np.ndarray) -> np.ndarray:
        return dout + super().backward(dout)


class MLP(_FlatSequential):
    """h_l = act(h_{l−1} W_lᵀ + b_l), logits = h_L Wᵀ + b, on the flattened input; with
    `residual`, width-preserving hidden layers become h_l = h_{l−1} + act(...).

    x (N, *) -> logits (N, num_classes). Twin of profond.models.dense.MLP (same keys).
    """

    def __init__(self, in_features: int, hidden, num_classes: int, activation: str = "relu",
                 dropout: float = 0.0, residual: bool = False):
        act = ACTIVATIONS[check_choice("activation", activation, ACTIVATIONS)]
        check_range("dropout", dropout, 0.0, 0.99)
        layers, width = [], check_int("in_features", in_features, minimum=1)
        for out in hidden:
            block = [Linear(width, check_int("hidden", out, minimum=1)), act()]
            block += [Dropout(dropout)] if dropout else []
            layers += [Residual(*block)] if residual and out == width else block
            width = out
        super().__init__(*layers, Linear(width, check_int("num_classes", num_classes, minimum=1)))


class _RecurrentClassifier(Module):
    """logits = linear([h_1; ...; h_T]) over every time step of a (bidirectional) recurrent net.

    x (N, T) or (N, T, input_size) -> logits (N, num_classes): the MNIST-1D paper's head (hidden 6,
    T = 40, one feature per step, both directions: 2 × 6 × 40 = 480 features).
    """

    cell = RNN
    attribute = "rnn"  # torch's attribute name, so the keys match ("gru.weight_ih_l0", ...)

    def __init__(self, num_classes: int = 10, seq_len: int = 40, input_size: int = 1,
                 hidden_size: int = 6, bidirectional: bool = True):
        setattr(self, self.attribute, self.cell(input_size, hidden_size, batch_first=True,
                                                bidirectional=bidirectional))
        directions = 2 if bidirectional else 1
        self.linear = Linear(directions * hidden_size * seq_len, num_classes)

    def forward(self, x: np.ndarray) -> np.ndarray:
        self._input_shape = np.shape(x)
        out, _ = getattr(self, self.attribute)(x[..., None] if np.ndim(x) == 2 else x)
        self._out_shape = out.shape
        return self.linear(out.reshape(len(out), -1))

    def backward(self, dout: np.ndarray) -> np.ndarray:
        dout = self.linear.backward(dout).reshape(self._out_shape)
        return getattr(self, self.attribute).backward(dout).reshape(self._input_shape)


class RNNClassifier(_RecurrentClassifier):
    """Tanh RNN both ways, then the Linear head. Twin of profond.models.sequence.RNNClassifier."""


class LSTMClassifier(_RecurrentClassifier):
    """LSTM both ways, then the Linear head. Twin of profond.models.sequence.LSTMClassifier."""

    cell = LSTM


class GRUClassifier(_RecurrentClassifier):
    """GRU both ways, then the Linear head (the paper's). Twin of
    profond.models.recurrent.GRUClassifier."""

    cell = GRU
    attribute = "gru"


class _Chain(Module):
    """Layers called in the order of `_order` (attribute names); parameters keep torch's names."""

    _order: tuple[str, ...] = ()

    def _input(self, x: np.ndarray) -> np.ndarray:
        return x

    def activations(self, x: np.ndarray) -> list[tuple[str, np.ndarray]]:
        """[(layer name, its output)] for one forward pass, in order; the last is the logits."""
        self._input_shape = np.shape(x)
        h, outputs = self._input(x), []
        for name in self._order:
            h = getattr(self, name)(h)
            outputs.append((name, h))
        return outputs

    def forward(self, x: np.ndarray) -> np.ndarray:
        return self.activations(x)[-1][1]

    def backward(self, dout: np.ndarray) -> np.ndarray:
        for name in reversed(self._order):
            dout = getattr(self, name).backward(dout)
        return dout.reshape(self._input_shape)


class MNIST1DCNN(_Chain):
    """h_k = relu(conv_k(h_{k−1})), k = 1..3; logits = linear(flatten(h_3)).

    x (N, 40) or (N, 1, 40) -> logits (N, num_classes). Greydanus 2020, "Scaling down deep
    learning": Conv1d 1->25 (k5 s2 p1), 25->25 (k3 s2 p1) twice, ReLU after each, so 40 samples
    shrink 40 -> 19 -> 10 -> 5 and Linear reads 25·5 = 125 features.
    Twin of profond.models.conv.MNIST1DCNN (torch.nn.Conv1d / Linear).
    """

    _order = ("conv1", "relu1", "conv2", "relu2", "conv3", "relu3", "flatten", "linear")

    def __init__(self, num_classes: int = 10, channels: int = 25, length: int = 40):
        check_int("num_classes", num_classes, minimum=1)
        check_int("length", length, minimum=1)
        self.conv1 = Conv1d(1, channels, 5, stride=2, padding=1)
        self.relu1 = ReLU()
        self.conv2 = Conv1d(channels, channels, 3, stride=2, padding=1)
        self.relu2 = ReLU()
        self.conv3 = Conv1d(channels, channels, 3, stride=2, padding=1)
        self.relu3 = ReLU()
        self.flatten = Flatten()
        for conv in (self.conv1, self.conv2, self.conv3):
            length = conv.output_size(length)
        self.linear = Linear(channels * length, num_classes)

    def _input(self, x: np.ndarray) -> np.ndarray:
        return np.reshape(x, (len(x), 1, np.shape(x)[-1]))


class LeNet5(_Chain):
    """LeCun et al. 1998 with ReLU and max pooling: conv 6@5×5, pool 2, conv 16@5×5, pool 2,
    Linear 120, 84, num_classes.

    x (N, C, H, H) or flat rows (N, C·H·H) -> logits (N, num_classes). Adapted to sklearn's
    1×8×8 digits: conv1 pads by 2 ("same", as the 32×32 original saw 28×28 digits padded) and
    conv2 pads by 2 too when the image is smaller than 16 pixels, so 8 -> 8 -> 4 -> 4 -> 2
    (fc1 reads 16·2·2 = 64); a 28×28 image goes 28 -> 28 -> 14 -> 10 -> 5 as in the paper.
    Twin of profond.models.conv.LeNet5.
    """

    _order = ("conv1", "relu1", "pool1", "conv2", "relu2", "pool2", "flatten",
              "fc1", "relu3", "fc2", "relu4", "fc3")

    def __init__(self, num_classes: int = 10, in_channels: int = 1, image_size: int = 28):
        check_int("num_classes", num_classes, minimum=1)
        self.in_channels = check_int("in_channels", in_channels, minimum=1)
        self.image_size = check_int("image_size", image_size, minimum=8)
        self.conv1 = Conv2d(in_channels, 6, 5, padding=2)
        self.relu1, self.pool1 = ReLU(), MaxPool2d(2)
        self.conv2 = Conv2d(6, 16, 5, padding=2 if image_size < 16 else 0)
        self.relu2, self.pool2 = ReLU(), MaxPool2d(2)
        self.flatten = Flatten()
        side = image_size
        for layer in (self.conv1, self.pool1, self.conv2, self.pool2):
            side = layer.output_size(side)
        self.fc1 = Linear(16 * side * side, 120)
        self.relu3 = ReLU()
        self.fc2 = Linear(120, 84)
        self.relu4 = ReLU()
        self.fc3 = Linear(84, num_classes)

    def _input(self, x: np.ndarray) -> np.ndarray:
        return np.reshape(x, (len(x), self.in_channels, self.image_size, self.image_size))


def _lenet5(input_shape, num_classes: int) -> LeNet5:
    if len(input_shape) != 3 or input_shape[1] != input_shape[2]:
        raise ValueError(f"lenet5: expected square images (C, H, W); got input shape "
                         f"{tuple(input_shape)}")
    return LeNet5(num_classes, in_channels=input_shape[0], image_size=input_shape[1])


def _mlp(input_shape, num_classes: int, hidden=(100, 100), activation="relu", dropout=0.0,
         residual=False) -> MLP:
    return MLP(int(np.prod(input_shape)), tuple(hidden), num_classes, activation, dropout, residual)


def _recurrent(cls):
    def build(input_shape, num_classes: int, hidden_size: int = 6, bidirectional: bool = True):
        input_size = input_shape[1] if len(input_shape) == 2 else 1
        return cls(num_classes, input_shape[0], input_size, hidden_size, bidirectional)
    return build


# the names, builders and defaults of profond.models.create_model, for the scratch twins
MODELS = {
    "logistic": lambda shape, n: LogisticRegression(int(np.prod(shape)), n),
    "mlp": _mlp,
    "mnist1d-cnn": lambda shape, n, channels=25: MNIST1DCNN(n, channels, length=shape[-1]),
    "lenet5": _lenet5,
    "gru": _recurrent(GRUClassifier),
    "rnn": _recurrent(RNNClassifier),
    "lstm": _recurrent(LSTMClassifier),
}


def create_model(name: str, input_shape: tuple[int, ...], num_classes: int, **options) -> Module:
    """The scratch twin of `profond.models.create_model(name, input_shape, num_classes,
    **options)`: same sizes, same state_dict keys (no transformer or AlexNet twin)."""
    if name not in MODELS:
        raise ValueError(f"model: expected one of {', '.join(MODELS)}; got {name!r}")
    options = {key: value for key, value in options.items() if value is not None}
    return MODELS[name](tuple(input_shape), num_classes, **options)

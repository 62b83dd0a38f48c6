"""Convolutional models on the white-box engine, twins of `profond.models.conv` (same keys).

Each is a fixed chain of named layers: `activations(x)` returns every layer's output in order (what
`profond viz activations` draws), `forward` the last one, `backward` runs the chain in reverse.
"""

import numpy as np

from profond.checks import check_int
from profond.scratch.module import Module
from profond.scratch.nn import Conv1d, Conv2d, Flatten, Linear, MaxPool2d, ReLU


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


MODELS = {"mnist1d-cnn": MNIST1DCNN, "lenet5": LeNet5}


def create_model(name: str, input_shape: tuple[int, ...], num_classes: int, **options) -> _Chain:
    """The scratch model `name` ("mnist1d-cnn" or "lenet5") sized for one example's shape,
    as profond.models.create_model sizes its torch twin: (L,) or (1, L) for MNIST-1D, (C, H, H)
    for LeNet-5."""
    if name not in MODELS:
        raise ValueError(f"model: expected one of {', '.join(MODELS)}; got {name!r}")
    if name == "mnist1d-cnn":
        return MNIST1DCNN(num_classes, length=input_shape[-1], **options)
    if len(input_shape) != 3 or input_shape[1] != input_shape[2]:
        raise ValueError(f"lenet5: expected square images (C, H, W); got input shape "
                         f"{tuple(input_shape)}")
    return LeNet5(num_classes, in_channels=input_shape[0], image_size=input_shape[1], **options)

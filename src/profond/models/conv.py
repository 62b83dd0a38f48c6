"""Convolutional torch models: the MNIST-1D paper's CNN, LeNet-5, a small AlexNet for CIFAR-10."""

import torch
from torch import nn


class MNIST1DCNN(nn.Module):
    """h_k = relu(conv_k(h_{k-1})) for k = 1..3, logits = linear(flatten(h_3)).

    x (N, 40) or (N, 1, 40) -> logits (N, num_classes); the 40 samples shrink 40 -> 19 -> 10 -> 5,
    so the flattened features are channels × 5 (125 for the paper's 25 channels; Greydanus 2020,
    "Scaling down deep learning"). Mirrors torch.nn.Conv1d / torch.nn.Linear.
    """

    def __init__(self, num_classes: int = 10, channels: int = 25, length: int = 40):
        super().__init__()
        self.conv1 = nn.Conv1d(1, channels, 5, stride=2, padding=1)
        self.conv2 = nn.Conv1d(channels, channels, 3, stride=2, padding=1)
        self.conv3 = nn.Conv1d(channels, channels, 3, stride=2, padding=1)
        for conv in (self.conv1, self.conv2, self.conv3):
            length = (length + 2 * conv.padding[0] - conv.kernel_size[0]) // conv.stride[0] + 1
        self.linear = nn.Linear(channels * length, num_classes)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        h = x.reshape(x.shape[0], 1, x.shape[-1])
        h = torch.relu(self.conv3(torch.relu(self.conv2(torch.relu(self.conv1(h))))))
        return self.linear(h.flatten(1))


class LeNet5(nn.Module):
    """LeCun et al. 1998: conv 6@5×5, pool, conv 16@5×5, pool, 120, 84, classes (ReLU, max pool).

    x (N, C, H, W) -> logits (N, num_classes). Sized for any input of at least 8×8 pixels: the first
    convolution pads by 2 ("same") and the second by 2 when the image is small (digits 8×8), so a
    1×8×8 digit goes 8 -> 4 -> 4 -> 2, and 1×28×28 goes 28 -> 14 -> 10 -> 5 as in the paper.
    Mirrors torch.nn.Conv2d / MaxPool2d / Linear.
    """

    def __init__(self, num_classes: int = 10, in_channels: int = 1, image_size: int = 28):
        super().__init__()
        pad2 = 2 if image_size < 16 else 0
        self.conv1 = nn.Conv2d(in_channels, 6, 5, padding=2)
        self.conv2 = nn.Conv2d(6, 16, 5, padding=pad2)
        side = (image_size // 2 + 2 * pad2 - 4) // 2
        self.fc1 = nn.Linear(16 * side * side, 120)
        self.fc2 = nn.Linear(120, 84)
        self.fc3 = nn.Linear(84, num_classes)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        h = nn.functional.max_pool2d(torch.relu(self.conv1(x)), 2)
        h = nn.functional.max_pool2d(torch.relu(self.conv2(h)), 2)
        h = torch.relu(self.fc1(h.flatten(1)))
        return self.fc3(torch.relu(self.fc2(h)))


class AlexNetSmall(nn.Module):
    """Krizhevsky et al. 2012 in miniature: (conv-relu-pool) ×3, (dropout-FC-relu) ×2, a classifier.

    x (N, 3, 32, 32) -> logits (N, num_classes); 32 -> 16 -> 8 -> 4 pixels, 64/128/256 channels.
    Mirrors torch.nn.Conv2d / MaxPool2d / Dropout / Linear.
    """

    def __init__(self, num_classes: int = 10, in_channels: int = 3, image_size: int = 32,
                 dropout: float = 0.5, width: int = 64):
        super().__init__()
        chans = [in_channels, width, 2 * width, 4 * width]
        layers: list[nn.Module] = []
        for c_in, c_out in zip(chans[:-1], chans[1:], strict=True):
            layers += [nn.Conv2d(c_in, c_out, 3, padding=1), nn.ReLU(inplace=True), nn.MaxPool2d(2)]
        self.features = nn.Sequential(*layers)
        side = image_size // 8
        self.classifier = nn.Sequential(
            nn.Dropout(dropout), nn.Linear(chans[-1] * side * side, 512), nn.ReLU(inplace=True),
            nn.Dropout(dropout), nn.Linear(512, 256), nn.ReLU(inplace=True),
            nn.Linear(256, num_classes))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.classifier(self.features(x).flatten(1))

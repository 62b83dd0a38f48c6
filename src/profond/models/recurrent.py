"""Recurrent torch models: the MNIST-1D paper's bidirectional GRU classifier."""

import torch
from torch import nn


class GRUClassifier(nn.Module):
    """h_t = GRU(x_t, h_{t-1}) both ways; logits = linear([h_1; ...; h_T]) over every time step.

    x (N, T) or (N, T, input_size) -> logits (N, num_classes); the paper uses hidden 6, T = 40, one
    feature per step, bidirectional, so the classifier sees 2 × 6 × 40 = 480 features.
    Mirrors torch.nn.GRU(batch_first=True) / torch.nn.Linear.
    """

    def __init__(self, num_classes: int = 10, seq_len: int = 40, input_size: int = 1,
                 hidden_size: int = 6, bidirectional: bool = True):
        super().__init__()
        self.gru = nn.GRU(input_size, hidden_size, batch_first=True, bidirectional=bidirectional)
        directions = 2 if bidirectional else 1
        self.linear = nn.Linear(directions * hidden_size * seq_len, num_classes)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if x.dim() == 2:
            x = x.unsqueeze(-1)
        out, _ = self.gru(x)
        return self.linear(out.flatten(1))

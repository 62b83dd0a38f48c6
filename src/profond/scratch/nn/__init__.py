"""Modules with PyTorch's names: `forward` keeps a cache, `backward(dout)` accumulates grads."""

from profond.scratch.module import Module, Parameter
from profond.scratch.nn.activations import LeakyReLU, ReLU, Sigmoid, Softmax, Tanh
from profond.scratch.nn.attention import MultiheadAttention
from profond.scratch.nn.container import Sequential
from profond.scratch.nn.conv import Conv1d, Conv2d
from profond.scratch.nn.dense import Dropout, Flatten, Identity, Linear
from profond.scratch.nn.losses import CrossEntropyLoss, HalfSSE, MSELoss
from profond.scratch.nn.norm import BatchNorm1d, BatchNorm2d
from profond.scratch.nn.pool import AvgPool1d, AvgPool2d, MaxPool1d, MaxPool2d
from profond.scratch.nn.recurrent import GRU, LSTM, RNN, GRUCell, LSTMCell, RNNCell

__all__ = [
    "CrossEntropyLoss", "Dropout", "Flatten", "HalfSSE", "Identity", "LeakyReLU", "Linear",
    "MSELoss", "Module", "Parameter", "ReLU", "Sequential", "Sigmoid", "Softmax", "Tanh",
]
__all__ += ["AvgPool1d", "AvgPool2d", "BatchNorm1d", "BatchNorm2d", "Conv1d", "Conv2d",
            "MaxPool1d", "MaxPool2d"]
__all__ += ["GRU", "GRUCell", "LSTM", "LSTMCell", "RNN", "RNNCell"]
__all__ += ["MultiheadAttention"]

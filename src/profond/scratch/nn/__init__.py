"""Modules with PyTorch's names: `forward` keeps a cache, `backward(dout)` accumulates grads."""

from profond.scratch.module import Module, Parameter
from profond.scratch.nn.activations import LeakyReLU, ReLU, Sigmoid, Softmax, Tanh
from profond.scratch.nn.container import Sequential
from profond.scratch.nn.dense import Dropout, Flatten, Identity, Linear
from profond.scratch.nn.losses import CrossEntropyLoss, HalfSSE, MSELoss

__all__ = [
    "CrossEntropyLoss", "Dropout", "Flatten", "HalfSSE", "Identity", "LeakyReLU", "Linear",
    "MSELoss", "Module", "Parameter", "ReLU", "Sequential", "Sigmoid", "Softmax", "Tanh",
]

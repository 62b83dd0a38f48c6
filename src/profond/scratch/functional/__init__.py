"""Forward/backward pairs: `*_forward(...) -> (out, cache)`, `*_backward(dout, cache) -> grads`."""

from profond.scratch.functional.activations import (
    leaky_relu_backward,
    leaky_relu_forward,
    relu_backward,
    relu_forward,
    sigmoid_backward,
    sigmoid_forward,
    softmax_backward,
    softmax_forward,
    tanh_backward,
    tanh_forward,
)
from profond.scratch.functional.dense import (
    dropout_backward,
    dropout_forward,
    flatten,
    flatten_backward,
    flatten_forward,
    linear_backward,
    linear_forward,
)
from profond.scratch.functional.losses import (
    REDUCTIONS,
    cross_entropy_backward,
    cross_entropy_forward,
    log_softmax,
    mse_backward,
    mse_forward,
)

__all__ = [
    "REDUCTIONS", "cross_entropy_backward", "cross_entropy_forward", "dropout_backward",
    "dropout_forward", "flatten", "flatten_backward", "flatten_forward", "leaky_relu_backward",
    "leaky_relu_forward", "linear_backward", "linear_forward", "log_softmax", "mse_backward",
    "mse_forward", "relu_backward", "relu_forward", "sigmoid_backward", "sigmoid_forward",
    "softmax_backward", "softmax_forward", "tanh_backward", "tanh_forward",
]

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
from profond.scratch.functional.attention import (
    AttentionCache,
    scaled_dot_product_attention_backward,
    scaled_dot_product_attention_forward,
)
from profond.scratch.functional.conv import (
    conv1d_backward,
    conv1d_forward,
    conv2d_backward,
    conv2d_forward,
    conv_output_size,
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
from profond.scratch.functional.norm import batch_norm_backward, batch_norm_forward
from profond.scratch.functional.pool import (
    avg_pool1d_backward,
    avg_pool1d_forward,
    avg_pool2d_backward,
    avg_pool2d_forward,
    max_pool1d_backward,
    max_pool1d_forward,
    max_pool2d_backward,
    max_pool2d_forward,
)
from profond.scratch.functional.recurrent import (
    gru_backward,
    gru_cell_backward,
    gru_cell_forward,
    gru_forward,
    lstm_backward,
    lstm_cell_backward,
    lstm_cell_forward,
    lstm_forward,
    rnn_backward,
    rnn_cell_backward,
    rnn_cell_forward,
    rnn_forward,
    through_time_backward,
    through_time_forward,
)

__all__ = [
    "REDUCTIONS", "cross_entropy_backward", "cross_entropy_forward", "dropout_backward",
    "dropout_forward", "flatten", "flatten_backward", "flatten_forward", "leaky_relu_backward",
    "leaky_relu_forward", "linear_backward", "linear_forward", "log_softmax", "mse_backward",
    "mse_forward", "relu_backward", "relu_forward", "sigmoid_backward", "sigmoid_forward",
    "softmax_backward", "softmax_forward", "tanh_backward", "tanh_forward",
]
__all__ += [
    "avg_pool1d_backward", "avg_pool1d_forward", "avg_pool2d_backward", "avg_pool2d_forward",
    "batch_norm_backward", "batch_norm_forward", "conv1d_backward", "conv1d_forward",
    "conv2d_backward", "conv2d_forward", "conv_output_size", "max_pool1d_backward",
    "max_pool1d_forward", "max_pool2d_backward", "max_pool2d_forward",
]
__all__ += [
    "gru_backward", "gru_cell_backward", "gru_cell_forward", "gru_forward", "lstm_backward",
    "lstm_cell_backward", "lstm_cell_forward", "lstm_forward", "rnn_backward", "rnn_cell_backward",
    "rnn_cell_forward", "rnn_forward", "through_time_backward", "through_time_forward",
]
__all__ += ["AttentionCache", "scaled_dot_product_attention_backward",
            "scaled_dot_product_attention_forward"]

"""Recurrent cells (RNN, LSTM, GRU) and backpropagation through time, as forward/backward pairs.

Weights use torch's layout: W_ih (G·H, input_size), W_hh (G·H, H), b_ih, b_hh (G·H,) or None, with
G = 1 (RNN), 4 (LSTM: gates i, f, g, o) or 3 (GRU: gates r, z, n), stacked in that order.
Sequences are time-major: x (T, N, input_size).
"""

import numpy as np

from profond.checks import check_choice
from profond.scratch.dtypes import as_float
from profond.scratch.functional.activations import sigmoid_forward

NONLINEARITIES = ("tanh", "relu")


def _gates(x, h, W_ih, W_hh, b_ih, b_hh, gates: int):
    """(x W_ihᵀ + b_ih, h W_hhᵀ + b_hh), checking the shapes against the weights."""
    x, h = as_float(x), as_float(h)
    hidden = W_hh.shape[1]
    if W_ih.shape[0] != gates * hidden or W_hh.shape != (gates * hidden, hidden):
        raise ValueError(f"W_hh: expected shape ({gates}·H, H) with W_ih ({gates}·H, input_size); "
                         f"got W_hh {W_hh.shape} and W_ih {W_ih.shape}")
    if x.ndim != 2 or x.shape[1] != W_ih.shape[1]:
        raise ValueError(f"x: expected shape (N, {W_ih.shape[1]}) to match W_ih {W_ih.shape}; "
                         f"got {x.shape}")
    if h.shape != (x.shape[0], hidden):
        raise ValueError(f"h: expected shape ({x.shape[0]}, {hidden}); got {h.shape}")
    gi, gh = x @ W_ih.T, h @ W_hh.T
    if b_ih is not None:
        gi, gh = gi + b_ih, gh + b_hh
    return x, h, gi, gh


def _gates_backward(dgi, dgh, x, h, W_ih, W_hh, has_bias: bool):
    """Backward of _gates: (dx, dh, dW_ih, dW_hh, db_ih, db_hh)."""
    db_ih, db_hh = (dgi.sum(axis=0), dgh.sum(axis=0)) if has_bias else (None, None)
    return dgi @ W_ih, dgh @ W_hh, dgi.T @ x, dgh.T @ h, db_ih, db_hh


def rnn_cell_forward(x, h, W_ih, W_hh, b_ih, b_hh, nonlinearity: str = "tanh"):
    """h' = tanh(x W_ihᵀ + b_ih + h W_hhᵀ + b_hh) (or relu).

    x (N, input_size), h (N, H) -> h' (N, H). Mirrors torch.nn.RNNCell.
    """
    check_choice("nonlinearity", nonlinearity, NONLINEARITIES)
    x, h, gi, gh = _gates(x, h, W_ih, W_hh, b_ih, b_hh, 1)
    a = gi + gh
    h_next = np.tanh(a) if nonlinearity == "tanh" else np.maximum(a, 0)
    return h_next, (x, h, W_ih, W_hh, b_ih is not None, h_next, nonlinearity)


def rnn_cell_backward(dh_next, cache):
    """da = dh' · (1 − h'²) (tanh) or dh' · 1[h' > 0] (relu); then the affine backward.

    dh_next (N, H) -> (dx, dh, dW_ih, dW_hh, db_ih, db_hh); db_* are None without bias.
    """
    x, h, W_ih, W_hh, has_bias, h_next, nonlinearity = cache
    da = dh_next * (1 - h_next * h_next) if nonlinearity == "tanh" else dh_next * (h_next > 0)
    return _gates_backward(da, da, x, h, W_ih, W_hh, has_bias)


def lstm_cell_forward(x, h, c, W_ih, W_hh, b_ih, b_hh):
    """c' = f ⊙ c + i ⊙ g, h' = o ⊙ tanh(c'), `[i,f,g,o] = [σ,σ,tanh,σ](x W_ihᵀ + h W_hhᵀ + b)`.

    x (N, input_size), h, c (N, H) -> h', c' (N, H), cache. Mirrors torch.nn.LSTMCell.
    """
    x, h, gi, gh = _gates(x, h, W_ih, W_hh, b_ih, b_hh, 4)
    c = as_float(c)
    if c.shape != h.shape:
        raise ValueError(f"c: expected the shape of h {h.shape}; got {c.shape}")
    a_i, a_f, a_g, a_o = np.split(gi + gh, 4, axis=1)
    i, f, o = sigmoid_forward(a_i)[0], sigmoid_forward(a_f)[0], sigmoid_forward(a_o)[0]
    g = np.tanh(a_g)
    c_next = f * c + i * g
    tanh_c = np.tanh(c_next)
    h_next = o * tanh_c
    return h_next, c_next, (x, h, c, W_ih, W_hh, b_ih is not None, i, f, g, o, tanh_c)


def lstm_cell_backward(dh_next, dc_next, cache):
    """dc = dh' ⊙ o ⊙ (1 − tanh²c') + dc'; then each gate through its σ or tanh.

    dh_next, dc_next (N, H) -> (dx, dh, dc, dW_ih, dW_hh, db_ih, db_hh).
    """
    x, h, c, W_ih, W_hh, has_bias, i, f, g, o, tanh_c = cache
    dc_total = dh_next * o * (1 - tanh_c * tanh_c) + dc_next
    da = np.concatenate([dc_total * g * i * (1 - i), dc_total * c * f * (1 - f),
                         dc_total * i * (1 - g * g), dh_next * tanh_c * o * (1 - o)], axis=1)
    dx, dh, dW_ih, dW_hh, db_ih, db_hh = _gates_backward(da, da, x, h, W_ih, W_hh, has_bias)
    return dx, dh, dc_total * f, dW_ih, dW_hh, db_ih, db_hh


def gru_cell_forward(x, h, W_ih, W_hh, b_ih, b_hh):
    """h' = (1 − z) ⊙ n + z ⊙ h, n = tanh(W_in x + b_in + r ⊙ (W_hn h + b_hn)), r, z = σ(...).

    x (N, input_size), h (N, H) -> h' (N, H). Mirrors torch.nn.GRUCell (r inside n, as torch).
    """
    x, h, gi, gh = _gates(x, h, W_ih, W_hh, b_ih, b_hh, 3)
    gi_r, gi_z, gi_n = np.split(gi, 3, axis=1)
    gh_r, gh_z, gh_n = np.split(gh, 3, axis=1)
    r, z = sigmoid_forward(gi_r + gh_r)[0], sigmoid_forward(gi_z + gh_z)[0]
    n = np.tanh(gi_n + r * gh_n)
    h_next = (1 - z) * n + z * h
    return h_next, (x, h, W_ih, W_hh, b_ih is not None, r, z, n, gh_n)


def gru_cell_backward(dh_next, cache):
    """dn = dh' ⊙ (1 − z), dz = dh' ⊙ (h − n), dh = dh' ⊙ z + the gates' share.

    dh_next (N, H) -> (dx, dh, dW_ih, dW_hh, db_ih, db_hh).
    """
    x, h, W_ih, W_hh, has_bias, r, z, n, gh_n = cache
    da_n = dh_next * (1 - z) * (1 - n * n)
    da_r = da_n * gh_n * r * (1 - r)
    da_z = dh_next * (h - n) * z * (1 - z)
    dgi = np.concatenate([da_r, da_z, da_n], axis=1)
    # The hidden part of n is gated by r, so its gradient is scaled by r too.
    dgh = np.concatenate([da_r, da_z, da_n * r], axis=1)
    dx, dh, dW_ih, dW_hh, db_ih, db_hh = _gates_backward(dgi, dgh, x, h, W_ih, W_hh, has_bias)
    return dx, dh + dh_next * z, dW_ih, dW_hh, db_ih, db_hh


def through_time_forward(cell_forward, x, state, weights, **kwargs):
    """h_t = cell(x_t, h_{t−1}) for t = 1..T, from `state` ([h0] or [h0, c0]).

    x (T, N, input_size) -> out (T, N, H) (every h_t), the final state (a list), the caches.
    """
    x = as_float(x)
    if x.ndim != 3 or x.shape[0] == 0:
        raise ValueError(f"x: expected a 3-d array (T, N, input_size) with T >= 1; "
                         f"got shape {x.shape}")
    outs, caches = [], []
    for x_t in x:
        *state, cache = cell_forward(x_t, *state, *weights, **kwargs)
        outs.append(state[0])
        caches.append(cache)
    return np.stack(outs), state, caches


def through_time_backward(cell_backward, dout, dstate, caches):
    """BPTT: walk the steps backward; the shared weights' gradients sum over time steps.

    dout (T, N, H) is ∂L/∂h_t from above; dstate the gradients of the final state.
    -> dx (T, N, input_size), gradients of the initial state, then of the weights.
    """
    dxs, dweights, dstate = [], None, list(dstate)
    for t in reversed(range(len(caches))):
        dstate[0] = dstate[0] + dout[t]
        dx, *grads = cell_backward(*dstate, caches[t])
        dstate, dw = grads[:len(dstate)], grads[len(dstate):]
        dweights = dw if dweights is None else [
            None if a is None else a + b for a, b in zip(dweights, dw, strict=True)]
        dxs.append(dx)
    return np.stack(dxs[::-1]), *dstate, *dweights


def rnn_forward(x, h0, W_ih, W_hh, b_ih, b_hh, nonlinearity: str = "tanh"):
    """h_t = tanh(x_t W_ihᵀ + b_ih + h_{t−1} W_hhᵀ + b_hh) for t = 1..T.

    x (T, N, input_size), h0 (N, H) -> out (T, N, H) (h_n = out[-1]), cache.
    Mirrors torch.nn.RNN (one layer, one direction).
    """
    out, _, caches = through_time_forward(rnn_cell_forward, x, [h0], (W_ih, W_hh, b_ih, b_hh),
                                   nonlinearity=nonlinearity)
    return out, caches


def rnn_backward(dout, cache):
    """BPTT for rnn_forward; put ∂L/∂h_n into dout[-1].

    dout (T, N, H) -> (dx, dh0, dW_ih, dW_hh, db_ih, db_hh).
    """
    return through_time_backward(rnn_cell_backward, dout, [np.zeros_like(dout[0])], cache)


def lstm_forward(x, h0, c0, W_ih, W_hh, b_ih, b_hh):
    """(h_t, c_t) = LSTMCell(x_t, (h_{t−1}, c_{t−1})) for t = 1..T.

    x (T, N, input_size), h0, c0 (N, H) -> out (T, N, H) (h_n = out[-1]), c_n (N, H), cache.
    Mirrors torch.nn.LSTM (one layer, one direction).
    """
    out, (_, c_n), caches = through_time_forward(lstm_cell_forward, x, [h0, c0],
                                          (W_ih, W_hh, b_ih, b_hh))
    return out, c_n, caches


def lstm_backward(dout, dc_n, cache):
    """BPTT for lstm_forward; ∂L/∂h_n goes into dout[-1], dc_n may be None (zero).

    dout (T, N, H), dc_n (N, H) -> (dx, dh0, dc0, dW_ih, dW_hh, db_ih, db_hh).
    """
    zeros = np.zeros_like(dout[0])
    dstate = [zeros, zeros if dc_n is None else dc_n]
    return through_time_backward(lstm_cell_backward, dout, dstate, cache)


def gru_forward(x, h0, W_ih, W_hh, b_ih, b_hh):
    """h_t = GRUCell(x_t, h_{t−1}) for t = 1..T.

    x (T, N, input_size), h0 (N, H) -> out (T, N, H) (h_n = out[-1]), cache.
    Mirrors torch.nn.GRU (one layer, one direction).
    """
    out, _, caches = through_time_forward(gru_cell_forward, x, [h0], (W_ih, W_hh, b_ih, b_hh))
    return out, caches


def gru_backward(dout, cache):
    """BPTT for gru_forward; put ∂L/∂h_n into dout[-1].

    dout (T, N, H) -> (dx, dh0, dW_ih, dW_hh, db_ih, db_hh).
    """
    return through_time_backward(gru_cell_backward, dout, [np.zeros_like(dout[0])], cache)

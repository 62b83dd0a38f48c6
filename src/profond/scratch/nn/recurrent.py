"""Recurrent Modules with torch's names and parameter layout: RNN, LSTM, GRU and their cells.

Parameters are named as torch's (`weight_ih_l0`, `bias_hh_l1_reverse`, ...) so state_dicts transfer;
all are initialised U(−1/√hidden_size, 1/√hidden_size) as in torch. `backward` accumulates the
parameter grads, returns dx and keeps the gradient of the initial state in `dh0` (cells: `dhx`), so
that an encoder can receive its decoder's gradient.
"""

import math

import numpy as np

from profond.checks import check_choice, check_int
from profond.scratch import init
from profond.scratch.dtypes import as_float
from profond.scratch.functional import recurrent as F
from profond.scratch.module import Module, Parameter

_CELLS = {  # mode -> (gates, cell forward, cell backward, tensors in the state)
    "RNN": (1, F.rnn_cell_forward, F.rnn_cell_backward, 1),
    "LSTM": (4, F.lstm_cell_forward, F.lstm_cell_backward, 2),
    "GRU": (3, F.gru_cell_forward, F.gru_cell_backward, 1),
}


def _check_state(name: str, value, shape: tuple[int, ...]) -> np.ndarray:
    value = as_float(value)
    if value.shape != shape:
        raise ValueError(f"{name}: expected shape {shape}; got {value.shape}")
    return value


def _reset(module: Module, hidden_size: int) -> None:
    bound = 1 / math.sqrt(hidden_size)
    for p in module.parameters():
        init.uniform_(p, -bound, bound)


class _RNNBase(Module):
    mode = "RNN"

    def __init__(self, input_size: int, hidden_size: int, num_layers: int = 1, bias: bool = True,
                 batch_first: bool = False, bidirectional: bool = False, dtype=np.float32):
        self.input_size = check_int("input_size", input_size, minimum=1)
        self.hidden_size = check_int("hidden_size", hidden_size, minimum=1)
        self.num_layers = check_int("num_layers", num_layers, minimum=1)
        self.bias, self.batch_first, self.bidirectional = bias, batch_first, bidirectional
        self._directions = 2 if bidirectional else 1
        gates, *_ = _CELLS[self.mode]
        for layer in range(num_layers):
            in_size = input_size if layer == 0 else hidden_size * self._directions
            for suffix in self._suffixes(layer):
                shapes = {"weight_ih": (gates * hidden_size, in_size),
                          "weight_hh": (gates * hidden_size, hidden_size)}
                if bias:
                    shapes |= {"bias_ih": (gates * hidden_size,), "bias_hh": (gates * hidden_size,)}
                for name, shape in shapes.items():
                    setattr(self, name + suffix, Parameter(np.zeros(shape), dtype=dtype))
        _reset(self, hidden_size)

    def _suffixes(self, layer: int) -> list[str]:
        return [f"_l{layer}", f"_l{layer}_reverse"][:self._directions]

    def _params(self, suffix: str) -> list[Parameter | None]:
        names = ("weight_ih", "weight_hh", "bias_ih", "bias_hh")
        return [getattr(self, n + suffix) if self.bias or n.startswith("w") else None
                for n in names]

    def _cell_kwargs(self) -> dict:
        return {}

    def __call__(self, x: np.ndarray, h0=None):
        return self.forward(x, h0)

    def _initial_state(self, h0, batch: int, dtype, names=("h0", "c0")) -> list[np.ndarray]:
        shape = (self.num_layers * self._directions, batch, self.hidden_size)
        n_state = _CELLS[self.mode][3]
        if h0 is None:
            return [np.zeros(shape, dtype) for _ in range(n_state)]
        if n_state == 1:
            return [_check_state(names[0], h0, shape)]
        if not isinstance(h0, tuple | list) or len(h0) != 2:
            raise ValueError(f"{names[0]}: expected a pair ({', '.join(names)}) for LSTM; "
                             f"got {type(h0).__name__}")
        return [_check_state(name, value, shape) for name, value in zip(names, h0, strict=True)]

    def _pack(self, states: list[np.ndarray]):
        return tuple(states) if len(states) == 2 else states[0]

    def forward(self, x: np.ndarray, h0=None):
        """output, h_n = RNN(x, h0).

        x (T, N, input_size) or (N, T, input_size) if batch_first -> output (T, N, D·H) (same
        order as x), h_n (num_layers·D, N, H); LSTM takes and returns the pair (h, c).
        """
        x = as_float(x)
        if x.ndim != 3 or x.shape[2] != self.input_size:
            raise ValueError(f"x: expected shape (T, N, {self.input_size}) "
                             f"({'N, T' if self.batch_first else 'T, N'} order); got {x.shape}")
        if self.batch_first:
            x = x.transpose(1, 0, 2)
        states = self._initial_state(h0, x.shape[1], x.dtype)
        _, cell_forward, _, _ = _CELLS[self.mode]
        finals, self._caches = [[] for _ in states], []
        for layer in range(self.num_layers):
            outs = []
            for d, suffix in enumerate(self._suffixes(layer)):
                k = layer * self._directions + d
                weights = [None if p is None else p.data for p in self._params(suffix)]
                # The reverse direction reads the sequence backward; its outputs are re-aligned.
                seq = x if d == 0 else x[::-1]
                out, final, caches = F.through_time_forward(
                    cell_forward, seq, [s[k] for s in states], weights, **self._cell_kwargs())
                outs.append(out if d == 0 else out[::-1])
                for kept, value in zip(finals, final, strict=True):
                    kept.append(value)
                self._caches.append(caches)
            x = np.concatenate(outs, axis=2)
        output = x.transpose(1, 0, 2) if self.batch_first else x
        return output, self._pack([np.stack(kept) for kept in finals])

    def backward(self, dout: np.ndarray, dh_n=None) -> np.ndarray:
        """dx from dout (shaped as output) and dh_n (shaped as h_n, or None); sets self.dh0."""
        dout = as_float(dout)
        if self.batch_first:
            dout = dout.transpose(1, 0, 2)
        _, _, cell_backward, n_state = _CELLS[self.mode]
        shape = (self.num_layers * self._directions, dout.shape[1], self.hidden_size)
        dfinal = self._initial_state(dh_n, dout.shape[1], dout.dtype, ("dh_n", "dc_n"))
        dstate0 = [np.zeros(shape, dout.dtype) for _ in range(n_state)]
        H = self.hidden_size
        for layer in reversed(range(self.num_layers)):
            dx = 0
            for d, suffix in enumerate(self._suffixes(layer)):
                k = layer * self._directions + d
                dseq = dout[:, :, d * H:(d + 1) * H]
                dseq = dseq if d == 0 else dseq[::-1]
                dx_d, *grads = F.through_time_backward(
                    cell_backward, dseq, [g[k] for g in dfinal], self._caches[k])
                for g0, value in zip(dstate0, grads[:n_state], strict=True):
                    g0[k] = value
                for p, g in zip(self._params(suffix), grads[n_state:], strict=True):
                    if p is not None:
                        p.grad += g
                dx = dx + (dx_d if d == 0 else dx_d[::-1])
            dout = dx
        self.dh0 = self._pack(dstate0)
        return dout.transpose(1, 0, 2) if self.batch_first else dout

    def __repr__(self) -> str:
        changed = {"num_layers": self.num_layers != 1, "bias": not self.bias,
                   "batch_first": self.batch_first, "bidirectional": self.bidirectional}
        extra = "".join(f", {k}={getattr(self, k)}" for k, shown in changed.items() if shown)
        return f"{type(self).__name__}({self.input_size}, {self.hidden_size}{extra})"


class RNN(_RNNBase):
    """h_t = tanh(x_t W_ihᵀ + b_ih + h_{t−1} W_hhᵀ + b_hh), num_layers deep, both ways if asked.

    x (T, N, input_size) -> output (T, N, D·H), h_n (num_layers·D, N, H). Mirrors torch.nn.RNN.
    """

    def __init__(self, input_size: int, hidden_size: int, num_layers: int = 1,
                 nonlinearity: str = "tanh", bias: bool = True, batch_first: bool = False,
                 bidirectional: bool = False, dtype=np.float32):
        self.nonlinearity = check_choice("nonlinearity", nonlinearity, F.NONLINEARITIES)
        super().__init__(input_size, hidden_size, num_layers, bias, batch_first, bidirectional,
                         dtype)

    def _cell_kwargs(self) -> dict:
        return {"nonlinearity": self.nonlinearity}


class LSTM(_RNNBase):
    """c_t = f ⊙ c_{t−1} + i ⊙ g, h_t = o ⊙ tanh(c_t), stacked num_layers deep, both ways if asked.

    x (T, N, input_size), (h0, c0) -> output (T, N, D·H), (h_n, c_n) (num_layers·D, N, H).
    Mirrors torch.nn.LSTM (no proj_size).
    """

    mode = "LSTM"


class GRU(_RNNBase):
    """h_t = (1 − z) ⊙ n + z ⊙ h_{t−1}, n = tanh(W_in x + b_in + r ⊙ (W_hn h + b_hn)).

    x (T, N, input_size) -> output (T, N, D·H), h_n (num_layers·D, N, H). Mirrors torch.nn.GRU.
    """

    mode = "GRU"


class _CellBase(Module):
    mode = "RNN"

    def __init__(self, input_size: int, hidden_size: int, bias: bool = True, dtype=np.float32):
        self.input_size = check_int("input_size", input_size, minimum=1)
        self.hidden_size = check_int("hidden_size", hidden_size, minimum=1)
        gates, *_ = _CELLS[self.mode]
        self.weight_ih = Parameter(np.zeros((gates * hidden_size, input_size)), dtype=dtype)
        self.weight_hh = Parameter(np.zeros((gates * hidden_size, hidden_size)), dtype=dtype)
        self.bias_ih = Parameter(np.zeros(gates * hidden_size), dtype=dtype) if bias else None
        self.bias_hh = Parameter(np.zeros(gates * hidden_size), dtype=dtype) if bias else None
        _reset(self, hidden_size)

    def _params(self) -> list[Parameter | None]:
        return [self.weight_ih, self.weight_hh, self.bias_ih, self.bias_hh]

    def _cell_kwargs(self) -> dict:
        return {}

    def __call__(self, x: np.ndarray, hx=None):
        return self.forward(x, hx)

    def forward(self, x: np.ndarray, hx=None):
        """h' = cell(x, hx); x (N, input_size), hx (N, H) or (h, c) for LSTMCell, None for zeros."""
        x = as_float(x)
        if x.ndim != 2 or x.shape[1] != self.input_size:
            raise ValueError(f"x: expected shape (N, {self.input_size}); got {x.shape}")
        shape = (x.shape[0], self.hidden_size)
        _, cell_forward, _, n_state = _CELLS[self.mode]
        if hx is None:
            state = [np.zeros(shape, x.dtype)] * n_state
        elif n_state == 2:
            state = [_check_state("hx[0]", hx[0], shape), _check_state("hx[1]", hx[1], shape)]
        else:
            state = [_check_state("hx", hx, shape)]
        weights = [None if p is None else p.data for p in self._params()]
        *state, self._cache = cell_forward(x, *state, *weights, **self._cell_kwargs())
        return tuple(state) if n_state == 2 else state[0]

    def backward(self, dh_next: np.ndarray, dc_next=None) -> np.ndarray:
        """dx from ∂L/∂h' (and ∂L/∂c' for LSTMCell, None for zero); sets self.dhx."""
        _, _, cell_backward, n_state = _CELLS[self.mode]
        dstate = [as_float(dh_next)]
        if n_state == 2:
            dstate.append(np.zeros_like(dstate[0]) if dc_next is None else as_float(dc_next))
        dx, *grads = cell_backward(*dstate, self._cache)
        for p, g in zip(self._params(), grads[n_state:], strict=True):
            if p is not None:
                p.grad += g
        self.dhx = tuple(grads[:n_state]) if n_state == 2 else grads[0]
        return dx

    def __repr__(self) -> str:
        return (f"{type(self).__name__}({self.input_size}, {self.hidden_size}, "
                f"bias={self.bias_ih is not None})")


class RNNCell(_CellBase):
    """h' = tanh(x W_ihᵀ + b_ih + h W_hhᵀ + b_hh) (or relu). Mirrors torch.nn.RNNCell."""

    def __init__(self, input_size: int, hidden_size: int, bias: bool = True,
                 nonlinearity: str = "tanh", dtype=np.float32):
        self.nonlinearity = check_choice("nonlinearity", nonlinearity, F.NONLINEARITIES)
        super().__init__(input_size, hidden_size, bias, dtype)

    def _cell_kwargs(self) -> dict:
        return {"nonlinearity": self.nonlinearity}


class LSTMCell(_CellBase):
    """(h', c') = LSTM step of x from (h, c); gates i, f, g, o. Mirrors torch.nn.LSTMCell."""

    mode = "LSTM"


class GRUCell(_CellBase):
    """h' = (1 − z) ⊙ n + z ⊙ h; gates r, z, n. Mirrors torch.nn.GRUCell."""

    mode = "GRU"

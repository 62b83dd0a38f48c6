"""MultiheadAttention with torch's parameter layout (in_proj_weight, in_proj_bias, out_proj)."""

import numpy as np

from profond.checks import check_int
from profond.scratch import init
from profond.scratch.dtypes import as_float
from profond.scratch.functional import attention as A
from profond.scratch.functional import dense as D
from profond.scratch.module import Module, Parameter
from profond.scratch.nn.dense import Linear


def _additive(mask, name: str, shape: tuple[int, ...]) -> np.ndarray:
    """torch's MHA masks as scores to add: boolean True = may NOT attend (−∞), float added."""
    mask = np.asarray(mask)
    if mask.shape != shape:
        raise ValueError(f"{name}: expected shape {shape}; got {mask.shape}")
    return np.where(mask, -np.inf, 0.0) if mask.dtype == bool else mask


class MultiheadAttention(Module):
    """out = concat(head_1..head_h) W_oᵀ + b_o, head_i = softmax(q_i k_iᵀ / √d) v_i, d = E / h.

    query (L, N, E), key and value (S, N, E) ((N, L, E) if batch_first) -> attn_output shaped as
    query, attn_weights (N, L, S) averaged over heads (or (N, h, L, S)). The three projections
    live in in_proj_weight (3E, E) = [W_q; W_k; W_v]. Mirrors torch.nn.MultiheadAttention
    (no dropout, kdim = vdim = embed_dim).
    """

    def __init__(self, embed_dim: int, num_heads: int, bias: bool = True,
                 batch_first: bool = False, dtype=np.float32):
        self.embed_dim = check_int("embed_dim", embed_dim, minimum=1)
        self.num_heads = check_int("num_heads", num_heads, minimum=1)
        if embed_dim % num_heads:
            raise ValueError(f"embed_dim: expected a multiple of num_heads={num_heads}; "
                             f"got {embed_dim}")
        self.batch_first = batch_first
        self.in_proj_weight = Parameter(np.zeros((3 * embed_dim, embed_dim)), dtype=dtype)
        self.in_proj_bias = Parameter(np.zeros(3 * embed_dim), dtype=dtype) if bias else None
        self.out_proj = Linear(embed_dim, embed_dim, bias=bias, dtype=dtype)
        # torch: Xavier for the stacked projections, zero biases, Linear's default for out_proj.
        init.xavier_uniform_(self.in_proj_weight)
        if bias:
            init.zeros_(self.out_proj.bias)

    def __call__(self, query, key, value, key_padding_mask=None, need_weights: bool = True,
                 attn_mask=None, average_attn_weights: bool = True):
        return self.forward(query, key, value, key_padding_mask, need_weights, attn_mask,
                            average_attn_weights)

    def _split_heads(self, x: np.ndarray) -> np.ndarray:
        N, L, E = x.shape
        return x.reshape(N, L, self.num_heads, E // self.num_heads).transpose(0, 2, 1, 3)

    def _merge_heads(self, x: np.ndarray) -> np.ndarray:
        N, h, L, d = x.shape
        return x.transpose(0, 2, 1, 3).reshape(N, L, h * d)

    def _mask(self, key_padding_mask, attn_mask, N: int, L: int, S: int):
        mask = 0.0
        if attn_mask is not None:
            attn_mask = np.asarray(attn_mask)
            if attn_mask.ndim == 2:  # one mask for every sequence and head
                mask = _additive(attn_mask, "attn_mask", (L, S))
            else:
                mask = _additive(attn_mask, "attn_mask", (N * self.num_heads, L, S))
                mask = mask.reshape(N, self.num_heads, L, S)
        if key_padding_mask is not None:
            mask = mask + _additive(key_padding_mask, "key_padding_mask", (N, S))[:, None, None]
        return None if np.isscalar(mask) else mask

    def forward(self, query, key, value, key_padding_mask=None, need_weights: bool = True,
                attn_mask=None, average_attn_weights: bool = True):
        """(attn_output, attn_weights or None); see the class docstring for shapes and masks."""
        q, k, v = (as_float(a) for a in (query, key, value))
        if not self.batch_first:
            q, k, v = (a.swapaxes(0, 1) for a in (q, k, v))
        E = self.embed_dim
        if q.ndim != 3 or q.shape[2] != E or k.shape != v.shape or k.shape[::2] != q.shape[::2]:
            order = "N, L" if self.batch_first else "L, N"
            raise ValueError(f"query, key, value: expected ({order}, {E}) and two equal key/value "
                             f"shapes with the same N; got {query.shape}, {np.shape(key)}, "
                             f"{np.shape(value)}")
        W, b = self.in_proj_weight.data, self.in_proj_bias
        projected, self._proj = [], []
        for i, x in enumerate((q, k, v)):
            out, cache = D.linear_forward(x, W[i * E:(i + 1) * E],
                                          None if b is None else b.data[i * E:(i + 1) * E])
            projected.append(self._split_heads(out))
            self._proj.append(cache)
        mask = self._mask(key_padding_mask, attn_mask, q.shape[0], q.shape[1], k.shape[1])
        heads, self._attn = A.scaled_dot_product_attention_forward(*projected, attn_mask=mask)
        out = self.out_proj(self._merge_heads(heads))
        out = out if self.batch_first else out.swapaxes(0, 1)
        if not need_weights:
            return out, None
        weights = self._attn.weights
        return out, weights.mean(axis=1) if average_attn_weights else weights

    def backward(self, dout: np.ndarray):
        """(dquery, dkey, dvalue) from ∂L/∂attn_output; self-attention sums the three."""
        dout = as_float(dout)
        dout = dout if self.batch_first else dout.swapaxes(0, 1)
        dheads = self._split_heads(self.out_proj.backward(dout))
        grads = A.scaled_dot_product_attention_backward(dheads, self._attn)
        dinputs, dW, db = [], [], []
        for dproj, cache in zip(grads, self._proj, strict=True):
            dx, dW_i, db_i = D.linear_backward(self._merge_heads(dproj), cache)
            dinputs.append(dx if self.batch_first else dx.swapaxes(0, 1))
            dW.append(dW_i)
            db.append(db_i)
        self.in_proj_weight.grad += np.concatenate(dW)
        if self.in_proj_bias is not None:
            self.in_proj_bias.grad += np.concatenate(db)
        return tuple(dinputs)

    def __repr__(self) -> str:
        return (f"MultiheadAttention(embed_dim={self.embed_dim}, num_heads={self.num_heads}, "
                f"bias={self.in_proj_bias is not None}, batch_first={self.batch_first})")

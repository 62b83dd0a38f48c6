"""The playground's epoch compiled with numba: the engine's step, example by example, in float64.

The white-box engine (engine.py) is the reference the pages explain: a mini-batch goes through
Linear and activation Modules, a loss, `backward` and an optimizer, each a few NumPy calls. On the
playground's tiny networks (at most 7 -> 6 x 8 -> 6) those calls cost far more than their
arithmetic: 250 single-example steps take ~50 ms. Here the same epoch (same shuffled batches,
same loss, penalty, optimizer rule and L1 pruning) is one compiled loop over a flat parameter
vector, laid out as the engine's Linear layers are (W row-major, then b, layer after layer).
tests/lab/test_lab_fast.py checks it against the engine after 100 epochs for every setting the page
offers but dropout, whose masks the engine keeps drawing.
"""

import math

import numpy as np
from numba import njit

ACTIVATIONS = {"linear": 0, "relu": 1, "tanh": 2, "sigmoid": 3}
OPTIMIZERS = {"sgd": 0, "momentum": 1, "adagrad": 2, "adam": 3}
REGULARIZATIONS = {"none": 0, "L1": 1, "L2": 2}
# the output: 0 linear + ½ squared error (regression), 2 tanh + ½ squared error on ±1 targets
# (TFP's binary classification), 4 softmax + cross-entropy
OUT_LINEAR, OUT_TANH, OUT_SOFTMAX = 0, 2, 4
MOMENTUM, ADAM_BETAS, ADAM_EPS, ADAGRAD_EPS = 0.9, (0.9, 0.999), 1e-8, 1e-10


@njit(cache=True, inline="always")
def _activate(z, kind):
    if kind == 1:
        return max(z, 0.0)
    if kind == 2:
        return math.tanh(z)
    if kind == 3:  # as the engine: e^(−|z|) never overflows
        e = math.exp(-abs(z))
        return 1.0 / (1.0 + e) if z >= 0 else e / (1.0 + e)
    return z


@njit(cache=True, inline="always")
def _slope(a, kind):
    """d act / dz written with the activation's output a (ReLU: a > 0 iff z > 0)."""
    if kind == 1:
        return 1.0 if a > 0 else 0.0
    if kind == 2:
        return 1.0 - a * a
    if kind == 3:
        return a * (1.0 - a)
    return 1.0


@njit(cache=True)
def _forward(F, idx, sizes, theta, act, out_kind, A, Z):
    """A[i, node] = every node's output for example idx[i]; Z keeps the output layer's logits."""
    L, m = len(sizes) - 1, len(idx)
    for i in range(m):
        for k in range(sizes[0]):
            A[i, k] = F[idx[i], k]
    woff, aoff = 0, 0
    for layer in range(L):
        n_in, n_out = sizes[layer], sizes[layer + 1]
        boff, nxt = woff + n_in * n_out, aoff + n_in
        for i in range(m):
            for o in range(n_out):
                s = 0.0
                for k in range(n_in):
                    s += A[i, aoff + k] * theta[woff + o * n_in + k]
                s += theta[boff + o]
                if layer < L - 1:
                    A[i, nxt + o] = _activate(s, act)
                else:
                    Z[i, o] = s
                    A[i, nxt + o] = math.tanh(s) if out_kind == OUT_TANH else s
        woff, aoff = boff + n_out, nxt


@njit(cache=True)
def _output_delta(target, idx, A, Z, aoff, n_out, out_kind, D):
    """The batch loss and d loss / d logits of the output layer, into D[:, aoff:]."""
    m = len(idx)
    loss = 0.0
    for i in range(m):
        if out_kind == OUT_SOFTMAX:
            top = Z[i, 0]
            for o in range(1, n_out):
                top = max(top, Z[i, o])
            total = 0.0
            for o in range(n_out):
                total += math.exp(Z[i, o] - top)
            label = int(target[idx[i]])
            loss -= Z[i, label] - top - math.log(total)
            for o in range(n_out):
                p = math.exp(Z[i, o] - top) / total
                D[i, aoff + o] = (p - (1.0 if o == label else 0.0)) * (1.0 / m)
        else:  # ½ mean squared error; its gradient is 2 diff · ½ / m as MSELoss.backward(0.5)
            y_hat = A[i, aoff]
            diff = y_hat - target[idx[i]]
            loss += diff * diff
            d = 2.0 * diff * (0.5 / m)
            D[i, aoff] = d * (1.0 - y_hat * y_hat) if out_kind == OUT_TANH else d
    return loss / m if out_kind == OUT_SOFTMAX else 0.5 * (loss / m)


@njit(cache=True)
def _backward(idx, sizes, theta, act, A, D, grad):
    """Weight and bias gradients into `grad` (laid out as theta), deltas layer by layer."""
    L, m = len(sizes) - 1, len(idx)
    grad[:] = 0.0
    woff, aoff = len(theta), 0
    for layer in range(L):
        aoff += sizes[layer]
    for layer in range(L - 1, -1, -1):
        n_in, n_out = sizes[layer], sizes[layer + 1]
        woff -= n_in * n_out + n_out
        boff, prev = woff + n_in * n_out, aoff - n_in
        for o in range(n_out):
            for i in range(m):
                d = D[i, aoff + o]
                grad[boff + o] += d
                for k in range(n_in):
                    grad[woff + o * n_in + k] += d * A[i, prev + k]
        if layer > 0:
            for i in range(m):
                for k in range(n_in):
                    s = 0.0
                    for o in range(n_out):
                        s += D[i, aoff + o] * theta[woff + o * n_in + k]
                    D[i, prev + k] = s * _slope(A[i, prev + k], act)
        aoff = prev


@njit(cache=True)
def _update(theta, grad, is_weight, s1, s2, t, lr, opt, reg, rate):
    """The penalty's gradient on weights, the optimizer's rule (torch's order of operations),
    then L1's cut of the weights whose sign flipped (nn.ts)."""
    beta1, beta2 = ADAM_BETAS
    for j in range(len(theta)):
        g = grad[j]
        if is_weight[j] and rate > 0:
            if reg == 1:
                g += rate * (1.0 if theta[j] > 0 else (-1.0 if theta[j] < 0 else 0.0))
            elif reg == 2:
                g += rate * theta[j]
        old = theta[j]
        if opt == 0:
            theta[j] -= lr * g
        elif opt == 1:
            s1[j] = s1[j] * MOMENTUM + g
            theta[j] -= lr * s1[j]
        elif opt == 2:
            s1[j] += g * g
            theta[j] -= lr * (g / (math.sqrt(s1[j]) + ADAGRAD_EPS))
        else:
            s1[j] += (g - s1[j]) * (1 - beta1)
            s2[j] = s2[j] * beta2 + (g * g) * (1 - beta2)
            denom = math.sqrt(s2[j]) / (1 - beta2**t) ** 0.5 + ADAM_EPS
            theta[j] -= s1[j] / denom * (lr / (1 - beta1**t))
        if reg == 1 and is_weight[j] and old * theta[j] < 0:
            theta[j] = 0.0


@njit(cache=True)
def train_epoch(F, target, order, batch_size, sizes, theta, is_weight, s1, s2, t, lr, act,
                out_kind, opt, reg, rate):
    """One epoch over `order` in mini-batches; returns (mean batch loss, optimizer steps so far)."""
    width = 0
    for n in sizes:
        width += n
    A = np.empty((batch_size, width))
    D = np.empty((batch_size, width))
    Z = np.empty((batch_size, sizes[-1]))
    grad = np.empty_like(theta)
    total, steps, out_off = 0.0, 0, width - sizes[-1]
    for start in range(0, len(order), batch_size):
        idx = order[start:start + batch_size]
        _forward(F, idx, sizes, theta, act, out_kind, A, Z)
        total += _output_delta(target, idx, A, Z, out_off, sizes[-1], out_kind, D)
        _backward(idx, sizes, theta, act, A, D, grad)
        t += 1
        steps += 1
        _update(theta, grad, is_weight, s1, s2, t, lr, opt, reg, rate)
    return total / steps, t

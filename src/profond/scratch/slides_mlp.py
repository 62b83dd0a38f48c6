"""The slides' multi-layer perceptron (deck 003, Werbos & Rumelhart), written out rule by rule.

One hidden layer of sigmoid units, a sigmoid output layer, the squared error E = ½ Σ (t − y)² and
online updates (one example at a time), with the slides' names:

    s = Σ_i w_i x_i  (x_0 = 1 carries the bias),   y = 1 / (1 + e^(−s))
    δ_k = y_k (1 − y_k) (t_k − y_k)                output unit k
    δ_j = y_j (1 − y_j) Σ_k δ_k w_kj               hidden unit j (w_kj: from j to k)
    Δw_kj = η δ_k y_j,   Δw_ji = η δ_j x_i

The generic engine computes the same step as Sequential(Linear, Sigmoid, Linear, Sigmoid) with
HalfSSE and SGD(lr=η); tests/scratch/test_slides_mlp.py checks that the two agree.
"""

import numpy as np

# Deck 001's worked example (Mazur, "A Step by Step Backpropagation Example"), a 2-2-2 network:
# rows are receiving units, column 0 the bias; h1 = (b1, w1, w2), h2 = (b1, w3, w4),
# o1 = (b2, w5, w6), o2 = (b2, w7, w8).
MAZUR = {"x": [0.05, 0.10], "t": [0.01, 0.99], "lr": 0.5,
         "W_hidden": [[0.35, 0.15, 0.20], [0.35, 0.25, 0.30]],
         "W_output": [[0.60, 0.40, 0.45], [0.60, 0.50, 0.55]]}


def sigmoid(s: np.ndarray) -> np.ndarray:
    """y = 1 / (1 + e^(−s))."""
    return 1.0 / (1.0 + np.exp(-s))


def with_bias(x: np.ndarray) -> np.ndarray:
    """Prepend x_0 = 1, as the slides do, so that w_0 is the bias."""
    return np.concatenate(([1.0], x))


class SlidesMLP:
    """Sigmoid MLP n_inputs -> n_hidden -> n_outputs trained online with the slides' δ rules.

    `W_hidden` (n_hidden, n_inputs + 1) holds w_ji and `W_output` (n_outputs, n_hidden + 1) holds
    w_kj; column 0 multiplies x_0 = 1 (the bias). Weights start ~ U(−1, 1). Everything is float64.
    """

    def __init__(self, n_inputs: int, n_hidden: int, n_outputs: int, lr: float = 0.5,
                 seed: int = 0):
        from profond.checks import check_int, check_positive

        check_int("n_inputs", n_inputs, minimum=1)
        check_int("n_hidden", n_hidden, minimum=1)
        check_int("n_outputs", n_outputs, minimum=1)
        self.lr = check_positive("lr", lr)
        rng = np.random.default_rng(seed)
        self.W_hidden = rng.uniform(-1.0, 1.0, (n_hidden, n_inputs + 1))
        self.W_output = rng.uniform(-1.0, 1.0, (n_outputs, n_hidden + 1))

    def forward(self, x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Step 1, propagate: x (n_inputs,) -> hidden outputs y_j (n_hidden,), outputs y_k."""
        y_hidden = sigmoid(self.W_hidden @ with_bias(x))
        y_output = sigmoid(self.W_output @ with_bias(y_hidden))
        return y_hidden, y_output

    def deltas(self, y_hidden: np.ndarray, y_output: np.ndarray, t: np.ndarray):
        """Steps 2 and 3: δ_k = y_k (1 − y_k)(t_k − y_k), δ_j = y_j (1 − y_j) Σ_k δ_k w_kj."""
        delta_output = y_output * (1 - y_output) * (t - y_output)
        # Column 0 of W_output is the bias weight: no hidden unit sends it, so no δ flows back.
        delta_hidden = y_hidden * (1 - y_hidden) * (self.W_output[:, 1:].T @ delta_output)
        return delta_hidden, delta_output

    def updates(self, x: np.ndarray, t: np.ndarray) -> tuple[np.ndarray, np.ndarray, float]:
        """Step 4: ΔW_hidden[j, i] = η δ_j x_i, ΔW_output[k, j] = η δ_k y_j (x_0 = y_0 = 1).

        Also returns the example's error E = ½ Σ_k (t_k − y_k)², before the update.
        """
        x, t = np.asarray(x, dtype=np.float64), np.atleast_1d(np.asarray(t, dtype=np.float64))
        y_hidden, y_output = self.forward(x)
        delta_hidden, delta_output = self.deltas(y_hidden, y_output, t)
        dW_hidden = self.lr * np.outer(delta_hidden, with_bias(x))
        dW_output = self.lr * np.outer(delta_output, with_bias(y_hidden))
        return dW_hidden, dW_output, 0.5 * float(np.sum((t - y_output) ** 2))

    def train_step(self, x: np.ndarray, t: np.ndarray) -> float:
        """One online update on one example; returns its error E before the update."""
        # Both updates come from the weights before the step, as the δ_j rule reads w_kj.
        dW_hidden, dW_output, error = self.updates(x, t)
        self.W_hidden += dW_hidden
        self.W_output += dW_output
        return error

    def fit(self, X: np.ndarray, T: np.ndarray, epochs: int = 1000) -> list[float]:
        """Online training, examples in order; returns E = ½ Σ_x Σ_k (t − y)² for each epoch."""
        T = np.asarray(T, dtype=np.float64).reshape(len(X), -1)
        return [sum(self.train_step(x, t) for x, t in zip(X, T, strict=True))
                for _ in range(epochs)]

    def predict(self, X: np.ndarray) -> np.ndarray:
        """Outputs y_k for each row of X: (N, n_inputs) -> (N, n_outputs)."""
        return np.array([self.forward(np.asarray(x, dtype=np.float64))[1] for x in X])

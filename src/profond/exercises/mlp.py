"""Exercises of notebook 02 (the multilayer perceptron and backpropagation, deck 003).

Every reference comes from centred finite differences (`profond.scratch.gradcheck`) on a network
drawn afresh by the check: δ = −∂E/∂s for the slides' deltas, ∂(Σ out·dout)/∂(x, W, b) for a
sigmoid layer's backward pass. The students' functions never see the reference values.
"""

import numpy as np

from profond.exercises import exercise
from profond.scratch.gradcheck import numerical_grad, numerical_grad_array, rel_error

TOLERANCE = 1e-6  # float64 centred differences reach ~1e-9 on these smooth functions


def _sigmoid(s: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-s))


def _with_bias(v: np.ndarray) -> np.ndarray:
    return np.concatenate(([1.0], v))


def _output_cases(seed: int):
    """(y_k, t_k, δ_k = −∂E/∂s_k) for E = ½ Σ (t − σ(s))², with the δ taken numerically."""
    rng = np.random.default_rng(seed)
    for size in (1, 3, 5):
        s, t = rng.normal(0, 2, size), rng.uniform(0, 1, size)
        delta = -numerical_grad(lambda s_, t=t: 0.5 * np.sum((t - _sigmoid(s_)) ** 2), s.copy())
        yield _sigmoid(s), t, delta


def _hidden_cases(seed: int):
    """(y_j, W_output with its bias column 0, δ_k, δ_j = −∂E/∂s_j) on random small networks."""
    rng = np.random.default_rng(seed)
    for n_hidden, n_out in ((2, 1), (3, 2), (4, 3)):
        s_hidden = rng.normal(0, 1.5, n_hidden)
        W_output = rng.uniform(-1, 1, (n_out, n_hidden + 1))
        t = rng.uniform(0, 1, n_out)

        def error(s_j, W_output=W_output, t=t):
            return 0.5 * np.sum((t - _sigmoid(W_output @ _with_bias(_sigmoid(s_j)))) ** 2)

        y_hidden = _sigmoid(s_hidden)
        y_out = _sigmoid(W_output @ _with_bias(y_hidden))
        delta_out = y_out * (1 - y_out) * (t - y_out)
        yield y_hidden, W_output, delta_out, -numerical_grad(error, s_hidden.copy())


@exercise("mlp.output_delta",
          "Écrivez delta_sortie(y, t) : le δ_k des neurones de sortie sigmoïdes pour "
          "E = ½ Σ (t − y)².",
          solution=lambda: lambda y, t: y * (1 - y) * (t - y),
          wrong=lambda: lambda y, t: t - y,
          function="delta_sortie(y, t)")
def _(answer):
    for y, t, expected in _output_cases(seed=3):
        got = np.asarray(answer(y.copy(), t.copy()), dtype=float)
        assert got.shape == y.shape, (
            f"Un δ par neurone de sortie : attendu la forme {y.shape}, reçu {got.shape}.")
        if rel_error(got, expected) < TOLERANCE:
            continue
        if rel_error(got, -expected) < TOLERANCE:
            raise AssertionError("Le signe est inversé : δ_k = −∂E/∂s_k, et E = ½ (t − y)².")
        if rel_error(got, t - y) < TOLERANCE:
            raise AssertionError("Il manque la dérivée de la sigmoïde, ∂y/∂s = y (1 − y) : "
                                 "(t − y) seul est le cas « plus général » d'une autre sortie.")
        raise AssertionError(f"Pour y = {y.round(3)}, t = {t.round(3)}, vos δ valent "
                             f"{got.round(4)}. Dérivez E par rapport à s_k, pas à y_k.")


def _hidden_solution():
    def delta_hidden(y_hidden, W_output, delta_output):
        return y_hidden * (1 - y_hidden) * (W_output[:, 1:].T @ delta_output)
    return delta_hidden


def _hidden_wrong():
    def delta_hidden(y_hidden, W_output, delta_output):  # forgets σ'(s_j) = y_j (1 − y_j)
        return W_output[:, 1:].T @ delta_output
    return delta_hidden


@exercise("mlp.hidden_delta",
          "Écrivez delta_cachee(y_cachee, W_sortie, delta_sortie) : le δ_j des neurones cachés "
          "(W_sortie a le biais en colonne 0).",
          solution=_hidden_solution, wrong=_hidden_wrong,
          function="delta_cachee(y_cachee, W_sortie, delta_sortie)")
def _(answer):
    for y_hidden, W_output, delta_out, expected in _hidden_cases(seed=5):
        try:
            got = np.asarray(answer(y_hidden.copy(), W_output.copy(), delta_out.copy()),
                             dtype=float)
        except ValueError as exc:
            raise AssertionError(
                f"Votre fonction lève « {exc} » avec W_sortie de forme {W_output.shape} : "
                "la colonne 0 est le poids du biais (entrée y_0 = 1), qu'aucun neurone caché "
                "n'envoie.") from None
        assert got.shape == y_hidden.shape, (
            f"Un δ par neurone caché : attendu la forme {y_hidden.shape}, reçu {got.shape}. "
            "Pensez à la colonne 0 de W_sortie (le biais) et au sens de la somme sur k.")
        if rel_error(got, expected) < TOLERANCE:
            continue
        back = W_output[:, 1:].T @ delta_out
        if rel_error(got, back) < TOLERANCE:
            raise AssertionError("Il manque y_j (1 − y_j), la dérivée de la sigmoïde du neurone "
                                 "caché.")
        if rel_error(got, -expected) < TOLERANCE:
            raise AssertionError("Le signe est inversé : δ_j = −∂E/∂s_j, comme δ_k.")
        raise AssertionError(
            "Pas encore : δ_j = y_j (1 − y_j) Σ_k δ_k w_kj ; vérifiez que vous sautez la colonne "
            "du biais et que la somme porte sur les neurones de sortie k.")


def _layer_references(dout, x, W, b) -> dict[str, np.ndarray]:
    """dx, dW, db of Σ σ(x Wᵀ + b) · dout by centred differences."""
    return {
        "dx": numerical_grad_array(lambda x_: _sigmoid(x_ @ W.T + b), x.copy(), dout),
        "dW": numerical_grad_array(lambda W_: _sigmoid(x @ W_.T + b), W.copy(), dout),
        "db": numerical_grad_array(lambda b_: _sigmoid(x @ W.T + b_), b.copy(), dout),
    }


def _layer_solution():
    def sigmoid_layer_backward(dout, x, W, b):
        out = 1.0 / (1.0 + np.exp(-(x @ W.T + b)))
        ds = dout * out * (1 - out)
        return ds @ W, ds.T @ x, ds.sum(axis=0)
    return sigmoid_layer_backward


def _layer_wrong():
    def sigmoid_layer_backward(dout, x, W, b):  # the linear layer's backward, σ' forgotten
        return dout @ W, dout.T @ x, dout.sum(axis=0)
    return sigmoid_layer_backward


@exercise("mlp.sigmoid_layer_backward",
          "Écrivez couche_sigmoide_backward(dout, x, W, b) -> (dx, dW, db) pour "
          "out = σ(x Wᵀ + b).",
          solution=_layer_solution, wrong=_layer_wrong,
          function="couche_sigmoide_backward(dout, x, W, b)")
def _(answer):
    rng = np.random.default_rng(7)
    for N, D, M in ((1, 2, 1), (4, 3, 2), (5, 6, 3)):
        x, W, b = rng.normal(size=(N, D)), rng.normal(size=(M, D)), rng.normal(size=M)
        dout = rng.normal(size=(N, M))
        grads = answer(dout.copy(), x.copy(), W.copy(), b.copy())
        assert isinstance(grads, tuple | list) and len(grads) == 3, (
            "Renvoyez trois gradients, dans l'ordre des entrées : (dx, dW, db).")
        for (name, ref), value in zip(_layer_references(dout, x, W, b).items(), grads,
                                      strict=True):
            got = np.asarray(value, dtype=float)
            assert got.shape == ref.shape, (
                f"{name} doit avoir la forme de {name[1:]} {ref.shape} ; reçu {got.shape}. "
                + ("Sommez sur les N exemples." if name == "db" else
                   "Vérifiez les transpositions." if got.shape == ref.shape[::-1] else ""))
            if rel_error(got, ref) < TOLERANCE:
                continue
            linear = {"dx": dout @ W, "dW": dout.T @ x, "db": dout.sum(0)}[name]
            if rel_error(got, linear) < TOLERANCE:
                raise AssertionError(f"{name} : c'est le gradient de la couche linéaire seule ; "
                                     "multipliez d'abord dout par σ'(s) = out (1 − out).")
            if name != "db" and rel_error(got, -ref) < TOLERANCE:
                raise AssertionError(f"{name} : le signe est inversé.")
            raise AssertionError(
                f"{name} ne correspond pas aux différences finies (erreur relative "
                f"{rel_error(got, ref):.1e}). Chaînez : ds = dout · σ'(s), puis les gradients de "
                "s = x Wᵀ + b" + (" ; db somme ds sur les N exemples." if name == "db" else "."))

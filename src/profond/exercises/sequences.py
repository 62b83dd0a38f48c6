"""Exercises of notebook 05 (recurrent networks and attention, decks 001, 003 and 004).

Each answer is a NumPy function, called here on fresh random inputs. The references come from
torch (nn.RNNCell with the same weights, F.scaled_dot_product_attention, softmax of z / τ) and
are compared with profond's own versions, so a check can never agree with a broken library.
"""

import numpy as np

from profond.exercises import call_answer, exercise

_HINT = "Vérifiez les formes et les transpositions (un produit matriciel se lit (N, D) @ (D, H))."


# --- one step of a tanh RNN cell -----------------------------------------------------------

def _rnn_cases():
    rng = np.random.default_rng(2024)
    for N, D, H in ((1, 3, 4), (5, 2, 6), (3, 7, 2)):
        yield (rng.normal(size=(N, D)), rng.normal(size=(N, H)), rng.normal(size=(H, D)),
               rng.normal(size=(H, H)) / 2, rng.normal(size=H), rng.normal(size=H))


def _rnn_reference(x, h, W_ih, W_hh, b_ih, b_hh):
    """torch.nn.RNNCell (tanh) loaded with these weights, in float64."""
    import torch

    cell = torch.nn.RNNCell(W_ih.shape[1], W_ih.shape[0]).double()
    with torch.no_grad():
        for name, value in zip(("weight_ih", "weight_hh", "bias_ih", "bias_hh"),
                               (W_ih, W_hh, b_ih, b_hh), strict=True):
            getattr(cell, name).copy_(torch.from_numpy(value))
        return cell(torch.from_numpy(x), torch.from_numpy(h)).numpy()


def _rnn_solution():
    def pas_rnn(x, h, W_ih, W_hh, b_ih, b_hh):
        return np.tanh(x @ W_ih.T + b_ih + h @ W_hh.T + b_hh)
    return pas_rnn


def _rnn_wrong():
    def pas_rnn(x, h, W_ih, W_hh, b_ih, b_hh):  # forgets the non-linearity
        return x @ W_ih.T + b_ih + h @ W_hh.T + b_hh
    return pas_rnn


@exercise("sequences.rnn_step",
          "Écrivez pas_rnn(x, h, W_ih, W_hh, b_ih, b_hh) : un pas de la cellule RNN (Elman), "
          "h' = tanh(x W_ihᵀ + b_ih + h W_hhᵀ + b_hh), pour un lot x (N, D) et h (N, H).",
          solution=_rnn_solution, wrong=_rnn_wrong,
          function="pas_rnn")
def _(answer):
    from profond.scratch.functional import rnn_cell_forward

    for x, h, W_ih, W_hh, b_ih, b_hh in _rnn_cases():
        expected = _rnn_reference(x, h, W_ih, W_hh, b_ih, b_hh)
        # the library's white-box cell must agree with torch, or the check itself is wrong
        np.testing.assert_allclose(rnn_cell_forward(x, h, W_ih, W_hh, b_ih, b_hh)[0], expected,
                                   atol=1e-10)
        out = call_answer(answer, x, h, W_ih, W_hh, b_ih, b_hh, what="pas_rnn", hint=_HINT)
        assert out.shape == expected.shape, (
            f"Attendu h' de forme (N, H) = {expected.shape}, reçu {out.shape}.")
        if np.allclose(out, expected, atol=1e-8):
            continue
        linear = x @ W_ih.T + b_ih + h @ W_hh.T + b_hh
        if np.allclose(out, linear):
            raise AssertionError("Pas encore : il manque la non-linéarité (tanh) autour de la "
                                 "somme.")
        if np.allclose(out, np.tanh(x @ W_ih.T + h @ W_hh.T)):
            raise AssertionError("Pas encore : les biais b_ih et b_hh manquent.")
        if np.allclose(out, np.tanh(x @ W_ih.T + b_ih + b_hh)):
            raise AssertionError("Pas encore : l'état précédent h ne compte pas ; c'est lui "
                                 "qui donne la mémoire du réseau (terme h W_hhᵀ).")
        raise AssertionError("Pas encore : h' ne correspond pas à tanh(x W_ihᵀ + b_ih + "
                             "h W_hhᵀ + b_hh). Vérifiez chaque terme et les transpositions.")


# --- scaled dot-product attention --------------------------------------------------------------

def _attention_cases():
    rng = np.random.default_rng(7)
    for batch, L, S, E, Ev in (((), 3, 5, 4, 2), ((2,), 4, 4, 8, 3), ((2, 3), 1, 6, 16, 5)):
        yield (rng.normal(size=(*batch, L, E)) * 2, rng.normal(size=(*batch, S, E)) * 2,
               rng.normal(size=(*batch, S, Ev)))


def _softmax(a, axis=-1):
    e = np.exp(a - a.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


def _attention_solution():
    def attention(Q, K, V):
        scores = Q @ np.swapaxes(K, -1, -2) / np.sqrt(Q.shape[-1])
        scores = scores - scores.max(axis=-1, keepdims=True)
        weights = np.exp(scores)
        weights = weights / weights.sum(axis=-1, keepdims=True)
        return weights @ V
    return attention


def _attention_wrong():
    def attention(Q, K, V):  # forgets the 1/√d scaling
        return _softmax(Q @ np.swapaxes(K, -1, -2)) @ V
    return attention


@exercise("sequences.attention",
          "Écrivez attention(Q, K, V) en NumPy : softmax(Q Kᵀ / √d) V, la softmax sur l'axe des "
          "clés ; Q (..., L, d), K (..., S, d), V (..., S, d_v) -> (..., L, d_v).",
          solution=_attention_solution, wrong=_attention_wrong,
          function="attention")
def _(answer):
    import torch

    from profond.scratch.functional import scaled_dot_product_attention_forward

    for Q, K, V in _attention_cases():
        expected = torch.nn.functional.scaled_dot_product_attention(
            *(torch.from_numpy(a) for a in (Q, K, V))).numpy()
        np.testing.assert_allclose(scaled_dot_product_attention_forward(Q, K, V)[0], expected,
                                   atol=1e-10)
        out = call_answer(answer, Q, K, V, what="attention", hint=_HINT)
        assert out.shape == expected.shape, (
            f"Q {Q.shape}, K {K.shape}, V {V.shape} : attendu une sortie de forme "
            f"{expected.shape}, reçu {out.shape}.")
        if np.allclose(out, expected, atol=1e-8):
            continue
        scores = Q @ np.swapaxes(K, -1, -2)
        if np.allclose(out, _softmax(scores) @ V):
            raise AssertionError("Pas encore : divisez les scores Q Kᵀ par √d (d = Q.shape[-1]) "
                                 "avant la softmax, sinon elle sature quand d grandit.")
        if np.allclose(out, _softmax(scores / np.sqrt(Q.shape[-1]), axis=-2) @ V):
            raise AssertionError("Pas encore : la softmax se prend sur l'axe des CLÉS (le "
                                 "dernier), pour que chaque requête répartisse un poids total 1.")
        raise AssertionError("Pas encore : le résultat diffère de softmax(Q Kᵀ / √d) V. "
                             "Vérifiez la transposition de K et l'axe de la softmax.")


# --- softmax with temperature ------------------------------------------------------------------

def _temperature_solution():
    def softmax_temperature(z, tau):
        a = z / tau
        e = np.exp(a - a.max(axis=-1, keepdims=True))
        return e / e.sum(axis=-1, keepdims=True)
    return softmax_temperature


def _temperature_wrong():
    def softmax_temperature(z, tau):  # multiplies by τ instead of dividing
        return _softmax(z * tau)
    return softmax_temperature


@exercise("sequences.temperature",
          "Écrivez softmax_temperature(z, tau) en NumPy : p_i = exp(z_i / τ) / Σ_j exp(z_j / τ) "
          "sur le dernier axe, sans débordement pour de grands logits.",
          solution=_temperature_solution, wrong=_temperature_wrong,
          function="softmax_temperature")
def _(answer):
    import torch

    from profond.models.sequence import softmax_with_temperature

    rng = np.random.default_rng(3)
    for shape, tau in (((7,), 1.0), ((4, 9), 0.5), ((2, 3, 5), 2.0), ((6,), 0.1)):
        z = rng.normal(size=shape) * 3
        expected = torch.softmax(torch.from_numpy(z) / tau, dim=-1).numpy()
        np.testing.assert_allclose(
            softmax_with_temperature(torch.from_numpy(z), tau).numpy(), expected, atol=1e-12)
        out = call_answer(answer, z, tau, what="softmax_temperature", hint=_HINT)
        assert out.shape == z.shape, f"Attendu la forme de z {z.shape}, reçu {out.shape}."
        if np.allclose(out, expected, atol=1e-8):
            continue
        if np.allclose(out, _softmax(z * tau)):
            raise AssertionError(f"Pas encore : avec τ = {tau}, on DIVISE les logits par τ "
                                 "(τ petit rend la loi plus pointue, τ grand l'aplatit).")
        if np.allclose(out.sum(axis=-1), 1) and np.allclose(out, _softmax(z / tau, axis=0)):
            raise AssertionError("Pas encore : normalisez sur le DERNIER axe (un lot de "
                                 "logits est de forme (N, vocabulaire)).")
        raise AssertionError(f"Pas encore : pour τ = {tau}, vos probabilités diffèrent de "
                             "softmax(z / τ) ; vérifiez la somme (elle doit valoir 1).")
    big = np.array([1000.0, 999.0, 0.0])
    out = call_answer(answer, big, 1.0, what="softmax_temperature", hint=_HINT)
    assert np.all(np.isfinite(out)), (
        "Pas encore : avec des logits de l'ordre de 1000, exp déborde (inf / inf = nan). "
        "Soustrayez le maximum de z / τ avant l'exponentielle : le résultat ne change pas.")
    assert np.allclose(out, _softmax(big)), "Pas encore : résultat faux pour de grands logits."

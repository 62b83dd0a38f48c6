"""Exercises of notebook 03 (convolution and pooling, deck 003).

The output size is checked against a count of the kernel's positions (independent of the slide's
formula); the hand-written 1-D convolution, kernel gradient and max-pool backward against the
white-box engine's `profond.scratch.functional`, on inputs drawn here, never shown to the student.
"""

import numpy as np

from profond.exercises import exercise
from profond.scratch import functional as F


def _positions(dim_in: int, kernel_size: int, stride: int, padding: int) -> int:
    """How many places the kernel fits in the padded input, moving `stride` at a time."""
    return len(range(0, dim_in + 2 * padding - kernel_size + 1, stride))


def _size_cases(seed: int = 3, n: int = 300) -> list[tuple[int, int, int, int]]:
    rng = np.random.default_rng(seed)
    cases = [(5, 3, 1, 0), (5, 3, 1, 1), (7, 3, 2, 1), (32, 5, 1, 2), (28, 5, 1, 0), (8, 2, 2, 0)]
    while len(cases) < n:
        k, s, p = int(rng.integers(1, 8)), int(rng.integers(1, 5)), int(rng.integers(0, 4))
        d = int(rng.integers(max(1, k - 2 * p), 64))
        cases.append((d, k, s, p))
    return cases


def _size_solution():
    def taille_sortie(dim_in, kernel_size, stride=1, padding=0):
        return (dim_in + 2 * padding - kernel_size) // stride + 1
    return taille_sortie


def _size_wrong():
    def taille_sortie(dim_in, kernel_size, stride=1, padding=0):  # padding on one side only
        return (dim_in + padding - kernel_size) // stride + 1
    return taille_sortie


@exercise("cnn.output_size",
          "Écrivez taille_sortie(dim_in, kernel_size, stride=1, padding=0) : la taille de la "
          "sortie d'une convolution le long d'un axe.",
          solution=_size_solution, wrong=_size_wrong,
          function="taille_sortie(dim_in, kernel_size, stride, padding)")
def _(answer):
    for d, k, s, p in _size_cases():
        got = answer(d, k, s, p)
        assert isinstance(got, int | float | np.integer | np.floating), (
            f"Attendu un nombre (la taille de sortie) ; reçu {type(got).__name__}.")
        want = _positions(d, k, s, p)
        assert want == F.conv_output_size(d, k, s, p)  # the library agrees with the count
        if got == want and float(got).is_integer():
            continue
        case = f"dim_in={d}, kernel_size={k}, stride={s}, padding={p}"
        if not float(got).is_integer():
            hint = "la taille doit être un entier : pensez à la partie entière ⌊…⌋."
        elif got == (d + p - k) // s + 1:
            hint = "le padding s'ajoute des deux côtés de l'entrée."
        elif got == want - 1 or got == (d + 2 * p - k) // s:
            hint = ("il manque une position : la position initiale du noyau compte aussi "
                    "(le « + 1 »).")
        elif got == -(-(d + 2 * p - k) // s) + 1:
            hint = "on arrondit vers le bas : un noyau qui dépasse de l'entrée ne compte pas."
        else:
            hint = "comptez à la main les positions possibles du noyau sur un petit exemple."
        raise AssertionError(f"Pas encore : pour {case}, attendu {want}, reçu {got} ; {hint}")


def _conv_reference(x, w, b, stride, padding) -> np.ndarray:
    out, _ = F.conv1d_forward(np.asarray(x, float)[None, None], np.asarray(w, float)[None, None],
                              np.array([b], dtype=float), stride, padding)
    return out[0, 0]


def _conv_cases(seed: int = 5):
    rng = np.random.default_rng(seed)
    cases = [(rng.normal(size=10), rng.normal(size=3), 0.0, 1, 0)]  # no bias, stride 1, no pad
    for stride, padding in ((1, 1), (2, 0), (2, 1), (3, 2), (1, 0)):
        L, K = int(rng.integers(8, 20)), int(rng.integers(2, 6))
        cases.append((rng.normal(size=L), rng.normal(size=K), float(rng.normal()), stride,
                      padding))
    return cases


def _conv_solution():
    def conv1d_main(x, w, b=0.0, stride=1, padding=0):
        x = np.pad(np.asarray(x, dtype=float), padding)
        K = len(w)
        starts = range(0, len(x) - K + 1, stride)
        return np.array([np.dot(w, x[i:i + K]) + b for i in starts])
    return conv1d_main


def _conv_wrong():
    def conv1d_main(x, w, b=0.0, stride=1, padding=0):  # the mathematician's convolution
        x = np.pad(np.asarray(x, dtype=float), padding)
        K = len(w)
        starts = range(0, len(x) - K + 1, stride)
        return np.array([np.dot(w[::-1], x[i:i + K]) + b for i in starts])
    return conv1d_main


@exercise("cnn.conv1d",
          "Écrivez conv1d_main(x, w, b, stride, padding) : la sortie d'un neurone de convolution "
          "1-D (un canal, un noyau) à chaque position.",
          solution=_conv_solution, wrong=_conv_wrong,
          function="conv1d_main(x, w, b, stride, padding)")
def _(answer):
    for x, w, b, stride, padding in _conv_cases():
        want = _conv_reference(x, w, b, stride, padding)
        got = np.asarray(answer(x.copy(), w.copy(), b, stride, padding), dtype=float)
        case = f"len(x)={len(x)}, len(w)={len(w)}, stride={stride}, padding={padding}"
        assert got.shape == want.shape, (
            f"Pas encore : pour {case}, attendu une sortie de forme {want.shape}, reçu "
            f"{got.shape}. Revoyez le nombre de positions du noyau (exercice précédent).")
        if np.allclose(got, want):
            continue
        if np.allclose(got, _conv_reference(x, w[::-1], b, stride, padding)):
            hint = ("votre noyau est retourné : la « convolution » des réseaux (et de PyTorch) "
                    "fait glisser w tel quel, sans le renverser (corrélation croisée).")
        elif np.allclose(got + b, want) or np.allclose(got - b, want):
            hint = "le biais b s'ajoute une fois à chaque sortie."
        else:
            hint = ("la sortie i est Σ_u w[u]·x_pad[stride·i + u] + b, avec x_pad complété de "
                    "zéros de chaque côté.")
        raise AssertionError(f"Pas encore : pour {case}, les valeurs diffèrent ; {hint}")


def _grad_cases(seed: int = 7):
    rng = np.random.default_rng(seed)
    return [(rng.normal(size=L), rng.normal(size=L - K + 1), K)
            for L, K in ((6, 3), (12, 4), (9, 2), (15, 5))]


def _grad_reference(x, dout, K) -> np.ndarray:
    x4, W = np.asarray(x, float)[None, None], np.zeros((1, 1, K))
    _, cache = F.conv1d_forward(x4, W, None)
    _, dW, _ = F.conv1d_backward(np.asarray(dout, float)[None, None], cache)
    return dW[0, 0]


def _grad_solution():
    def grad_noyau(x, dout, K):
        return np.array([np.dot(dout, x[u:u + len(dout)]) for u in range(K)])
    return grad_noyau


def _grad_wrong():
    def grad_noyau(x, dout, K):  # only the first position's contribution
        return dout[0] * np.asarray(x[:K], dtype=float)
    return grad_noyau


@exercise("cnn.kernel_grad",
          "Écrivez grad_noyau(x, dout, K) : le gradient ∂L/∂w du noyau partagé d'une convolution "
          "1-D (stride 1, sans padding), sachant dout = ∂L/∂sortie.",
          solution=_grad_solution, wrong=_grad_wrong,
          function="grad_noyau(x, dout, K)")
def _(answer):
    for x, dout, K in _grad_cases():
        want = _grad_reference(x, dout, K)
        got = np.asarray(answer(x.copy(), dout.copy(), K), dtype=float)
        assert got.shape == want.shape, (
            f"Pas encore : le noyau a {K} poids, votre gradient a la forme {got.shape}.")
        if np.allclose(got, want):
            continue
        if np.allclose(got * len(dout), want):
            hint = ("vous avez fait la moyenne des contributions : ici la perte est une somme "
                    "sur les positions, le gradient du noyau partagé en est donc la somme.")
        elif np.allclose(got, dout[0] * x[:K]):
            hint = ("le noyau sert à toutes les positions, pas seulement à la première : "
                    "additionnez la contribution de chaque position.")
        else:
            hint = "chaque position i contribue dout[i]·x[i + u] au poids w[u]."
        raise AssertionError(f"Pas encore (len(x)={len(x)}, K={K}) : {hint}")


def _pool_cases(seed: int = 11):
    rng = np.random.default_rng(seed)
    cases = []
    for L, k in ((8, 2), (9, 3), (10, 4), (12, 3), (7, 2)):
        x = rng.permutation(L * 10)[:L] / 10.0 - 3.0  # distinct values: no ties
        cases.append((x, rng.normal(size=L // k), k))
    return cases


def _pool_reference(x, dout, k) -> np.ndarray:
    _, cache = F.max_pool1d_forward(np.asarray(x, float)[None, None], k)
    return F.max_pool1d_backward(np.asarray(dout, float)[None, None], cache)[0, 0]


def _pool_solution():
    def max_pool_arriere(x, dout, k):
        dx = np.zeros(len(x))
        for i, g in enumerate(dout):
            dx[i * k + int(np.argmax(x[i * k:(i + 1) * k]))] += g
        return dx
    return max_pool_arriere


def _pool_wrong():
    def max_pool_arriere(x, dout, k):  # average pooling's backward
        dx = np.zeros(len(x))
        for i, g in enumerate(dout):
            dx[i * k:(i + 1) * k] += g / k
        return dx
    return max_pool_arriere


@exercise("cnn.maxpool_backward",
          "Écrivez max_pool_arriere(x, dout, k) : le gradient dx d'un max-pooling 1-D de "
          "taille k et de pas k, sachant dout = ∂L/∂sortie.",
          solution=_pool_solution, wrong=_pool_wrong,
          function="max_pool_arriere(x, dout, k)")
def _(answer):
    for x, dout, k in _pool_cases():
        want = _pool_reference(x, dout, k)
        got = np.asarray(answer(x.copy(), dout.copy(), k), dtype=float)
        assert got.shape == want.shape, (
            f"Pas encore : dx doit avoir la forme de x {x.shape} ; reçu {got.shape}.")
        if np.allclose(got, want):
            continue
        n = len(dout) * k
        if np.allclose(got[:n].reshape(-1, k), np.repeat(dout / k, k).reshape(-1, k)):
            hint = ("vous répartissez le gradient sur toute la fenêtre : c'est le pooling "
                    "moyen. Pour le max, seul l'élément qui a donné le max le reçoit.")
        elif np.count_nonzero(got[n:]) or np.count_nonzero(want[:n] == 0) != np.count_nonzero(
                got[:n] == 0):
            hint = ("chaque fenêtre envoie son gradient à une seule entrée, et les entrées "
                    "qu'aucune fenêtre ne couvre reçoivent 0.")
        else:
            hint = "le gradient d'une fenêtre va à l'indice de son maximum, avec la valeur dout[i]."
        raise AssertionError(f"Pas encore (len(x)={len(x)}, k={k}) : {hint}")

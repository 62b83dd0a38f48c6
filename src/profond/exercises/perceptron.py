"""Exercises of notebook 01 (the neuron and the perceptron, decks 001 and 003).

Each reference is computed here from the slides' formulas, independently of `profond.classic`:
a truth table for McCulloch-Pitts, ΔW = η X (t − y) for the perceptron, the Euclidean distance for
the nearest mean.
"""

import numpy as np

from profond.exercises import exercise

TRUTH_INPUTS = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=float)
AND_TARGETS = np.array([0, 0, 0, 1])
SLIDE_START = np.array([0.0, 1.0, 0.0])  # deck 003 starts its OR example from w = (0, 1, 0)
SLIDE_MEANS = np.array([[6.0, 9.0], [3.0, 7.0], [3.0, 1.0]])  # deck 001: rouge, bleu, vert
SLIDE_QUERY = np.array([5.0, 2.0])


def _step(w: np.ndarray, x: np.ndarray, t: float, eta: float) -> np.ndarray:
    """The slide's rule: y = 1 if w·x > 0 else 0 (x0 = 1 included in x), then w + η x (t − y)."""
    y = float(w @ x > 0)
    return w + eta * x * (t - y)


def _close_enough(a, b) -> bool:
    """Distances given to two decimals are right."""
    return np.allclose(a, b, atol=1e-2)


def _perceptron_weights(X: np.ndarray, t: np.ndarray, w: np.ndarray, max_epochs=100):
    """Online perceptron, examples in order, until an epoch makes no update."""
    Xb = np.hstack([np.ones((len(X), 1)), X])
    for _ in range(max_epochs):
        w_start = w.copy()
        for x, target in zip(Xb, t, strict=True):
            w = _step(w, x, target, 1.0)
        if np.array_equal(w, w_start):
            return w
    raise RuntimeError("the reference perceptron did not converge")


@exercise("perceptron.mcp_and",
          "Donnez (w1, w2, θ) pour qu'un neurone de McCulloch-Pitts calcule le ET logique.",
          solution=lambda: (1.0, 1.0, 1.5), wrong=lambda: (1.0, 1.0, 0.5))
def _(answer):
    values = np.asarray(answer, dtype=float).ravel()
    assert values.shape == (3,), (
        f"Attendu trois nombres (w1, w2, θ), reçu {values.size} valeur(s).")
    w, theta = values[:2], values[2]
    y = (TRUTH_INPUTS @ w - theta > 0).astype(int)
    wrong = [tuple(int(v) for v in x)
             for x, out, t in zip(TRUTH_INPUTS, y, AND_TARGETS, strict=True) if out != t]
    assert not wrong, (
        f"Pas encore : votre neurone se trompe sur les entrées {wrong}. Rappel : y = 1 seulement "
        "si w1·x1 + w2·x2 − θ > 0 (strictement) ; le ET ne vaut 1 que pour (1, 1).")


def _update_solution():
    def update(w, x, t, eta):
        y = 1.0 if np.dot(w, x) > 0 else 0.0
        return np.asarray(w, dtype=float) + eta * np.asarray(x, dtype=float) * (t - y)
    return update


def _update_wrong():
    def update(w, x, t, eta):  # y = 1 at w·x = 0: the threshold is not strict
        y = 1.0 if np.dot(w, x) >= 0 else 0.0
        return np.asarray(w, dtype=float) + eta * np.asarray(x, dtype=float) * (t - y)
    return update


@exercise("perceptron.update",
          "Écrivez mise_a_jour(w, x, t, eta) : la sortie y du perceptron puis les nouveaux poids "
          "w + η x (t − y) (x contient déjà x0 = 1).",
          solution=_update_solution, wrong=_update_wrong,
          function="mise_a_jour(w, x, t, eta)")
def _(answer):
    rng = np.random.default_rng(12)
    cases = [(np.array([0.0, 1.0, 0.0]), np.array([1.0, 0.0, 0.0]), 0, 1.0),  # w·x = 0, t = 0
             (np.array([0.0, 1.0, 0.0]), np.array([1.0, 0.0, 1.0]), 1, 1.0),  # w·x = 0, t = 1
             (np.array([1.0, 1.0, 1.0]), np.array([1.0, 0.0, 0.0]), 0, 1.0)]  # the slide's row 5
    for _ in range(20):
        n = int(rng.integers(2, 6))
        x = np.concatenate([[1.0], rng.integers(-2, 3, n - 1).astype(float)])
        cases.append((rng.integers(-2, 3, n).astype(float), x, int(rng.integers(0, 2)),
                      float(rng.choice([0.1, 0.5, 1.0]))))
    for w, x, t, eta in cases:
        got = np.asarray(answer(w.copy(), x.copy(), t, eta), dtype=float)
        assert got.shape == w.shape, (
            f"Les nouveaux poids doivent avoir la forme de w {w.shape}, reçu {got.shape}.")
        expected = _step(w, x, t, eta)
        if np.allclose(got, expected):
            continue
        if np.allclose(got, w - (expected - w)):
            raise AssertionError("Le signe de la mise à jour est inversé : ΔW = η X (t − y).")
        if w @ x == 0:
            raise AssertionError(
                f"Pour w = {w.tolist()}, x = {x.tolist()}, t = {t} : w·x = 0. Relisez la diapo : "
                "y = 1 seulement si w·x > 0 (strictement).")
        raise AssertionError(
            f"Pour w = {w.tolist()}, x = {x.tolist()}, t = {t}, η = {eta}, vos poids sont "
            f"{got.tolist()}. Calculez d'abord y, puis ΔW = η X (t − y) ; n'oubliez pas η.")


@exercise("perceptron.and_weights",
          "Poids finaux (w0, w1, w2) du perceptron sur ET, depuis w = (0, 1, 0) avec η = 1, "
          "exemples dans l'ordre (0,0), (0,1), (1,0), (1,1).",
          solution=lambda: _perceptron_weights(TRUTH_INPUTS, AND_TARGETS, SLIDE_START.copy()),
          wrong=lambda: np.array([0.0, 1.0, 1.0]))
def _(answer):
    w = np.asarray(answer, dtype=float).ravel()
    assert w.shape == (3,), f"Attendu 3 poids (w0, w1, w2), reçu {w.size} valeur(s)."
    expected = _perceptron_weights(TRUTH_INPUTS, AND_TARGETS, SLIDE_START.copy())
    Xb = np.hstack([np.ones((4, 1)), TRUTH_INPUTS])
    if not np.array_equal((Xb @ w > 0).astype(int), AND_TARGETS):
        raise AssertionError(
            "Ces poids ne calculent même pas le ET (vérifiez w·x > 0 sur les quatre entrées) : "
            "le perceptron continue d'apprendre tant qu'une époque contient une erreur.")
    assert np.allclose(w, expected), (
        "Ces poids calculent bien le ET, mais ce ne sont pas ceux où s'arrête le perceptron parti "
        "de (0, 1, 0) : rejouez la trace exemple par exemple, dans l'ordre donné.")


@exercise("perceptron.nearest_mean_distances",
          "Distances euclidiennes de x = {5, 2} aux moyennes rouge {6, 9}, bleu {3, 7} et "
          "vert {3, 1}, dans cet ordre.",
          solution=lambda: np.sqrt([50.0, 29.0, 5.0]), wrong=lambda: np.array([50.0, 29.0, 5.0]))
def _(answer):
    d = np.asarray(answer, dtype=float).ravel()
    assert d.shape == (3,), f"Attendu 3 distances (rouge, bleu, vert), reçu {d.size} valeur(s)."
    expected = np.sqrt(((SLIDE_MEANS - SLIDE_QUERY) ** 2).sum(axis=1))
    if np.allclose(d, expected ** 2):
        raise AssertionError("Ce sont les carrés des distances : d = √((x1 − m1)² + (x2 − m2)²).")
    if _close_enough(np.sort(d), np.sort(expected)) and not _close_enough(d, expected):
        raise AssertionError("Les bonnes valeurs, mais pas dans l'ordre rouge, bleu, vert.")
    assert _close_enough(d, expected), (
        "Pas encore : calculez d = √((x1 − m1)² + (x2 − m2)²) pour chaque moyenne m.")

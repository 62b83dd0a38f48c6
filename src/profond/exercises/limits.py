"""Exercises of notebook 10 (the limits of deep learning, decks 001, 003 and 004).

The polynomial errors are checked against `numpy.polynomial.polynomial.polyfit`; chance accuracy
against its definition (a top-k guess is right for k of the C classes); the per-group accuracy
gap against a loop over the groups; magnitude pruning against `torch.nn.utils.prune`.
"""

import numpy as np

from profond.exercises import exercise


def _poly_reference(x, t, x_test, t_test, degree):
    from numpy.polynomial import polynomial as P

    w = P.polyfit(x, t, degree)
    return (float(np.sqrt(np.mean((P.polyval(x, w) - t) ** 2))),
            float(np.sqrt(np.mean((P.polyval(x_test, w) - t_test) ** 2))))


def _poly_solution():
    def erreurs_polynome(x, t, x_test, t_test, degre):
        w = np.polyfit(x, t, degre)
        return (np.sqrt(np.mean((np.polyval(w, x) - t) ** 2)),
                np.sqrt(np.mean((np.polyval(w, x_test) - t_test) ** 2)))
    return erreurs_polynome


def _poly_wrong():
    def erreurs_polynome(x, t, x_test, t_test, degre):  # mean squared error, no square root
        w = np.polyfit(x, t, degre)
        return (np.mean((np.polyval(w, x) - t) ** 2),
                np.mean((np.polyval(w, x_test) - t_test) ** 2))
    return erreurs_polynome


@exercise("limits.erreurs_polynome",
          "Écrivez erreurs_polynome(x, t, x_test, t_test, degre) : ajustez un polynôme de ce "
          "degré aux moindres carrés sur (x, t) et renvoyez (E_RMS apprentissage, E_RMS test).",
          solution=_poly_solution, wrong=_poly_wrong,
          function="erreurs_polynome(x, t, x_test, t_test, degre)")
def _(answer):
    rng = np.random.default_rng(21)
    x = np.sort(rng.uniform(0, 1, 10))
    t = np.cos(2 * np.pi * x) + 0.25 * rng.standard_normal(10)
    x_test = rng.uniform(0, 1, 50)
    t_test = np.cos(2 * np.pi * x_test) + 0.25 * rng.standard_normal(50)
    for degree in (0, 1, 3, 9):
        out = answer(x.copy(), t.copy(), x_test.copy(), t_test.copy(), degree)
        assert out is not None, "Votre fonction ne renvoie rien : terminez par un « return »."
        out = np.asarray(out, dtype=float).ravel()
        assert out.shape == (2,), (
            f"Attendu deux nombres (erreur d'apprentissage, erreur de test), reçu la forme "
            f"{out.shape}.")
        expected = np.array(_poly_reference(x, t, x_test, t_test, degree))
        if np.allclose(out, expected, rtol=1e-3, atol=1e-6):
            continue
        if np.allclose(out, expected[::-1], rtol=1e-3, atol=1e-6):
            raise AssertionError("Pas encore : les deux erreurs sont échangées ; l'ordre attendu "
                                 "est (apprentissage, test).")
        if np.allclose(out, expected ** 2, rtol=1e-3, atol=1e-6):
            raise AssertionError(
                "Pas encore : c'est l'erreur QUADRATIQUE moyenne ; E_RMS en est la racine "
                "(elle a l'unité de t).")
        raise AssertionError(
            f"Pas encore : pour le degré {degree}, attendu des erreurs de l'ordre de "
            f"{expected[0]:.2g} et {expected[1]:.2g} (mêmes données), reçu {out[0]:.3g} et "
            f"{out[1]:.3g}. Le polynôme est-il bien ajusté sur (x, t) seulement, puis évalué "
            "sur chaque jeu ?")


def _chance_solution():
    def exactitude_hasard(k, top=1):
        return min(top, k) / k
    return exactitude_hasard


def _chance_wrong():
    def exactitude_hasard(k, top=1):  # ignores the top-k rule
        return 1 / k
    return exactitude_hasard


@exercise("limits.hasard",
          "Écrivez exactitude_hasard(k, top=1) : l'exactitude attendue d'un classifieur qui "
          "répond au hasard (uniformément) sur k classes équilibrées, en top-1 ou en top-n.",
          solution=_chance_solution, wrong=_chance_wrong,
          function="exactitude_hasard(k, top=1)")
def _(answer):
    for k, top in ((2, 1), (10, 1), (10, 5), (1000, 1), (1000, 5), (3, 5)):
        out = answer(k, top=top)
        assert out is not None, "Votre fonction ne renvoie rien : terminez par un « return »."
        out = float(out)
        expected = min(top, k) / k
        if np.isclose(out, expected):
            continue
        assert not np.isclose(out, 100 * expected), (
            "Pas encore : attendu une fraction entre 0 et 1, pas un pourcentage.")
        assert top == 1, (
            f"Pas encore : en top-{top} on a droit à {top} propositions distinctes ; quelle "
            f"chance que la bonne classe en fasse partie, avec k = {k} classes ?"
            + (" (Et s'il y a moins de classes que de propositions ?)" if top > k else ""))
        raise AssertionError(
            f"Pas encore : pour k = {k} classes en top-1, reçu {out:.4g}. Une réponse tirée "
            "uniformément est juste avec quelle probabilité ?")


def _gap_reference(y_true, y_pred, groups):
    accs = [np.mean(y_true[groups == g] == y_pred[groups == g]) for g in np.unique(groups)]
    return float(max(accs) - min(accs))


def _gap_solution():
    def ecart_exactitude(y_true, y_pred, groupes):
        exactitudes = [np.mean(y_pred[groupes == g] == y_true[groupes == g])
                      for g in np.unique(groupes)]
        return max(exactitudes) - min(exactitudes)
    return ecart_exactitude


def _gap_wrong():
    def ecart_exactitude(y_true, y_pred, groupes):  # counts, not rates: big groups dominate
        justes = [np.sum(y_pred[groupes == g] == y_true[groupes == g]) / len(y_true)
                  for g in np.unique(groupes)]
        return max(justes) - min(justes)
    return ecart_exactitude


@exercise("limits.ecart_groupes",
          "Écrivez ecart_exactitude(y_true, y_pred, groupes) : l'exactitude de chaque sous-groupe, "
          "puis l'écart entre la meilleure et la pire (une fraction).",
          solution=_gap_solution, wrong=_gap_wrong,
          function="ecart_exactitude(y_true, y_pred, groupes)")
def _(answer):
    rng = np.random.default_rng(5)
    cases = []
    for names, sizes, errors in ((("a", "b"), (300, 40), (0.05, 0.3)),
                                 (("clair", "foncé", "moyen"), (50, 500, 120), (0.2, 0.02, 0.1)),
                                 (("x", "y"), (80, 80), (0.1, 0.1))):
        groups = np.repeat(np.array(names), sizes)
        y_true = rng.integers(0, 2, len(groups))
        wrong = rng.random(len(groups)) < np.repeat(errors, sizes)
        order = rng.permutation(len(groups))
        cases.append((y_true[order], np.where(wrong, 1 - y_true, y_true)[order], groups[order]))
    for y_true, y_pred, groups in cases:
        out = answer(y_true.copy(), y_pred.copy(), groups.copy())
        assert out is not None, "Votre fonction ne renvoie rien : terminez par un « return »."
        out = float(np.asarray(out))
        expected = _gap_reference(y_true, y_pred, groups)
        if np.isclose(out, expected, atol=1e-9):
            continue
        assert not np.isclose(out, 100 * expected), (
            "Pas encore : attendu une fraction entre 0 et 1, pas un pourcentage.")
        assert not np.isclose(abs(out), expected), (
            "Pas encore : l'écart attendu est positif (meilleure exactitude moins la pire).")
        raise AssertionError(
            f"Pas encore : attendu un écart de {expected:.3f} sur ces données, reçu {out:.3f}. "
            "Chaque exactitude se calcule À L'INTÉRIEUR de son groupe (des taux, pas des nombres "
            "de bonnes réponses : les groupes n'ont pas la même taille).")


def _prune_reference(W: np.ndarray, sparsity: float) -> np.ndarray:
    import torch
    from torch.nn.utils import prune

    with torch.random.fork_rng():  # leaves the student's global generator as it was
        layer = torch.nn.Linear(W.shape[1], W.shape[0])
    with torch.no_grad():
        layer.weight.copy_(torch.from_numpy(W))
    prune.l1_unstructured(layer, "weight", amount=sparsity)
    return layer.weight.detach().double().numpy()


def _prune_solution():
    def elaguer(W, taux):
        n = round(taux * W.size)
        W = W.copy()
        if n > 0:
            plus_petits = np.argsort(np.abs(W), axis=None)[:n]
            W.flat[plus_petits] = 0.0
        return W
    return elaguer


def _prune_wrong():
    def elaguer(W, taux):  # drops the most negative weights, not the smallest magnitudes
        n = round(taux * W.size)
        W = W.copy()
        W.flat[np.argsort(W, axis=None)[:n]] = 0.0
        return W
    return elaguer


@exercise("limits.elagage",
          "Écrivez elaguer(W, taux) : une copie de la matrice W où la fraction `taux` des poids "
          "de plus petite valeur absolue est mise à 0 (élagage par magnitude).",
          solution=_prune_solution, wrong=_prune_wrong,
          function="elaguer(W, taux)")
def _(answer):
    rng = np.random.default_rng(9)
    for shape, sparsity in (((4, 5), 0.3), ((8, 16), 0.5), ((10, 7), 0.9), ((5, 5), 0.75),
                            ((3, 3), 0.0)):
        W = rng.normal(size=shape)
        out = answer(W.copy(), sparsity)
        assert out is not None, "Votre fonction ne renvoie rien : terminez par un « return »."
        out = np.asarray(out, dtype=float)
        assert out.shape == shape, (
            f"Attendu une matrice de la forme de W {shape}, reçu {out.shape}.")
        expected = _prune_reference(W, sparsity)
        if np.allclose(out, expected, atol=1e-6):
            continue
        n_zero, n_expected = int((out == 0).sum()), int((expected == 0).sum())
        assert n_zero == n_expected, (
            f"Pas encore : pour un taux de {sparsity:g} sur {W.size} poids, {n_zero} poids valent "
            f"0 ; combien devraient l'être (arrondi de taux × nombre de poids) ?")
        kept = out != 0
        assert np.allclose(out[kept], W[kept]), (
            "Pas encore : les poids conservés ont changé ; l'élagage met des poids à 0 et "
            "laisse les autres intacts.")
        raise AssertionError(
            "Pas encore : le bon nombre de zéros, mais pas les bons poids. On retire les poids "
            "les plus proches de 0, c'est-à-dire de plus petite VALEUR ABSOLUE.")

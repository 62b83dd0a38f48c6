"""Exercises of notebook 08 (adversarial examples and privacy, deck 000).

FGSM is checked against `profond.further.adversarial.fgsm` on a tiny fresh model; the DP-SGD
clip-and-noise step against a NumPy transcription of (Σ_i g_i min(1, C/‖g_i‖) + σ C z) / N; the
Laplace mechanism against its definition b = Δ / ε.
"""

import numpy as np

from profond.exercises import exercise


def _fgsm_solution():
    import torch

    def mon_fgsm(model, X, y, eps):
        X = X.clone().requires_grad_(True)
        loss = torch.nn.functional.cross_entropy(model(X), y)
        loss.backward()
        return (X + eps * X.grad.sign()).clamp(0, 1).detach()
    return mon_fgsm


def _fgsm_wrong():
    import torch

    def mon_fgsm(model, X, y, eps):  # descends the loss: makes the model more confident
        X = X.clone().requires_grad_(True)
        torch.nn.functional.cross_entropy(model(X), y).backward()
        return (X - eps * X.grad.sign()).clamp(0, 1).detach()
    return mon_fgsm


@exercise("privacy.fgsm",
          "Écrivez mon_fgsm(model, X, y, eps) : x_adv = clip(x + ε · signe(∇_x L(f(x), y)), 0, 1).",
          solution=_fgsm_solution, wrong=_fgsm_wrong,
          function="mon_fgsm(model, X, y, eps)")
def _(answer):
    import torch

    from profond.further.adversarial import fgsm, input_gradient

    torch.manual_seed(0)
    model = torch.nn.Sequential(torch.nn.Linear(6, 8), torch.nn.Tanh(), torch.nn.Linear(8, 3))
    X = torch.rand(16, 6, generator=torch.Generator().manual_seed(1))
    y = torch.randint(0, 3, (16,), generator=torch.Generator().manual_seed(2))
    for eps in (0.05, 0.2, 0.5):
        out = answer(model, X.clone(), y.clone(), eps)
        assert out is not None, "Votre fonction ne renvoie rien : terminez par un « return »."
        out = torch.as_tensor(out).detach().float()
        assert out.shape == X.shape, (
            f"Attendu des exemples adverses de la forme de X {tuple(X.shape)}, reçu "
            f"{tuple(out.shape)}.")
        expected = fgsm(model, X, y, eps)
        if torch.allclose(out, expected, atol=1e-6):
            continue
        assert out.min() >= 0 and out.max() <= 1, (
            "Pas encore : des pixels sortent de [0, 1] ; pensez à écrêter (clamp) le résultat.")
        delta = out - X
        assert delta.abs().max() <= eps + 1e-6, (
            f"Pas encore : la perturbation dépasse ε = {eps} en norme L∞ ; on ajoute ε fois le "
            "SIGNE du gradient, pas le gradient lui-même.")
        descent = (X - eps * input_gradient(model, X, y).sign()).clamp(0, 1)
        assert not torch.allclose(out, descent, atol=1e-6), (
            "Pas encore : votre perturbation fait BAISSER la perte (le modèle devient plus sûr de "
            "lui). L'attaquant monte le gradient : quel signe devant ε ?")
        raise AssertionError(
            f"Pas encore : pour ε = {eps}, {int((~torch.isclose(out, expected, atol=1e-6)).sum())}"
            f" valeurs sur {out.numel()} diffèrent de FGSM. Le gradient est-il pris par rapport à "
            "l'ENTRÉE X, pour la perte d'entropie croisée du modèle ?")


def _reference_dp(grads, C, sigma, z):
    grads = np.asarray(grads, dtype=float)
    norms = np.linalg.norm(grads, axis=1)
    factor = np.minimum(1.0, C / np.maximum(norms, 1e-12))
    return ((grads * factor[:, None]).sum(0) + sigma * C * np.asarray(z, dtype=float)) / len(grads)


def _dp_solution():
    def gradient_prive(g, C, sigma, z):
        normes = np.linalg.norm(g, axis=1, keepdims=True)
        g_coupe = g * np.minimum(1.0, C / normes)
        return (g_coupe.sum(axis=0) + sigma * C * z) / len(g)
    return gradient_prive


def _dp_wrong():
    def gradient_prive(g, C, sigma, z):  # clips the sum, not each example's gradient
        somme = g.sum(axis=0)
        somme = somme * min(1.0, C / np.linalg.norm(somme))
        return (somme + sigma * C * z) / len(g)
    return gradient_prive


@exercise("privacy.clip_noise",
          "Écrivez gradient_prive(g, C, sigma, z) : chaque gradient g_i (lignes de g) ramené à "
          "une norme ≤ C, la somme, plus le bruit σ·C·z, divisée par le nombre d'exemples N.",
          solution=_dp_solution, wrong=_dp_wrong,
          function="gradient_prive(g, C, sigma, z)")
def _(answer):
    rng = np.random.default_rng(11)
    for _ in range(8):
        n, d = int(rng.integers(2, 9)), int(rng.integers(2, 7))
        g = rng.normal(scale=float(rng.choice([0.3, 1.0, 3.0])), size=(n, d))
        C, sigma = float(rng.choice([0.5, 1.0, 2.0])), float(rng.choice([0.0, 0.7, 1.3]))
        z = rng.normal(size=d)
        out = answer(g.copy(), C, sigma, z.copy())
        assert out is not None, "Votre fonction ne renvoie rien : terminez par un « return »."
        out = np.asarray(out, dtype=float)
        assert out.shape == (d,), (
            f"Attendu un seul gradient bruité de forme ({d},) (la moyenne sur les {n} exemples), "
            f"reçu la forme {out.shape}.")
        expected = _reference_dp(g, C, sigma, z)
        if np.allclose(out, expected, rtol=1e-4, atol=1e-6):
            continue
        clipped_sum = _reference_dp(g.sum(0, keepdims=True), C, 0.0, 0 * z) / n
        if np.allclose(out, clipped_sum + sigma * C * z / n, rtol=1e-4, atol=1e-6):
            raise AssertionError(
                "Pas encore : c'est le gradient de CHAQUE exemple qu'on écrête à la norme C, "
                "avant de sommer ; c'est ce qui borne l'influence d'un individu.")
        if np.allclose(out, _reference_dp(g, C, 0.0, z) + sigma * z / n, rtol=1e-4, atol=1e-6):
            raise AssertionError("Pas encore : l'écart-type du bruit est σ·C, pas σ.")
        if np.allclose(out, _reference_dp(g, C, sigma, z) * n, rtol=1e-4, atol=1e-6):
            raise AssertionError("Pas encore : divisez la somme bruitée par N.")
        raise AssertionError(
            f"Pas encore : avec N = {n}, C = {C}, σ = {sigma}, on attend "
            f"{np.round(expected, 4).tolist()}, vous donnez {np.round(out, 4).tolist()}. "
            "Facteur d'écrêtage : min(1, C / ‖g_i‖).")


def _laplace_solution():
    return lambda sensibilite, epsilon: sensibilite / epsilon


def _laplace_wrong():
    return lambda sensibilite, epsilon: epsilon / sensibilite


@exercise("privacy.laplace_scale",
          "Écrivez echelle_laplace(sensibilite, epsilon) : l'échelle b du bruit de Laplace qui "
          "rend une requête de sensibilité Δ ε-différentiellement privée.",
          solution=_laplace_solution, wrong=_laplace_wrong,
          function="echelle_laplace(sensibilite, epsilon)")
def _(answer):
    for delta, eps in ((1.0, 1.0), (1.0, 0.1), (2.0, 0.5), (5.0, 8.0), (0.25, 3.0)):
        out = answer(delta, eps)
        assert out is not None, "Votre fonction ne renvoie rien : terminez par un « return »."
        out = float(out)
        if np.isclose(out, delta / eps):
            continue
        if np.isclose(out, eps / delta):
            raise AssertionError(
                "Pas encore : un budget ε plus PETIT (plus de confidentialité) doit donner PLUS "
                "de bruit ; votre échelle fait l'inverse.")
        raise AssertionError(
            f"Pas encore : pour Δ = {delta} et ε = {eps}, votre b = {out:.4g}. Le rapport des "
            "densités de Laplace en deux points distants de Δ vaut exp(Δ / b) : il doit rester "
            "≤ exp(ε).")

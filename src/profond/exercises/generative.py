"""Exercises of notebook 06 (autoencoders, VAE and GAN, decks 001, 002, 003 and 004).

Each answer is a NumPy function, called here on fresh inputs. References: the closed-form KL of
two diagonal Gaussians through torch.distributions, z = μ + σ ε with the noise profond's own
`reparameterize` draws, the statistics of masking noise (Vincent et al. 2010), and the
discriminator's loss as two binary cross-entropies; profond's versions are compared too.
"""

import numpy as np

from profond.exercises import call_answer, exercise


def _gaussians(seed: int):
    rng = np.random.default_rng(seed)
    for N, K in ((1, 2), (6, 2), (4, 5)):
        yield rng.normal(size=(N, K)), rng.normal(size=(N, K)) * 1.5


# --- KL(q(z|x) || N(0, I)) for a diagonal Gaussian ------------------------------------------

def _kl_reference(mu, logvar):
    """Σ_k KL(N(μ_k, σ_k²) || N(0, 1)) per row, from torch.distributions (no formula typed)."""
    import torch
    from torch.distributions import Normal, kl_divergence

    mu_t, std = torch.from_numpy(mu), torch.from_numpy(np.exp(0.5 * logvar))
    return kl_divergence(Normal(mu_t, std), Normal(0.0, 1.0)).sum(1).numpy()


def _kl_solution():
    def kl_gaussienne(mu, logvar):
        return 0.5 * np.sum(mu ** 2 + np.exp(logvar) - logvar - 1, axis=1)
    return kl_gaussienne


def _kl_wrong():
    def kl_gaussienne(mu, logvar):  # forgets the 1/2
        return np.sum(mu ** 2 + np.exp(logvar) - logvar - 1, axis=1)
    return kl_gaussienne


@exercise("generative.kl",
          "Écrivez kl_gaussienne(mu, logvar) : KL(N(μ, diag σ²) ‖ N(0, I)) pour chaque exemple, "
          "avec logvar = log σ² ; mu, logvar (N, K) -> (N,) en nats.",
          solution=_kl_solution, wrong=_kl_wrong,
          function="kl_gaussienne")
def _(answer):
    import torch

    from profond.models.autoencoders import kl_divergence

    for mu, logvar in _gaussians(11):
        expected = _kl_reference(mu, logvar)
        np.testing.assert_allclose(
            kl_divergence(torch.from_numpy(mu), torch.from_numpy(logvar)).numpy(), expected,
            rtol=1e-10)
        out = call_answer(answer, mu, logvar, what="kl_gaussienne")
        if out.shape == mu.shape:
            raise AssertionError(f"Attendu une KL par exemple, forme {expected.shape} : sommez "
                                 f"sur les K dimensions du latent (reçu {out.shape}).")
        assert out.shape == expected.shape, (
            f"Attendu la forme (N,) = {expected.shape}, reçu {out.shape}.")
        if np.allclose(out, expected, rtol=1e-7, atol=1e-10):
            continue
        if np.allclose(out, 2 * expected):
            raise AssertionError("Pas encore : c'est deux fois la bonne valeur ; il manque un "
                                 "facteur ½.")
        if np.allclose(out, 0.5 * np.sum(mu ** 2 + logvar ** 2 - np.log(logvar ** 2) - 1, 1)):
            raise AssertionError("Pas encore : logvar vaut log σ², pas σ ; σ² = exp(logvar).")
        raise AssertionError("Pas encore : vérifiez chaque terme de ½ Σ_k (μ_k² + σ_k² − "
                             "log σ_k² − 1) ; une KL est toujours ≥ 0, nulle pour μ = 0, σ = 1.")
    zero = call_answer(answer, np.zeros((2, 3)), np.zeros((2, 3)), what="kl_gaussienne")
    assert np.allclose(zero, 0), "Pas encore : la KL de N(0, I) à elle-même doit valoir 0."


# --- the reparameterisation trick --------------------------------------------------------------

def _reparam_solution():
    def reparametrise(mu, logvar, eps):
        return mu + np.exp(0.5 * logvar) * eps
    return reparametrise


def _reparam_wrong():
    def reparametrise(mu, logvar, eps):  # the variance instead of the standard deviation
        return mu + np.exp(logvar) * eps
    return reparametrise


@exercise("generative.reparam",
          "Écrivez reparametrise(mu, logvar, eps) : l'astuce de reparamétrisation z = μ + σ ⊙ ε "
          "avec logvar = log σ² et le bruit ε ~ N(0, I) donné ; toutes les formes (N, K).",
          solution=_reparam_solution, wrong=_reparam_wrong,
          function="reparametrise")
def _(answer):
    import torch

    from profond.models.autoencoders import reparameterize

    for seed, (mu, logvar) in enumerate(_gaussians(5)):
        # the very noise profond's reparameterize draws (torch.randn_like after this seed)
        torch.manual_seed(seed)
        eps = torch.randn_like(torch.from_numpy(mu)).numpy()
        torch.manual_seed(seed)
        expected = reparameterize(torch.from_numpy(mu), torch.from_numpy(logvar)).numpy()
        np.testing.assert_allclose(mu + np.sqrt(np.exp(logvar)) * eps, expected, rtol=1e-10)
        out = call_answer(answer, mu, logvar, eps, what="reparametrise")
        assert out.shape == mu.shape, f"Attendu la forme de mu {mu.shape}, reçu {out.shape}."
        if np.allclose(out, expected, rtol=1e-7, atol=1e-10):
            continue
        if np.allclose(out, mu + np.exp(logvar) * eps):
            raise AssertionError("Pas encore : ε se multiplie par l'écart-type σ, pas par la "
                                 "variance σ² = exp(logvar).")
        if np.allclose(out, mu + logvar * eps):
            raise AssertionError("Pas encore : logvar est log σ² ; σ = exp(logvar / 2).")
        raise AssertionError("Pas encore : z doit valoir μ + σ ε ; vérifiez chaque terme.")


# --- masking noise -----------------------------------------------------------------------------

def _masking_solution():
    def bruit_masquant(x, p, rng):
        return np.where(rng.random(x.shape) < p, 0.0, x)
    return bruit_masquant


def _masking_wrong():
    def bruit_masquant(x, p, rng):  # shrinks every value instead of masking some
        return x * (1 - p)
    return bruit_masquant


def _masked_fraction_of_profond(p: float, n: int) -> float:
    import torch

    from profond.models.autoencoders import masking_noise

    torch.manual_seed(0)
    return float((masking_noise(p)(torch.ones(n)) == 0).double().mean())


@exercise("generative.masking",
          "Écrivez bruit_masquant(x, p, rng) : une copie de x où chaque valeur est mise à 0 "
          "avec la probabilité p, indépendamment, les autres inchangées (rng : "
          "np.random.Generator).",
          solution=_masking_solution, wrong=_masking_wrong,
          function="bruit_masquant")
def _(answer):
    x = np.random.default_rng(1).uniform(0.1, 1.0, size=(400, 100))
    for p in (0.1, 0.5, 0.8):
        out = call_answer(answer, x, p, np.random.default_rng(int(10 * p)), what="bruit_masquant")
        assert out.shape == x.shape, f"Attendu la forme de x {x.shape}, reçu {out.shape}."
        kept = out != 0
        assert np.array_equal(out[kept], x[kept]), (
            "Pas encore : les valeurs non masquées doivent rester EXACTEMENT celles de x (on ne "
            "les réduit pas, on en efface certaines).")
        fraction, n = 1 - kept.mean(), x.size
        # four standard errors of a Bernoulli(p) mean over n draws
        tolerance = 4 * np.sqrt(p * (1 - p) / n)
        assert abs(fraction - p) < tolerance, (
            f"Pas encore : avec p = {p}, vous masquez {fraction:.1%} des valeurs ; attendu "
            f"{p:.0%} en moyenne (tirez un uniforme par valeur et comparez-le à p).")
        # profond's torch masking_noise must obey the same statistics, or this check is wrong
        assert abs(_masked_fraction_of_profond(p, n) - p) < tolerance
    rows = call_answer(answer, x, 0.5, np.random.default_rng(3), what="bruit_masquant") == 0
    assert not np.all(rows == rows[:1]), (
        "Pas encore : chaque exemple doit avoir son propre masque (un tirage par valeur, pas un "
        "seul masque partagé).")
    assert np.array_equal(call_answer(answer, x, 0.0, np.random.default_rng(0),
                                what="bruit_masquant"), x), "Avec p = 0, x doit être inchangé."


# --- the discriminator's loss -------------------------------------------------------------------

def _d_loss_solution():
    def perte_discriminateur(d_reel, d_faux):
        return -(np.mean(np.log(d_reel)) + np.mean(np.log(1 - d_faux)))
    return perte_discriminateur


def _d_loss_wrong():
    def perte_discriminateur(d_reel, d_faux):  # the value V itself: what D maximises
        return np.mean(np.log(d_reel)) + np.mean(np.log(1 - d_faux))
    return perte_discriminateur


@exercise("generative.d_loss",
          "Écrivez perte_discriminateur(d_reel, d_faux) : la perte que D MINIMISE, "
          "L_D = −(moyenne log D(x) + moyenne log(1 − D(G(z)))), à partir des probabilités "
          "D(x) (N,) et D(G(z)) (M,).",
          solution=_d_loss_solution, wrong=_d_loss_wrong,
          function="perte_discriminateur")
def _(answer):
    import torch
    from torch.nn.functional import binary_cross_entropy

    from profond.models.gan import discriminator_loss

    rng = np.random.default_rng(4)
    for n, m in ((5, 5), (8, 3), (1, 6)):
        d_real, d_fake = rng.uniform(0.05, 0.95, n), rng.uniform(0.05, 0.95, m)
        real_t, fake_t = torch.from_numpy(d_real), torch.from_numpy(d_fake)
        # labels 1 for the real examples, 0 for the generated ones
        expected = (binary_cross_entropy(real_t, torch.ones(n, dtype=torch.float64))
                    + binary_cross_entropy(fake_t, torch.zeros(m, dtype=torch.float64))).item()
        logit = torch.log(real_t / (1 - real_t)), torch.log(fake_t / (1 - fake_t))
        np.testing.assert_allclose(discriminator_loss(*logit).item(), expected, rtol=1e-10)
        out = call_answer(answer, d_real, d_fake, what="perte_discriminateur")
        assert out.size == 1, f"Attendu un nombre (la perte moyenne), reçu la forme {out.shape}."
        value = float(out)
        if np.isclose(value, expected):
            continue
        if np.isclose(value, -expected):
            raise AssertionError("Pas encore : c'est la valeur V que D MAXIMISE ; sa perte, "
                                 "à minimiser, est −V (elle est toujours positive).")
        if np.isclose(value, -(np.log(d_fake).mean() + np.log(1 - d_real).mean())):
            raise AssertionError("Pas encore : les rôles sont inversés ; D doit dire 1 pour les "
                                 "vrais exemples (log D(x)) et 0 pour les faux (log(1 − D(G(z)))).")
        if np.isclose(value, -(np.log(d_real).mean() + np.log(d_fake).mean())):
            raise AssertionError("Pas encore : pour les faux exemples, c'est log(1 − D(G(z))), "
                                 "pas log D(G(z)).")
        raise AssertionError("Pas encore : vérifiez les deux moyennes et le signe.")

"""Exercises of notebook 07 (reinforcement learning and MCTS, decks 000 and 003).

Each reference is computed here from the formulas, independently of `profond.further`:
the Q-learning update Q(s,a) += α (r + γ max_a' Q(s',a') (1 − terminal) − Q(s,a)), the discounted
returns G_t = Σ_{k≥t} γ^{k−t} R_k as one matrix product, and UCB1 = X̄ + c √(ln N / n).
"""

import math

import numpy as np

from profond.exercises import exercise


def _q_target(Q, s, a, r, s_next, terminated, alpha, gamma, *, bootstrap_terminal=False,
              from_state=None):
    """The reference update on a copy of Q; the keywords build the usual mistakes for hints."""
    Q = np.array(Q, dtype=float)
    future = Q[s if from_state else s_next].max()
    keep = 1.0 if bootstrap_terminal else 1.0 - float(terminated)
    Q[s, a] += alpha * (r + gamma * future * keep - Q[s, a])
    return Q


def _q_solution():
    def mise_a_jour_q(Q, s, a, r, s_suivant, termine, alpha, gamma):
        cible = r + gamma * np.max(Q[s_suivant]) * (1 - termine)
        Q[s, a] += alpha * (cible - Q[s, a])
        return Q
    return mise_a_jour_q


def _q_wrong():
    def mise_a_jour_q(Q, s, a, r, s_suivant, termine, alpha, gamma):  # forgets the terminal state
        Q[s, a] += alpha * (r + gamma * np.max(Q[s_suivant]) - Q[s, a])
        return Q
    return mise_a_jour_q


def _q_cases():
    rng = np.random.default_rng(7)
    cases = []
    for i in range(12):
        n_states, n_actions = int(rng.integers(3, 8)), int(rng.integers(2, 5))
        Q = rng.normal(size=(n_states, n_actions)).round(2)
        s, s_next = (int(v) for v in rng.choice(n_states, 2, replace=False))
        cases.append((Q, s, int(rng.integers(n_actions)), float(rng.choice([0.0, 1.0, -0.5])),
                      s_next, i % 3 == 0, float(rng.choice([0.1, 0.5])),
                      float(rng.choice([0.9, 0.99]))))
    return cases


@exercise("rl.q_update",
          "Écrivez mise_a_jour_q(Q, s, a, r, s_suivant, termine, alpha, gamma) : la mise à jour "
          "du Q-learning sur la case Q[s, a], qui renvoie le tableau Q mis à jour.",
          solution=_q_solution, wrong=_q_wrong,
          function="mise_a_jour_q(Q, s, a, r, s_suivant, termine, alpha, gamma)")
def _(answer):
    for Q, s, a, r, s_next, terminated, alpha, gamma in _q_cases():
        args = (s, a, r, s_next, terminated, alpha, gamma)
        out = answer(Q.copy(), *args)
        assert out is not None, "Votre fonction ne renvoie rien : terminez par « return Q »."
        out = np.asarray(out, dtype=float)
        assert out.shape == Q.shape, (
            f"Attendu un tableau Q de forme {Q.shape}, reçu la forme {out.shape}.")
        changed = np.argwhere(~np.isclose(out, Q))
        assert all(tuple(ij) == (s, a) for ij in changed), (
            f"Seule la case Q[s, a] = Q[{s}, {a}] doit changer ; vous avez modifié aussi "
            f"{[tuple(int(v) for v in ij) for ij in changed if tuple(ij) != (s, a)]}.")
        if np.allclose(out, _q_target(Q, *args)):
            continue
        if terminated and np.allclose(out, _q_target(Q, *args, bootstrap_terminal=True)):
            raise AssertionError(
                "Pas encore : quand l'épisode se termine (termine=True), l'état suivant n'a pas "
                "d'avenir ; que doit valoir la cible dans ce cas ?")
        if np.allclose(out, _q_target(Q, *args, from_state=True)):
            raise AssertionError(
                "Pas encore : le max_a' porte sur la ligne de l'état SUIVANT s', pas sur celle "
                "de s.")
        raise AssertionError(
            f"Pas encore : pour s={s}, a={a}, r={r}, s'={s_next}, termine={terminated}, "
            f"α={alpha}, γ={gamma}, on attend Q[s, a] = {_q_target(Q, *args)[s, a]:.4f}, vous "
            f"donnez {out[s, a]:.4f}. Relisez Q ← Q + α (cible − Q).")


def _reference_returns(rewards, gamma):
    """G = U r with U[t, k] = γ^(k − t) for k ≥ t: every return at once, no recursion."""
    rewards = np.asarray(rewards, dtype=float)
    t = np.arange(len(rewards))
    U = np.triu(gamma ** (t[None, :] - t[:, None]).clip(min=0))
    return U @ rewards


def _returns_solution():
    def rendements(recompenses, gamma):
        G, sortie = 0.0, []
        for r in reversed(recompenses):
            G = r + gamma * G
            sortie.append(G)
        return np.array(sortie[::-1])
    return rendements


def _returns_wrong():
    def rendements(recompenses, gamma):  # sums the past instead of the future
        G, sortie = 0.0, []
        for r in recompenses:
            G = r + gamma * G
            sortie.append(G)
        return np.array(sortie)
    return rendements


@exercise("rl.returns",
          "Écrivez rendements(recompenses, gamma) qui renvoie le tableau des G_t = R_t + γ G_{t+1} "
          "(avec G_T = 0) pour t = 0 … T−1.",
          solution=_returns_solution, wrong=_returns_wrong,
          function="rendements(recompenses, gamma)")
def _(answer):
    rng = np.random.default_rng(3)
    cases = [([1.0, 1.0, 1.0], 0.5), ([0.0, 0.0, 1.0], 0.9), ([2.0], 0.99)]
    cases += [(rng.normal(size=int(rng.integers(2, 12))).round(2).tolist(),
               float(rng.choice([0.5, 0.9, 0.99]))) for _ in range(10)]
    for rewards, gamma in cases:
        out = answer(list(rewards), gamma)
        assert out is not None, "Votre fonction ne renvoie rien : terminez par un « return »."
        out = np.asarray(out, dtype=float).ravel()
        assert out.shape == (len(rewards),), (
            f"Attendu un G_t par pas de temps ({len(rewards)} valeurs), reçu {out.size}.")
        expected = _reference_returns(rewards, gamma)
        if np.allclose(out, expected):
            continue
        if np.allclose(out, np.cumsum(rewards[::-1])[::-1]):
            raise AssertionError("Pas encore : vos G_t ne sont pas actualisés ; chaque récompense "
                                 "future R_k doit être multipliée par γ^(k−t).")
        if np.allclose(out, _reference_returns(rewards[::-1], gamma)[::-1]):
            raise AssertionError("Pas encore : G_t somme les récompenses À VENIR (k ≥ t) ; "
                                 "parcourez les récompenses dans quel sens ?")
        raise AssertionError(
            f"Pas encore : pour R = {rewards} et γ = {gamma}, on attend G = "
            f"{np.round(expected, 4).tolist()}, vous donnez {np.round(out, 4).tolist()}.")


def _reference_ucb1(mean, n_child, n_parent, c):
    return mean + c * math.sqrt(math.log(n_parent) / n_child)


def _ucb1_solution():
    def score_uct(moyenne, n_enfant, n_parent, c):
        return moyenne + c * math.sqrt(math.log(n_parent) / n_enfant)
    return score_uct


def _ucb1_wrong():
    def score_uct(moyenne, n_enfant, n_parent, c):  # no square root
        return moyenne + c * math.log(n_parent) / n_enfant
    return score_uct


@exercise("rl.uct_score",
          "Écrivez score_uct(moyenne, n_enfant, n_parent, c) : le score UCB1 qu'UCT maximise "
          "pour choisir l'enfant à visiter.",
          solution=_ucb1_solution, wrong=_ucb1_wrong,
          function="score_uct(moyenne, n_enfant, n_parent, c)")
def _(answer):
    rng = np.random.default_rng(5)
    cases = [(0.5, 1, 2, math.sqrt(2)), (1.0, 10, 100, 1.0), (0.0, 3, 3, 0.0)]
    cases += [(float(rng.uniform()), int(n), int(n + rng.integers(1, 500)),
               float(rng.choice([0.5, 1.0, math.sqrt(2), 2.0])))
              for n in rng.integers(1, 200, 12)]
    for mean, n_child, n_parent, c in cases:
        out = answer(mean, n_child, n_parent, c)
        assert out is not None, "Votre fonction ne renvoie rien : terminez par un « return »."
        expected = _reference_ucb1(mean, n_child, n_parent, c)
        if math.isclose(float(out), expected, rel_tol=1e-9, abs_tol=1e-12):
            continue
        if math.isclose(float(out), mean + c * math.sqrt(math.log(n_child) / n_parent),
                        rel_tol=1e-9):
            raise AssertionError("Pas encore : le logarithme porte sur les visites du PARENT, "
                                 "et l'on divise par celles de l'enfant.")
        if math.isclose(float(out), mean + c * math.log(n_parent) / n_child, rel_tol=1e-9):
            raise AssertionError("Pas encore : il manque la racine carrée sur le terme "
                                 "d'exploration.")
        raise AssertionError(
            f"Pas encore : pour X̄ = {mean:.3f}, n = {n_child}, N = {n_parent}, c = {c:.3f}, on "
            f"attend {expected:.4f}, vous donnez {float(out):.4f}.")

"""Tabular Q-learning (Watkins 1989): Q(s,a) <- Q(s,a) + alpha [r + gamma max_a' Q(s',a') - Q(s,a)].

Played epsilon-greedy on a discrete environment such as FrozenLake-v1; value iteration on the
environment's own model gives the optimum it is compared with.
"""

from collections.abc import Callable
from pathlib import Path

import numpy as np

from profond.checks import check_int, check_positive, check_range
from profond.further.rl.loop import evaluate, run_episode
from profond.further.rl.storage import load_agent_files, save_agent


def q_update(Q: np.ndarray, s: int, a: int, r: float, s_next: int, terminated: bool, *,
             alpha: float, gamma: float) -> float:
    """Q[s,a] += alpha (r + gamma max_a' Q[s',a'] (1 - terminated) - Q[s,a]); returns the TD error.

    Q: (n_states, n_actions), changed in place. A terminal S_{t+1} has no future, hence the
    (1 - terminated).
    """
    target = r + gamma * max(Q[s_next].tolist()) * (1.0 - float(terminated))
    td_error = target - Q[s, a]
    Q[s, a] += alpha * td_error
    return float(td_error)


def linear_epsilon(t: int, total: int, *, start: float, end: float, fraction: float) -> float:
    """epsilon falls linearly from `start` to `end` over the first `fraction` of `total` steps."""
    progress = min(1.0, t / max(1.0, fraction * total))
    return start + progress * (end - start)


class QLearning:
    """A Q-table with epsilon-greedy action choice; greedy ties are broken at random."""

    def __init__(self, n_states: int, n_actions: int, *, alpha: float = 0.1, gamma: float = 0.99,
                 epsilon: float = 1.0, seed: int = 0):
        self.n_states = check_int("n_states", n_states, minimum=1)
        self.n_actions = check_int("n_actions", n_actions, minimum=1)
        self.alpha = check_range("alpha", alpha, 0.0, 1.0)
        self.gamma = check_range("gamma", gamma, 0.0, 1.0)
        self.epsilon = check_range("epsilon", epsilon, 0.0, 1.0)
        self.seed = seed
        self.Q = np.zeros((n_states, n_actions))
        self.rng = np.random.default_rng(seed)

    def greedy(self, state: int) -> int:
        """argmax_a Q(state, a), a random one among equals."""
        # Plain lists: a 4-action row is faster in Python than through NumPy reductions.
        row = self.Q[state].tolist()
        best = max(row)
        ties = [a for a, q in enumerate(row) if q == best]
        return ties[0] if len(ties) == 1 else ties[int(self.rng.integers(len(ties)))]

    def act(self, state: int) -> int:
        """A random action with probability epsilon, else the greedy one."""
        if self.rng.random() < self.epsilon:
            return int(self.rng.integers(self.n_actions))
        return self.greedy(state)

    def update(self, s: int, a: int, r: float, s_next: int, terminated: bool) -> float:
        return q_update(self.Q, s, a, r, s_next, terminated, alpha=self.alpha, gamma=self.gamma)

    def save(self, folder: str | Path) -> Path:
        config = {"n_states": self.n_states, "n_actions": self.n_actions, "alpha": self.alpha,
                  "gamma": self.gamma, "epsilon": self.epsilon, "seed": self.seed}
        return save_agent(folder, "q-learning", {"Q": self.Q}, config)

    @classmethod
    def load(cls, folder: str | Path) -> "QLearning":
        tensors, config = load_agent_files(folder, "q-learning")
        agent = cls(**config)
        agent.Q = tensors["Q"].astype(np.float64)
        return agent


def train_q_learning(env, agent: QLearning, episodes: int, *, epsilon_start: float = 1.0,
                     epsilon_end: float = 0.01, decay_fraction: float = 0.5, seed: int = 0,
                     progress: Callable[[int, float], None] | None = None) -> list[float]:
    """Run `episodes` epsilon-greedy episodes, updating Q after every step; returns their returns.

    epsilon decays linearly per episode (linear_epsilon); progress(episode, return) after each.
    """
    check_int("episodes", episodes, minimum=1)
    returns = []
    for episode in range(episodes):
        agent.epsilon = linear_epsilon(episode, episodes, start=epsilon_start, end=epsilon_end,
                                       fraction=decay_fraction)
        # Seeding only the first reset gives one reproducible stream of episodes.
        traj = run_episode(env, agent.act, seed=seed if episode == 0 else None,
                           on_step=agent.update)
        returns.append(traj.total_reward)
        if progress is not None:
            progress(episode + 1, traj.total_reward)
    return returns


def success_rate(env, policy, episodes: int = 1000, *, seed: int = 0) -> float:
    """Fraction of `episodes` that end with a positive reward (FrozenLake: the goal is reached)."""
    check_int("episodes", episodes, minimum=1)
    return float(np.mean(np.array(evaluate(env, policy, episodes, seed=seed)) > 0))


def value_iteration(P: dict, n_states: int, n_actions: int, *, gamma: float = 0.99,
                    tol: float = 1e-10) -> tuple[np.ndarray, np.ndarray]:
    """V(s) <- max_a sum_{s'} p(s'|s, a) [r + gamma V(s') (1 - done)] until it moves < tol.

    P: Gymnasium's toy-text model, P[s][a] = [(p, s', r, done), ...]. Returns (V, greedy policy),
    shapes (n_states,) and (n_states,) int. Sutton & Barto, section 4.4.
    """
    check_positive("tol", tol)
    V = np.zeros(n_states)
    while True:
        Q = _one_step_lookahead(P, V, n_states, n_actions, gamma)
        V_new = Q.max(axis=1)
        if np.max(np.abs(V_new - V)) < tol:
            return V_new, Q.argmax(axis=1)
        V = V_new


def _one_step_lookahead(P, V, n_states, n_actions, gamma) -> np.ndarray:
    Q = np.zeros((n_states, n_actions))
    for s in range(n_states):
        for a in range(n_actions):
            Q[s, a] = sum(p * (r + gamma * V[s2] * (not done)) for p, s2, r, done in P[s][a])
    return Q

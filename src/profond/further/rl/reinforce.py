"""REINFORCE with a baseline (Williams 1992): grad J = E[sum_t grad log pi(A_t|S_t) (G_t - V(S_t))].

A softmax policy network and a state-value network V (the baseline, fitted to G_t by MSE), updated
once per batch of whole episodes.
"""

from collections.abc import Callable
from pathlib import Path

import numpy as np
import torch
from torch import nn

from profond.checks import check_int, check_positive, check_range
from profond.further.rl.loop import Trajectory, run_episode
from profond.further.rl.nets import load_numpy_state, mlp, numpy_state
from profond.further.rl.storage import load_agent_files, save_agent
from profond.further.rl.tracking import BestKeeper, History


def returns_to_go(rewards: list[float], gamma: float, bootstrap: float = 0.0) -> np.ndarray:
    """G_t = R_t + gamma G_{t+1}, with G_T = bootstrap (V(S_T) when the episode was truncated).

    rewards (T,) -> (T,) float32.
    """
    G, out = bootstrap, np.zeros(len(rewards), np.float32)
    for t in reversed(range(len(rewards))):
        G = rewards[t] + gamma * G
        out[t] = G
    return out


class Reinforce:
    """Policy pi_theta(a|s) = softmax(logits(s)) and baseline V_w(s), each an MLP, one Adam each."""

    def __init__(self, obs_dim: int, n_actions: int, *, hidden: tuple[int, ...] = (64,),
                 lr: float = 1e-2, value_lr: float = 1e-2, gamma: float = 0.99, seed: int = 0):
        self.config = {"obs_dim": check_int("obs_dim", obs_dim, minimum=1),
                       "n_actions": check_int("n_actions", n_actions, minimum=1),
                       "hidden": list(hidden), "lr": check_positive("lr", lr),
                       "value_lr": check_positive("value_lr", value_lr),
                       "gamma": check_range("gamma", gamma, 0.0, 1.0), "seed": seed}
        torch.manual_seed(seed)
        self.policy = mlp((obs_dim, *hidden, n_actions), nn.Tanh)
        self.value = mlp((obs_dim, *hidden, 1), nn.Tanh)
        self.policy_optimizer = torch.optim.Adam(self.policy.parameters(), lr=lr)
        self.value_optimizer = torch.optim.Adam(self.value.parameters(), lr=value_lr)
        self.generator = torch.Generator().manual_seed(seed)

    def act(self, state) -> int:
        """A ~ pi_theta(.|state), sampled."""
        with torch.no_grad():
            logits = self.policy(torch.as_tensor(state, dtype=torch.float32))
        return int(torch.multinomial(torch.softmax(logits, -1), 1, generator=self.generator))

    def greedy(self, state) -> int:
        """argmax_a pi_theta(a|state)."""
        with torch.no_grad():
            return int(self.policy(torch.as_tensor(state, dtype=torch.float32)).argmax())

    def learn(self, episodes: list[Trajectory]) -> tuple[float, float]:
        """One policy step on -mean_t log pi(A_t|S_t) (G_t - V(S_t)) (advantages standardised) and
        one value step on mean_t (V(S_t) - G_t)^2 over the batch; returns both losses."""
        states, actions, G = self._batch(episodes)
        values = self.value(states).squeeze(1)
        advantage = G - values.detach()
        advantage = (advantage - advantage.mean()) / (advantage.std(correction=0) + 1e-8)
        log_pi = torch.log_softmax(self.policy(states), -1).gather(1, actions[:, None]).squeeze(1)
        policy_loss = -(log_pi * advantage).mean()
        value_loss = nn.functional.mse_loss(values, G)
        for loss, optimizer in ((policy_loss, self.policy_optimizer),
                                (value_loss, self.value_optimizer)):
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
        return policy_loss.item(), value_loss.item()

    def _batch(self, episodes: list[Trajectory]):
        """States S_0..S_{T-1}, actions and G_t of every episode, stacked."""
        states, actions, G = [], [], []
        for traj in episodes:
            bootstrap = 0.0
            if traj.truncated:
                with torch.no_grad():
                    bootstrap = float(self.value(torch.as_tensor(traj.states[-1],
                                                                 dtype=torch.float32)))
            states.append(np.asarray(traj.states[:-1], np.float32))
            actions += traj.actions
            G.append(returns_to_go(traj.rewards, self.config["gamma"], bootstrap))
        return (torch.from_numpy(np.concatenate(states)), torch.tensor(actions),
                torch.from_numpy(np.concatenate(G)))

    def save(self, folder: str | Path) -> Path:
        tensors = {**numpy_state(self.policy, "policy."), **numpy_state(self.value, "value.")}
        return save_agent(folder, "reinforce", tensors, self.config)

    @classmethod
    def load(cls, folder: str | Path) -> "Reinforce":
        tensors, config = load_agent_files(folder, "reinforce")
        agent = cls(**{**config, "hidden": tuple(config["hidden"])})
        load_numpy_state(agent.policy, tensors, "policy.")
        load_numpy_state(agent.value, tensors, "value.")
        return agent


def train_reinforce(env, agent: Reinforce, steps: int, *, batch_episodes: int = 4, eval_env=None,
                    eval_every: int = 5000, eval_episodes: int = 10, solved_at: float = 500.0,
                    seed: int = 0, progress: Callable[[int, History], None] | None = None
                    ) -> History:
    """Sample episodes from pi_theta for at most `steps` env steps, learning after every
    `batch_episodes` of them; evaluation, best weights and early stop as in train_dqn."""
    check_int("steps", steps, minimum=1)
    history = History()
    keeper = BestKeeper(agent.policy, eval_env, every=eval_every, episodes=eval_episodes,
                        solved_at=solved_at, seed=seed)
    t, batch = 0, []
    while t < steps and not keeper.solved:
        traj = run_episode(env, agent.act, seed=seed if t == 0 else None, max_steps=steps - t)
        t += len(traj)
        history.add_episode(t, traj.total_reward)
        batch.append(traj)
        if len(batch) == batch_episodes:
            agent.learn(batch)
            batch = []
        keeper.step(t, agent.greedy, history)
        if progress is not None:
            progress(t, history)
    keeper.restore()
    return history

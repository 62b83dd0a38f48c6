"""DQN (Mnih et al. 2015): Q_theta(s, a) fitted to y = r + gamma max_a' Q_target(s', a') (1 - done).

Replay buffer, a target network copied every `target_update` gradient steps, a linear epsilon
schedule, the Huber loss and gradient-norm clipping, written out with torch.
"""

import copy
from collections.abc import Callable
from pathlib import Path

import numpy as np
import torch
from torch import nn

from profond.checks import check_int, check_positive, check_range
from profond.further.rl.loop import run_episode
from profond.further.rl.nets import load_numpy_state, mlp, numpy_state
from profond.further.rl.qlearning import linear_epsilon
from profond.further.rl.storage import load_agent_files, save_agent
from profond.further.rl.tracking import BestKeeper, History


class ReplayBuffer:
    """The last `capacity` transitions (s, a, r, s', terminated) in a ring; `sample` draws uniformly
    with replacement. Arrays: states (capacity, obs_dim) float32, actions int64, rewards float32."""

    def __init__(self, capacity: int, obs_dim: int, *, seed: int = 0):
        self.capacity = check_int("capacity", capacity, minimum=1)
        self.states = np.zeros((capacity, obs_dim), np.float32)
        self.next_states = np.zeros((capacity, obs_dim), np.float32)
        self.actions = np.zeros(capacity, np.int64)
        self.rewards = np.zeros(capacity, np.float32)
        self.terminated = np.zeros(capacity, np.float32)
        self.size = 0
        self.position = 0
        self.rng = np.random.default_rng(seed)

    def __len__(self) -> int:
        return self.size

    def push(self, s, a: int, r: float, s_next, terminated: bool) -> None:
        """Store one transition, overwriting the oldest once full."""
        i = self.position
        self.states[i], self.actions[i], self.rewards[i] = s, a, r
        self.next_states[i], self.terminated[i] = s_next, terminated
        self.position = (i + 1) % self.capacity
        self.size = min(self.size + 1, self.capacity)

    def sample(self, batch_size: int) -> dict[str, torch.Tensor]:
        """`batch_size` stored transitions as tensors: states (B, obs_dim), the others (B,)."""
        check_int("batch_size", batch_size, minimum=1)
        if self.size == 0:
            raise ValueError("replay buffer: expected at least 1 transition; got 0")
        idx = self.rng.integers(self.size, size=batch_size)
        return {"states": torch.from_numpy(self.states[idx]),
                "actions": torch.from_numpy(self.actions[idx]),
                "rewards": torch.from_numpy(self.rewards[idx]),
                "next_states": torch.from_numpy(self.next_states[idx]),
                "terminated": torch.from_numpy(self.terminated[idx])}


def dqn_targets(rewards: torch.Tensor, next_q_target: torch.Tensor, terminated: torch.Tensor,
                gamma: float) -> torch.Tensor:
    """y = r + gamma max_a' Q_target(s', a') (1 - terminated).

    rewards (N,), next_q_target (N, n_actions), terminated (N,) 0/1 -> (N,). A truncated episode is
    not terminated: its last state still has a future, so it keeps the bootstrap term.
    """
    return rewards + gamma * next_q_target.max(dim=1).values * (1.0 - terminated)


class DQN:
    """The online network Q_theta, its target copy, Adam, and the replay buffer."""

    def __init__(self, obs_dim: int, n_actions: int, *, hidden: tuple[int, ...] = (128, 128),
                 lr: float = 1e-3, gamma: float = 0.99, batch_size: int = 64,
                 buffer_size: int = 50_000, target_update: int = 500, max_grad_norm: float = 10.0,
                 seed: int = 0):
        self.config = {"obs_dim": check_int("obs_dim", obs_dim, minimum=1),
                       "n_actions": check_int("n_actions", n_actions, minimum=1),
                       "hidden": list(hidden), "lr": check_positive("lr", lr),
                       "gamma": check_range("gamma", gamma, 0.0, 1.0),
                       "batch_size": check_int("batch_size", batch_size, minimum=1),
                       "buffer_size": check_int("buffer_size", buffer_size, minimum=1),
                       "target_update": check_int("target_update", target_update, minimum=1),
                       "max_grad_norm": check_positive("max_grad_norm", max_grad_norm),
                       "seed": seed}
        torch.manual_seed(seed)
        self.q = mlp((obs_dim, *hidden, n_actions))
        self.q_target = copy.deepcopy(self.q).requires_grad_(False)
        self.optimizer = torch.optim.Adam(self.q.parameters(), lr=lr, foreach=True)
        self.buffer = ReplayBuffer(buffer_size, obs_dim, seed=seed)
        self.rng = np.random.default_rng(seed)
        self.gradient_steps = 0

    def greedy(self, state) -> int:
        """argmax_a Q_theta(state, a)."""
        with torch.no_grad():
            return int(self.q(torch.as_tensor(state, dtype=torch.float32)).argmax())

    def act(self, state, epsilon: float) -> int:
        """A random action with probability epsilon, else the greedy one."""
        if self.rng.random() < epsilon:
            return int(self.rng.integers(self.config["n_actions"]))
        return self.greedy(state)

    def learn(self) -> float:
        """One gradient step of Huber(Q_theta(s, a), y) on a replay batch; returns the loss."""
        batch = self.buffer.sample(self.config["batch_size"])
        with torch.no_grad():
            y = dqn_targets(batch["rewards"], self.q_target(batch["next_states"]),
                            batch["terminated"], self.config["gamma"])
        q_sa = self.q(batch["states"]).gather(1, batch["actions"][:, None]).squeeze(1)
        loss = nn.functional.smooth_l1_loss(q_sa, y)
        self.optimizer.zero_grad()
        loss.backward()
        nn.utils.clip_grad_norm_(self.q.parameters(), self.config["max_grad_norm"])
        self.optimizer.step()
        self.gradient_steps += 1
        if self.gradient_steps % self.config["target_update"] == 0:
            self.q_target.load_state_dict(self.q.state_dict())
        return loss.item()

    def save(self, folder: str | Path) -> Path:
        return save_agent(folder, "dqn", numpy_state(self.q), self.config)

    @classmethod
    def load(cls, folder: str | Path) -> "DQN":
        tensors, config = load_agent_files(folder, "dqn")
        agent = cls(**{**config, "hidden": tuple(config["hidden"])})
        load_numpy_state(agent.q, tensors)
        agent.q_target.load_state_dict(agent.q.state_dict())
        return agent


def train_dqn(env, agent: DQN, steps: int, *, learning_starts: int = 1000, train_every: int = 1,
              gradient_steps: int = 1, epsilon_start: float = 1.0, epsilon_end: float = 0.05,
              exploration_fraction: float = 0.2, eval_env=None, eval_every: int = 5000,
              eval_episodes: int = 10, solved_at: float = 500.0, seed: int = 0,
              progress: Callable[[int, History], None] | None = None) -> History:
    """Play epsilon-greedy for at most `steps` env steps; every `train_every` steps (once the buffer
    holds `learning_starts`) take `gradient_steps` gradient steps.

    With `eval_env`, the greedy policy is scored every `eval_every` steps; the best-scoring weights
    are kept and training stops once a score reaches `solved_at`.
    """
    check_int("steps", steps, minimum=1)
    history = History()
    keeper = BestKeeper(agent.q, eval_env, every=eval_every, episodes=eval_episodes,
                        solved_at=solved_at, seed=seed)
    t = 0

    def on_step(s, a, r, s_next, terminated):
        nonlocal t
        agent.buffer.push(s, a, r, s_next, terminated)
        t += 1
        if t >= learning_starts and t % train_every == 0:
            for _ in range(gradient_steps):
                agent.learn()

    def policy(s):
        return agent.act(s, linear_epsilon(t, steps, start=epsilon_start, end=epsilon_end,
                                           fraction=exploration_fraction))

    while t < steps and not keeper.solved:
        traj = run_episode(env, policy, seed=seed if t == 0 else None, max_steps=steps - t,
                           on_step=on_step)
        history.add_episode(t, traj.total_reward)
        keeper.step(t, agent.greedy, history)
        if progress is not None:
            progress(t, history)
    keeper.restore()
    agent.q_target.load_state_dict(agent.q.state_dict())
    return history

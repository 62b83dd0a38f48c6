"""The tuned settings the CLI and the experiments share: train an agent on CartPole-v1 or
FrozenLake-v1, score it, and render one episode.

CartPole counts as solved when the greedy policy's mean return over 100 episodes is >= 475.
"""

import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from profond.checks import check_choice, check_int
from profond.further.rl.loop import evaluate, run_episode
from profond.further.rl.media import save_gif
from profond.further.rl.qlearning import QLearning, success_rate, train_q_learning, value_iteration

CARTPOLE = "CartPole-v1"
FROZENLAKE = "FrozenLake-v1"
CARTPOLE_AGENTS = ("dqn", "reinforce")
SOLVED_AT = 475.0
EVAL_EPISODES = 100
# Evaluation episodes are drawn from seeds no training episode starts from.
EVAL_SEED = 10_000

DQN_RECIPE = {
    "steps": 50_000,
    "agent": {"hidden": (256, 256), "lr": 2.3e-3, "gamma": 0.99, "batch_size": 64,
              "buffer_size": 100_000, "target_update": 128, "max_grad_norm": 10.0},
    "train": {"learning_starts": 1000, "train_every": 256, "gradient_steps": 128,
              "epsilon_start": 1.0, "epsilon_end": 0.04, "exploration_fraction": 0.16,
              "eval_every": 2500, "eval_episodes": 10, "solved_at": 500.0},
}
REINFORCE_RECIPE = {
    "steps": 200_000,
    "agent": {"hidden": (64,), "lr": 5e-3, "value_lr": 1e-2, "gamma": 0.99},
    "train": {"batch_episodes": 4, "eval_every": 5000, "eval_episodes": 10, "solved_at": 500.0},
}


@dataclass
class CartPoleRun:
    """A trained agent, its history, the budget it used and its final greedy evaluation."""

    agent_name: str
    agent: object
    history: object
    steps: int
    seconds: float
    cpu_seconds: float
    eval_returns: list[float] = field(default_factory=list)

    @property
    def mean_return(self) -> float:
        return float(np.mean(self.eval_returns))

    @property
    def solved(self) -> bool:
        return self.mean_return >= SOLVED_AT


def train_cartpole(agent_name: str, *, steps: int | None = None, seed: int = 0,
                   progress: Callable | None = None) -> CartPoleRun:
    """Train `agent_name` ("dqn" or "reinforce") with its recipe for at most `steps` env steps
    (the recipe's budget by default), then score it over 100 greedy episodes."""
    import gymnasium as gym
    import torch

    check_choice("agent", agent_name, CARTPOLE_AGENTS)
    recipe = DQN_RECIPE if agent_name == "dqn" else REINFORCE_RECIPE
    steps = check_int("steps", recipe["steps"] if steps is None else steps, minimum=1)
    # One thread: these nets are tiny, so extra threads only add synchronisation.
    torch.set_num_threads(1)
    env, eval_env = gym.make(CARTPOLE), gym.make(CARTPOLE)
    env.action_space.seed(seed)
    agent, train = _cartpole_agent(agent_name, env, seed)
    start, start_cpu = time.perf_counter(), time.process_time()
    history = train(env, agent, steps, eval_env=eval_env, seed=seed, progress=progress,
                    **recipe["train"])
    run = CartPoleRun(agent_name, agent, history, history.episode_steps[-1],
                      time.perf_counter() - start, time.process_time() - start_cpu)
    run.eval_returns = evaluate(gym.make(CARTPOLE), agent.greedy, EVAL_EPISODES,
                                seed=EVAL_SEED + seed)
    return run


def _cartpole_agent(agent_name: str, env, seed: int):
    obs_dim, n_actions = env.observation_space.shape[0], int(env.action_space.n)
    if agent_name == "dqn":
        from profond.further.rl.dqn import DQN, train_dqn

        return DQN(obs_dim, n_actions, seed=seed, **DQN_RECIPE["agent"]), train_dqn
    from profond.further.rl.reinforce import Reinforce, train_reinforce

    return Reinforce(obs_dim, n_actions, seed=seed, **REINFORCE_RECIPE["agent"]), train_reinforce


@dataclass
class FrozenLakeRun:
    """A Q-learning agent, its training returns, its greedy success rate and the optimum's."""

    agent: object
    returns: list[float]
    success_rate: float
    optimal_success_rate: float
    episodes: int
    seconds: float
    cpu_seconds: float


def frozenlake_env(slippery: bool, render: bool = False):
    import gymnasium as gym

    return gym.make(FROZENLAKE, map_name="4x4", is_slippery=slippery,
                    render_mode="rgb_array" if render else None)


def train_frozenlake(*, slippery: bool, episodes: int | None = None, seed: int = 0,
                     eval_episodes: int = 1000, progress: Callable | None = None
                     ) -> FrozenLakeRun:
    """Q-learning (alpha 0.1, gamma 0.99, epsilon 1 -> 0.01 over half the episodes) on the 4x4 map;
    the greedy policy and value iteration's optimal policy are scored on the same episodes."""
    if episodes is None:
        episodes = 10_000 if slippery else 500
    check_int("episodes", episodes, minimum=1)
    env = frozenlake_env(slippery)
    env.action_space.seed(seed)
    n_states, n_actions = int(env.observation_space.n), int(env.action_space.n)
    agent = QLearning(n_states, n_actions, alpha=0.1, gamma=0.99, seed=seed)
    start, start_cpu = time.perf_counter(), time.process_time()
    returns = train_q_learning(env, agent, episodes, seed=seed, progress=progress)
    seconds, cpu_seconds = time.perf_counter() - start, time.process_time() - start_cpu
    _, optimal = value_iteration(env.unwrapped.P, n_states, n_actions, gamma=0.99)
    score = success_rate(env, agent.greedy, eval_episodes, seed=EVAL_SEED + seed)
    best = success_rate(env, lambda s: int(optimal[s]), eval_episodes, seed=EVAL_SEED + seed)
    return FrozenLakeRun(agent, returns, score, best, episodes, seconds, cpu_seconds)


def render_gif(env, policy, path: str | Path, *, seed: int = 0, fps: int = 30, every: int = 1,
               scale: float = 1.0) -> Path:
    """Play one episode of `policy` on `env` (render_mode="rgb_array") and save it as a GIF."""
    # Off-screen frames need no display; without this SDL complains about XDG_RUNTIME_DIR.
    os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
    traj = run_episode(env, policy, seed=seed, render=True)
    return save_gif(traj.frames, path, fps=fps, every=every, scale=scale)

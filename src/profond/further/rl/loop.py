"""The agent-environment loop of deck 000: in state S_t the agent takes action A_t, the environment
moves to S_{t+1} and gives the agent the reward R_t.

Works with any Gymnasium environment (`reset(seed=) -> (obs, info)`,
`step(a) -> (obs, reward, terminated, truncated, info)`).
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

Policy = Callable[[Any], Any]
# on_step(S_t, A_t, R_t, S_{t+1}, terminated): where a learning agent updates after each step.
OnStep = Callable[[Any, Any, float, Any, bool], None]


@dataclass
class Trajectory:
    """S_0, A_0, R_0, S_1, ..., A_{T-1}, R_{T-1}, S_T: T actions and rewards, T + 1 states.

    `terminated`: the episode reached a terminal state (pole fell, hole, goal); `truncated`: it was
    cut by a time limit, so S_T still has a future (a learner must bootstrap from it).
    """

    states: list = field(default_factory=list)
    actions: list = field(default_factory=list)
    rewards: list[float] = field(default_factory=list)
    terminated: bool = False
    truncated: bool = False
    frames: list = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.actions)

    @property
    def total_reward(self) -> float:
        """G = sum_t R_t, the undiscounted return of the episode."""
        return float(sum(self.rewards))


def run_episode(env, policy: Policy, *, seed: int | None = None, max_steps: int | None = None,
                on_step: OnStep | None = None, render: bool = False) -> Trajectory:
    """S_t -> A_t = policy(S_t) -> (R_t, S_{t+1}), from env.reset() until the episode ends.

    `max_steps` cuts the episode (marked truncated); `render` keeps env.render() frames, which
    needs an env made with render_mode="rgb_array". Mirrors the loop of the Gymnasium docs
    ("Basic Usage").
    """
    state, _ = env.reset(seed=seed)
    traj = Trajectory(states=[state])
    if render:
        traj.frames.append(env.render())
    while not (traj.terminated or traj.truncated):
        action = policy(state)
        next_state, reward, terminated, truncated, _ = env.step(action)
        traj.actions.append(action)
        traj.rewards.append(float(reward))
        traj.states.append(next_state)
        traj.terminated = bool(terminated)
        traj.truncated = bool(truncated) or (max_steps is not None and len(traj) >= max_steps
                                             and not terminated)
        if on_step is not None:
            on_step(state, action, float(reward), next_state, bool(terminated))
        if render:
            traj.frames.append(env.render())
        state = next_state
    return traj


def evaluate(env, policy: Policy, episodes: int = 100, *, seed: int = 0) -> list[float]:
    """The returns of `episodes` episodes played by `policy`; the first reset is seeded, so the
    whole series is reproducible and differs from training episodes drawn with another seed."""
    return [run_episode(env, policy, seed=seed if i == 0 else None).total_reward
            for i in range(episodes)]

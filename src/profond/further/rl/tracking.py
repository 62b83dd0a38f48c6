"""What the deep agents' training loops share: the history of returns, and periodic greedy
evaluation that keeps the best weights and says when the task is solved."""

from dataclasses import dataclass, field

import numpy as np
from torch import nn

from profond.further.rl.loop import evaluate
from profond.further.rl.nets import load_numpy_state, numpy_state


@dataclass
class History:
    """Per training episode: the env step at its end and its return; per evaluation: step, mean."""

    episode_steps: list[int] = field(default_factory=list)
    episode_returns: list[float] = field(default_factory=list)
    eval_steps: list[int] = field(default_factory=list)
    eval_returns: list[float] = field(default_factory=list)
    best_step: int = 0

    def add_episode(self, t: int, total_reward: float) -> None:
        self.episode_steps.append(t)
        self.episode_returns.append(total_reward)


class BestKeeper:
    """Every `every` env steps, score `policy` greedily on `eval_env` over `episodes` episodes and
    keep a copy of `module`'s weights when the score is the best so far (later wins ties)."""

    def __init__(self, module: nn.Module, eval_env, *, every: int, episodes: int,
                 solved_at: float, seed: int):
        self.module, self.eval_env = module, eval_env
        self.every, self.episodes, self.solved_at, self.seed = every, episodes, solved_at, seed
        self.next_eval = every
        self.best_score, self.best_state = -np.inf, None

    def step(self, t: int, policy, history: History) -> None:
        if self.eval_env is None or t < self.next_eval:
            return
        self.next_eval = t + self.every
        score = float(np.mean(evaluate(self.eval_env, policy, self.episodes, seed=self.seed + t)))
        history.eval_steps.append(t)
        history.eval_returns.append(score)
        if score >= self.best_score:
            self.best_score, self.best_state, history.best_step = score, numpy_state(self.module), t

    @property
    def solved(self) -> bool:
        return self.best_score >= self.solved_at

    def restore(self) -> None:
        """Put the best weights back (a no-op when nothing was evaluated)."""
        if self.best_state is not None:
            load_numpy_state(self.module, self.best_state)

"""Reinforcement learning (deck 000): the agent-environment loop, tabular Q-learning, and two deep
agents written out in torch (`profond.further.rl.dqn`, `profond.further.rl.reinforce`).

Importing this package loads NumPy only; the torch agents load torch when imported.
"""

from profond.further.rl.loop import Trajectory, evaluate, run_episode
from profond.further.rl.qlearning import QLearning, q_update, train_q_learning, value_iteration

__all__ = ["QLearning", "Trajectory", "evaluate", "q_update", "run_episode", "train_q_learning",
           "value_iteration"]

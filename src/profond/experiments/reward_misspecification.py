"""Deck 000, « le problème de l'alignement »: the agent does what it is paid for, not what was
meant.

FrozenLake 4x4 (ice not slippery, 100 steps at most). The designer wants the goal (reward 1) and,
to encourage progress, pays 0.2 for entering tile 6, on a shortest path. Paid at every entry, the
bonus makes stepping off the tile and back worth more than the goal: Q-learning learns to loop
there. Paid once per episode, it does no harm. Same Q-learning recipe as `rl-frozenlake`.
"""

from pathlib import Path

import numpy as np

from profond.experiments.registry import ExperimentResult
from profond.further.rl.loop import run_episode
from profond.further.rl.media import plot_returns
from profond.further.rl.misspecified import BonusTile
from profond.further.rl.qlearning import QLearning, train_q_learning
from profond.further.rl.recipes import frozenlake_env

BONUS_TILE, BONUS, GOAL = 6, 0.2, 15
EPISODES = {True: 1500, False: 5000}
EVAL_EPISODES = 100
ARMS = {"goal only (intended)": None, "bonus at every entry": True,
        "bonus once per episode": False}


def make_env(repeatable: bool | None):
    """FrozenLake 4x4 without slipping; with the bonus tile unless `repeatable` is None."""
    env = frozenlake_env(slippery=False)
    return env if repeatable is None else BonusTile(env, BONUS_TILE, BONUS, repeatable)


def run(*, quick: bool, seed: int, out_dir: Path) -> ExperimentResult:
    """One row per reward: the greedy policy's goal rate, steps, tile entries and paid return."""
    episodes = EPISODES[quick]
    rows, curves = [], {}
    for arm, repeatable in ARMS.items():
        env = make_env(repeatable)
        env.action_space.seed(seed)
        agent = QLearning(16, 4, alpha=0.1, gamma=0.99, seed=seed)
        curves[arm] = train_q_learning(env, agent, episodes, seed=seed)
        played = [run_episode(env, agent.greedy, seed=seed + 10_000 if i == 0 else None)
                  for i in range(EVAL_EPISODES)]
        rows.append({"reward": arm, "episodes": episodes,
                     "goal reached %": round(100 * float(np.mean(
                         [t.states[-1] == GOAL for t in played])), 1),
                     "steps": float(np.mean([len(t) for t in played])),
                     "tile-6 entries": float(np.mean(
                         [sum(s == BONUS_TILE for s in t.states[1:]) for t in played])),
                     "paid return": round(float(np.mean([t.total_reward for t in played])), 3)})
    figure = _plot(curves, out_dir / "reward_misspecification.png")
    goal = {r["reward"]: r["goal reached %"] / 100 for r in rows}
    return ExperimentResult(
        name="reward-misspecification", rows=rows,
        title="Reward misspecification on FrozenLake 4x4: a repeatable bonus tile",
        figures=[str(figure)],
        claims={"goal_rate": goal,
                "tile_entries_repeatable": rows[1]["tile-6 entries"],
                "paid_return_repeatable": rows[1]["paid return"]},
        notes=[f"Tile {BONUS_TILE} pays {BONUS}; the goal pays 1 and ends the episode, which "
               "the time limit cuts at 100 steps. Greedy policy scored over "
               f"{EVAL_EPISODES} episodes.",
               "Q-learning: alpha 0.1, gamma 0.99, epsilon 1 -> 0.01 over half the episodes.",
               "With the repeatable bonus the paid return beats the intended agent's 1.0 while "
               "the goal is never reached: the reward, not the agent, is wrong."])


def _plot(curves: dict, path: Path) -> Path:
    series = {arm: (range(1, len(r) + 1), r) for arm, r in curves.items()}
    plot_returns(series, path, xlabel="episode", ylabel="paid return", window=50,
                 title="What is paid is what is learnt (FrozenLake, bonus on tile 6)")
    return path

"""Deck 000, reinforcement learning: tabular Q-learning on FrozenLake-v1 4x4, with and without
slippery ice, against the optimal policy (value iteration on the environment's model)."""

from pathlib import Path

from profond.experiments.registry import ExperimentResult
from profond.further.rl.media import plot_returns
from profond.further.rl.recipes import train_frozenlake

EPISODES = {False: 500, True: 10_000}
QUICK_EPISODES = {False: 300, True: 2000}


def run(*, quick: bool, seed: int, out_dir: Path) -> ExperimentResult:
    """One row per map: training episodes, greedy success rate over 1000 episodes, the optimum's."""
    rows, curves = [], {}
    for slippery in (False, True):
        episodes = (QUICK_EPISODES if quick else EPISODES)[slippery]
        result = train_frozenlake(slippery=slippery, episodes=episodes, seed=seed)
        label = "slippery" if slippery else "not slippery"
        rows.append({"map": f"4x4 {label}", "episodes": episodes,
                     "success_rate": result.success_rate,
                     "optimal_success_rate": result.optimal_success_rate,
                     "cpu_seconds": round(result.cpu_seconds, 1),
                     "wall_seconds": round(result.seconds, 1)})
        curves[label] = (range(1, episodes + 1), result.returns)
    figure = out_dir / "rl_frozenlake.png"
    plot_returns(curves, figure, xlabel="episode",
                 ylabel="success (return)", window=100,
                 title="Q-learning on FrozenLake-v1 4x4 (epsilon-greedy training)")
    return ExperimentResult(
        name="rl-frozenlake",
        rows=rows,
        title="Q-learning on FrozenLake 4x4: greedy success rate vs the optimal policy's",
        figures=[str(figure)],
        claims={"success_rate_not_slippery": rows[0]["success_rate"],
                "success_rate_slippery": rows[1]["success_rate"],
                "optimal_success_rate_slippery": rows[1]["optimal_success_rate"]},
        notes=["alpha = 0.1, gamma = 0.99, epsilon 1 -> 0.01 over the first half of the episodes.",
               "Success rates: greedy policy over 1000 episodes (100-step limit); the optimum is "
               "value iteration's policy (gamma = 0.99) scored on the same episodes.",
               "On slippery ice the intended move happens 1 time in 3, so even the optimal policy "
               "falls in a hole about 1 time in 4."],
    )

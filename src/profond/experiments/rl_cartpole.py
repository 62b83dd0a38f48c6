"""Deck 000, reinforcement learning: DQN and REINFORCE with a baseline on CartPole-v1; solved
means a greedy mean return >= 475 over 100 episodes."""

from pathlib import Path

from profond.experiments.registry import ExperimentResult
from profond.further.rl import recipes
from profond.further.rl.media import plot_returns

QUICK_STEPS = {"dqn": 5000, "reinforce": 5000}


def run(*, quick: bool, seed: int, out_dir: Path) -> ExperimentResult:
    """One row per agent: env steps used, CPU and wall seconds, greedy mean return, solved."""
    rows, curves, checks = [], {}, {}
    for name in recipes.CARTPOLE_AGENTS:
        result = recipes.train_cartpole(name, steps=QUICK_STEPS[name] if quick else None,
                                        seed=seed)
        h = result.history
        rows.append({"agent": name, "steps": result.steps,
                     "cpu_seconds": round(result.cpu_seconds, 1),
                     "wall_seconds": round(result.seconds, 1),
                     "mean_return": result.mean_return, "min_return": min(result.eval_returns),
                     "solved": result.solved})
        curves[name] = (h.episode_steps, h.episode_returns)
        checks[name] = (h.eval_steps, h.eval_returns)
    figure = out_dir / "rl_cartpole.png"
    plot_returns(curves, figure, target=recipes.SOLVED_AT,
                 checks=checks, title="CartPole-v1: training returns, greedy checks")
    return ExperimentResult(
        name="rl-cartpole",
        rows=rows,
        title="CartPole-v1: DQN vs REINFORCE with a baseline (greedy, 100 evaluation episodes)",
        figures=[str(figure)],
        claims={f"{row['agent']}_solved": row["solved"] for row in rows}
        | {f"{row['agent']}_steps": row["steps"] for row in rows},
        notes=["Training stops early once a 10-episode greedy check scores 500; the best-checked "
               "weights are the ones evaluated.",
               "steps: environment steps of training (the greedy checks not counted); "
               "one torch thread.",
               "--quick uses 5000 steps per agent: a smoke run, not expected to solve the task."],
    )

"""`profond rl train cartpole|frozenlake`: train an agent, print its evaluation, write its reward
curve (PNG), one rendered episode (GIF) and the agent itself (safetensors + JSON)."""

from pathlib import Path
from typing import Annotated

import typer

from profond.cli.common import (
    ENERGY_HELP,
    err_console,
    fail,
    pairs_table,
    print_json_last,
    screen,
)

app = typer.Typer(help="Reinforcement learning: the agent-environment loop on Gymnasium tasks.",
                  no_args_is_help=True)

ENVS = ("cartpole", "frozenlake")
AGENTS = {"cartpole": ("dqn", "reinforce"), "frozenlake": ("q-learning",)}


@app.command("train")
def train(
    env: str = typer.Argument(..., help="Environment: cartpole (CartPole-v1) or frozenlake "
                              "(FrozenLake-v1, 4x4)."),
    agent: str = typer.Option(None, "--agent", help="cartpole: dqn or reinforce (default dqn); "
                              "frozenlake: q-learning."),
    steps: int = typer.Option(None, "--steps", help="cartpole: most environment steps "
                              "(default: the agent's recipe)."),
    episodes: int = typer.Option(None, "--episodes", help="frozenlake: training episodes."),
    slippery: bool = typer.Option(True, "--slippery/--no-slippery",
                                  help="frozenlake: slippery ice."),
    seed: int = typer.Option(0, "--seed", help="Random seed."),
    out: Annotated[Path | None, typer.Option(
        "--out", help="Output folder (default runs/rl/ENV-AGENT-TIME).")] = None,
    energy: bool = typer.Option(False, "--energy", help=ENERGY_HELP),
    as_json: bool = typer.Option(False, "--json", help="Print only one JSON object on stdout "
                                 "(the summary goes to stderr)."),
) -> None:
    """Train one agent, evaluate it greedily, save curve, GIF and agent."""
    from profond.checks import check_choice, check_int
    from profond.train.config import check_energy_meter

    try:
        check_choice("env", env, ENVS)
        agent = check_choice(f"--agent (for {env})", agent or AGENTS[env][0], AGENTS[env])
        for name, value in (("--steps", steps), ("--episodes", episodes)):
            if value is not None:
                check_int(name, value, minimum=1)
        if energy:
            check_energy_meter("--energy")
    except ValueError as exc:
        fail(str(exc))
    if out is None:
        from profond.paths import runs_dir
        from profond.train.runs import new_run_id

        out = runs_dir() / "rl" / new_run_id(env, agent)
    out.mkdir(parents=True, exist_ok=True)
    from profond.train.energy import measured

    with measured(energy) as meter:  # kWh and CO2e with --energy
        if env == "cartpole":
            summary = _train_cartpole(agent, steps, seed, out)
        else:
            summary = _train_frozenlake(agent, episodes, slippery, seed, out)
    summary.update(meter)
    files = ("curve", "gif", "agent_dir")
    console = screen(as_json)
    # one row per value: a summary this wide would not fit 80 columns as one row
    console.print(pairs_table({k: v for k, v in summary.items() if k not in files},
                              f"{env} / {agent}: greedy evaluation", "value of"))
    for key in files:
        console.print(f"{key}: {summary[key]}", highlight=False)
    if as_json:
        print_json_last(summary)


def _progress(total: int, unit: str):
    """A rich progress bar on stderr and the callback that moves it: (done, info) -> None."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    bar = Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                   TextColumn(unit), TimeElapsedColumn(), TextColumn("{task.fields[info]}"),
                   console=err_console, transient=True)
    task = bar.add_task("training", total=total, info="")

    def update(done: int, info: str) -> None:
        bar.update(task, completed=done, info=info)

    return bar, update


def _train_cartpole(agent: str, steps: int | None, seed: int, out: Path) -> dict:
    import gymnasium as gym
    import numpy as np

    from profond.further.rl import recipes
    from profond.further.rl.media import plot_returns

    recipe = recipes.DQN_RECIPE if agent == "dqn" else recipes.REINFORCE_RECIPE
    bar, update = _progress(steps or recipe["steps"], "steps")

    def progress(t, history):
        last = history.episode_returns[-20:]
        update(t, f"return {np.mean(last):.0f} (last {len(last)} episodes)")

    with bar:
        run = recipes.train_cartpole(agent, steps=steps, seed=seed, progress=progress)
    h = run.history
    curve = out / "returns.png"
    plot_returns({agent: (h.episode_steps, h.episode_returns)}, curve,
                 title=f"CartPole-v1, {agent}, seed {seed}", target=recipes.SOLVED_AT,
                 checks={agent: (h.eval_steps, h.eval_returns)})
    gif = recipes.render_gif(gym.make(recipes.CARTPOLE, render_mode="rgb_array"), run.agent.greedy,
                             out / "episode.gif", seed=recipes.EVAL_SEED + seed, every=2, scale=0.5)
    run.agent.save(out / "agent")
    return {"env": recipes.CARTPOLE, "agent": agent, "seed": seed, "steps": run.steps,
            "seconds": round(run.seconds, 1), "cpu_seconds": round(run.cpu_seconds, 1),
            "mean_return": run.mean_return, "min_return": min(run.eval_returns),
            "eval_episodes": len(run.eval_returns), "solved": run.solved,
            "curve": str(curve), "gif": str(gif), "agent_dir": str(out / "agent")}


def _train_frozenlake(agent: str, episodes: int | None, slippery: bool, seed: int, out: Path
                      ) -> dict:
    from profond.further.rl import recipes
    from profond.further.rl.media import plot_returns

    total = episodes or (10_000 if slippery else 500)
    bar, update = _progress(total, "episodes")
    with bar:
        run = recipes.train_frozenlake(slippery=slippery, episodes=total, seed=seed,
                                       progress=lambda done, _: update(done, ""))
    curve = out / "returns.png"
    plot_returns({agent: (range(1, total + 1), run.returns)}, curve,
                 title=f"FrozenLake-v1 4x4 ({'slippery' if slippery else 'not slippery'})"
                 f", Q-learning, seed {seed}", xlabel="episode",
                 ylabel="success (return)", window=max(20, total // 50))
    gif = recipes.render_gif(recipes.frozenlake_env(slippery, render=True), run.agent.greedy,
                             out / "episode.gif", seed=recipes.EVAL_SEED + seed, fps=4)
    run.agent.save(out / "agent")
    return {"env": recipes.FROZENLAKE, "agent": agent, "slippery": slippery, "seed": seed,
            "episodes": run.episodes, "seconds": round(run.seconds, 1),
            "cpu_seconds": round(run.cpu_seconds, 1),
            "success_rate": run.success_rate, "optimal_success_rate": run.optimal_success_rate,
            "curve": str(curve), "gif": str(gif), "agent_dir": str(out / "agent")}

"""AlphaZero learns tic-tac-toe from self-play alone, then meets the perfect (minimax) player.

Deck 003's third part, "MCTS et application aux jeux", and deck 002's AlphaGo: search guided by a
policy-value network trained on its own games.
"""

import time
from pathlib import Path

from profond.experiments.registry import ExperimentResult
from profond.further import minimax
from profond.further.alphazero import AlphaZero, AlphaZeroConfig
from profond.further.games import score
from profond.plotting import integer_ticks, pyplot, save_png

QUICK = dict(iterations=2, games_per_iteration=4, n_simulations=10, eval_simulations=10,
             train_steps=10, batch_size=32, hidden=32)
OPPONENTS = {"minimax": "minimax, every optimal line", "any": "every legal line"}


def run(*, quick: bool, seed: int, out_dir: Path) -> ExperimentResult:
    """Train (the default config, or a tiny one with --quick), save the agent, then play every
    game the perfect player can choose (and every legal line) as X and as O."""
    config = AlphaZeroConfig(**(QUICK if quick else {}), seed=seed)
    agent = AlphaZero(config)
    start = time.process_time()
    history = agent.train()
    cpu_seconds = time.process_time() - start
    agent.save(out_dir / "agent")
    rows = [_referee(agent, side, opponent) for opponent in OPPONENTS for side in (1, -1)]
    figure = _plot(history, out_dir / "alphazero_tictactoe.png")
    lost_to_minimax = sum(r["loss"] for r in rows if r["opponent"] == OPPONENTS["minimax"])
    return ExperimentResult(
        name="alphazero-tictactoe",
        rows=rows,
        title="AlphaZero (PUCT, "
              f"{config.eval_simulations} simulations per move) against every line of play",
        figures=[str(figure)],
        claims={"never_loses_to_minimax": lost_to_minimax == 0,
                "train_cpu_seconds": round(cpu_seconds, 1),
                "self_play_games": config.iterations * config.games_per_iteration,
                "final_loss": history[-1]["loss"], "agent": str(out_dir / "agent")},
        notes=["--quick trains for a few seconds: its results say nothing about strength."
               if quick else "A perfect player can only draw against perfect play.",
               "Games are counted once per distinct line the opponent can choose."],
    )


def _referee(agent, side: int, opponent: str) -> dict:
    outcomes = [winner for _, winner in minimax.referee(agent.choose, side, opponent)]
    return {"opponent": OPPONENTS[opponent], "alphazero_plays": "X" if side == 1 else "O",
            "games": len(outcomes), **score(outcomes, side)}


def _plot(history: list[dict], path: Path) -> Path:
    """Value, policy and total loss per iteration of self-play and training."""
    plt = pyplot()

    its = [r["iteration"] for r in history]
    fig, ax = plt.subplots(figsize=(6, 4))
    for key, label in (("loss", "total"), ("policy_loss", "policy: -pi . log p"),
                       ("value_loss", "value: (z - v)^2")):
        ax.plot(its, [r[key] for r in history], "-o", markersize=3, label=label)
    ax.set(xlabel="iteration (self-play games, then minibatch updates)", ylabel="mean loss",
           title="AlphaZero on tic-tac-toe: training loss")
    integer_ticks(ax)
    ax.legend(fontsize="small")
    fig.tight_layout()
    return save_png(fig, path)

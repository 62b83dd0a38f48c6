"""UCT matches at a simulation budget, and the non-loss curve the MCTS experiments draw."""

from pathlib import Path

import numpy as np

from profond.further import minimax
from profond.further.games import GAMES, play_game, random_player, score
from profond.further.mcts import MCTS
from profond.plotting import finish, pyplot


def match(game: str, opponent: str, side: int, n_simulations: int, n_games: int,
          rng: np.random.Generator) -> dict:
    """UCT with `n_simulations` per move against `opponent` ("random", "minimax" at tic-tac-toe,
    or "uct-N": UCT with N simulations), moving first (side 1, X) or second; W/D/L from UCT's
    side."""
    uct = MCTS(n_simulations, rng=rng).choose
    if opponent.startswith("uct-"):
        other = MCTS(int(opponent[4:]), rng=rng).choose
    else:
        other = random_player(rng) if opponent == "random" else minimax.perfect_player(rng)
    players = (uct, other) if side == 1 else (other, uct)
    outcomes = [play_game(GAMES[game](), *players) for _ in range(n_games)]
    return {"opponent": opponent, "uct_plays": "X" if side == 1 else "O",
            "simulations": n_simulations, "games": n_games, **score(outcomes, side)}


def plot(rows: list[dict], out: str | Path | None = None, title: str = ""):
    """Non-loss rate (wins + draws) against the simulation budget, one line per matchup, as a
    matplotlib Figure; written as the PNG `out` too when given."""
    plt = pyplot()

    fig, ax = plt.subplots(figsize=(6, 4))
    for opponent in dict.fromkeys(r["opponent"] for r in rows):
        for plays, style in (("X", "-o"), ("O", "--s")):
            line = [r for r in rows if r["opponent"] == opponent and r["uct_plays"] == plays]
            rate = [(r["win"] + r["draw"]) / r["games"] for r in line]
            ax.plot([r["simulations"] for r in line], rate, style,
                    label=f"UCT as {plays} vs {opponent}")
    ax.set(xscale="log", xlabel="simulations per move", ylabel="games not lost (fraction)",
           ylim=(-0.05, 1.05), title=title)
    ax.legend(fontsize="small", loc="lower right")
    fig.tight_layout()
    return finish(fig, out)

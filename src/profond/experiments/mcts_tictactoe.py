"""Deck 003's third part, "MCTS et application aux jeux": UCT's strength at tic-tac-toe grows with
its simulation budget, from a random-like player to one the perfect player cannot beat."""

from pathlib import Path

import numpy as np

from profond.experiments.registry import ExperimentResult

BUDGETS, QUICK_BUDGETS = (10, 30, 100, 300, 1000), (10, 100)
GAMES = {"random": 30, "minimax": 10}  # games per side and budget
QUICK_GAMES = {"random": 4, "minimax": 2}


def run(*, quick: bool, seed: int, out_dir: Path) -> ExperimentResult:
    """Win / draw / loss counts of UCT (c = sqrt 2) against a random player and a perfect one
    (a random optimal move), playing X and O, for each simulation budget."""
    budgets, games = (QUICK_BUDGETS, QUICK_GAMES) if quick else (BUDGETS, GAMES)
    rng = np.random.default_rng(seed)
    rows = [match("tictactoe", opponent, side, n, games[opponent], rng)
            for opponent in games for side in (1, -1) for n in budgets]
    figure = plot(rows, out_dir / "mcts_tictactoe.png", "UCT at tic-tac-toe")
    perfect = [r for r in rows if r["opponent"] == "minimax" and r["simulations"] == budgets[-1]]
    return ExperimentResult(
        name="mcts-tictactoe",
        rows=rows,
        title="UCT at tic-tac-toe: wins, draws, losses by simulations per move",
        figures=[str(figure)],
        claims={"budgets": list(budgets),
                "losses_to_minimax_at_top_budget": sum(r["loss"] for r in perfect),
                "losses_to_random_at_top_budget": sum(
                    r["loss"] for r in rows
                    if r["opponent"] == "random" and r["simulations"] == budgets[-1])},
        notes=["Against perfect play the best result is a draw; against random play a strong "
               "player wins almost every game.",
               "UCT's move is its most visited root child; rollouts are uniformly random."],
    )


def match(game: str, opponent: str, side: int, n_simulations: int, n_games: int,
          rng: np.random.Generator) -> dict:
    """UCT with `n_simulations` per move against `opponent` ("random", "minimax" at tic-tac-toe,
    or "uct-N": UCT with N simulations), moving first (side 1, X) or second; W/D/L from UCT's
    side."""
    from profond.further import minimax
    from profond.further.games import GAMES, play_game, random_player, score
    from profond.further.mcts import MCTS

    uct = MCTS(n_simulations, rng=rng).choose
    if opponent.startswith("uct-"):
        other = MCTS(int(opponent[4:]), rng=rng).choose
    else:
        other = random_player(rng) if opponent == "random" else minimax.perfect_player(rng)
    players = (uct, other) if side == 1 else (other, uct)
    outcomes = [play_game(GAMES[game](), *players) for _ in range(n_games)]
    return {"opponent": opponent, "uct_plays": "X" if side == 1 else "O",
            "simulations": n_simulations, "games": n_games, **score(outcomes, side)}


def plot(rows: list[dict], path: Path, title: str) -> Path:
    """Non-loss rate (wins + draws) against the simulation budget, one line per matchup."""
    from profond.plotting import pyplot, save_png

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
    return save_png(fig, path)

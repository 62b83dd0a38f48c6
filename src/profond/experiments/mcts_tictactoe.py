"""Deck 003's third part, "MCTS et application aux jeux": UCT's strength at tic-tac-toe grows with
its simulation budget, from a random-like player to one the perfect player cannot beat."""

from pathlib import Path

import numpy as np

from profond.experiments.registry import ExperimentResult
from profond.further.games.matches import match, plot

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
    figure = out_dir / "mcts_tictactoe.png"
    plot(rows, figure, "UCT at tic-tac-toe")
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

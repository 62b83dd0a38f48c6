"""Deck 003's "MCTS et application aux jeux" on a game too big to solve by hand: UCT at connect four
(7 x 6) beats a random player as soon as it simulates a little, and more simulations beat fewer."""

from pathlib import Path

import numpy as np

from profond.experiments.registry import ExperimentResult
from profond.further.games.matches import match, plot

BUDGETS, QUICK_BUDGETS = (1, 3, 10, 30, 100, 300), (1, 10, 100)
GAMES, QUICK_GAMES = 20, 6  # games per side and budget against random
STRONG, WEAK = 300, 30  # the UCT-against-UCT matchup: more simulations against fewer
STRONG_QUICK, WEAK_QUICK = 100, 10


def run(*, quick: bool, seed: int, out_dir: Path) -> ExperimentResult:
    """W/D/L of UCT (c = sqrt 2) against random play for each budget, playing first and second,
    then UCT with many simulations against UCT with few."""
    budgets, games = (QUICK_BUDGETS, QUICK_GAMES) if quick else (BUDGETS, GAMES)
    strong, weak = (STRONG_QUICK, WEAK_QUICK) if quick else (STRONG, WEAK)
    rng = np.random.default_rng(seed)
    rows = [match("connect4", "random", side, n, games, rng) for side in (1, -1) for n in budgets]
    duel = [match("connect4", f"uct-{weak}", side, strong, games, rng) for side in (1, -1)]
    figure = out_dir / "mcts_connect4.png"
    plot(rows, figure, "UCT at connect four against random play")
    top = [r for r in rows if r["simulations"] == budgets[-1]]
    return ExperimentResult(
        name="mcts-connect4",
        rows=rows + duel,
        title="UCT at connect four: wins, draws, losses by simulations per move",
        figures=[str(figure)],
        claims={"budgets": list(budgets),
                "win_rate_vs_random_at_top_budget": sum(r["win"] for r in top) / (2 * games),
                "win_rate_vs_random_at_one_simulation": sum(
                    r["win"] for r in rows if r["simulations"] == 1) / (2 * games),
                f"win_rate_uct{strong}_vs_uct{weak}": sum(r["win"] for r in duel) / (2 * games)},
        notes=["With one simulation per move UCT picks a child at random: it plays like its "
               "random opponent, and the first player's edge shows.",
               "The last two rows are UCT against UCT: the budget, not the algorithm, decides."],
    )

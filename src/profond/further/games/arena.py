"""Matches between players. A player is any callable `state -> move` (`MCTS.choose`,
`minimax.choose`, `random_player(rng)`, a human reading the terminal)."""

from collections import Counter
from collections.abc import Callable

import numpy as np

from profond.further.games.board import BoardGame

Player = Callable[[BoardGame], int]


def random_player(rng: np.random.Generator) -> Player:
    """Plays a legal move uniformly at random."""
    return lambda state: int(rng.choice(state.legal_moves()))


def play_game(state: BoardGame, x: Player, o: Player) -> int:
    """Play `state` out, X moving by `x` and O by `o`. Returns the winner (+1, -1 or 0)."""
    while not state.is_terminal():
        state = state.play((x if state.current_player == 1 else o)(state))
    return state.winner()


def score(outcomes: list[int], player: int) -> dict[str, int]:
    """Wins, draws and losses of `player` (+1 or -1) over game outcomes."""
    counts = Counter(outcomes)
    return {"win": counts[player], "draw": counts[0], "loss": counts[-player]}

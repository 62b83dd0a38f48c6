"""A perfect tic-tac-toe player: negamax over the whole game tree, memoised by position.

value(s) = max over moves m of -value(play(s, m)); a finished game is worth -1 to the player to move
if the last mover won, else 0. States hash by their cells, and tic-tac-toe has 5,478 reachable
positions, so the table fills in under a second and every later call is a look-up.
"""

from collections.abc import Callable, Iterator
from functools import cache

import numpy as np

from profond.checks import check_choice
from profond.further.games import BoardGame, TicTacToe
from profond.further.games.arena import Player


@cache
def value(state: BoardGame) -> int:
    """The game-theoretic value for the player to move: +1 win, 0 draw, -1 loss."""
    if state.is_terminal():
        return -1 if state.winner() else 0
    return max(-value(state.play(move)) for move in state.legal_moves())


def move_values(state: BoardGame) -> dict[int, int]:
    """Each legal move's value for the player making it."""
    return {move: -value(state.play(move)) for move in state.legal_moves()}


def best_moves(state: BoardGame) -> list[int]:
    """All the moves that keep the game-theoretic value (there are often several)."""
    values = move_values(state)
    best = max(values.values())
    return [move for move, v in values.items() if v == best]


def choose(state: BoardGame) -> int:
    """The player interface of `play_game`: the first optimal move."""
    return best_moves(state)[0]


def perfect_player(rng: np.random.Generator) -> Player:
    """A perfect player that varies its games: a uniformly random optimal move."""
    return lambda state: int(rng.choice(best_moves(state)))


def referee(player: Player, side: int, opponent: str = "minimax",
            state: BoardGame | None = None) -> Iterator[tuple[tuple[int, ...], int]]:
    """Every game a deterministic `player` (as `side`, +1 = X) can play against an opponent that
    branches over all its optimal moves ("minimax") or all its legal moves ("any").

    Yields (moves, winner) per game, so a single loss names the line that beat the player.
    """
    check_choice("side", side, (1, -1))
    replies = _REPLIES[check_choice("opponent", opponent, _REPLIES)]
    # Lines transpose into the same positions; a deterministic player need not think twice.
    yield from _games(cache(player), side, replies, state or TicTacToe(), ())


_REPLIES: dict[str, Callable[[BoardGame], list[int]]] = {
    "minimax": best_moves, "any": lambda state: state.legal_moves()}


def _games(player, side, replies, state, moves):
    if state.is_terminal():
        yield moves, state.winner()
        return
    options = [player(state)] if state.current_player == side else replies(state)
    for move in options:
        yield from _games(player, side, replies, state.play(move), (*moves, move))

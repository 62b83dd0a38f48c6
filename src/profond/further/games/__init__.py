"""Board games for search: tic-tac-toe and connect four, immutable states, players and matches."""

from profond.checks import check_choice
from profond.further.games.arena import Player, play_game, random_player, score
from profond.further.games.board import BoardGame, ConnectFour, O, TicTacToe, X

GAMES: dict[str, type[BoardGame]] = {"tictactoe": TicTacToe, "connect4": ConnectFour}


def make_game(name: str) -> BoardGame:
    """The empty board of the game called `name` ("tictactoe" or "connect4")."""
    return GAMES[check_choice("game", name, GAMES)]()


__all__ = ["GAMES", "O", "X", "BoardGame", "ConnectFour", "Player", "TicTacToe", "make_game",
           "play_game", "random_player", "score"]

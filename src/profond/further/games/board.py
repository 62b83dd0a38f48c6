"""Two-player board games on a grid where k stones in a row win (tic-tac-toe, connect four).

States are immutable: `play(move)` returns a new state and leaves the old one as it was, so a search
tree can keep every node's state without copying. Players are +1 (X, moves first) and -1 (O).
"""

from abc import ABC, abstractmethod
from collections.abc import Iterable

import numpy as np

from profond.checks import check_choice

X, O = 1, -1
SYMBOLS = {X: "X", O: "O", 0: "."}
# Half of the directions a line can take; each is walked both ways from the last stone.
DIRECTIONS = ((0, 1), (1, 0), (1, 1), (1, -1))


class BoardGame(ABC):
    """A `rows` x `cols` board where `connect` stones in a row, column or diagonal win.

    Subclasses say what a move is (`_free_moves`, `_cell`). A cell holds +1, -1 or 0 (empty);
    `cells[r * cols + c]` is row r (0 at the top), column c.
    """

    name = "board"
    rows = cols = connect = 0

    def __init__(self, cells: tuple[int, ...] | None = None, current_player: int = X,
                 winner: int | None = None):
        # A flat tuple, row by row: hashable, and far cheaper to copy and read than a small array.
        self.cells = (0,) * (self.rows * self.cols) if cells is None else tuple(cells)
        self.current_player = current_player
        self._winner = winner
        self._legal: tuple[int, ...] | None = None  # computed once: states never change

    @property
    def board(self) -> np.ndarray:
        """The cells as a (rows, cols) int8 array, row 0 at the top."""
        return np.array(self.cells, np.int8).reshape(self.rows, self.cols)

    @classmethod
    def from_moves(cls, moves: Iterable[int]) -> "BoardGame":
        """The position after playing `moves` from the empty board, X first."""
        state = cls()
        for move in moves:
            state = state.play(move)
        return state

    def legal_moves(self) -> list[int]:
        """The moves the player to move may play, in increasing order; [] once the game is over."""
        if self._legal is None:
            self._legal = () if self._winner is not None else tuple(self._free_moves())
        return list(self._legal)

    @abstractmethod
    def _free_moves(self) -> list[int]:
        """The moves the board leaves open (the game is known not to be over)."""

    @abstractmethod
    def _cell(self, move: int) -> tuple[int, int]:
        """The (row, column) where `move` puts the stone."""

    def play(self, move: int) -> "BoardGame":
        """The state after the player to move plays `move`; `self` is unchanged."""
        if self.is_terminal():
            raise ValueError(f"move: expected no move, the game is over ({self.result_text()}); "
                             f"got {move!r}")
        check_choice("move", move, self.legal_moves())
        row, col = self._cell(move)
        cells = list(self.cells)
        cells[row * self.cols + col] = self.current_player
        child = type(self)(cells, -self.current_player)
        child._winner = child._winner_through(row, col)
        return child

    def clone(self) -> "BoardGame":
        return type(self)(self.cells, self.current_player, self._winner)

    def winner(self) -> int | None:
        """+1 or -1 when that player has a line, 0 for a draw (full board), None while playing."""
        return self._winner

    def is_terminal(self) -> bool:
        return self._winner is not None

    def key(self) -> tuple[int, ...]:
        """A hashable identity of the position (the board decides whose turn it is)."""
        return self.cells

    def __eq__(self, other: object) -> bool:
        return type(other) is type(self) and other.cells == self.cells

    def __hash__(self) -> int:
        return hash((type(self).__name__, self.cells))

    def encode(self) -> np.ndarray:
        """Planes (3, rows, cols) float32 seen by the player to move: own stones, the opponent's,
        and a constant plane that is 1 when the player to move is X."""
        me, board = self.current_player, self.board
        return np.stack([board == me, board == -me,
                         np.full(board.shape, me == X)]).astype(np.float32)

    def result_text(self) -> str:
        outcome = self.winner()
        if outcome is None:
            return f"{SYMBOLS[self.current_player]} to move"
        return "draw" if outcome == 0 else f"{SYMBOLS[outcome]} wins"

    def __str__(self) -> str:
        lines = [" ".join(SYMBOLS[v] for v in self.cells[r * self.cols:(r + 1) * self.cols])
                 for r in range(self.rows)]
        return "\n".join([*lines, self.result_text()])

    def __repr__(self) -> str:
        moves = sum(v != 0 for v in self.cells)
        return f"{type(self).__name__}(moves={moves}, {self.result_text()})"

    def _winner_through(self, row: int, col: int) -> int | None:
        """Only lines through the newest stone can be new, so only they are checked."""
        player = self.cells[row * self.cols + col]
        for dr, dc in DIRECTIONS:
            if 1 + self._run(row, col, dr, dc, player) + self._run(row, col, -dr, -dc, player) \
                    >= self.connect:
                return player
        return 0 if not self._free_moves() else None

    def _run(self, row: int, col: int, dr: int, dc: int, player: int) -> int:
        """How many of `player`'s stones follow (row, col) in direction (dr, dc)."""
        count = 0
        row, col = row + dr, col + dc
        while 0 <= row < self.rows and 0 <= col < self.cols \
                and self.cells[row * self.cols + col] == player:
            count += 1
            row, col = row + dr, col + dc
        return count


class TicTacToe(BoardGame):
    """3 x 3, three in a row. A move is a cell index 0..8, row by row (move = 3 * row + col)."""

    name = "tictactoe"
    rows = cols = connect = 3

    def _free_moves(self) -> list[int]:
        return [i for i, v in enumerate(self.cells) if v == 0]

    def _cell(self, move: int) -> tuple[int, int]:
        return divmod(move, 3)


class ConnectFour(BoardGame):
    """7 columns x 6 rows, four in a row. A move is a column 0..6; the stone falls to the lowest
    empty row."""

    name = "connect4"
    rows, cols, connect = 6, 7, 4

    def _free_moves(self) -> list[int]:
        return [c for c in range(self.cols) if self.cells[c] == 0]

    def _cell(self, move: int) -> tuple[int, int]:
        row = self.rows - 1
        while self.cells[row * self.cols + move]:
            row -= 1
        return row, move

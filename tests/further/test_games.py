"""Tic-tac-toe and connect four rules, against a brute-force line scanner and known counts."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from profond.further.games import (
    ConnectFour,
    TicTacToe,
    make_game,
    play_game,
    random_player,
    score,
)

TTT_LINES = [(0, 1, 2), (3, 4, 5), (6, 7, 8), (0, 3, 6), (1, 4, 7), (2, 5, 8), (0, 4, 8), (2, 4, 6)]


def naive_winner(board: np.ndarray, k: int) -> set[int]:
    """Every player owning k in a row anywhere: all windows, all four directions."""
    rows, cols = board.shape
    owners = set()
    for r in range(rows):
        for c in range(cols):
            for dr, dc in ((0, 1), (1, 0), (1, 1), (1, -1)):
                cells = [(r + i * dr, c + i * dc) for i in range(k)]
                if all(0 <= y < rows and 0 <= x < cols for y, x in cells):
                    values = {int(board[y, x]) for y, x in cells}
                    if len(values) == 1 and values != {0}:
                        owners |= values
    return owners


@pytest.mark.parametrize("line", TTT_LINES)
def test_tictactoe_x_wins_on_every_row_column_and_diagonal(line):
    others = [cell for cell in range(9) if cell not in line][:2]
    state = TicTacToe.from_moves([line[0], others[0], line[1], others[1], line[2]])
    assert state.winner() == 1 and state.is_terminal() and state.legal_moves() == []
    assert "X wins" in str(state)


def test_tictactoe_o_wins_and_a_full_board_without_line_is_a_draw():
    o_wins = TicTacToe.from_moves([0, 3, 1, 4, 8, 5])
    assert o_wins.winner() == -1
    # X O X / X O O / O X X: no three in a row.
    draw = TicTacToe.from_moves([0, 1, 2, 4, 3, 5, 7, 6, 8])
    assert draw.winner() == 0 and draw.is_terminal() and "draw" in str(draw)
    assert TicTacToe.from_moves([0, 1]).winner() is None


def test_tictactoe_counts_known_positions():
    """5,478 legal positions, 958 of them final: 626 won by X, 316 by O, 16 drawn."""
    seen, finals = {}, {1: 0, -1: 0, 0: 0}
    stack = [TicTacToe()]
    while stack:
        state = stack.pop()
        if state.key() in seen:
            continue
        seen[state.key()] = state
        if state.is_terminal():
            finals[state.winner()] += 1
        stack.extend(state.play(m) for m in state.legal_moves())
    assert len(seen) == 5478
    assert finals == {1: 626, -1: 316, 0: 16}


@given(st.lists(st.integers(0, 100), min_size=1, max_size=42),
       st.sampled_from([TicTacToe, ConnectFour]))
@settings(max_examples=150, deadline=None)
def test_winner_agrees_with_a_brute_force_scan(choices, game):
    state = game()
    for choice in choices:
        if state.is_terminal():
            break
        state = state.play(state.legal_moves()[choice % len(state.legal_moves())])
        owners = naive_winner(state.board, game.connect)
        full = not (state.board == 0).any()
        expected = owners.pop() if owners else (0 if full else None)
        assert not owners  # the game stops at the first line
        assert state.winner() == expected


@pytest.mark.parametrize("moves, winner", [
    ([0, 6, 0, 6, 0, 6, 0], 1),  # vertical
    ([0, 0, 1, 1, 2, 2, 3], 1),  # horizontal on the bottom row
    ([0, 1, 1, 2, 2, 3, 2, 3, 3, 6, 3], 1),  # rising diagonal (0,5) .. (3,2)
    ([6, 5, 5, 4, 4, 3, 4, 3, 3, 0, 3], 1),  # falling diagonal, the mirror image
    ([6, 0, 1, 0, 1, 0, 1, 0], -1),  # O wins vertically
])
def test_connect_four_lines(moves, winner):
    state = ConnectFour.from_moves(moves)
    assert state.winner() == winner
    assert len(naive_winner(state.board, 4)) == 1


def test_connect_four_stones_fall_and_full_columns_are_illegal():
    state = ConnectFour.from_moves([3, 3])
    assert state.board[5, 3] == 1 and state.board[4, 3] == -1 and state.board[:4].sum() == 0
    full = ConnectFour.from_moves([2] * 6)
    assert full.winner() is None and 2 not in full.legal_moves()
    with pytest.raises(ValueError, match=r"move: expected one of 0, 1, 3, 4, 5, 6; got 2"):
        full.play(2)


def test_connect_four_full_board_without_four_is_a_draw():
    # Columns filled in pairs with the colours of each pair swapped: no four anywhere.
    moves = [0, 1] * 3 + [1, 0] * 3 + [2, 3] * 3 + [3, 2] * 3 + [4, 5] * 3 + [5, 4] * 3 + [6] * 6
    state = ConnectFour.from_moves(moves)
    assert naive_winner(state.board, 4) == set()
    assert state.winner() == 0 and state.legal_moves() == []


def test_illegal_moves_name_the_move_and_the_legal_ones():
    state = TicTacToe.from_moves([4])
    with pytest.raises(ValueError, match=r"move: expected one of 0, 1, 2, 3, 5, 6, 7, 8; got 4"):
        state.play(4)
    with pytest.raises(ValueError, match=r"move: expected one of .*; got 9"):
        state.play(9)
    over = TicTacToe.from_moves([0, 3, 1, 4, 2])
    with pytest.raises(ValueError, match=r"move: expected no move, the game is over \(X wins\); "
                                         r"got 5"):
        over.play(5)
    with pytest.raises(ValueError, match=r"game: expected one of 'tictactoe', 'connect4'; "
                                         r"got 'chess'"):
        make_game("chess")


def test_play_returns_a_new_state_and_clones_are_independent():
    start = TicTacToe.from_moves([4])
    after = start.play(0)
    assert start.cells == (0, 0, 0, 0, 1, 0, 0, 0, 0) and start.current_player == -1
    assert after.cells[0] == -1 and after.current_player == 1
    twin = start.clone()
    assert twin == start and twin is not start and hash(twin) == hash(start)
    twin.play(8)
    assert twin.cells == start.cells and twin.legal_moves() == start.legal_moves()


def test_encoding_is_seen_by_the_player_to_move():
    x_to_move = TicTacToe.from_moves([0, 4]).encode()
    assert x_to_move.shape == (3, 3, 3) and x_to_move.dtype == np.float32
    assert x_to_move[0, 0, 0] == 1 and x_to_move[1, 1, 1] == 1 and x_to_move[2].min() == 1
    assert x_to_move[:2].sum() == 2
    o_to_move = TicTacToe.from_moves([0]).encode()
    assert o_to_move[0].sum() == 0 and o_to_move[1, 0, 0] == 1 and o_to_move[2].max() == 0
    assert ConnectFour().encode().shape == (3, 6, 7)


def test_random_players_finish_games_and_scores_add_up():
    rng = np.random.default_rng(0)
    outcomes = [play_game(ConnectFour(), random_player(rng), random_player(rng))
                for _ in range(10)]
    assert set(outcomes) <= {1, 0, -1}
    table = score(outcomes, 1)
    assert sum(table.values()) == 10 and table["win"] == outcomes.count(1)

"""UCT and PUCT against the perfect player and known tic-tac-toe theory; minimax's values."""

import numpy as np
import pytest

from profond.further import minimax
from profond.further.games import ConnectFour, TicTacToe, play_game, random_player, score
from profond.further.mcts import MCTS, puct_search, visit_counts


def test_minimax_values_of_known_positions():
    assert minimax.value(TicTacToe()) == 0  # tic-tac-toe is a draw
    assert set(minimax.move_values(TicTacToe()).values()) == {0}  # from any first move
    # After a corner opening only the centre holds the draw for O.
    assert minimax.best_moves(TicTacToe.from_moves([0])) == [4]
    # Corner, adjacent edge: X forces a win (centre, then a fork), so O is lost after it.
    assert minimax.value(TicTacToe.from_moves([0, 1])) == 1
    assert minimax.value(TicTacToe.from_moves([0, 1, 4])) == -1
    # Mate in one for X at 2 (O's threat at 5 does not matter).
    assert minimax.best_moves(TicTacToe.from_moves([0, 3, 1, 4])) == [2]


def test_minimax_never_loses_to_any_line():
    for side in (1, -1):
        outcomes = [winner for _, winner in minimax.referee(minimax.choose, side, "any")]
        assert score(outcomes, side)["loss"] == 0


def test_referee_finds_the_line_that_beats_a_weak_player():
    first_free = lambda state: state.legal_moves()[0]
    losses = [moves for moves, winner in minimax.referee(first_free, 1) if winner == -1]
    assert losses and all(TicTacToe.from_moves(moves).winner() == -1 for moves in losses)
    with pytest.raises(ValueError, match=r"side: expected one of 1, -1; got 0"):
        list(minimax.referee(first_free, 0))
    with pytest.raises(ValueError, match=r"opponent: expected one of 'minimax', 'any'; "
                                         r"got 'random'"):
        list(minimax.referee(first_free, 1, "random"))


def test_uct_never_loses_to_random_over_20_games():
    mcts, rng = MCTS(300, rng=0), np.random.default_rng(1)
    as_x = [play_game(TicTacToe(), mcts.choose, random_player(rng)) for _ in range(10)]
    as_o = [play_game(TicTacToe(), random_player(rng), mcts.choose) for _ in range(10)]
    assert score(as_x, 1)["loss"] == 0 and score(as_o, -1)["loss"] == 0
    assert score(as_x, 1)["win"] + score(as_o, -1)["win"] >= 15


@pytest.mark.parametrize("moves, expected", [
    ([0, 3, 1, 4], 2),  # X wins at once rather than block 5
    ([0, 4, 1], 2),  # O must block the row 0-1-2
    ([4, 0, 8], None),  # O must take an edge, not a corner (minimax decides which are good)
])
def test_uct_agrees_with_minimax_on_tactics(moves, expected):
    state = TicTacToe.from_moves(moves)
    move, visits = MCTS(1000, rng=0).best_move(state)
    assert move in minimax.best_moves(state)
    if expected is not None:
        assert minimax.best_moves(state) == [expected] and move == expected
    assert sum(visits.values()) == 1000 and set(visits) == set(state.legal_moves())


@pytest.mark.parametrize("moves, expected", [
    ([0, 0, 1, 1, 2, 2], 3),  # X completes the bottom row
    ([0, 6, 1, 6, 2], 3),  # O blocks it
])
def test_uct_wins_and_blocks_in_connect_four(moves, expected):
    assert MCTS(400, rng=0).best_move(ConnectFour.from_moves(moves))[0] == expected


def test_uct_is_reproducible_with_a_seed_and_checks_its_arguments():
    state = TicTacToe.from_moves([4])
    assert MCTS(200, rng=3).best_move(state) == MCTS(200, rng=3).best_move(state)
    with pytest.raises(ValueError, match=r"n_simulations: expected an integer >= 1; got 0"):
        MCTS(0)
    with pytest.raises(ValueError, match=r"c: expected a number >= 0; got -1"):
        MCTS(10, c=-1)
    with pytest.raises(ValueError, match=r"state: expected a game in progress; got a finished "
                                         r"one \(X wins\)"):
        MCTS(10).best_move(TicTacToe.from_moves([0, 3, 1, 4, 2]))


def uniform(state):
    moves = state.legal_moves()
    return np.full(len(moves), 1 / len(moves)), 0.0


def test_puct_prefers_the_prior():
    """With a large c_puct the term P / (1 + N) alone steers, so visits follow the prior up to
    one visit; with c_puct = 1 the most likely move is still the most visited."""
    state = TicTacToe.from_moves([0, 4])
    prior = np.array([0.6, 0.2, 0.1, 0.05, 0.03, 0.01, 0.01])
    evaluate = lambda s: (prior, 0.0) if s == state else uniform(s)
    visits = visit_counts(puct_search(state, evaluate, 200, c_puct=1e4))
    shares = np.array([visits[m] for m in state.legal_moves()]) / 200
    np.testing.assert_allclose(shares, prior, atol=1 / 200)
    visits = visit_counts(puct_search(state, evaluate, 200, c_puct=1.0))
    assert max(visits, key=visits.get) == state.legal_moves()[0]


@pytest.mark.parametrize("moves, n_simulations", [([0, 3, 1, 4], 100), ([0, 4, 1], 300)])
def test_puct_finds_a_win_and_a_block_with_a_flat_prior(moves, n_simulations):
    """Only the finished games' exact values steer the search: win at 2, then block at 2."""
    visits = visit_counts(puct_search(TicTacToe.from_moves(moves), uniform, n_simulations))
    assert max(visits, key=visits.get) == 2


def test_puct_root_noise_is_seeded_and_keeps_the_priors_a_distribution():
    state = TicTacToe()
    roots = [puct_search(state, uniform, 20, rng=np.random.default_rng(5), dirichlet_alpha=0.3)
             for _ in range(2)]
    priors = [np.array([c.prior for c in r.children.values()]) for r in roots]
    np.testing.assert_array_equal(priors[0], priors[1])
    assert priors[0].sum() == pytest.approx(1.0) and priors[0].std() > 0

"""AlphaZero for tic-tac-toe: the net, the loss against NumPy, symmetries against replayed games,
the mechanics on a tiny budget, safe checkpoints; and (slow) never losing to the perfect player."""

import json

import numpy as np
import pytest
import torch

from profond.further import minimax
from profond.further.alphazero import (
    AlphaZero,
    AlphaZeroConfig,
    PolicyValueNet,
    alphazero_loss,
    symmetries,
)
from profond.further.games import TicTacToe, score

TINY = dict(iterations=2, games_per_iteration=3, n_simulations=8, eval_simulations=8,
            train_steps=5, batch_size=16, hidden=16)


def test_net_shapes_and_value_range():
    logits, v = PolicyValueNet(hidden=8)(torch.randn(5, 3, 3, 3) * 10)
    assert logits.shape == (5, 9) and v.shape == (5,)
    assert (v.abs() <= 1).all()


def test_loss_matches_numpy():
    rng = np.random.default_rng(0)
    logits, v = rng.normal(size=(4, 9)), np.tanh(rng.normal(size=4))
    pi, z = rng.dirichlet(np.ones(9), size=4), np.array([1.0, -1.0, 0.0, 1.0])
    log_p = logits - logits.max(1, keepdims=True)
    log_p -= np.log(np.exp(log_p).sum(1, keepdims=True))
    value_loss, policy_loss = alphazero_loss(*(torch.tensor(a) for a in (logits, v, pi, z)))
    assert value_loss.item() == pytest.approx(np.mean((z - v) ** 2))
    assert policy_loss.item() == pytest.approx(-np.mean((pi * log_p).sum(1)))


def test_symmetries_are_the_positions_of_the_transformed_games():
    """Rotating and mirroring the board equals replaying the game with transformed moves."""
    moves, cells = [0, 4, 5], np.arange(9).reshape(3, 3)
    state, pi = TicTacToe.from_moves(moves), np.eye(9, dtype=np.float32)[7]
    maps = []
    for k in range(4):
        rotated = np.rot90(cells, k)
        maps += [rotated, rotated[:, ::-1]]
    expected = {}
    for m in maps:
        where = {int(m.ravel()[i]): i for i in range(9)}  # old cell -> new cell
        game = TicTacToe.from_moves([where[c] for c in moves])
        expected[game.encode().tobytes()] = where[7]
    pairs = symmetries(state.encode(), pi)
    assert len(pairs) == 8 and len({p.tobytes() for p, _ in pairs}) == 8
    for planes, q in pairs:
        assert expected[planes.tobytes()] == int(np.argmax(q)) and q.sum() == 1


def test_self_play_records_pi_and_the_outcome_for_the_player_to_move():
    agent = AlphaZero(AlphaZeroConfig(**TINY))
    samples = agent.self_play_game()
    assert len(samples) % 8 == 0
    for planes, pi, z in samples:
        assert planes.shape == (3, 3, 3) and pi.shape == (9,) and z in (-1.0, 0.0, 1.0)
        assert pi.sum() == pytest.approx(1.0)
        assert (pi[(planes[0] + planes[1]).ravel() > 0] == 0).all()  # no visits to full cells
    # Planes of the same game alternate the player to move; z flips with it.
    first_x, first_o = samples[0], samples[8]
    assert first_x[0][2].min() == 1 and first_o[0][2].max() == 0
    assert first_x[2] == -first_o[2]


def test_training_lowers_the_loss_on_a_fixed_buffer():
    """The loss's floor is the entropy of pi (the value part can reach 0): updates on a fixed
    buffer close most of the gap to it."""
    config = {**TINY, "train_steps": 100, "batch_size": 64, "hidden": 64}
    agent = AlphaZero(AlphaZeroConfig(**config))
    for _ in range(4):
        agent.buffer.extend(agent.self_play_game())
    planes, pi, z = (torch.from_numpy(np.stack(c)).float() for c in zip(*agent.buffer))
    floor = -(pi * torch.log(pi.clamp_min(1e-12))).sum(1).mean().item()

    def excess_loss():
        with torch.no_grad():
            return sum(part.item() for part in alphazero_loss(*agent.net(planes), pi, z)) - floor

    before = excess_loss()
    agent.fit_buffer()
    assert excess_loss() < 0.5 * before


def test_tiny_training_is_seeded_saved_and_loaded(tmp_path):
    config = AlphaZeroConfig(**TINY, seed=3)
    first, second = AlphaZero(config), AlphaZero(config)
    history = first.train()
    second.train()
    assert [r["iteration"] for r in history] == [1, 2] and history == second.history
    for a, b in zip(first.net.parameters(), second.net.parameters(), strict=True):
        torch.testing.assert_close(a, b, rtol=0, atol=0)
    first.save(tmp_path)
    assert (tmp_path / "alphazero.safetensors").read_bytes()[8:9] == b"{"  # a JSON header
    assert json.loads((tmp_path / "alphazero.json").read_text())["config"]["seed"] == 3
    loaded = AlphaZero.load(tmp_path)
    x = torch.from_numpy(TicTacToe.from_moves([4]).encode()[None])
    for out_a, out_b in zip(first.net(x), loaded.net(x), strict=True):
        torch.testing.assert_close(out_a, out_b)
    state = TicTacToe.from_moves([0, 4])
    assert loaded.choose(state) == first.choose(state) and first.choose(state) in \
        state.legal_moves()


def test_config_errors_name_the_field():
    with pytest.raises(ValueError, match=r"iterations: expected an integer >= 1; got 0"):
        AlphaZeroConfig(iterations=0)
    with pytest.raises(ValueError, match=r"lr: expected a number > 0; got -0.1"):
        AlphaZeroConfig(lr=-0.1)


@pytest.mark.slow
def test_default_training_never_loses_to_the_perfect_player(tmp_path):
    agent = AlphaZero()
    agent.train()
    for side in (1, -1):
        outcomes = [w for _, w in minimax.referee(agent.choose, side, "minimax")]
        assert score(outcomes, side)["loss"] == 0, (side, outcomes)
    agent.save(tmp_path)
    loaded = AlphaZero.load(tmp_path)
    outcomes = [w for _, w in minimax.referee(loaded.choose, -1, "minimax")]
    assert score(outcomes, -1)["loss"] == 0

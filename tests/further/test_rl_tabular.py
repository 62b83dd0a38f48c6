"""The agent-environment loop, tabular Q-learning and value iteration on FrozenLake-v1 4x4.

References: the 4x4 map itself (SFFF / FHFH / FFFH / HFFG), the Q-learning update written out by
hand, and V*(start) = gamma^5 for the six-step shortest path on the non-slippery map.
"""

import json

import numpy as np
import pytest

gym = pytest.importorskip("gymnasium")

from profond.further.rl.loop import Trajectory, evaluate, run_episode  # noqa: E402
from profond.further.rl.qlearning import (  # noqa: E402
    QLearning,
    linear_epsilon,
    q_update,
    success_rate,
    train_q_learning,
    value_iteration,
)

LEFT, DOWN, RIGHT, UP = range(4)
SHORTEST_PATH = [RIGHT, RIGHT, DOWN, DOWN, DOWN, RIGHT]  # 0 -> 1 -> 2 -> 6 -> 10 -> 14 -> 15 (G)


def lake(slippery=False, **kwargs):
    return gym.make("FrozenLake-v1", map_name="4x4", is_slippery=slippery, **kwargs)


def scripted(actions):
    it = iter(actions)
    return lambda state: next(it)


def test_trajectory_follows_the_slide_loop_to_the_goal():
    traj = run_episode(lake(), scripted(SHORTEST_PATH), seed=0)
    assert traj.states == [0, 1, 2, 6, 10, 14, 15]
    assert traj.actions == SHORTEST_PATH
    assert traj.rewards == [0, 0, 0, 0, 0, 1]
    assert len(traj) == 6 and len(traj.states) == len(traj.actions) + 1
    assert traj.terminated and not traj.truncated and traj.total_reward == 1.0


def test_falling_in_a_hole_terminates_with_no_reward():
    traj = run_episode(lake(), scripted([DOWN, RIGHT]), seed=0)  # 0 -> 4 -> 5 (H)
    assert traj.states == [0, 4, 5] and traj.rewards == [0, 0]
    assert traj.terminated and traj.total_reward == 0.0


def test_max_steps_truncates_and_on_step_sees_every_transition():
    seen = []
    traj = run_episode(lake(), lambda s: LEFT, seed=0, max_steps=5,
                       on_step=lambda *transition: seen.append(transition))
    assert len(traj) == 5 and traj.truncated and not traj.terminated
    assert seen == [(0, LEFT, 0.0, 0, False)] * 5


def test_render_keeps_one_frame_per_state():
    traj = run_episode(lake(render_mode="rgb_array"), scripted(SHORTEST_PATH), seed=0, render=True)
    assert len(traj.frames) == len(traj.states) == 7
    assert traj.frames[0].ndim == 3 and traj.frames[0].shape[2] == 3


def test_time_limit_of_the_env_is_a_truncation():
    traj = run_episode(lake(max_episode_steps=3), lambda s: LEFT, seed=0)
    assert isinstance(traj, Trajectory) and len(traj) == 3 and traj.truncated


def test_q_update_equals_the_hand_formula():
    Q = np.arange(16 * 4, dtype=float).reshape(16, 4) / 10
    before = Q.copy()
    td = q_update(Q, 3, 1, 0.5, 7, False, alpha=0.1, gamma=0.9)
    # Q[3,1] = 1.3, max_a Q[7,a] = Q[7,3] = 3.1: target 0.5 + 0.9 * 3.1 = 3.29, TD error 1.99.
    assert td == pytest.approx(1.99)
    assert Q[3, 1] == pytest.approx(1.3 + 0.1 * 1.99)
    Q[3, 1] = before[3, 1]
    np.testing.assert_array_equal(Q, before)


def test_q_update_ignores_the_future_of_a_terminal_state():
    Q = np.full((16, 4), 2.0)
    q_update(Q, 14, RIGHT, 1.0, 15, True, alpha=0.5, gamma=0.9)
    assert Q[14, RIGHT] == pytest.approx(2.0 + 0.5 * (1.0 - 2.0))


def test_value_iteration_matches_the_shortest_path_value():
    env = lake()
    V, policy = value_iteration(env.unwrapped.P, 16, 4, gamma=0.9)
    assert V[0] == pytest.approx(0.9 ** 5)
    assert V[14] == pytest.approx(1.0)
    traj = run_episode(env, lambda s: int(policy[s]), seed=0)
    assert len(traj) == 6 and traj.total_reward == 1.0


def test_q_learning_solves_the_non_slippery_lake():
    env = lake()
    env.action_space.seed(0)
    agent = QLearning(16, 4, alpha=0.1, gamma=0.99, seed=0)
    returns = train_q_learning(env, agent, 300, seed=0)
    assert len(returns) == 300
    assert success_rate(env, agent.greedy, 50, seed=1) == 1.0
    assert len(run_episode(env, agent.greedy, seed=2)) == 6  # discounting prefers the shortest path


def test_epsilon_schedule_falls_linearly_then_stays():
    values = [linear_epsilon(t, 100, start=1.0, end=0.1, fraction=0.5) for t in (0, 25, 50, 99)]
    assert values == pytest.approx([1.0, 0.55, 0.1, 0.1])


def test_greedy_breaks_ties_at_random_but_follows_a_single_best():
    agent = QLearning(2, 4, seed=0)
    assert {agent.greedy(0) for _ in range(200)} == {0, 1, 2, 3}
    agent.Q[1, 2] = 1.0
    assert {agent.greedy(1) for _ in range(50)} == {2}


def test_q_agent_round_trips_through_safetensors_and_json(tmp_path):
    agent = QLearning(16, 4, alpha=0.3, gamma=0.8, seed=5)
    agent.Q[:] = np.random.default_rng(0).normal(size=(16, 4))
    agent.save(tmp_path)
    assert json.loads((tmp_path / "agent.json").read_text())["kind"] == "q-learning"
    loaded = QLearning.load(tmp_path)
    np.testing.assert_array_equal(loaded.Q, agent.Q)
    assert (loaded.alpha, loaded.gamma) == (0.3, 0.8)


def test_evaluate_is_reproducible_for_a_seed():
    env = lake(slippery=True)
    first = evaluate(env, lambda s: DOWN, 20, seed=3)
    assert first == evaluate(env, lambda s: DOWN, 20, seed=3)
    assert len(first) == 20 and set(first) <= {0.0, 1.0}


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"alpha": 1.5}, r"alpha: expected a number in \[0.0, 1.0\]; got 1.5"),
    ({"gamma": -0.1}, r"gamma: expected a number in \[0.0, 1.0\]; got -0.1"),
    ({"epsilon": 2}, r"epsilon: expected a number in \[0.0, 1.0\]; got 2"),
])
def test_bad_hyperparameters_are_named(kwargs, message):
    with pytest.raises(ValueError, match=message):
        QLearning(16, 4, **kwargs)


def test_bad_episode_count_is_named():
    with pytest.raises(ValueError, match="episodes: expected an integer >= 1; got 0"):
        train_q_learning(lake(), QLearning(16, 4), 0)


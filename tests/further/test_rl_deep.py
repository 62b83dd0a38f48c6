"""DQN and REINFORCE pieces against hand computations: replay buffer, TD targets, Huber loss,
returns-to-go, the policy-gradient direction, and saving agents without pickle."""

import json

import numpy as np
import pytest
import torch

gym = pytest.importorskip("gymnasium")

from profond.further.rl.dqn import DQN, ReplayBuffer, dqn_targets, train_dqn  # noqa: E402
from profond.further.rl.loop import Trajectory, evaluate  # noqa: E402
from profond.further.rl.qlearning import QLearning  # noqa: E402
from profond.further.rl.reinforce import Reinforce, returns_to_go  # noqa: E402


def transition(i):
    return np.full(3, i, np.float32), i % 2, float(i), np.full(3, i + 1, np.float32), i == 4


def test_replay_buffer_keeps_the_last_capacity_transitions():
    buffer = ReplayBuffer(5, 3, seed=0)
    for i in range(7):
        buffer.push(*transition(i))
    assert len(buffer) == 5
    # Slots 0 and 1 were overwritten by transitions 5 and 6 (a ring).
    assert sorted(buffer.rewards.tolist()) == [2, 3, 4, 5, 6]
    batch = buffer.sample(400)
    assert batch["states"].shape == (400, 3) and batch["actions"].dtype == torch.int64
    rewards = batch["rewards"].numpy()
    assert set(rewards.tolist()) == {2, 3, 4, 5, 6}
    # Uniform over the 5 stored transitions: each drawn 80 times in expectation (sd about 8).
    counts = np.bincount(rewards.astype(int), minlength=7)[2:]
    assert counts.min() > 40 and counts.max() < 120
    # A stored row stays one transition: s' = s + 1, a = r mod 2, terminated only for r = 4.
    np.testing.assert_array_equal(batch["next_states"][:, 0].numpy(), rewards + 1)
    np.testing.assert_array_equal(batch["actions"].numpy(), rewards.astype(int) % 2)
    np.testing.assert_array_equal(batch["terminated"].numpy(), (rewards == 4).astype(np.float32))


def test_replay_buffer_below_capacity_samples_only_what_it_holds():
    buffer = ReplayBuffer(100, 3, seed=1)
    for i in range(3):
        buffer.push(*transition(i))
    assert set(buffer.sample(64)["rewards"].tolist()) <= {0.0, 1.0, 2.0}


def test_empty_replay_buffer_refuses_to_sample():
    with pytest.raises(ValueError, match="replay buffer: expected at least 1 transition; got 0"):
        ReplayBuffer(10, 3).sample(4)
    with pytest.raises(ValueError, match="capacity: expected an integer >= 1; got 0"):
        ReplayBuffer(0, 3)


def test_dqn_targets_by_hand():
    rewards = torch.tensor([1.0, 0.5, -1.0])
    next_q = torch.tensor([[1.0, 2.0], [3.0, -1.0], [0.5, 0.2]])
    terminated = torch.tensor([0.0, 1.0, 0.0])
    y = dqn_targets(rewards, next_q, terminated, gamma=0.9)
    # 1 + 0.9 * 2; terminal: 0.5 alone; -1 + 0.9 * 0.5.
    torch.testing.assert_close(y, torch.tensor([2.8, 0.5, -0.55]))


def zeroed_dqn(**kwargs):
    agent = DQN(3, 2, hidden=(8,), seed=0, **kwargs)
    for net in (agent.q, agent.q_target):
        for p in net.parameters():
            p.data.zero_()
    return agent


@pytest.mark.parametrize(("reward", "huber"), [(10.0, 9.5), (0.5, 0.125)])
def test_learn_uses_the_huber_loss(reward, huber):
    # Q = 0 everywhere, terminal transitions: y = r; Huber is r^2/2 below 1, |r| - 1/2 above.
    agent = zeroed_dqn()
    for _ in range(4):
        agent.buffer.push(np.ones(3), 0, reward, np.ones(3), True)
    assert agent.learn() == pytest.approx(huber)


def test_target_network_is_copied_every_target_update_steps():
    agent = DQN(3, 2, hidden=(8,), target_update=3, lr=0.1, seed=0)
    for i in range(20):
        agent.buffer.push(np.random.default_rng(i).normal(size=3), i % 2, 1.0, np.zeros(3), False)

    def same():
        return all(torch.equal(a, b) for a, b in zip(agent.q.parameters(),
                                                      agent.q_target.parameters(), strict=True))

    assert same()
    agent.learn()
    agent.learn()
    assert not same()
    agent.learn()
    assert same()


def test_returns_to_go_by_hand():
    np.testing.assert_allclose(returns_to_go([1.0, 1.0, 1.0], 0.5), [1.75, 1.5, 1.0])
    # A truncated episode bootstraps from V(S_T) = 4: G_2 = 1 + 0.5 * 4 = 3, G_1 = 2.5, G_0 = 2.25.
    np.testing.assert_allclose(returns_to_go([1.0, 1.0, 1.0], 0.5, bootstrap=4.0), [2.25, 2.5, 3.0])


def test_reinforce_raises_the_probability_of_the_better_action():
    agent = Reinforce(2, 2, hidden=(8,), lr=0.05, seed=0)
    state = np.array([0.3, -0.2], np.float32)

    def prob_of_0():
        with torch.no_grad():
            return float(torch.softmax(agent.policy(torch.from_numpy(state)), -1)[0])

    before = prob_of_0()
    good = Trajectory(states=[state, state], actions=[0], rewards=[1.0], terminated=True)
    bad = Trajectory(states=[state, state], actions=[1], rewards=[-1.0], terminated=True)
    agent.learn([good, bad])
    assert prob_of_0() > before


def test_dqn_and_reinforce_round_trip(tmp_path):
    states = np.random.default_rng(0).normal(size=(50, 4)).astype(np.float32)
    for cls, folder in ((DQN, tmp_path / "dqn"), (Reinforce, tmp_path / "reinforce")):
        agent = cls(4, 2, hidden=(16,), seed=3)
        agent.save(folder)
        assert json.loads((folder / "agent.json").read_text())["hidden"] == [16]
        loaded = cls.load(folder)
        assert [loaded.greedy(s) for s in states] == [agent.greedy(s) for s in states]
        assert (folder / "agent.safetensors").read_bytes()[8:9] == b"{"  # safetensors header


def test_loading_another_kind_is_refused(tmp_path):
    QLearning(16, 4).save(tmp_path)
    with pytest.raises(ValueError, match="agent kind: expected 'dqn'; got 'q-learning'"):
        DQN.load(tmp_path)


def test_a_short_dqn_run_improves_the_return():
    torch.set_num_threads(1)
    env, eval_env = gym.make("CartPole-v1"), gym.make("CartPole-v1")
    env.action_space.seed(0)
    agent = DQN(4, 2, hidden=(64,), lr=1e-3, batch_size=64, target_update=200, seed=0)
    before = np.mean(evaluate(eval_env, agent.greedy, 10, seed=100))
    history = train_dqn(env, agent, 4000, learning_starts=500, train_every=2,
                        exploration_fraction=0.5, eval_env=eval_env, eval_every=1000, seed=0)
    after = np.mean(evaluate(eval_env, agent.greedy, 10, seed=100))
    assert history.episode_steps[-1] <= 4000
    assert after > before + 50


@pytest.mark.slow
@pytest.mark.parametrize("agent", ["dqn", "reinforce"])
def test_recipe_solves_cartpole(agent):
    # Solved: greedy mean return >= 475 over 100 evaluation episodes (docs/rl.md has the budgets).
    from profond.further.rl.recipes import train_cartpole

    run = train_cartpole(agent, seed=0)
    assert len(run.eval_returns) == 100
    assert run.mean_return >= 475

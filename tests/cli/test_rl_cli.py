"""`profond rl train` and the RL experiments through the CLI, and the media they write."""

import importlib.util
import json

import numpy as np
import pytest
from PIL import Image
from typer.testing import CliRunner

pytest.importorskip("gymnasium")

from profond.cli import app  # noqa: E402
from profond.further.rl.media import moving_average, save_gif  # noqa: E402

runner = CliRunner()


def last_json(output: str) -> dict:
    return json.loads(output.strip().splitlines()[-1])


def test_frozenlake_q_learning_from_the_cli(tmp_path):
    metered = importlib.util.find_spec("codecarbon") is not None
    result = runner.invoke(app, ["rl", "train", "frozenlake", "--agent", "q-learning",
                                 "--no-slippery", "--episodes", "300", "--seed", "1",
                                 "--out", str(tmp_path), "--json"] + ["--energy"] * metered)
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)  # --json: stdout holds the object alone
    assert summary["success_rate"] == 1.0 and summary["slippery"] is False
    if metered:  # RL runs measure their energy too, when asked
        assert summary["energy_kwh"] > 0 and summary["carbon_country"] == "FRA"
    with Image.open(summary["gif"]) as gif:
        assert gif.format == "GIF" and gif.n_frames == 7  # S_0 .. S_6 on the shortest path
    assert (tmp_path / "returns.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert json.loads((tmp_path / "agent" / "agent.json").read_text())["kind"] == "q-learning"


def test_cartpole_reinforce_tiny_budget_from_the_cli(tmp_path):
    result = runner.invoke(app, ["rl", "train", "cartpole", "--agent", "reinforce",
                                 "--steps", "300", "--out", str(tmp_path), "--json"])
    assert result.exit_code == 0, result.output
    summary = last_json(result.output)
    assert summary["steps"] <= 300 and summary["eval_episodes"] == 100
    assert "energy_kwh" not in summary  # measured only with --energy
    assert summary["solved"] == (summary["mean_return"] >= 475)
    assert (tmp_path / "episode.gif").is_file()
    assert (tmp_path / "agent" / "agent.safetensors").is_file()


@pytest.mark.parametrize(("args", "message"), [
    (["cartpole", "--agent", "q-learning"],
     "--agent (for cartpole): expected one of 'dqn', 'reinforce'; got 'q-learning'"),
    (["mountaincar"], "env: expected one of 'cartpole', 'frozenlake'; got 'mountaincar'"),
    (["cartpol"], "got 'cartpol' (did you mean 'cartpole'?)"),
    (["cartpole", "--agent", "reinforc"], "got 'reinforc' (did you mean 'reinforce'?)"),
    (["cartpole", "--steps", "0"], "--steps: expected an integer >= 1; got 0"),
])
def test_bad_arguments_are_named(args, message):
    result = runner.invoke(app, ["rl", "train", *args])
    assert result.exit_code == 2
    assert message in result.output


def test_rl_cartpole_experiment_quick_learns_beyond_random(tmp_path):
    result = runner.invoke(app, ["experiment", "run", "rl-cartpole", "--quick",
                                 "--out", str(tmp_path), "--json"])
    assert result.exit_code == 0, result.output
    rows = last_json(result.output)["rows"]
    assert [(r["agent"], r["steps"]) for r in rows] == [("dqn", 5000), ("reinforce", 5000)]
    # a uniformly random policy lasts about 22 steps; 5000 steps of learning already do better
    assert all(r["mean_return"] > 50 for r in rows)
    assert any(path.suffix == ".png" for path in tmp_path.iterdir())


def test_rl_frozenlake_experiment_quick(tmp_path):
    result = runner.invoke(app, ["experiment", "run", "rl-frozenlake", "--quick",
                                 "--out", str(tmp_path), "--json"])
    assert result.exit_code == 0, result.output
    summary = last_json(result.output)
    assert summary["success_rate_not_slippery"] == 1.0
    assert 0.0 <= summary["success_rate_slippery"] <= 1.0
    assert [row["map"] for row in summary["rows"]] == ["4x4 not slippery", "4x4 slippery"]
    assert (tmp_path / "result.json").is_file() and (tmp_path / "rl_frozenlake.png").is_file()


def test_moving_average_against_a_loop():
    values = np.random.default_rng(0).normal(size=30)
    expected = [values[max(0, i - 4):i + 1].mean() for i in range(30)]
    np.testing.assert_allclose(moving_average(values, 5), expected)


def test_save_gif_keeps_every_nth_frame_and_scales(tmp_path):
    frames = [np.full((20, 40, 3), 10 * i, np.uint8) for i in range(9)]
    save_gif(frames, tmp_path / "a.gif", every=2, scale=0.5)
    with Image.open(tmp_path / "a.gif") as gif:
        assert gif.n_frames == 5 and gif.size == (20, 10)
    with pytest.raises(ValueError, match="frames: expected at least 1 frame; got 0"):
        save_gif([], tmp_path / "b.gif")

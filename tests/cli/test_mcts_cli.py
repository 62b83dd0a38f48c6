"""`profond play` with scripted stdin, and the two MCTS experiments' quick runs."""

import json

from typer.testing import CliRunner

from profond.cli import app

runner = CliRunner()
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
# Every cell in order, twice: whatever the AI takes, the next free cell comes up.
EVERY_CELL = "".join(f"{c}\n" for c in range(1, 10)) * 2


def _play(*args, input=""):
    return runner.invoke(app, ["play", *args], input=input)


def test_tictactoe_human_first_reprompts_on_invalid_input_and_finishes():
    result = _play("tictactoe", "--simulations", "200", "--seed", "1",
                   input="abc\n0\n10\n" + EVERY_CELL)
    assert result.exit_code == 0, result.output
    assert "Your move (X), cell 1-9" in result.output
    for bad in ("'abc'", "'0'", "'10'"):
        assert f"Invalid move {bad}: expected one of 1, 2, 3, 4, 5, 6, 7, 8, 9." in result.output
    assert "AI (O) plays" in result.output
    assert result.output.rstrip().endswith(("you win.", "the AI wins.", "Draw."))


def test_tictactoe_ai_first_and_an_occupied_cell_is_refused():
    args = ["tictactoe", "--first", "ai", "--simulations", "300", "--seed", "0"]
    result = _play(*args, input=EVERY_CELL)
    assert result.exit_code == 0, result.output
    first_ai = result.output.index("AI (X) plays")
    assert first_ai < result.output.index("Your move (O)")
    taken = int(result.output[first_ai:].split()[3])  # "AI (X) plays N (...)"
    # Seeded, so the AI opens the same way again: now the human asks for its cell first.
    again = _play(*args, input=f"{taken}\n" + EVERY_CELL)
    assert f"Invalid move '{taken}': expected one of" in again.output


def test_connect_four_against_itself_is_reproducible():
    runs = [_play("connect4", "--watch", "--simulations", "30", "--seed", "4") for _ in range(2)]
    assert runs[0].exit_code == 0, runs[0].output
    assert runs[0].output == runs[1].output
    assert "AI (X) plays" in runs[0].output and "AI (O) plays" in runs[0].output
    assert " 1 2 3 4 5 6 7" in runs[0].output
    assert runs[0].output.rstrip().endswith(("X wins.", "O wins.", "Draw."))


def test_connect_four_human_columns_and_quit():
    result = _play("connect4", "--simulations", "20", input="8\n4\nq\n")
    assert result.exit_code == 0, result.output
    assert "Your move (X), column 1-7" in result.output
    assert "Invalid move '8': expected one of 1, 2, 3, 4, 5, 6, 7." in result.output
    assert "AI (O) plays" in result.output


def test_bad_arguments_and_running_out_of_input_are_clean_errors():
    result = _play("chess")
    assert result.exit_code == 2
    assert "game: expected one of 'tictactoe', 'connect4'; got 'chess'" in result.output
    result = _play("tictactoe", "--first", "nobody")
    assert result.exit_code == 2 and "--first: expected 'human' or 'ai'; got 'nobody'" \
        in result.output
    result = _play("tictactoe", "--simulations", "0")
    assert result.exit_code == 2 and "n_simulations: expected an integer >= 1; got 0" \
        in result.output
    result = _play("tictactoe", input="5\n")
    assert result.exit_code == 2 and "no more input" in result.output


def _experiment(name, out):
    result = runner.invoke(app, ["experiment", "run", name, "--quick", "--json", "--out",
                                 str(out)])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_mcts_tictactoe_quick_experiment(tmp_path):
    summary = _experiment("mcts-tictactoe", tmp_path)
    rows = summary["rows"]
    assert {(r["opponent"], r["uct_plays"]) for r in rows} == {
        (o, s) for o in ("random", "minimax") for s in ("X", "O")}
    assert all(r["win"] + r["draw"] + r["loss"] == r["games"] for r in rows)
    assert all(r["win"] == 0 for r in rows if r["opponent"] == "minimax")  # perfect play
    assert (tmp_path / "mcts_tictactoe.png").read_bytes()[:8] == PNG_MAGIC


def test_mcts_connect4_quick_experiment_more_simulations_win_more(tmp_path):
    summary = _experiment("mcts-connect4", tmp_path)
    rows, claims = summary["rows"], summary  # the claims sit at the top of the JSON
    assert all(r["win"] + r["draw"] + r["loss"] == r["games"] for r in rows)
    # against random play: every game won at 100 simulations, fewer at one simulation
    assert claims["win_rate_vs_random_at_top_budget"] == 1.0
    assert claims["win_rate_vs_random_at_one_simulation"] < 0.8
    assert claims["win_rate_uct100_vs_uct10"] >= 0.75  # and the bigger budget beats the smaller
    assert (tmp_path / "mcts_connect4.png").read_bytes()[:8] == PNG_MAGIC


def test_alphazero_tictactoe_quick_experiment(tmp_path):
    summary = _experiment("alphazero-tictactoe", tmp_path)
    assert [(r["opponent"].split(",")[0], r["alphazero_plays"]) for r in summary["rows"]] == [
        ("minimax", "X"), ("minimax", "O"), ("every legal line", "X"),
        ("every legal line", "O")]
    assert all(r["win"] == 0 for r in summary["rows"][:2])
    assert summary["self_play_games"] == 8
    assert (tmp_path / "agent" / "alphazero.safetensors").exists()
    assert (tmp_path / "alphazero_tictactoe.png").read_bytes()[:8] == PNG_MAGIC

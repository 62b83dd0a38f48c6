"""`profond play tictactoe|connect4`: play against Monte Carlo tree search in the terminal.

Moves are read from stdin, numbered from 1 as the board shows them (cells 1-9 row by row, or
columns 1-7); anything else re-prompts. `q` quits.
"""

import typer
from rich.table import Table
from rich.text import Text

from profond.cli.common import console, fail

STONES = {1: ("X", "bold red"), -1: ("O", "bold blue")}
DISCS = {1: ("●", "bold red"), -1: ("●", "bold yellow"), 0: ("·", "dim")}


def play(
    game: str = typer.Argument(..., help="tictactoe or connect4."),
    simulations: int = typer.Option(1000, "--simulations", "-n",
                                    help="MCTS simulations per AI move."),
    first: str = typer.Option("human", "--first", help="Who plays X (first): human or ai."),
    watch: bool = typer.Option(False, "--watch", help="No human: the AI plays both sides."),
    seed: int = typer.Option(0, "--seed", help="Random seed of the search."),
) -> None:
    """Play tic-tac-toe or connect four against UCT (Monte Carlo tree search)."""
    from profond.further.games import make_game
    from profond.further.mcts import MCTS

    try:
        state = make_game(game)
        ai = MCTS(simulations, rng=seed)
        if first not in ("human", "ai"):
            raise ValueError(f"--first: expected 'human' or 'ai'; got {first!r}")
    except ValueError as error:
        fail(str(error))
    human = None if watch else (1 if first == "human" else -1)
    while not state.is_terminal():
        console.print(render(state))
        if state.current_player == human:
            move = ask_move(state)
        else:
            move, visits = ai.best_move(state)
            console.print(f"AI ({STONES[state.current_player][0]}) plays {move + 1} "
                          f"({visits[move]}/{simulations} visits)", highlight=False)
        state = state.play(move)
    console.print(render(state))
    console.print(Text(outcome_text(state.winner(), human), style="bold"))


def ask_move(state) -> int:
    """Read a move (1-based) until it is legal; returns it 0-based."""
    legal = [m + 1 for m in state.legal_moves()]
    what = "cell" if state.name == "tictactoe" else "column"
    prompt = f"Your move ({STONES[state.current_player][0]}), {what} {_spans(legal)}, q to quit: "
    while True:
        try:
            answer = console.input(prompt).strip().lower()
        except EOFError:
            fail("no more input: the game stopped before its end")
        if answer in ("q", "quit"):
            raise typer.Exit(0)
        if answer.isdigit() and int(answer) in legal:
            return int(answer) - 1
        console.print(f"[red]Invalid move {answer!r}:[/] expected one of "
                      f"{', '.join(map(str, legal))}.", highlight=False)


def render(state) -> Table | Text:
    return _render_grid(state) if state.name == "tictactoe" else _render_columns(state)


def outcome_text(winner: int, human: int | None) -> str:
    if winner == 0:
        return "Draw."
    name = STONES[winner][0]
    if human is None:
        return f"{name} wins."
    return f"{name} wins: {'you win' if winner == human else 'the AI wins'}."


def _render_grid(state) -> Table:
    """Tic-tac-toe as a ruled 3 x 3 table; free cells show the number to type."""
    table = Table(show_header=False, show_lines=True, padding=(0, 1))
    for _ in range(state.cols):
        table.add_column(justify="center")
    for r in range(state.rows):
        row = []
        for c in range(state.cols):
            value = state.cells[r * state.cols + c]
            text, style = STONES.get(value, (str(r * state.cols + c + 1), "dim"))
            row.append(Text(text, style=style))
        table.add_row(*row)
    return table


def _render_columns(state) -> Text:
    """Connect four as coloured discs, column numbers underneath."""
    text = Text()
    for r in range(state.rows):
        for c in range(state.cols):
            disc, style = DISCS[state.cells[r * state.cols + c]]
            text.append(f" {disc}", style=style)
        text.append("\n")
    text.append("".join(f" {c + 1}" for c in range(state.cols)), style="dim")
    return text


def _spans(moves: list[int]) -> str:
    return f"{moves[0]}-{moves[-1]}" if moves == list(range(moves[0], moves[-1] + 1)) \
        else ", ".join(map(str, moves))

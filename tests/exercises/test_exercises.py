"""Every notebook exercise accepts its hidden solution, rejects a wrong answer, waits for `...`."""

import pytest

from profond.exercises import check, exercises

ALL = exercises()


def test_there_are_exercises():
    assert ALL, "no exercise registered under profond.exercises"


@pytest.mark.parametrize("ex", ALL, ids=lambda e: e.name)
def test_solution_passes_and_wrong_answer_fails(ex, capsys):
    assert check(ex.name, ex.solution()) is True
    assert "correct" in capsys.readouterr().out
    with pytest.raises(AssertionError) as info:
        check(ex.name, ex.wrong())
    assert str(info.value).strip(), f"{ex.name}: a wrong answer must come with a hint"


@pytest.mark.parametrize("ex", [e for e in ALL if e.function], ids=lambda e: e.name)
def test_a_function_exercise_names_the_function_it_wants(ex):
    assert callable(ex.solution())
    with pytest.raises(AssertionError, match=r"Attendu une fonction .*reçu int"):
        check(ex.name, 3)


@pytest.mark.parametrize("ex", ALL[:1], ids=lambda e: e.name)
def test_unanswered_exercise_waits(ex, capsys):
    assert check(ex.name, ...) is False
    assert "à compléter" in capsys.readouterr().out


def test_unknown_exercise_names_the_argument():
    with pytest.raises(KeyError, match="name: no exercise part 'nope'"):
        check("nope.x", 1)
    with pytest.raises(ValueError, match="name: expected 'part.short_name'"):
        check("nodot", 1)

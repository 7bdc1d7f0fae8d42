"""Every exercise's checker passes its reference solution, fails typical wrong answers helpfully, and spots blanks."""
import pytest

from nnlab.exercises import ____, all_exercises

EXERCISES = all_exercises()


def test_every_exercise_has_hints_solution_and_wrong_answers():
    for key, ex in EXERCISES.items():
        assert len(ex.hints) >= 2, f"{key}: needs tiered hints"
        assert ex.solution_text.strip(), f"{key}: needs a solution"
        assert ex.reference is not None, f"{key}: needs a reference answer for the tests"
        assert ex.wrong, f"{key}: needs typical wrong answers for the tests"


@pytest.mark.parametrize("key", sorted(EXERCISES))
def test_reference_passes(key, capsys):
    ex = EXERCISES[key]
    ex.check(ex.reference)
    assert ex.passed is True, capsys.readouterr().out
    assert "correct" in capsys.readouterr().out


@pytest.mark.parametrize("key", sorted(EXERCISES))
def test_wrong_answers_fail_with_a_message(key, capsys):
    ex = EXERCISES[key]
    for wrong in ex.wrong:
        ex.check(wrong)
        assert ex.passed is False
        out = capsys.readouterr().out
        assert "not quite" in out or "raised" in out, out
        assert "Traceback" not in out


@pytest.mark.parametrize("key", sorted(EXERCISES))
def test_placeholder_is_not_attempted(key, capsys):
    ex = EXERCISES[key]
    ex.check(____)
    assert ex.passed is False
    assert "not attempted" in capsys.readouterr().out


@pytest.mark.parametrize("key", sorted(EXERCISES))
def test_hints_and_solution_print(key, capsys):
    ex = EXERCISES[key]
    ex.hint()
    ex.hint(2)
    ex.hint(99)
    ex.solution()
    out = capsys.readouterr().out
    assert out.count("Hint") == 3 and len(out) > 40

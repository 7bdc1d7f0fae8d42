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


# --- wrong grades the checkers must never give --------------------------------------------------------------

import numpy as np  # noqa: E402
import torch  # noqa: E402

from nnlab.exercises import nb01, nb02  # noqa: E402


def test_an_answer_that_works_in_place_is_graded_on_its_result_and_leaves_the_data_alone(capsys):
    def mse_in_place(y, y_hat):
        y -= y_hat                       # overwrites its input: fine for the learner, must not touch the checker's data
        return np.mean(y ** 2)

    nb01.mse.check(mse_in_place)
    assert nb01.mse.passed is True, capsys.readouterr().out
    nb01.mse.check(nb01.mse.reference)   # the shared data is intact: the reference still passes
    assert nb01.mse.passed is True


def test_an_in_place_wrong_answer_cannot_make_itself_look_right(capsys):
    def corrupting(z):
        z.zero_()                        # would turn the checker's input into zeros if it were not a copy
        return torch.full_like(z, 0.25)  # sigma'(0) = 1/4 everywhere: right only for z = 0
    nb02.dsigmoid.check(corrupting)
    assert nb02.dsigmoid.passed is False
    nb02.dsigmoid.check(nb02.dsigmoid.reference)
    assert nb02.dsigmoid.passed is True


@pytest.mark.parametrize("exercise, answer", [
    (nb02.midpoint, lambda w, b: float("nan")),
    (nb02.midpoint, lambda w, b: float("inf")),
    (nb02.and_gate, (float("nan"), 1.0, 1.0)),
    (nb02.dsigmoid, lambda z: torch.full_like(z, float("nan"))),
    (nb01.mse, lambda y, y_hat: np.nan),
])
def test_nan_and_inf_answers_are_refused(exercise, answer, capsys):
    exercise.check(answer)
    assert exercise.passed is False
    out = capsys.readouterr().out
    assert "not quite" in out and "NaN or infinite" in out, out


@pytest.mark.parametrize("answer", [
    lambda z: torch.tensor([____]) * z,
    lambda z: torch.as_tensor(np.array([____], dtype=float)) * z,
    lambda z: z * float(____),
])
def test_a_blank_inside_a_tensor_or_number_is_not_attempted(answer, capsys):
    nb02.dsigmoid.check(answer)
    assert nb02.dsigmoid.passed is False
    assert "not attempted" in capsys.readouterr().out


def test_checking_an_answer_leaves_torchs_random_state_alone():
    before = torch.get_rng_state()
    for ex in EXERCISES.values():
        ex.check(ex.reference)
    assert torch.equal(before, torch.get_rng_state()), "a checker drew random numbers a later cell would miss"

"""Notebook 03's prediction exercises: the checkers, and the references' copy of the notebook's MDP and line."""

import json
import re
from pathlib import Path

import matplotlib
import pytest
import torch

from ppo_core import checks, homework
from ppo_core.exercises import find_exercise, importance_sampling

matplotlib.use("Agg")
NOTEBOOK = Path(__file__).resolve().parent.parent / "notebooks" / "03_importance_sampling.ipynb"
PREDICTIONS = [importance_sampling.PREDICTION_MEAN_RATIO, importance_sampling.PREDICTION_IS_VARIANCE]


def test_the_references_use_the_notebooks_mdp_and_line():
    """_notebook_line() builds what the notebook's cells build, up to the cell that defines the direction."""
    namespace, threads = {}, torch.get_num_threads()
    for cell in json.loads(NOTEBOOK.read_text(encoding="utf-8"))["cells"]:
        if cell["cell_type"] == "code":
            exec("".join(cell["source"]), namespace)
            if "direction" in namespace:
                break
    torch.set_num_threads(threads)  # the notebook's first cell sets 1 thread; leave the test process as it was
    mdp, theta_old, direction = importance_sampling._notebook_line()
    torch.testing.assert_close(namespace["theta_old"], theta_old, rtol=0, atol=0)
    torch.testing.assert_close(namespace["direction"], direction, rtol=0, atol=0)
    for name in ("transitions", "rewards", "initial", "terminal"):
        torch.testing.assert_close(getattr(namespace["mdp"], name), getattr(mdp, name), rtol=0, atol=0)
    assert namespace["mdp"].gamma == mdp.gamma


@pytest.mark.parametrize("exercise", PREDICTIONS, ids=lambda e: e.checker)
def test_prediction_accepts_the_computed_answer_and_names_each_mistake(exercise, capsys):
    checker = getattr(checks, exercise.checker)
    answer = exercise.reference()
    assert answer in exercise.choices
    assert checker(answer) is True and checker(answer.upper()) is True
    assert "✓" in capsys.readouterr().out
    assert {wrong for _, wrong in exercise.mistakes} == set(exercise.choices) - {answer}, "a hint for every wrong option"
    for description, wrong in exercise.mistakes:
        assert checker(wrong) is False
        out = capsys.readouterr().out
        assert "✗" in out and description in out
    assert checker("maybe") is False and "is not one of the options" in capsys.readouterr().out
    with pytest.raises(NotImplementedError):
        checker(None)
    assert find_exercise(exercise.function) is exercise


def test_the_answers():
    assert importance_sampling._mean_ratio_answer() == "equal to 1"
    assert importance_sampling._is_variance_answer() == "larger"


def test_the_exercises_are_in_notebook_order_and_the_predictions_have_stubs():
    notebook = homework.read_notebook(NOTEBOOK)
    code = ["".join(c["source"]) for c in notebook["cells"] if c["cell_type"] == "code"]
    exercises = importance_sampling.EXERCISES
    where = [next(i for i, text in enumerate(code) if re.search(homework.notebooks.definition_pattern(e.function), text, re.M))
             for e in exercises]
    assert where == sorted(where)
    for exercise, at in zip(exercises, where):
        assert code[at + 1].strip() == homework.check_cell_source(exercise)
    student = json.dumps(homework.make_student_copy(notebook), ensure_ascii=False)
    for exercise in PREDICTIONS:
        assert f"{exercise.function} = None  # YOUR PREDICTION HERE" in student


def test_the_first_code_cell_does_not_import_the_exercises_answers():
    first = next("".join(c["source"]) for c in json.loads(NOTEBOOK.read_text(encoding="utf-8"))["cells"] if c["cell_type"] == "code")
    assert "importance_ratio" not in first and "approx_kl" not in first


def test_kl_divergence_is_given_in_chinese():
    """The glossary's term is 'KL 散度'; tests/test_glossary.py's pair pattern cannot match a Chinese term that starts with Latin letters."""
    text = "\n".join("".join(c["source"]) for c in json.loads(NOTEBOOK.read_text(encoding="utf-8"))["cells"] if c["cell_type"] == "markdown")
    assert "KL divergence (KL 散度)" in text
    assert text.index("KL divergence (KL 散度)") <= text.lower().index("kl divergence")

"""Notebook 02's prediction exercises: the checkers, and the references' copy of the notebook's MDP."""

import json
from pathlib import Path

import matplotlib
import pytest
import torch

from ppo_core import checks
from ppo_core.exercises import find_exercise, policy_gradient

matplotlib.use("Agg")
NOTEBOOK = Path(__file__).resolve().parent.parent / "notebooks" / "02_policy_gradient.ipynb"
PREDICTIONS = [policy_gradient.VARIANCE_RATIO, policy_gradient.DROPPED_DISCOUNT]


def test_the_references_use_the_notebooks_mdp_and_policy():
    """_notebook_mdp() draws what the notebook's cells draw, up to the cell that builds the MDP."""
    namespace, threads = {}, torch.get_num_threads()
    for cell in json.loads(NOTEBOOK.read_text(encoding="utf-8"))["cells"]:
        if cell["cell_type"] == "code":
            exec("".join(cell["source"]), namespace)
            if "mdp" in namespace and "theta" in namespace:
                break
    torch.set_num_threads(threads)  # the notebook's first cell sets 1 thread; leave the test process as it was
    mdp, theta = policy_gradient._notebook_mdp()
    torch.testing.assert_close(namespace["theta"], theta, rtol=0, atol=0)
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
    assert policy_gradient._variance_ratio_answer() == "10"
    assert policy_gradient._dropped_discount_answer() == "longer"

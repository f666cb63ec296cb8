"""Notebook 01's prediction exercises: the checkers, and the references' copy of the notebook's setup."""

import json
from pathlib import Path

import matplotlib
import pytest
import torch

from ppo_core import checks
from ppo_core.exercises import advantage, find_exercise

matplotlib.use("Agg")
NOTEBOOK = Path(__file__).resolve().parent.parent / "notebooks" / "01_advantage.ipynb"
PREDICTIONS = [advantage.PREDICTION_TRUNCATION_ERROR, advantage.PREDICTION_GAE_VARIANCE]


def notebook_namespace(*markers):
    """Run the notebook's first code cell and the code cells containing each marker, in notebook order."""
    cells = ["".join(c["source"]) for c in json.loads(NOTEBOOK.read_text(encoding="utf-8"))["cells"] if c["cell_type"] == "code"]
    namespace, threads = {}, torch.get_num_threads()
    for index, source in enumerate(cells):
        if index == 0 or any(marker in source for marker in markers):
            exec(source, namespace)
    torch.set_num_threads(threads)  # the notebook's first cell sets 1 thread; leave the test process as it was
    return namespace


def test_the_references_use_the_notebooks_setup():
    ns = notebook_namespace("mdp = TabularMDP.random(", "live = (~mdp.terminal)", "alive = TabularMDP(", "error = torch.randn(")
    mdp, theta, error = advantage._notebook_mdp()
    alive, theta_alive = advantage._notebook_alive_task()
    for mine, theirs in ((mdp, ns["mdp"]), (alive, ns["alive"])):
        for name in ("transitions", "rewards", "initial", "terminal"):
            torch.testing.assert_close(getattr(theirs, name), getattr(mine, name), rtol=0, atol=0)
        assert (theirs.gamma, theirs.reward_noise) == (mine.gamma, mine.reward_noise)
    for mine, theirs in ((theta, ns["theta"]), (error, ns["error"]), (theta_alive, ns["theta_alive"])):
        torch.testing.assert_close(theirs, mine, rtol=0, atol=0)


def test_the_answers():
    assert round(advantage._truncation_as_termination_error(), 2) == -9.31
    assert advantage._gae_variance_at_0_4_against_0() == "smaller"


def test_the_truncation_answer_is_what_sampling_gives():
    alive, theta = advantage._notebook_alive_task()
    values, adv = alive.state_values(theta), alive.advantages(theta)
    run = alive.sample(theta, num_envs=500, num_steps=20, max_episode_steps=10, generator=torch.Generator().manual_seed(3))
    cut = run.truncated
    shortcut = run.rewards - values[run.states]                  # the TD residual with the bootstrap dropped
    errors = (shortcut - adv[run.states, run.actions])[cut]
    assert abs(errors.mean().item() - advantage._truncation_as_termination_error()) < 5 * errors.std().item() / errors.numel() ** 0.5


@pytest.mark.parametrize("exercise", PREDICTIONS, ids=lambda e: e.checker)
def test_prediction_accepts_the_computed_answer_and_names_each_mistake(exercise, capsys):
    checker = getattr(checks, exercise.checker)
    answer = exercise.reference()
    if exercise.choices:
        assert answer in exercise.choices
        assert {wrong for _, wrong in exercise.mistakes} == set(exercise.choices) - {answer}, "a hint for every wrong option"
        assert checker(answer.upper()) is True
        assert checker("maybe") is False and "is not one of the options" in capsys.readouterr().out
    else:
        assert checker(answer + 0.9 * exercise.atol) is True and checker(answer + 1.1 * exercise.atol) is False
        assert all(abs(wrong - answer) > exercise.atol for _, wrong in exercise.mistakes)
        assert checker("-9") is False and "write a number" in capsys.readouterr().out
    assert checker(answer) is True
    assert "✓" in capsys.readouterr().out
    for description, wrong in exercise.mistakes:
        assert checker(wrong) is False
        out = capsys.readouterr().out
        assert "✗" in out and description in out
    with pytest.raises(NotImplementedError):
        checker(None)
    assert find_exercise(exercise.function) is exercise

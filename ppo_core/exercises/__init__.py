"""The series' exercises, one module per notebook, each exercise declared once.

``CATALOGUE`` lists every :class:`Exercise` in notebook order; the homework tools (student
copies, grading) and the checkers in :mod:`ppo_core.checks` all read it.

Notebooks: 01_advantage to 07_table1.
"""

from __future__ import annotations

from pathlib import Path

from . import advantage, clipped_surrogate, importance_sampling, policy_gradient, ppo_cartpole, ppo_continuous, table1
from ._engine import Case, CheckFailed, CheckResult, Exercise, unseen_cases

MODULES = (advantage, policy_gradient, importance_sampling, clipped_surrogate, ppo_cartpole, ppo_continuous, table1)
CATALOGUE: tuple = tuple(exercise for module in MODULES for exercise in module.EXERCISES)
CHECKERS: dict = {exercise.checker: getattr(module, exercise.checker) for module in MODULES for exercise in module.EXERCISES}


def exercises_of(notebook) -> list:
    """The exercises of one notebook (its file stem or path), in order."""
    stem = Path(notebook).stem
    return [e for e in CATALOGUE if e.notebook == stem]


def find_exercise(name: str) -> Exercise:
    """The exercise whose checker (``"check_gae"``) or function (``"my_gae"``) is ``name``."""
    for exercise in CATALOGUE:
        if name in (exercise.checker, exercise.function):
            return exercise
    raise ValueError(f"Unknown exercise {name!r}; the checkers are: {', '.join(e.checker for e in CATALOGUE)}.")


def run_checker(checker, fn) -> CheckResult:
    """Run a checker (the function, e.g. ``check_gae``, or its name) on ``fn``; return the :class:`CheckResult`.

    For grading scripts: the result counts the cases passed, names the failed ones and keeps the
    printed report. Raises NotImplementedError when ``fn`` is still the unfinished stub.
    """
    name = checker if isinstance(checker, str) else getattr(checker, "__name__", repr(checker))
    return find_exercise(name).run(fn)


__all__ = ["CATALOGUE", "CHECKERS", "MODULES", "Case", "CheckFailed", "CheckResult", "Exercise", "exercises_of", "find_exercise", "run_checker", "unseen_cases"]

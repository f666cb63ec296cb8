"""The notebooks' checkers: ``import ppo_core.checks`` then ``ppo_core.checks.check_gae(my_gae)``.

Each ``check_x(answer, strict=False)`` runs the student's function (or checks a prediction) on named
cases and prints one line per case. Every exercise is declared once, in the module of its notebook
under :mod:`ppo_core.exercises`; this module re-exports all their checkers.
"""

from .exercises import CHECKERS, CheckFailed, CheckResult, run_checker

globals().update(CHECKERS)

__all__ = ["CheckFailed", "CheckResult", "run_checker", *CHECKERS]

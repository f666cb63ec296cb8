"""Homework mode: student copies of the notebooks, and a grader for the students' work.

    python -m ppo_core.homework list | release --out student/ | grade submissions/*.ipynb

Modules: :mod:`.notebooks` (reading notebooks, the nbgrader markers), :mod:`.release` (student
copies), :mod:`.grade` (the checkers, in the grader's process) and :mod:`.worker` (the sandbox that runs the
students' code), :mod:`.gradebook` (one row per student), :mod:`.written` (the written questions, graded by
hand), :mod:`.key` (the answer key), :mod:`.cli`.
The exercises themselves are declared in :mod:`ppo_core.exercises`.
"""

from ..exercises import CATALOGUE, exercises_of
from .grade import Grade, grade_submission, shortcuts_used
from .gradebook import read_points, student_of, write_gradebook
from .notebooks import (BEGIN_SOLUTION, PREDICTION_STUB, check_cell_source, is_stub, CODE_STUB, END_SOLUTION, TEXT_STUB, identify_notebook, nbgrader_metadata, read_notebook,
                        solution_lines, source, write_notebook)
from .release import make_student_copy, release
from .written import WRITTEN, written_cells, written_of

__all__ = ["CATALOGUE", "exercises_of", "Grade", "grade_submission", "shortcuts_used", "read_points", "student_of",
           "write_gradebook", "BEGIN_SOLUTION", "END_SOLUTION",
           "CODE_STUB", "TEXT_STUB", "PREDICTION_STUB", "is_stub", "check_cell_source", "identify_notebook", "nbgrader_metadata", "read_notebook", "solution_lines", "source",
           "write_notebook", "make_student_copy", "release", "WRITTEN", "written_cells", "written_of"]

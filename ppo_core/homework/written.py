"""The written questions: short conceptual answers that the teacher grades by hand.

Each notebook of the series ends with one or two of them, as nbgrader's manually graded answers:

- a locked markdown *question* cell, nbgrader ``grade_id`` ``written_NN_x_question``, that states the question and
  its points;
- a markdown *answer* cell right after it, nbgrader ``grade_id`` ``written_NN_x`` with ``grade`` and ``solution``
  true and the points, whose source is ``### BEGIN SOLUTION``, a model answer, a line starting with
  ``Rubric`` (``评分标准`` in the Chinese edition), ``### END SOLUTION``. The student copy shows ``YOUR ANSWER HERE``.

The built-in grader scores only the code exercises. :data:`WRITTEN` lists the questions, so that the gradebook
can give each one an empty column for the teacher (it does not need the notebooks for that); the tests keep it
equal to what the notebooks of both editions hold.
"""

from __future__ import annotations

from dataclasses import dataclass

from .notebooks import source


@dataclass(frozen=True)
class WrittenQuestion:
    notebook: str  # the notebook's stem, e.g. "01_advantage"
    grade_id: str  # the answer cell's nbgrader grade_id; the question cell's is grade_id + "_question"
    points: float


WRITTEN = (
    WrittenQuestion("01_advantage", "written_01_a", 3),
    WrittenQuestion("02_policy_gradient", "written_02_a", 2),
    WrittenQuestion("03_importance_sampling", "written_03_a", 3),
    WrittenQuestion("04_clipped_surrogate", "written_04_a", 2),
    WrittenQuestion("04_clipped_surrogate", "written_04_b", 2),
    WrittenQuestion("05_ppo_cartpole", "written_05_a", 2),
    WrittenQuestion("05_ppo_cartpole", "written_05_b", 2),
    WrittenQuestion("06_ppo_continuous", "written_06_a", 3),
    WrittenQuestion("07_table1", "written_07_a", 3),
)

QUESTION_SUFFIX = "_question"


def written_of(stem: str) -> tuple[WrittenQuestion, ...]:
    """The written questions of a notebook of the series, by its stem (``"04_clipped_surrogate"``), in notebook order."""
    return tuple(q for q in WRITTEN if q.notebook == stem)


def question_metadata(grade_id: str) -> dict:
    """The nbgrader (schema 3) metadata of a written question's locked question cell."""
    return dict(grade=False, grade_id=grade_id + QUESTION_SUFFIX, locked=True, schema_version=3, solution=False, task=False)


def answer_metadata(grade_id: str, points) -> dict:
    """The nbgrader (schema 3) metadata of a written question's manually graded answer cell."""
    return dict(grade=True, grade_id=grade_id, locked=False, points=points, schema_version=3, solution=True, task=False)


def is_answer_cell(cell) -> bool:
    """A manually graded answer: a markdown cell that nbgrader marks as both a solution and a grade cell."""
    grading = cell.get("metadata", {}).get("nbgrader", {})
    return cell.get("cell_type") == "markdown" and bool(grading.get("solution")) and bool(grading.get("grade"))


def written_cells(notebook: dict) -> list[tuple[dict | None, dict]]:
    """The written questions of a notebook as (question cell, answer cell) pairs, in notebook order.

    The question cell is the one whose ``grade_id`` is the answer's plus ``_question`` (None if there is none).
    """
    by_grade_id = {c.get("metadata", {}).get("nbgrader", {}).get("grade_id"): c for c in notebook["cells"]}
    pairs = []
    for cell in notebook["cells"]:
        if is_answer_cell(cell):
            grade_id = cell["metadata"]["nbgrader"].get("grade_id", "")
            pairs.append((by_grade_id.get(grade_id + QUESTION_SUFFIX), cell))
    return pairs


def question_text(cell) -> str:
    """A question cell's question: from its bold opening (``**Written question 1 (3 points).**``) on.

    The first question cell of a notebook also opens the section (a heading and a sentence for the students);
    that part is left out. A cell without a bold line is returned whole.
    """
    lines = source(cell).splitlines()
    start = next((i for i, line in enumerate(lines) if line.startswith("**")), 0)
    return "\n".join(lines[start:]).strip()

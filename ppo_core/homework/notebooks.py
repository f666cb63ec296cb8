"""Reading and writing notebooks, and the nbgrader markers that delimit solutions.

Notebooks are plain dicts (nbformat 4 JSON); the markers and cell metadata follow nbgrader
(schema 3), so ``nbgrader generate_assignment`` works on the same notebooks.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from ..exercises import CATALOGUE, Exercise

BEGIN_SOLUTION, END_SOLUTION = "### BEGIN SOLUTION", "### END SOLUTION"
BEGIN_HIDDEN, END_HIDDEN = "### BEGIN HIDDEN TESTS", "### END HIDDEN TESTS"
CODE_STUB = ("# YOUR CODE HERE", "raise NotImplementedError()")
PREDICTION_STUB = "# YOUR PREDICTION HERE"  # a prediction's stub: `my_x = None  # YOUR PREDICTION HERE`
TEXT_STUB = "YOUR ANSWER HERE"
_MIN_LEAK_LENGTH = 12  # solution lines shorter than this (e.g. `return out`) are too generic to count as leaks


def nbgrader_metadata(exercise: Exercise, kind: str) -> dict:
    """The nbgrader (schema 3) cell metadata of an exercise's solution cell (``kind="solution"``) or checker cell."""
    if kind == "solution":
        return dict(grade=False, grade_id=exercise.function, locked=False, schema_version=3, solution=True, task=False)
    if kind == "check":
        return dict(grade=True, grade_id=exercise.checker, locked=True, points=exercise.points, schema_version=3,
                    solution=False, task=False)
    raise ValueError(f"kind must be 'solution' or 'check', got {kind!r}")


def check_cell_source(exercise: Exercise) -> str:
    """The code of the cell that checks an exercise: the checker reached by its module path.

    ``import ppo_core.checks`` rebinds the name ``ppo_core`` to the real module, so a student's
    ``check_gae = lambda f: True`` elsewhere in the notebook changes nothing here.
    """
    return f"import ppo_core.checks\nassert ppo_core.checks.{exercise.checker}({exercise.function})"


def is_stub(cell_source: str) -> bool:
    """True for a student copy's unfinished exercise cell (a function stub or a prediction stub)."""
    return CODE_STUB[1] in cell_source or PREDICTION_STUB in cell_source


def source(cell) -> str:
    source = cell.get("source", "")
    return "".join(source) if isinstance(source, list) else source


def set_source(cell, text: str) -> None:
    cell["source"] = text.splitlines(keepends=True)


def read_notebook(path) -> dict:
    """Load a notebook as a dict, with a clear error if the file is not a version-4 notebook."""
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"No notebook at {path}. Give the path of an .ipynb file.")
    try:
        notebook = json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as err:
        raise ValueError(f"{path} is not a readable notebook (invalid JSON: {err}). Was it saved completely?") from None
    if not isinstance(notebook, dict) or not isinstance(notebook.get("cells"), list) or notebook.get("nbformat") != 4:
        raise ValueError(f"{path} is not a version-4 Jupyter notebook (no 'cells' list or nbformat != 4).")
    return notebook


def write_notebook(notebook: dict, path) -> None:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8") as f:
        json.dump(notebook, f, indent=1, ensure_ascii=False)
        f.write("\n")


def regions(text: str, begin: str, end: str, where: str):
    """Split text into (is_inside_region, lines) runs; the marker lines belong to the region. Raises on bad nesting."""
    runs, inside, current = [], False, []
    for number, line in enumerate(text.splitlines(keepends=True), 1):
        if begin in line:
            if inside:
                raise ValueError(f"{where}, line {number}: `{begin}` inside another solution region; close it with `{end}` first.")
            runs.append((False, current))
            inside, current = True, [line]
        elif end in line:
            if not inside:
                raise ValueError(f"{where}, line {number}: `{end}` without a `{begin}` before it.")
            current.append(line)
            runs.append((True, current))
            inside, current = False, []
        else:
            current.append(line)
    if inside:
        raise ValueError(f"{where}: `{begin}` is never closed; add `{end}` after the solution.")
    runs.append((False, current))
    return [(flag, lines) for flag, lines in runs if lines]


def _code_part(line: str) -> str:
    """A line without its trailing comment and surrounding spaces (a `#` inside a string may cut it short; fine here)."""
    return line.split("#", 1)[0].strip()


def _solution_and_public_lines(notebook: dict):
    found, public = {}, {}
    for index, cell in enumerate(notebook["cells"]):
        for inside, lines in regions(source(cell), BEGIN_SOLUTION, END_SOLUTION, f"cell {index}"):
            for line in (lines[1:-1] if inside else lines):
                code = _code_part(line)
                if len(code) >= _MIN_LEAK_LENGTH:
                    (found if inside else public).setdefault(code, set()).add(index)
    return found, public


def solution_lines(notebook: dict) -> set[str]:
    """The code of the solution lines (comments dropped, 12+ characters) that no other cell of the notebook shows."""
    found, public = _solution_and_public_lines(notebook)
    return set(found) - set(public)


def shown_elsewhere(notebook: dict) -> set[int]:
    """Indexes of cells outside the solution regions that repeat the code of a solution line verbatim."""
    found, public = _solution_and_public_lines(notebook)
    return {index for line in set(found) & set(public) for index in public[line]}


def default_source_dir() -> Path:
    for candidate in (Path(__file__).resolve().parents[2] / "notebooks", Path.cwd() / "notebooks"):
        if any(candidate.glob("[0-9][0-9]_*.ipynb")):
            return candidate
    return Path.cwd() / "notebooks"


def definition_pattern(name: str) -> str:
    """A regex for the line that defines an exercise's answer: ``def my_x(`` or ``my_x = ...`` (a prediction)."""
    return rf"^(def {re.escape(name)}\(|{re.escape(name)}\s*=)"


def find_cell(notebook: dict, cell_id: str | None, pattern: str):
    """A cell by its id, else the first code cell whose source matches pattern."""
    code = [c for c in notebook["cells"] if c.get("cell_type") == "code"]
    for cell in code:
        if cell_id is not None and cell.get("id") == cell_id:
            return cell
    return next((c for c in code if re.search(pattern, source(c), re.M)), None)


def identify_notebook(submission: dict, filename: str = "") -> str | None:
    """The stem of the series notebook a submission is a copy of, from its exercise functions (or its file name)."""
    text = "\n".join(source(c) for c in submission["cells"] if c.get("cell_type") == "code")
    scores = {}
    for exercise in CATALOGUE:
        if re.search(definition_pattern(exercise.function), text, re.M):
            scores[exercise.notebook] = scores.get(exercise.notebook, 0) + 1
    if scores:
        return max(scores, key=scores.get)
    stems = sorted({e.notebook for e in CATALOGUE})
    return next((s for s in stems if s in filename), None)

"""The grader: ``python -m ppo_core.homework grade submissions/*.ipynb``.

For every exercise of a submitted notebook, a separate Python process (:mod:`.worker`) runs the
notebook's first code cell (the imports, taken from the teacher's copy), then the definitions of
the student's exercise cells and of the cells the student added, then each exercise's checker.
It has a time limit, so a student's endless loop or crash cannot stop the grading, and it never
runs the rest of the notebook (no training), so it takes seconds. Student code is still code:
run the grader in a container or a throwaway account.
"""

from __future__ import annotations

import ast
import json
import os
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from ..exercises import Exercise, exercises_of
from .notebooks import default_source_dir, definition_pattern, find_cell, identify_notebook, read_notebook, source


@dataclass
class Grade:
    """The grade of one exercise in one submission."""

    submission: str
    notebook: str
    function: str
    checker: str
    status: str  # passed, failed, not attempted, missing, error, timeout
    cases_passed: int
    cases_total: int
    points: float
    max_points: int
    report: str
    flags: tuple = ()  # ready-made implementations the exercise cell calls or imports, for the teacher to look at


def shortcuts_used(exercise: Exercise, cell_source: str) -> tuple:
    """The names in ``exercise.shortcuts`` that the cell calls or imports, e.g. ``('gae',)``.

    Reads the code, not the text: a name in a comment or a docstring is not a call. A
    determined student can still hide a call (``getattr``); this catches the direct ones.
    """
    try:
        tree = ast.parse(cell_source)
    except SyntaxError:
        return ()
    used = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            func = node.func
            used.add(func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else "")
        elif isinstance(node, ast.ImportFrom):
            used.update(alias.name for alias in node.names)
    return tuple(name for name in exercise.shortcuts if name in used or name.split(".")[-1] in used)


def grade_submission(path, source_dir=None, timeout: float = 120.0, partial: bool = False, label: str | None = None) -> list[Grade]:
    """Grade one submitted notebook: one :class:`Grade` per exercise of the notebook it is a copy of.

    A separate Python process runs the first code cell of the teacher's copy, then the
    definitions (imports, functions, classes, assignments) of the submission's exercise cells
    and of the cells the student added, in notebook order, then each exercise's checker.
    ``partial=True`` gives points in proportion to the checker cases passed; by default an
    exercise earns its points only when every case passes. ``label`` names the submission in
    the results (default: the path as given).
    """
    path = Path(path)
    if timeout <= 0:
        raise ValueError(f"timeout must be > 0 seconds, got {timeout}.")
    submission = read_notebook(path)
    stem = identify_notebook(submission, path.name)
    if stem is None:
        raise ValueError(f"{path}: none of the series' exercise functions (def my_...) is in this notebook, and its file name "
                         "names no notebook of the series. Is it a copy of one of the numbered notebooks?")
    source_dir = Path(source_dir) if source_dir is not None else default_source_dir()
    if not (source_dir / f"{stem}.ipynb").is_file():
        raise FileNotFoundError(f"The teacher's copy {source_dir / (stem + '.ipynb')} is missing: pass the folder of the "
                                "series' notebooks with --source.")
    teacher = read_notebook(source_dir / f"{stem}.ipynb")
    setup = next((source(c) for c in teacher["cells"] if c["cell_type"] == "code"), "")
    teacher_ids = {c.get("id") for c in teacher["cells"]}
    exercises = exercises_of(stem)
    code = [c for c in submission["cells"] if c.get("cell_type") == "code"]
    names = {id(c): f"<code cell {i + 1}>" for i, c in enumerate(code)}
    items, flags, run = [], [], set()
    for exercise in exercises:
        pattern = definition_pattern(exercise.function)
        teacher_cell = find_cell(teacher, None, pattern)
        cell = find_cell(submission, teacher_cell.get("id") if teacher_cell else None, pattern)
        items.append(dict(function=exercise.function, checker=exercise.checker, cell=None if cell is None else names[id(cell)]))
        flags.append(shortcuts_used(exercise, source(cell)) if cell is not None else ())
        if cell is not None:
            run.add(id(cell))
    run.update(id(c) for c in code if c.get("id") not in teacher_ids)  # cells the student added: helpers
    cells = [dict(name=names[id(c)], source=source(c)) for c in code if id(c) in run]
    with tempfile.TemporaryDirectory() as tmp:
        job, out = Path(tmp) / "job.json", Path(tmp) / "out.json"
        job.write_text(json.dumps(dict(setup=setup, items=items, cells=cells)), encoding="utf-8")
        timed_out = False
        try:
            subprocess.run([sys.executable, "-m", "ppo_core.homework.worker", str(job), str(out)], cwd=tmp, timeout=timeout,
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
        except subprocess.TimeoutExpired:
            timed_out = True
        rows = json.loads(out.read_text(encoding="utf-8")) if out.exists() else []
    done = {row["function"]: row for row in rows}
    grades = []
    for exercise, flagged in zip(exercises, flags):
        row = done.get(exercise.function)
        if row is None:
            why = f"timed out after {timeout:g} s (an endless loop?)" if timed_out else "the grading process stopped before this exercise"
            row = dict(status="timeout" if timed_out else "error", passed=0, total=0, report=f"Not graded: {why}.")
        fraction = row["passed"] / row["total"] if row["total"] else 0.0
        earned = exercise.points if row["status"] == "passed" else (exercise.points * fraction if partial else 0.0)
        grades.append(Grade(label or str(path), stem, exercise.function, exercise.checker, row["status"], row["passed"],
                            row["total"], round(earned, 2), exercise.points, row["report"], flagged))
    return grades


def _labels(paths) -> list[str]:
    """Short distinct names for submissions: their paths relative to the folder they all share."""
    resolved = [Path(p).resolve() for p in paths]
    if len(resolved) == 1:
        return [resolved[0].name]
    common = Path(os.path.commonpath([str(p.parent) for p in resolved]))
    return [str(p.relative_to(common)) for p in resolved]

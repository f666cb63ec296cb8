"""Student copies of the teacher's notebooks: ``python -m ppo_core.homework release --out student/``."""

from __future__ import annotations

import copy
import json
import re
from pathlib import Path

from ..exercises import exercises_of
from ..i18n import tr
from .notebooks import (BEGIN_HIDDEN, BEGIN_SOLUTION, CODE_STUB, END_HIDDEN, END_SOLUTION, PREDICTION_STUB, TEXT_STUB, is_stub, read_notebook, regions,
                        set_source, shown_elsewhere, solution_lines, source, write_notebook)

_KEEP_NOTEBOOK_METADATA = ("kernelspec", "language_info")
_KEEP_CELL_METADATA = ("nbgrader", "tags", "editable", "deletable")


def _stub(lines, cell_type: str) -> list[str]:
    indent = re.match(r"\s*", lines[0]).group(0)
    body = [line for line in lines[1:-1] if line.strip() and not line.strip().startswith("#")]
    prediction = re.match(r"\s*(my_\w+)\s*=", body[0]) if cell_type == "code" and len(body) == 1 else None
    if prediction:  # a prediction: the student replaces None with a value
        return [f"{indent}{prediction.group(1)} = None  {PREDICTION_STUB}\n"]
    if cell_type == "code":
        return [f"{indent}{CODE_STUB[0]}\n", f"{indent}{CODE_STUB[1]}\n"]
    return [f"{TEXT_STUB}\n"]


def make_student_copy(notebook: dict, name: str = "notebook") -> dict:
    """Return the student version of a teacher's notebook (the input is not changed).

    Solution regions become nbgrader's stub, hidden-test regions are removed, outputs and
    execution counts are cleared, the notebook and cell metadata keep only what Jupyter
    and nbgrader need, attachments of solution cells are dropped, solution cells (exercises
    and the answer cells of written questions) cannot be deleted, and checker cells and the
    other locked cells (the written questions) cannot be edited. Raises ValueError if a
    solution line would still be in the copy.
    """
    student = copy.deepcopy(notebook)
    student["metadata"] = {k: v for k, v in notebook.get("metadata", {}).items() if k in _KEEP_NOTEBOOK_METADATA}
    for index, cell in enumerate(student["cells"]):
        where = f"{name}, cell {index}"
        replaced = False
        out = []
        for inside, lines in regions(source(cell), BEGIN_SOLUTION, END_SOLUTION, where):
            out += _stub(lines, cell["cell_type"]) if inside else lines
            replaced |= inside
        visible = [line for inside, lines in regions("".join(out), BEGIN_HIDDEN, END_HIDDEN, where) if not inside for line in lines]
        set_source(cell, "".join(visible))
        metadata = {k: v for k, v in cell.get("metadata", {}).items() if k in _KEEP_CELL_METADATA}
        grading = metadata.get("nbgrader", {})
        if replaced or grading.get("solution"):
            cell.pop("attachments", None)
            metadata["deletable"] = False
        if grading.get("locked") or (grading.get("grade") and not grading.get("solution")):  # checkers, written questions
            metadata["editable"] = metadata["deletable"] = False
        cell["metadata"] = metadata
        if cell["cell_type"] == "code":
            cell["outputs"], cell["execution_count"] = [], None
    serialized = json.dumps(student, ensure_ascii=False)
    leaks = sorted(line for line in solution_lines(notebook) if json.dumps(line, ensure_ascii=False)[1:-1] in serialized)
    if leaks:
        raise ValueError(f"{name}: solution lines would remain in the student copy: {leaks}. Is a solution outside its markers?")
    return student


def release(paths, out_dir, force: bool = False) -> list[Path]:
    """Write student copies of the given notebooks into out_dir; return the paths written.

    A file already in out_dir is replaced only if it is identical to the new copy or ``force`` is set.
    """
    out_dir = Path(out_dir)
    if out_dir.exists() and not out_dir.is_dir():
        raise ValueError(f"--out {out_dir} is a file; give a folder (it is created if missing).")
    paths = [Path(p) for p in paths]
    copies = []
    for path in paths:
        if out_dir.resolve() == path.parent.resolve():
            raise ValueError(f"--out {out_dir} is the folder of {path.name}: the student copy would overwrite the teacher's. "
                             "Choose another folder.")
        notebook = read_notebook(path)
        student = make_student_copy(notebook, path.name)
        target = out_dir / path.name
        if target.exists() and not force:
            try:
                same = json.loads(target.read_text(encoding="utf-8")) == student
            except (UnicodeDecodeError, json.JSONDecodeError):
                same = False
            if not same:
                raise FileExistsError(f"{target} exists and differs from the new student copy (a student's work, or an "
                                      "older release?). Move it away, or pass --force to replace it.")
        copies.append((path, notebook, student, target))
    written = []
    for path, notebook, student, target in copies:
        write_notebook(student, target)
        stubs = sum(is_stub(source(c)) for c in student["cells"] if c["cell_type"] == "code")
        names = ", ".join(e.function for e in exercises_of(path)) or "no catalogued exercises"
        print(tr("{path} -> {target}: {stubs} solution region(s) replaced ({names})").format(
            path=path, target=target, stubs=stubs, names=names))
        shown = shown_elsewhere(notebook)
        if shown:
            print(f"  note: cell(s) {', '.join(map(str, sorted(shown)))} repeat the code of a solution line, and students see "
                  "them; make sure they come after the exercise")
        written.append(target)
    return written

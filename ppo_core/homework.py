"""Homework mode: student copies of the notebooks, and a grader for the students' work.

    python -m ppo_core.homework list                                  # the exercises, points and times
    python -m ppo_core.homework release --out student/                # student copies of every notebook
    python -m ppo_core.homework release notebooks/01_advantage.ipynb --out student/
    python -m ppo_core.homework grade submissions/*.ipynb --csv grades.csv --feedback feedback/

A student copy has every solution region (nbgrader's ``### BEGIN SOLUTION`` /
``### END SOLUTION``) replaced by ``# YOUR CODE HERE`` and ``raise NotImplementedError()``,
no outputs, no solution text in its metadata or attachments, and its checker cells
locked. The markers and the cell metadata follow nbgrader (schema 3), so ``nbgrader
generate_assignment`` works on the same notebooks.

The grader runs, for every exercise of a submitted notebook, the notebook's first code
cell (the imports, taken from the teacher's copy), then the student's exercise cell,
then the exercise's checker (:func:`ppo_core.checks.run_checker`). It runs in a separate
Python process with a time limit, so a student's infinite loop or crash cannot stop the
grading, and it never runs the rest of the notebook (no training), so it takes seconds.
Student code is still code: run the grader in a container or a throwaway account.
"""

from __future__ import annotations

import argparse
import ast
import copy
import csv
import json
import os
import re
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

BEGIN_SOLUTION, END_SOLUTION = "### BEGIN SOLUTION", "### END SOLUTION"
BEGIN_HIDDEN, END_HIDDEN = "### BEGIN HIDDEN TESTS", "### END HIDDEN TESTS"
CODE_STUB = ("# YOUR CODE HERE", "raise NotImplementedError()")
TEXT_STUB = "YOUR ANSWER HERE"
_KEEP_NOTEBOOK_METADATA = ("kernelspec", "language_info")
_KEEP_CELL_METADATA = ("nbgrader", "tags", "editable", "deletable")
_MIN_LEAK_LENGTH = 12  # solution lines shorter than this (e.g. `return out`) are too generic to count as leaks


@dataclass(frozen=True)
class Exercise:
    """One exercise of the series: where it is, what it teaches, and what it is worth."""

    notebook: str  # file stem, e.g. "01_advantage"
    function: str  # the function the student writes, e.g. "my_gae"
    checker: str  # the checker in ppo_core.checks that grades it
    goal: str
    difficulty: int  # 1 = apply a formula, 2 = handle edge cases or gradients, 3 = design
    minutes: int  # expected time for a student who has read the notebook up to the exercise
    points: int
    shortcuts: tuple = ()  # calls that hand the work to a ready-made implementation; the grader flags them


EXERCISES = (
    Exercise("01_advantage", "my_td_residuals", "check_td_residuals",
             "the one-step advantage estimate (the note's td_delta), with no bootstrap after termination", 1, 5, 2,
             ('td_residuals', 'gae', 'n_step_advantages')),
    Exercise("01_advantage", "my_gae", "check_gae",
             "GAE(λ) by a backward recursion over [T, N] rollouts: termination stops the bootstrap, any episode end stops the sum",
             2, 15, 4,
             ('gae', 'discounted_cumsum', 'n_step_advantages')),
    Exercise("02_policy_gradient", "my_softmax_score", "check_softmax_score",
             "the score ∇ log π(a|s) of a softmax policy, without dividing by a probability that can underflow", 1, 5, 2,
             ('_softmax_score_reference', 'backward', 'grad')),
    Exercise("02_policy_gradient", "my_discounted_cumsum", "check_discounted_cumsum",
             "returns-to-go: a discounted sum of the future that restarts at every episode end", 2, 10, 3,
             ('discounted_cumsum', 'gae')),
    Exercise("03_importance_sampling", "my_importance_ratio", "check_importance_ratio",
             "the ratio π_θ/π_θold from log-probabilities, with no gradient into the old policy", 1, 5, 2,
             ('importance_ratio',)),
    Exercise("03_importance_sampling", "my_approx_kl", "check_approx_kl",
             "the k3 estimator of KL[π_old ‖ π_θ], per sample and never negative", 2, 10, 3,
             ('approx_kl',)),
    Exercise("04_clipped_surrogate", "my_clipped_surrogate", "check_clipped_surrogate",
             "L^CLIP per sample: clip the ratio, not the gradient, and take the pessimistic min", 1, 10, 3,
             ('clipped_surrogate',)),
    Exercise("04_clipped_surrogate", "my_kl_penalty_surrogate", "check_kl_penalty_surrogate",
             "L^KLPEN per sample: the unclipped surrogate minus β times the KL", 1, 5, 2,
             ('kl_penalty_surrogate',)),
    Exercise("04_clipped_surrogate", "my_adapt_kl_coef", "check_adapt_kl_coef",
             "the PPO paper's adaptive-β rule with thresholds d_targ/1.5 and 1.5 d_targ", 1, 5, 2,
             ('adapt_kl_coef',)),
    Exercise("05_ppo_cartpole", "my_normalize_advantages", "check_normalize_advantages",
             "per-minibatch advantage normalization that stays finite on a constant batch", 1, 5, 2,
             ('normalize_advantages',)),
    Exercise("05_ppo_cartpole", "my_ppo_loss", "check_ppo_loss",
             "PPO's minibatch loss −L^CLIP + c1 L^VF − c2 S (PPO paper Eq. 9), values and gradients", 2, 10, 3,
             ('_ppo_loss_reference', 'ppo_update')),
    Exercise("05_ppo_cartpole", "my_value_loss", "check_value_loss",
             "PPO2's clipped value loss, and where it stops the critic's gradient", 2, 10, 3,
             ('value_loss',)),
    Exercise("06_ppo_continuous", "my_gaussian_log_prob", "check_gaussian_log_prob",
             "the log-density of a diagonal Gaussian policy, summed over action dimensions, with gradients", 2, 10, 3,
             ('Normal', 'log_prob', '_gaussian_log_prob_reference')),
    Exercise("06_ppo_continuous", "my_gaussian_entropy", "check_gaussian_entropy",
             "the entropy of a Gaussian policy with a state-independent log-std, one value per state", 1, 5, 2,
             ('Normal', 'entropy', '_gaussian_entropy_reference')),
)


def exercises_of(notebook: str) -> list[Exercise]:
    """The exercises of one notebook (file stem or path), in order."""
    stem = Path(notebook).stem
    return [e for e in EXERCISES if e.notebook == stem]


def nbgrader_metadata(exercise: Exercise, kind: str) -> dict:
    """The nbgrader (schema 3) cell metadata of an exercise's solution cell (``kind="solution"``) or checker cell."""
    if kind == "solution":
        return dict(grade=False, grade_id=exercise.function, locked=False, schema_version=3, solution=True, task=False)
    if kind == "check":
        return dict(grade=True, grade_id=exercise.checker, locked=True, points=exercise.points, schema_version=3,
                    solution=False, task=False)
    raise ValueError(f"kind must be 'solution' or 'check', got {kind!r}")


# ----- reading notebooks --------------------------------------------------------------------------

def _source(cell) -> str:
    source = cell.get("source", "")
    return "".join(source) if isinstance(source, list) else source


def _set_source(cell, text: str) -> None:
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


def _regions(text: str, begin: str, end: str, where: str):
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
        for inside, lines in _regions(_source(cell), BEGIN_SOLUTION, END_SOLUTION, f"cell {index}"):
            for line in (lines[1:-1] if inside else lines):
                code = _code_part(line)
                if len(code) >= _MIN_LEAK_LENGTH:
                    (found if inside else public).setdefault(code, set()).add(index)
    return found, public


def solution_lines(notebook: dict) -> set[str]:
    """The code of the solution lines (comments dropped, 12+ characters) that no other cell of the notebook shows."""
    found, public = _solution_and_public_lines(notebook)
    return set(found) - set(public)


def _shown_elsewhere(notebook: dict) -> set[int]:
    """Indexes of cells outside the solution regions that repeat the code of a solution line verbatim."""
    found, public = _solution_and_public_lines(notebook)
    return {index for line in set(found) & set(public) for index in public[line]}


# ----- student copies -----------------------------------------------------------------------------

def _stub(lines, cell_type: str) -> list[str]:
    indent = re.match(r"\s*", lines[0]).group(0)
    if cell_type == "code":
        return [f"{indent}{CODE_STUB[0]}\n", f"{indent}{CODE_STUB[1]}\n"]
    return [f"{TEXT_STUB}\n"]


def make_student_copy(notebook: dict, name: str = "notebook") -> dict:
    """Return the student version of a teacher's notebook (the input is not changed).

    Solution regions become nbgrader's stub, hidden-test regions are removed, outputs and
    execution counts are cleared, the notebook and cell metadata keep only what Jupyter
    and nbgrader need, attachments of solution cells are dropped, solution cells cannot be
    deleted and checker cells cannot be edited. Raises ValueError if a solution line would
    still be in the copy.
    """
    student = copy.deepcopy(notebook)
    student["metadata"] = {k: v for k, v in notebook.get("metadata", {}).items() if k in _KEEP_NOTEBOOK_METADATA}
    for index, cell in enumerate(student["cells"]):
        where = f"{name}, cell {index}"
        replaced = False
        out = []
        for inside, lines in _regions(_source(cell), BEGIN_SOLUTION, END_SOLUTION, where):
            out += _stub(lines, cell["cell_type"]) if inside else lines
            replaced |= inside
        visible = [line for inside, lines in _regions("".join(out), BEGIN_HIDDEN, END_HIDDEN, where) if not inside for line in lines]
        _set_source(cell, "".join(visible))
        metadata = {k: v for k, v in cell.get("metadata", {}).items() if k in _KEEP_CELL_METADATA}
        grading = metadata.get("nbgrader", {})
        if replaced or grading.get("solution"):
            cell.pop("attachments", None)
            metadata["deletable"] = False
        if grading.get("grade") and not grading.get("solution"):
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
        stubs = sum(_source(c).count(CODE_STUB[1]) for c in student["cells"] if c["cell_type"] == "code")
        names = ", ".join(e.function for e in exercises_of(path)) or "no catalogued exercises"
        print(f"{path} -> {target}: {stubs} solution region(s) replaced ({names})")
        shown = _shown_elsewhere(notebook)
        if shown:
            print(f"  note: cell(s) {', '.join(map(str, sorted(shown)))} repeat the code of a solution line, and students see "
                  "them; make sure they come after the exercise")
        written.append(target)
    return written


# ----- grading ------------------------------------------------------------------------------------

def _default_source_dir() -> Path:
    for candidate in (Path(__file__).resolve().parent.parent / "notebooks", Path.cwd() / "notebooks"):
        if any(candidate.glob("[0-9][0-9]_*.ipynb")):
            return candidate
    return Path.cwd() / "notebooks"


def _find_cell(notebook: dict, cell_id: str | None, pattern: str):
    """A cell by its id, else the first code cell whose source matches pattern."""
    code = [c for c in notebook["cells"] if c.get("cell_type") == "code"]
    for cell in code:
        if cell_id is not None and cell.get("id") == cell_id:
            return cell
    return next((c for c in code if re.search(pattern, _source(c), re.M)), None)


def identify_notebook(submission: dict, filename: str = "") -> str | None:
    """The stem of the series notebook a submission is a copy of, from its exercise functions (or its file name)."""
    text = "\n".join(_source(c) for c in submission["cells"] if c.get("cell_type") == "code")
    scores = {}
    for exercise in EXERCISES:
        if re.search(rf"^def {exercise.function}\(", text, re.M):
            scores[exercise.notebook] = scores.get(exercise.notebook, 0) + 1
    if scores:
        return max(scores, key=scores.get)
    stems = sorted({e.notebook for e in EXERCISES})
    return next((s for s in stems if s in filename), None)


_WORKER = r"""
import ast, contextlib, io, json, sys, traceback
job = json.load(open(sys.argv[1], encoding="utf-8"))
results = []

def report(**row):
    results.append(row)
    json.dump(results, open(sys.argv[2], "w", encoding="utf-8"))

namespace = {"__name__": "__main__"}
try:
    with contextlib.redirect_stdout(io.StringIO()):
        exec(compile(job["setup"], "<the notebook's first code cell>", "exec"), namespace)
except BaseException as err:
    for item in job["items"]:
        report(function=item["function"], status="error", passed=0, total=0,
               report=f"The notebook's first code cell failed in the grader: {type(err).__name__}: {err}")
    sys.exit(0)

# Definitions only, in notebook order, all in one namespace: imports, functions, classes and assignments
# from the exercise cells and the cells the student added. Other statements (a test print, a call) are
# skipped, and so is an assignment that needs a variable of the notebook's other cells.
DEFINITIONS = (ast.Import, ast.ImportFrom, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Assign, ast.AnnAssign)
cell_errors = {}
for cell in job["cells"]:
    try:
        tree = ast.parse(cell["source"], filename=cell["name"])
    except SyntaxError as err:
        cell_errors[cell["name"]] = f"SyntaxError: {err.msg} ({cell['name']}, line {err.lineno}: `{(err.text or '').strip()}`)"
        continue
    for node in tree.body:
        if not isinstance(node, DEFINITIONS):
            continue
        try:
            with contextlib.redirect_stdout(io.StringIO()):
                exec(compile(ast.Module(body=[node], type_ignores=[]), cell["name"], "exec"), namespace)
        except Exception as err:
            if not isinstance(node, (ast.Assign, ast.AnnAssign)):
                cell_errors.setdefault(cell["name"], f"{type(err).__name__}: {err} ({cell['name']}, line {node.lineno})")

from ppo_core.checks import run_checker, _EXERCISES
for item in job["items"]:
    total = len(_EXERCISES[item["checker"]]().cases)
    if item["cell"] is None:
        report(function=item["function"], status="missing", passed=0, total=total,
               report=f"No cell defines {item['function']}: the exercise cell was deleted or the function renamed.")
        continue
    if item["cell"] in cell_errors:
        report(function=item["function"], status="error", passed=0, total=total,
               report=f"The exercise cell could not run: {cell_errors[item['cell']]}")
        continue
    fn = namespace.get(item["function"])
    if not callable(fn):
        report(function=item["function"], status="missing", passed=0, total=total,
               report=f"The exercise cell does not define a function named {item['function']}.")
        continue
    buffer = io.StringIO()
    try:
        with contextlib.redirect_stdout(buffer):
            result = run_checker(item["checker"], fn)
    except NotImplementedError:
        report(function=item["function"], status="not attempted", passed=0, total=total, report=buffer.getvalue())
        continue
    except BaseException as err:
        report(function=item["function"], status="error", passed=0, total=total,
               report=buffer.getvalue() + f"\nThe checker stopped: {type(err).__name__}: {err}")
        continue
    report(function=item["function"], status="passed" if result.passed else "failed",
           passed=result.num_passed, total=len(result.cases), report=result.report)
"""


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
    source_dir = Path(source_dir) if source_dir is not None else _default_source_dir()
    if not (source_dir / f"{stem}.ipynb").is_file():
        raise FileNotFoundError(f"The teacher's copy {source_dir / (stem + '.ipynb')} is missing: pass the folder of the "
                                "series' notebooks with --source.")
    teacher = read_notebook(source_dir / f"{stem}.ipynb")
    setup = next((_source(c) for c in teacher["cells"] if c["cell_type"] == "code"), "")
    teacher_ids = {c.get("id") for c in teacher["cells"]}
    exercises = exercises_of(stem)
    code = [c for c in submission["cells"] if c.get("cell_type") == "code"]
    names = {id(c): f"<code cell {i + 1}>" for i, c in enumerate(code)}
    items, flags, run = [], [], set()
    for exercise in exercises:
        teacher_cell = _find_cell(teacher, None, rf"^def {exercise.function}\(")
        cell = _find_cell(submission, teacher_cell.get("id") if teacher_cell else None, rf"^def {exercise.function}\(")
        items.append(dict(function=exercise.function, checker=exercise.checker, cell=None if cell is None else names[id(cell)]))
        flags.append(shortcuts_used(exercise, _source(cell)) if cell is not None else ())
        if cell is not None:
            run.add(id(cell))
    run.update(id(c) for c in code if c.get("id") not in teacher_ids)  # cells the student added: helpers
    cells = [dict(name=names[id(c)], source=_source(c)) for c in code if id(c) in run]
    with tempfile.TemporaryDirectory() as tmp:
        job, out = Path(tmp) / "job.json", Path(tmp) / "out.json"
        job.write_text(json.dumps(dict(setup=setup, items=items, cells=cells)), encoding="utf-8")
        timed_out = False
        try:
            subprocess.run([sys.executable, "-c", _WORKER, str(job), str(out)], cwd=tmp, timeout=timeout,
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


# ----- command line -------------------------------------------------------------------------------

def exercise_table() -> str:
    """The exercises as a Markdown table (the teacher's guide prints the same table)."""
    from .checks import _EXERCISES

    rows = ["| notebook | exercise | learning goal | difficulty | minutes | points | checker: cases / known mistakes |",
            "|---|---|---|---|---|---|---|"]
    for e in EXERCISES:
        checker = _EXERCISES[e.checker]()
        rows.append(f"| {e.notebook} | `{e.function}` | {e.goal} | {'★' * e.difficulty} | {e.minutes} | {e.points} | "
                    f"`{e.checker}`: {len(checker.cases)} / {len(checker.mistakes)} |")
    total_minutes, total_points = sum(e.minutes for e in EXERCISES), sum(e.points for e in EXERCISES)
    rows.append(f"| **all** | {len(EXERCISES)} exercises | | | {total_minutes} | {total_points} | |")
    return "\n".join(rows)


def _series(paths) -> list[Path]:
    if paths:
        return [Path(p) for p in paths]
    found = sorted(_default_source_dir().glob("[0-9][0-9]_*.ipynb"))
    if not found:
        raise SystemExit("No notebooks given and none found in ./notebooks. Run from the repository root or pass the notebooks.")
    return found


def _feedback_name(label: str) -> str:
    return re.sub(r"[^\w.-]+", "__", str(Path(label).with_suffix(""))).strip("_") + ".txt"


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m ppo_core.homework", description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("list", help="print the exercises with their goals, difficulty, minutes and points")
    rel = commands.add_parser("release", help="write student copies (solutions replaced by stubs, outputs cleared)")
    rel.add_argument("notebooks", nargs="*", help="teacher notebooks (default: every numbered notebook in notebooks/)")
    rel.add_argument("--out", required=True, help="folder for the student copies (not the notebooks' own folder)")
    rel.add_argument("--force", action="store_true", help="overwrite files in --out that differ from the new copies")
    grd = commands.add_parser("grade", help="grade submitted notebooks with the checkers in strict mode")
    grd.add_argument("submissions", nargs="+", help="the students' notebooks (.ipynb)")
    grd.add_argument("--source", default=None, help="folder of the teacher's notebooks (default: notebooks/)")
    grd.add_argument("--csv", default=None, help="write one row per submission and exercise to this CSV file")
    grd.add_argument("--feedback", default=None, help="write each submission's checker reports to FOLDER/<name>.txt")
    grd.add_argument("--partial", action="store_true", help="give points in proportion to the checker cases passed")
    grd.add_argument("--timeout", type=float, default=120.0, help="seconds allowed per submission (default 120)")
    args = parser.parse_args(argv)

    if args.command == "list":
        print(exercise_table())
        return 0
    if args.command == "release":
        try:
            release(_series(args.notebooks), args.out, force=args.force)
        except (ValueError, FileNotFoundError, FileExistsError) as err:
            rel.error(str(err))
        return 0

    # check where the results go before spending time on grading
    if args.csv and (Path(args.csv).is_dir() or not Path(args.csv).resolve().parent.is_dir()):
        grd.error(f"--csv {args.csv}: give a file name in an existing folder.")
    if args.feedback and Path(args.feedback).exists() and not Path(args.feedback).is_dir():
        grd.error(f"--feedback {args.feedback} is a file; give a folder (it is created if missing).")
    if args.timeout <= 0:
        grd.error(f"--timeout must be > 0 seconds, got {args.timeout:g}.")
    all_grades, not_graded = [], 0
    for submission, label in zip(args.submissions, _labels(args.submissions)):
        try:
            grades = grade_submission(submission, args.source, args.timeout, args.partial, label=label)
        except (ValueError, FileNotFoundError) as err:
            print(f"{submission}: not graded: {err}")
            not_graded += 1
            continue
        all_grades += grades
        total, best = sum(g.points for g in grades), sum(g.max_points for g in grades)
        print(f"{label} ({grades[0].notebook}): {total:g}/{best} points")
        for g in grades:
            cases = f"{g.cases_passed}/{g.cases_total} cases" if g.cases_total else "-"
            calls = f"  calls {', '.join(g.flags)}: look at this one" if g.flags else ""
            print(f"  {g.function:26s} {g.status:13s} {cases:11s} {g.points:g}/{g.max_points}{calls}")
        if args.feedback:
            folder = Path(args.feedback)
            folder.mkdir(parents=True, exist_ok=True)
            text = "\n\n".join(f"== {g.function} ({g.status}, {g.points:g}/{g.max_points} points)\n{g.report}" for g in grades)
            (folder / _feedback_name(label)).write_text(f"{label}\n\n{text}\n", encoding="utf-8")
    if args.csv:
        with open(args.csv, "w", newline="", encoding="utf-8") as f:
            writer = csv.writer(f)
            writer.writerow(["submission", "notebook", "exercise", "checker", "status", "cases_passed", "cases_total",
                             "points", "max_points", "calls"])
            for g in all_grades:
                writer.writerow([g.submission, g.notebook, g.function, g.checker, g.status, g.cases_passed, g.cases_total,
                                 f"{g.points:g}", g.max_points, " ".join(g.flags)])
    if not_graded:
        print(f"{not_graded} of {len(args.submissions)} submission(s) could not be graded (see above).")
    return 1 if not_graded else 0


if __name__ == "__main__":
    sys.exit(main())

"""The grading worker: runs one submission's definitions and checkers in a separate process.

    python -m ppo_core.homework.worker JOB.json OUT.json

``grade.grade_submission`` writes the job (the notebook's first code cell, the student's cells,
the exercises to check) and reads the results; it kills the process after its time limit.
"""

from __future__ import annotations

import ast
import contextlib
import io
import json
import sys
from pathlib import Path

from ..exercises import find_exercise, run_checker

# Definitions only, in notebook order, all in one namespace: imports, functions, classes and assignments
# from the exercise cells and the cells the student added. Other statements (a test print, a call) are
# skipped, and so is an assignment that needs a variable of the notebook's other cells.
DEFINITIONS = (ast.Import, ast.ImportFrom, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Assign, ast.AnnAssign)


def main(job_path, out_path) -> None:
    """Grade the job in ``job_path``; write one result row per exercise to ``out_path`` as soon as it is known."""
    job = json.loads(Path(job_path).read_text(encoding="utf-8"))
    results = []

    def report(**row):
        results.append(row)
        Path(out_path).write_text(json.dumps(results), encoding="utf-8")

    namespace = {"__name__": "__main__"}
    try:
        with contextlib.redirect_stdout(io.StringIO()):
            exec(compile(job["setup"], "<the notebook's first code cell>", "exec"), namespace)
    except BaseException as err:
        for item in job["items"]:
            report(function=item["function"], status="error", passed=0, total=0,
                   report=f"The notebook's first code cell failed in the grader: {type(err).__name__}: {err}")
        return

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

    for item in job["items"]:
        total = find_exercise(item["checker"]).num_cases
        if item["cell"] is None:
            report(function=item["function"], status="missing", passed=0, total=total,
                   report=f"No cell defines {item['function']}: the exercise cell was deleted or the function renamed.")
            continue
        if item["cell"] in cell_errors:
            report(function=item["function"], status="error", passed=0, total=total,
                   report=f"The exercise cell could not run: {cell_errors[item['cell']]}")
            continue
        fn = namespace.get(item["function"])
        if find_exercise(item["checker"]).kind == "function" and not callable(fn):
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


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])

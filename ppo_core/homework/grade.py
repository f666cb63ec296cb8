"""The grader: ``python -m ppo_core.homework grade submissions/*.ipynb``.

Student code runs in one process, the checkers in another. For each submission the grader
starts a sandbox (:mod:`.worker`), which runs the teacher's first code cell (the imports) and the
*definitions* of the student's cells: the exercise cells and the cells the student added, never
the lesson cells (found by cell id, or by their source when ids are missing). Then the grader,
in its own process, runs each exercise's checker on a stand-in function that sends each case's
inputs to the sandbox and gets the student's output back. The checker's expected values and
verdicts never enter the sandbox, so nothing a student writes can change them.

Each exercise has its own time limit; a sandbox that overruns is stopped and a fresh one serves
the next exercise. Student code is still code: run the grader in a container or a throwaway
account.
"""

from __future__ import annotations

import ast
import contextlib
import io
import os
import queue
import re
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import torch

from ..exercises import Exercise, exercises_of, unseen_cases
from ..exercises._engine import DRAWN, HELD_OUT
from ..i18n import gap, get_language, notebook_language, tr, using
from .notebooks import (BEGIN_SOLUTION, END_SOLUTION, default_source_dir, definition_pattern, find_cell, identify_notebook,
                        read_notebook, regions, source)
from .worker import encode, read_message

DEFAULT_LIMITS = {"function": 60.0, "prediction": 60.0, "behaviour": 900.0}  # seconds per exercise
LOAD_SECONDS = 120.0  # for the imports and the student's definitions
SHORTCUT_POLICIES = ("zero", "score")


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
    max_points: float
    report: str
    flags: tuple = ()  # the reference implementations the student's function was seen calling while it ran, e.g. ('gae',)
    calls: tuple = ()  # the call chains that reached them, e.g. ('my_gae → solve → ppo_core.advantages.gae',)
    integrity: tuple = ()  # for the teacher: solution markers left in, the teacher's solution verbatim, a shortcut named
    # in the code but not seen called, notebook cases passed but unseen ones failed
    skipped: tuple = ()  # statements of the student's cells the grader did not run, and why
    path: str = ""  # the submission's file, for the gradebook's student ID
    language: str = "en"  # the language of the report: the edition the submission is a copy of ("zh": notebooks/zh/)


def shortcuts_used(exercise: Exercise, cell_source: str) -> tuple:
    """The names in ``exercise.shortcuts`` that the cell calls or imports by name, read from the code.

    A quick static look (a name in a comment or a docstring is not a call). The grader itself
    records the calls at run time instead, whatever name reached them.
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


# ----- talking to the sandbox -----------------------------------------------------------------------

class _Timeout(BaseException):
    """The sandbox did not answer within the exercise's time limit (a BaseException: the checker must not catch it)."""


class _Died(BaseException):
    """The sandbox process ended (the student's code called os._exit, or crashed the interpreter)."""


class Session:
    """One sandbox process: requests go to its stdin, replies come from its stdout, each within a deadline."""

    def __init__(self, cwd):
        environment = dict(os.environ, PPO_CORE_LANG=get_language())  # the capstone's report comes from the sandbox
        self.process = subprocess.Popen([sys.executable, "-m", "ppo_core.homework.worker"], cwd=cwd, stdin=subprocess.PIPE,
                                        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=environment)
        self.replies: queue.Queue = queue.Queue()
        self.deadline = float("inf")
        self.where = ""  # the statement the sandbox is defining (its last progress message)
        self.calls: list = []
        self.next_id = 0
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self):
        stream = self.process.stdout
        while True:
            try:
                message = read_message(stream)
            except Exception:  # EOF, or bytes that are not a well-formed reply (a student writing to the channel)
                self.replies.put(None)
                return
            self.replies.put(message)

    def request(self, **message):
        try:
            self.process.stdin.write(encode(message))
            self.process.stdin.flush()
        except (BrokenPipeError, OSError):
            raise _Died() from None
        while True:
            try:
                reply = self.replies.get(timeout=max(0.0, self.deadline - time.monotonic()))
            except queue.Empty:
                raise _Timeout() from None
            if reply is None:
                raise _Died()
            if not isinstance(reply, dict):
                continue
            if "progress" in reply:
                self.where = str(reply["progress"])
                continue
            return reply.get("reply") if isinstance(reply.get("reply"), dict) else {}

    def close(self):
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait()
        for stream in (self.process.stdin, self.process.stdout):
            with contextlib.suppress(OSError):
                stream.close()


_ERROR_TYPES: dict = {}


def _student_error(error: dict) -> Exception:
    """An exception that prints like the one the student's function raised, with its line of code."""
    name = str(error.get("type", "Exception"))
    if name == "NotImplementedError":
        return NotImplementedError(error.get("message", ""))
    cls = _ERROR_TYPES.setdefault(name, type(name if name.isidentifier() else "Exception", (Exception,), {}))
    err = cls(str(error.get("message", "")))
    if error.get("line"):
        err.student_line = (error["line"], error.get("code") or "")
    return err


class _Unreadable:
    """Stands for a student output the channel cannot carry (not a tensor, number, string or container)."""


def _readable(value):
    if isinstance(value, dict) and set(value) == {"__unreadable__"}:
        return type(str(value["__unreadable__"]), (_Unreadable,), {})()
    if isinstance(value, (tuple, list)):
        return type(value)(_readable(v) for v in value)
    return value if value is None or isinstance(value, (torch.Tensor, bool, int, float, str)) else _Unreadable()


class _RemoteGradient(torch.autograd.Function):
    """The student's output in the grader, with a backward pass that the sandbox computes on the student's graph."""

    @staticmethod
    def forward(ctx, session, call_id, keys, output, *grad_inputs):
        ctx.session, ctx.call_id, ctx.keys = session, call_id, keys
        ctx.shapes = [(t.shape, t.dtype) for t in grad_inputs]
        return output.clone()

    @staticmethod
    def backward(ctx, grad_output):
        reply = ctx.session.request(op="backward", call_id=ctx.call_id, keys=ctx.keys, grad_output=grad_output.detach())
        grads = reply.get("grads") or [None] * len(ctx.keys)
        checked = []
        for grad, (shape, dtype) in zip(grads, ctx.shapes):
            ok = isinstance(grad, torch.Tensor) and grad.shape == shape
            checked.append(grad.to(dtype) if ok else None)
        return (None, None, None, None, *checked)


class StudentFunction:
    """Stands for the student's function in the grader: each call runs the real one in the sandbox."""

    def __init__(self, session: Session, name: str):
        self.session, self.__name__, self.num_calls = session, name, 0

    def __call__(self, **inputs):
        self.num_calls += 1
        grad_keys = [k for k, v in inputs.items() if isinstance(v, torch.Tensor) and v.requires_grad]
        sent = {k: v.detach().clone() if isinstance(v, torch.Tensor) else v for k, v in inputs.items()}
        call_id = self.session.next_id = self.session.next_id + 1
        reply = self.session.request(op="call", function=self.__name__, inputs=sent, grad=grad_keys, call_id=call_id)
        self.session.calls += [str(c) for c in reply.get("calls", [])]
        if reply.get("error"):
            raise _student_error(reply["error"])
        for key, after in (reply.get("inputs_after") or {}).items():  # an input changed in place shows up as changed here too
            if key in inputs and isinstance(inputs[key], torch.Tensor) and isinstance(after, torch.Tensor):
                if after.shape == inputs[key].shape and not torch.equal(after.to(inputs[key].dtype), inputs[key].detach()):
                    with torch.no_grad():
                        inputs[key].copy_(after)
        output = _readable(reply.get("output"))
        if grad_keys and reply.get("requires_grad") and isinstance(output, torch.Tensor) and output.is_floating_point():
            output = _RemoteGradient.apply(self.session, call_id, grad_keys, output, *[inputs[k] for k in grad_keys])
        return output


# ----- which cells are the student's ------------------------------------------------------------------

def _normalized(text: str) -> str:
    return "\n".join(line.rstrip() for line in text.strip().splitlines() if line.strip())


def _is_solution_cell(cell) -> bool:
    return bool(cell.get("metadata", {}).get("nbgrader", {}).get("solution")) or BEGIN_SOLUTION in source(cell)


def student_cells(submission: dict, teacher: dict) -> list:
    """The code cells of a submission that the grader runs the definitions of, as (cell number, cell) pairs.

    Solution cells (nbgrader metadata, or the teacher's solution cell's id or its `def my_...`)
    and cells the student added. Lesson cells are never run: a cell is a lesson cell when its id
    is a lesson cell's id in the teacher's copy or, for a notebook without ids, when its source is
    that of a lesson cell. Cell numbers count every cell from 1, in notebook order.
    """
    lesson = [c for c in teacher["cells"] if c.get("cell_type") == "code" and not _is_solution_cell(c)]
    lesson_ids = {c.get("id") for c in lesson if c.get("id")}
    lesson_sources = {_normalized(source(c)) for c in lesson}
    chosen = []
    for number, cell in enumerate(submission["cells"], 1):
        if cell.get("cell_type") != "code":
            continue
        if cell.get("metadata", {}).get("nbgrader", {}).get("solution"):
            chosen.append((number, cell))
        elif cell.get("id") in lesson_ids or _normalized(source(cell)) in lesson_sources:
            continue
        else:
            chosen.append((number, cell))
    return chosen


def _solution_region(cell_source: str) -> str:
    try:
        runs = regions(cell_source, BEGIN_SOLUTION, END_SOLUTION, "cell")
    except ValueError:
        return ""
    return "".join(line for inside, lines in runs if inside for line in lines[1:-1])


def integrity_notes(exercise: Exercise, cell, teacher_cell) -> tuple:
    """What the teacher should look at in a submission's exercise cell: solution markers, the teacher's own solution."""
    if cell is None:
        return ()
    text = source(cell)
    notes = []
    if BEGIN_SOLUTION in text or END_SOLUTION in text:
        notes.append("the cell still has the teacher's solution markers (### BEGIN SOLUTION): the teacher's notebook handed in?")
    solution = _solution_region(source(teacher_cell)) if teacher_cell is not None else ""
    lines = [line.strip() for line in solution.splitlines() if line.strip()]
    comments = any(line.startswith("#") or "  #" in line for line in lines)
    if comments or len(lines) >= 3:  # a short solution without comments is one students write independently
        stripped = "\n".join(line.strip() for line in text.splitlines()
                             if line.strip() and BEGIN_SOLUTION not in line and END_SOLUTION not in line)
        if "\n".join(lines) in stripped:
            notes.append("the teacher's solution, line for line" + (" and comments included" if comments else ""))
    return tuple(notes)


# ----- grading ---------------------------------------------------------------------------------------

def _fingerprint() -> str:
    """A hash of the checkers' and the grader's source files, to notice a submission that rewrote them on disk."""
    import hashlib

    digest, package = hashlib.sha1(), Path(__file__).resolve().parents[1]
    for file in sorted([package / "checks.py", *(package / "exercises").glob("*.py"), *(package / "homework").glob("*.py")]):
        digest.update(str(file).encode() + file.read_bytes())
    return digest.hexdigest()


def _limit_for(exercise: Exercise, timeout) -> float:
    if timeout is None:
        return DEFAULT_LIMITS[exercise.kind]
    return timeout[exercise.function] if isinstance(timeout, dict) else float(timeout)


def _shortcut_note(names, chains, policy) -> str:
    chain = "; ".join(dict.fromkeys(chains))
    if policy == "zero":
        return "\n" + tr("0 points: while it ran, your function called the library's {names} ({chain}). The exercise "
                         "is to write it yourself; your teacher will look at it.").format(names=", ".join(names), chain=chain)
    return "\n" + tr("Note for the teacher: the function called {names} ({chain}).").format(names=", ".join(names), chain=chain)


def grade_submission(path, source_dir=None, timeout=None, partial: bool = False, label: str | None = None,
                     shortcuts: str = "zero", student_id: str | None = None, seed: int = 0) -> list[Grade]:
    """Grade one submitted notebook: one :class:`Grade` per exercise of the notebook it is a copy of.

    The student's definitions run in a sandbox process; each checker runs here, on the outputs
    the sandbox sends back. ``timeout``: seconds per exercise (default: 60, or 900 for the
    capstone that trains an agent). ``partial=True`` gives points in proportion to the checker
    cases passed; by default an exercise earns its points only when every case passes.
    ``shortcuts="zero"`` (default) gives 0 points to an exercise whose function called a
    reference implementation while it ran, ``"score"`` only flags it. ``label`` names the
    submission in the results (default: the path as given).

    Besides the notebook's cases, each function exercise gets two the notebook does not show
    (:func:`~ppo_core.exercises.unseen_cases`): a held-out case drawn from ``seed`` (the course's:
    change it each term) and one drawn from ``seed`` and ``student_id`` (default: the ID the
    gradebook reads from the path), so copying a neighbour's printed outputs does not pass.
    """
    path = Path(path)
    if timeout is not None and not isinstance(timeout, dict) and float(timeout) <= 0:
        raise ValueError(f"timeout must be > 0 seconds, got {timeout}.")
    if shortcuts not in SHORTCUT_POLICIES:
        raise ValueError(f"shortcuts must be one of {', '.join(SHORTCUT_POLICIES)}, got {shortcuts!r}.")
    if isinstance(seed, bool) or not isinstance(seed, int):
        raise TypeError(f"seed must be an int (the course's seed for the held-out cases), got {type(seed).__name__} {seed!r}.")
    if student_id is None:
        from .gradebook import students_of

        student_id = students_of([path])[0][0]
    submission = read_notebook(path)
    with using(notebook_language(submission)):  # a submission of the Chinese edition gets Chinese feedback
        return _grade_submission(path, submission, source_dir, timeout, partial, label, shortcuts, (str(student_id), seed))


def _grade_submission(path, submission, source_dir, timeout, partial, label, shortcuts, drawn_for) -> list[Grade]:
    stem = identify_notebook(submission, path.name)
    if stem is None:
        raise ValueError(f"{path}: none of the series' exercise functions (def my_...) is in this notebook, and its file name "
                         "names no notebook of the series. Is it a copy of one of the numbered notebooks?")
    if source_dir is None:  # the teacher's copies of the submission's edition: notebooks/ or notebooks/zh/
        source_dir = default_source_dir() / ("zh" if get_language() == "zh" else "")
    source_dir = Path(source_dir)
    if not (source_dir / f"{stem}.ipynb").is_file():
        raise FileNotFoundError(f"The teacher's copy {source_dir / (stem + '.ipynb')} is missing: pass the folder of the "
                                "series' notebooks with --source.")
    teacher = read_notebook(source_dir / f"{stem}.ipynb")
    setup = next((source(c) for c in teacher["cells"] if c["cell_type"] == "code"), "")
    exercises = exercises_of(stem)
    chosen = student_cells(submission, teacher)
    numbers = {id(cell): number for number, cell in chosen}
    cells = [dict(name=f"<cell {number}>", source=source(cell)) for number, cell in chosen]
    found = {}
    for exercise in exercises:
        pattern = definition_pattern(exercise.function)
        teacher_cell = find_cell(teacher, None, pattern)
        cell = find_cell(submission, teacher_cell.get("id") if teacher_cell else None, pattern)
        found[exercise.function] = (cell, teacher_cell)
    # an exercise's answer is what its exercise cell defines (what the checker cell after it checked in the notebook);
    # a later cell that defines the name again (a comparison with the library, an unfinished rewrite) is not graded
    owners = {function: f"<cell {numbers[id(cell)]}>" for function, (cell, _) in found.items()
              if cell is not None and id(cell) in numbers}
    job = dict(op="load", setup=setup, cells=cells, functions=[e.function for e in exercises], owners=owners)

    grades, session, loaded = [], None, None
    label = label or str(path)
    before = _fingerprint()
    try:
        for exercise in exercises:
            cell, teacher_cell = found[exercise.function]
            notes = integrity_notes(exercise, cell, teacher_cell)
            limit = _limit_for(exercise, timeout)
            if session is None and "load_failed" not in (loaded or {}):
                session = Session(cwd=path.resolve().parent)
                session.deadline = time.monotonic() + LOAD_SECONDS
                try:
                    loaded = session.request(**job)
                except (_Timeout, _Died) as stop:  # then no exercise can be graded: say where it stopped, once
                    what = "did not finish" if isinstance(stop, _Timeout) else "ended the grading process"
                    loaded = dict(load_failed=f"Not graded: defining the notebook's functions {what} "
                                              f"(at {session.where or 'the start'}).")
                    session.close()
                    session = None
            row = _grade_one(exercise, cell, numbers, loaded, session, limit, unseen_cases(exercise, *drawn_for))
            if row.pop("restart", False) and session is not None:
                session.close()
                session = None
            names = tuple(dict.fromkeys(re.findall(r"\w+", c)[-1] for c in row["calls"]))  # e.g. 'gae'
            fraction = row["passed"] / row["total"] if row["total"] else 0.0
            earned = exercise.points if row["status"] == "passed" else (exercise.points * fraction if partial else 0.0)
            report = row["report"]
            if names:
                report += _shortcut_note(names, row["calls"], shortcuts)
                if shortcuts == "zero":
                    earned = 0.0
            # also tell the teacher (no points off) of a shortcut the cell names in a call or an import but was not seen
            # calling while the checker ran, e.g. a function that failed before it got there, or hid the call
            named = tuple(n for n in (shortcuts_used(exercise, source(cell)) if cell is not None else ()) if n not in names)
            if named:
                notes += (f"names the library's {', '.join(named)} in its code, but was not seen calling it while graded: "
                          "look at it",)
            if row.get("failed") and set(row["failed"]) <= {HELD_OUT, DRAWN}:
                notes += ("passes every case the notebook shows but not the grader's held-out or drawn case: outputs "
                          "copied or special-cased? look at it",)
            skipped = tuple(loaded.get("skipped", ())) if isinstance(loaded, dict) else ()
            grades.append(Grade(label, stem, exercise.function, exercise.checker, row["status"], row["passed"], row["total"],
                                round(earned, 6), exercise.points, report, names, tuple(dict.fromkeys(row["calls"])),
                                notes, skipped, str(path), get_language()))
    finally:
        if session is not None:
            session.close()
    if _fingerprint() != before:  # this run's checkers were loaded before, but the next run would import the changes
        raise RuntimeError(f"{path}: the grader's own files (the ppo_core package) changed while this submission was "
                           "graded. Restore them (git checkout, or reinstall ppo_core), look at this submission, and grade "
                           "in a container or a throwaway account.")
    return grades


def _grade_one(exercise: Exercise, cell, numbers, loaded: dict, session: Session, limit: float, extra=()) -> dict:
    """Check one exercise (its cases, then ``extra``); return its status, cases passed and total, the report (its
    summary: failed cases only) and the shortcut calls recorded."""
    total = exercise.num_cases + len(extra)
    row = dict(status="error", passed=0, total=total, report="", calls=[])
    if "load_failed" in loaded:
        return dict(row, status="timeout" if "did not finish" in loaded["load_failed"] else "error",
                    report=loaded["load_failed"])
    if "setup_error" in loaded:
        return dict(row, report=tr("The notebook's first code cell failed in the grader: {error}").format(error=loaded['setup_error']))
    if cell is None:
        return dict(row, status="missing",
                    report=tr("No cell defines {function}: the exercise cell was deleted or the function renamed.").format(
                        function=exercise.function))
    cell_name = f"<cell {numbers.get(id(cell), '?')}>"
    if cell_name in loaded.get("errors", {}):
        return dict(row, report=tr("The exercise cell could not run: {error}").format(error=loaded['errors'][cell_name]))
    defined = loaded.get("defined", {}).get(exercise.function, "missing")
    if exercise.kind != "prediction" and defined != "function":
        return dict(row, status="missing", report=tr("The exercise cell does not define a function named {function}.").format(
            function=exercise.function))
    session.calls, session.deadline = [], time.monotonic() + limit
    student = StudentFunction(session, exercise.function)
    buffer = io.StringIO()
    try:
        with contextlib.redirect_stdout(buffer):
            if exercise.kind == "behaviour":
                result = _behaviour(exercise, session)
            elif exercise.kind == "prediction":
                result = exercise.run(_readable(session.request(op="value", function=exercise.function).get("value")))
            else:
                result = exercise.run(student, extra)
    except NotImplementedError:
        return dict(row, status="not attempted", report=buffer.getvalue(), calls=session.calls)
    except _Timeout:
        cases = [*exercise.cases(), *extra] if exercise.kind == "function" else []
        at = (gap() + tr("on case '{case}'").format(case=tr(cases[student.num_calls - 1].name))
              if 0 < student.num_calls <= len(cases) else "")
        report = buffer.getvalue() + "\n" + tr("{function} timed out: it did not finish within {seconds} s{at}, and the "
                                               "grader stopped it (an endless loop, or a very slow one?).").format(
            function=exercise.function, seconds=f"{limit:g}", at=at)
        return dict(row, status="timeout", report=report.strip(), calls=session.calls, restart=True)
    except _Died:
        return dict(row, report=buffer.getvalue() + "\n" + tr("{function} ended the grading process (os._exit, or a crash "
                    "of the interpreter) instead of returning.").format(function=exercise.function), calls=session.calls, restart=True)
    except Exception as err:
        return dict(row, report=buffer.getvalue() + "\n" + tr("The checker stopped: {error}: {message}").format(
            error=type(err).__name__, message=err), calls=session.calls)
    return dict(status="passed" if result.passed else "failed", passed=result.num_passed, total=len(result.cases),
                report=result.summary, calls=session.calls, failed=result.failed_cases)


def _behaviour(exercise: Exercise, session: Session):
    """A behaviour exercise: its observers run in the sandbox, next to the student's code; its judges run here."""
    import dataclasses

    def observe(stage: int):
        reply = session.request(op="observe", function=exercise.function, stage=stage)
        session.calls += [str(c) for c in reply.get("calls", [])]
        if reply.get("not_attempted"):
            raise NotImplementedError(exercise.function)
        if "error" in reply:
            raise RuntimeError(reply["error"])
        return reply.get("observed")

    judged_here = dataclasses.replace(exercise, reference=lambda fn: exercise.reference(fn, observe))
    return judged_here.run(StudentFunction(session, exercise.function))


def feedback_text(label: str, grades) -> str:
    """A submission's feedback file: each exercise's points and report (failed cases only), then the skipped statements."""
    text = "\n\n".join("== " + tr("{function} ({status}, {points}/{max_points} points)").format(
        function=g.function, status=tr(g.status), points=f"{g.points:g}", max_points=f"{g.max_points:g}")
        + f"\n{g.report}" for g in grades)
    skipped = "".join(f"\n  {s}" for s in grades[0].skipped[:MAX_SKIPPED_SHOWN]) if grades else ""
    if grades and len(grades[0].skipped) > MAX_SKIPPED_SHOWN:
        skipped += "\n  " + tr("... and {count} more.").format(count=len(grades[0].skipped) - MAX_SKIPPED_SHOWN)
    skipped = "\n\n" + tr("Not run by the grader (only definitions are graded):") + skipped if skipped else ""
    return f"{label}\n\n{text}{skipped}\n"


MAX_SKIPPED_SHOWN = 5  # statements of scratch work listed in a feedback file


def _labels(paths) -> list[str]:
    """Short distinct names for submissions: their paths relative to the folder they all share."""
    resolved = [Path(p).resolve() for p in paths]
    if len(resolved) == 1:  # keep the folder: it often names the student (alice/01_advantage.ipynb)
        return [str(Path(resolved[0].parent.name) / resolved[0].name)]
    common = Path(os.path.commonpath([str(p.parent) for p in resolved]))
    return [str(p.relative_to(common)) for p in resolved]

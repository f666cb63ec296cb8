"""The checker engine: named cases, the report a student reads, the diagnosis of known mistakes.

An :class:`Exercise` declares everything about one exercise in one place: the notebook, the
function the student writes, the checker's name, the learning goal, difficulty, minutes and
points, the reference implementation, the named cases and the catalogue of known mistakes.
``exercise.check(fn)`` runs every case, prints one line per case with a check mark or a cross
and, on failure, the inputs, the expected and the received values, and a hint naming the
likely mistake. It returns True when every case passed; with ``strict=True`` it raises
:class:`CheckFailed` instead of returning False, for autograders. A function that still raises
``NotImplementedError`` (the stub of a student copy) makes the checker raise it too: the
exercise is not done yet, which is different from a wrong answer.

A student function that raises, returns the wrong type or shape, returns NaN or changes its
inputs in place gets a readable message; the checker itself never crashes on it.
"""

from __future__ import annotations

import copy
import dataclasses
import hashlib
import traceback
from dataclasses import dataclass
from typing import Callable

import numpy as np
import torch

from ..i18n import N_, gap, labelled, tr

_NOT_IMPLEMENTED = N_("not implemented yet: replace `raise NotImplementedError()` with your code.")
_NOT_DONE = N_("{name} is not implemented yet: replace `raise NotImplementedError()` in its cell with your code, "
               "run that cell, then run this one again.")


class _NotImplementedYet(str):
    """The problem text of a stub (a str subclass, so that the report can tell it from a wrong answer in any language)."""


class CheckFailed(AssertionError):
    """Raised by a checker in strict mode when a case fails."""


@dataclass
class Case:
    """One named test case: keyword inputs for the function and a hint shown if it fails."""

    name: str
    inputs: dict
    hint: str = ""
    grad_wrt: tuple = ()  # names of inputs whose gradient must match the reference too


@dataclass(frozen=True)
class Exercise:
    """One exercise of the series, declared once.

    Args:
        notebook: the notebook's file stem, e.g. ``"01_advantage"``.
        function: the function the student writes, e.g. ``"my_gae"``.
        checker: the name of its checker in ``ppo_core.checks``, e.g. ``"check_gae"``.
        title: what the checker's report calls the reference.
        signature: the call the checker makes and what it expects back.
        goal: the learning goal, one line.
        difficulty: 1 = apply a formula, 2 = handle edge cases or gradients, 3 = design.
        minutes: expected time for a student who has read the notebook up to the exercise.
        points: what the exercise is worth when graded.
        reference: the correct implementation the cases are compared with.
        cases: a function returning the list of :class:`Case` s (built on demand).
        mistakes: ``(description, function)`` pairs of known wrong answers, for the diagnosis.
        returns: ``"tensor"`` or ``"float"``.
        atol: the absolute tolerance of the comparison.
        shortcuts: names of ready-made implementations whose use the grader flags.
        kind: ``"function"`` (the student writes a function) or ``"prediction"`` (the student
            writes a value before running the cell that shows the answer: a number, a sign or
            one of ``choices``; ``reference()`` computes the right answer, ``mistakes`` holds
            ``(description, wrong answer)`` pairs, and ``atol`` is the tolerance for numbers).
        choices: the options of a prediction among options (compared without case).
        explanation: for a prediction, one or two sentences printed once it is right.
        random_case: ``random_case(generator) -> Case``, a case drawn at random, for the grader's
            cases that the notebook does not show (:func:`unseen_cases`); its name is set there.

    A third kind, ``"behaviour"``, checks what a student's function *does* rather than what it
    returns (notebook 05's capstone plugs the student's update loop into training): ``reference(fn)``
    runs the checks and returns ``[(case name, problem or None, details)]``. Its ``stages()`` are
    ``(observe, judge)`` pairs: ``observe(fn)`` runs the function and records what it did (tensors,
    numbers, strings), ``judge(record)`` gives ``(outcomes, go on)``; ``reference(fn, observe)`` runs
    the judges here and gets each record from ``observe(stage number)`` (the grader's sandbox).
    """

    notebook: str
    function: str
    checker: str
    title: str
    signature: str
    goal: str
    difficulty: int
    minutes: int
    points: int
    reference: Callable
    cases: Callable[[], list] | None = None
    mistakes: tuple = ()
    returns: str = "tensor"
    atol: float = 1e-6
    shortcuts: tuple = ()
    kind: str = "function"
    choices: tuple = ()
    explanation: str = ""
    behaviour_cases: int = 0  # for kind "behaviour": how many cases reference(fn) reports
    random_case: Callable | None = None
    stages: Callable | None = None  # for kind "behaviour": () -> ((observe, judge), ...), see reference(fn, observe)

    def __post_init__(self):
        if self.kind not in ("function", "prediction", "behaviour"):
            raise ValueError(f"Exercise {self.function}: kind must be 'function', 'prediction' or 'behaviour', got {self.kind!r}.")
        if self.kind == "function" and (self.cases is None or self.random_case is None):
            raise ValueError(f"Exercise {self.function}: a function exercise needs its cases and a random_case.")

    @property
    def num_cases(self) -> int:
        """How many cases the checker runs (a prediction is one)."""
        return len(self.cases()) if self.kind == "function" else (1 if self.kind == "prediction" else self.behaviour_cases)

    def run(self, fn, extra_cases=()) -> "CheckResult":
        """Run every case on ``fn`` (a prediction: check the value), print the report, return the :class:`CheckResult`.

        ``extra_cases``: more cases after the notebook's, for a function exercise (the grader's :func:`unseen_cases`).
        """
        if self.kind == "prediction":
            return _evaluate_prediction(self, fn)
        return _evaluate_behaviour(self, fn) if self.kind == "behaviour" else _evaluate(self, fn, list(extra_cases))

    def check(self, fn, strict: bool = False) -> bool:
        """True if ``fn`` passes every case; with ``strict=True`` a failure raises :class:`CheckFailed`."""
        result = self.run(fn)
        if strict and not result.passed:
            raise CheckFailed(tr("{title}: failed cases: {cases}").format(title=tr(self.title), cases=", ".join(map(tr, result.failed_cases))))
        return result.passed

    def make_checker(self) -> Callable:
        """The notebook's checker function, ``check_x(fn, strict=False) -> bool``."""
        def checker(fn: Callable, strict: bool = False) -> bool:
            return self.check(fn, strict)

        checker.__name__ = checker.__qualname__ = self.checker
        what = "your prediction" if self.kind == "prediction" else f"``{self.signature}``"
        checker.__doc__ = (f"Check {what} against {self.title}.\n\n"
                           f"Prints one line per case; returns True if all pass (``strict=True``: raise CheckFailed instead).\n\n"
                           f"Notebook: {self.notebook}.")
        checker.exercise = self
        return checker


def _fmt(x) -> str:
    if isinstance(x, torch.Tensor):
        x = x.detach()
        if x.ndim == 0:
            return f"{x.item():.6g}"
        array = (x.int() if x.dtype == torch.bool else x).numpy()
        text = np.array2string(array, precision=4, suppress_small=True)
        if x.numel() <= _SHOWN_ENTRIES:  # small: one line, rows side by side ([[1.] [0.] [2.]] for a [3, 1] column)
            return " ".join(text.split())
        return text.replace("\n", "\n        ")
    if isinstance(x, float):  # short, unless that hides what the case is about (0.015000015 is not 0.015)
        return f"{x:.6g}" if float(f"{x:.6g}") == x else f"{x:.12g}"
    return repr(x)


_SHOWN_ENTRIES = 12  # larger tensors are summarized, so that a failing case fits on a screen


def _fmt_input(x) -> str:
    if isinstance(x, torch.Tensor) and x.numel() > _SHOWN_ENTRIES:
        return f"a {list(x.shape)} {str(x.dtype).replace('torch.', '')} tensor (not shown)"
    return _fmt(x)


def _fmt_outputs(expected, received) -> str:
    """The expected and received values; for big tensors of the same shape, the first entries that differ."""
    if (isinstance(received, torch.Tensor) and expected.numel() > _SHOWN_ENTRIES and received.shape == expected.shape):
        got, want = received.detach().double(), expected.detach().double()
        wrong = (~torch.isclose(got, want, atol=1e-6, rtol=1e-5)).nonzero().tolist()
        lines = ["    " + tr("{n} of {total} entries differ; the first ones:").format(n=len(wrong), total=want.numel())]
        lines += ["      " + tr("at {index}: expected {want}, received {got}").format(
                      index=index, want=f"{want[tuple(index)].item():.6g}", got=f"{got[tuple(index)].item():.6g}")
                  for index in wrong[:3]]
        return "\n".join(lines)
    return f"    {tr('expected:')} {_fmt(expected)}\n    {tr('received:')} {_fmt(received)}"


def _clone_inputs(inputs: dict, grad_wrt=()) -> dict:
    out = {}
    for key, value in inputs.items():
        if isinstance(value, torch.Tensor):
            value = value.detach().clone()
            if key in grad_wrt:
                value.requires_grad_(True)
            out[key] = value
        else:
            out[key] = copy.deepcopy(value)
    return out


def _call(fn, inputs):
    """Call fn(**inputs); return (output, error message or None)."""
    try:
        return fn(**inputs), None
    except NotImplementedError:
        return None, _NotImplementedYet(tr(_NOT_IMPLEMENTED))
    except Exception as err:  # a student's function may raise anything; report it, never crash
        located = getattr(err, "student_line", None)  # set by the grader, whose sandbox ran the student's function
        if located is None:
            frame = traceback.extract_tb(err.__traceback__)[-1]
            located = (frame.lineno, frame.line)
        return None, tr("your function raised {error}: {message} (line {line}: `{code}`)").format(
            error=type(err).__name__, message=err, line=located[0], code=located[1])


def _as_result(output, returns):
    """Return (tensor, problem): the output as a float64 tensor, or why it cannot be compared."""
    if returns == "float":
        if isinstance(output, torch.Tensor) and output.numel() == 1:
            output = output.item()
        if isinstance(output, bool) or not isinstance(output, (int, float)):
            return None, tr("returned {type}; expected a number (a Python float).").format(type=type(output).__name__)
        return torch.tensor(float(output), dtype=torch.float64), None
    if not isinstance(output, torch.Tensor):
        return None, tr("returned {type}; expected a torch.Tensor.").format(type=type(output).__name__)
    if not output.is_floating_point():
        return None, tr("returned a tensor of dtype {dtype}; expected floating point.").format(dtype=output.dtype)
    return output, None


def _compare(received: torch.Tensor, expected: torch.Tensor, atol: float) -> str | None:
    if received.shape != expected.shape:
        got, want = tuple(received.shape), tuple(expected.shape)
        if got == want + (1,):
            advice = tr("Your output has an extra last dimension of size 1 (a [B, 1] column where a [B] vector is expected, "
                        "e.g. a network's output): remove it with .squeeze(-1).")
        elif got[:len(want)] == want and len(got) == len(want) + 1:
            advice = tr("Your output has an extra last dimension of size {size}: a sum (or other reduction) over it is missing.").format(size=got[-1])
        elif len(got) == len(want) + 1 and want and got[-2:] == (want[-1], want[-1]):
            advice = tr("A [B, 1] and a [B] tensor were broadcast to [B, B]: make both [B] with .squeeze(-1) (or both [B, 1] "
                        "with .unsqueeze(-1)) before combining them.")
        elif len(got) < len(want):
            advice = tr("You reduced away a dimension the result must keep: return one value per sample, do not .sum()/.mean() over the batch.")
        else:
            advice = tr("Check for broadcasting between a [B, 1] and a [B] tensor, or an index that added or dropped a dimension.")
        return tr("returned shape {got}; expected {want}.").format(got=got, want=want) + gap() + advice
    if not torch.isfinite(received.detach()).all() and torch.isfinite(expected).all():
        return tr("returned NaN or inf where the expected values are finite.")
    if not torch.allclose(received.detach().double(), expected.double(), atol=atol, rtol=1e-5):
        return tr("wrong values.")
    return None


@dataclass
class CheckResult:
    """What a checker found: one ``(case name, problem or None)`` pair per case, and the printed report."""

    exercise: str
    cases: list
    report: str = ""
    summary: str = ""  # for feedback files: the report without its header and passed cases, at most 3 failed ones

    def __post_init__(self):
        self.summary = self.summary or self.report

    @property
    def num_passed(self) -> int:
        return sum(problem is None for _, problem in self.cases)

    @property
    def passed(self) -> bool:
        return self.num_passed == len(self.cases)

    @property
    def failed_cases(self) -> list:
        return [name for name, problem in self.cases if problem is not None]


def _evaluate(exercise: Exercise, fn, extra_cases=()) -> CheckResult:
    """Run every case (the notebook's, then ``extra_cases``), print one line per case, and return the result.

    Raises NotImplementedError (with a message naming the function) when the student's
    function still raises it: the exercise is not done, which is not a wrong answer.
    """
    if not callable(fn):
        raise TypeError(tr("Pass your function itself to the checker, e.g. check(my_function); got {type}.").format(type=type(fn).__name__))
    name = getattr(fn, "__name__", "your function")
    lines = [tr("Checking {name} against {title}:").format(name=name, title=tr(exercise.title))]
    print(lines[0])

    def say(text):
        lines.append(text)
        print(text)

    results, seen, failures = [], [], []
    for case in [*exercise.cases(), *extra_cases]:
        problem, details, diagnosis, received = _run_case(exercise, fn, case, seen)
        if isinstance(problem, _NotImplementedYet):
            say(f"  ✗ {problem}")
            raise NotImplementedError(tr(_NOT_DONE).format(name=name))
        if received is not None:
            seen.append((case, received))
        first_failure = problem is not None and all(p is None for _, p in results)
        # the first failing case in full; the others one line each, with the mistake they point to if known
        line = "  " + (f"✓ {tr(case.name)}" if problem is None else labelled(f"✗ {tr(case.name)}", problem)) \
            + (gap() + diagnosis if diagnosis and not first_failure else "")
        say(line)
        if first_failure:
            say(details)
            failures.append(line + "\n" + details)
        elif problem is not None:
            failures.append(line)
        results.append((case.name, problem))
    result = CheckResult(exercise.title, results)
    closing = tr("{passed}/{total} cases passed.").format(passed=result.num_passed, total=len(results)) \
        + ("" if result.passed else gap() + tr("Fix the first ✗ above first."))
    say(closing)
    result.report = "\n".join(lines)
    result.summary = _summary(failures, closing)
    return result


_OTHER_FAILURES_SHOWN = 2  # in a summary (a feedback file): the first failing case in full, then this many, one line each


def _summary(failures: list, total: str) -> str:
    """A report for a feedback file: no header (the file names the exercise), no passed case, at most 3 failed ones."""
    more = len(failures) - 1 - _OTHER_FAILURES_SHOWN
    return "\n".join([*failures[:1 + _OTHER_FAILURES_SHOWN], *(["  " + tr("... and {count} more failed cases.").format(count=more)]
                                                                  if more > 0 else []), total])

HELD_OUT = N_("held-out case (not in the notebook)")
DRAWN = N_("a case drawn for you (seeded by your student ID)")


def _seed(*parts) -> int:
    return int.from_bytes(hashlib.sha256(":".join(map(str, parts)).encode()).digest()[:8], "big") >> 1


def unseen_cases(exercise: Exercise, student_id: str, course_seed: int = 0) -> list:
    """The grader's cases that the notebook does not show, for a function exercise ([] for the others).

    A held-out case, drawn with the course's seed (the same for the whole class; give the
    grader another ``--seed`` each term and it cannot be looked up), and a case drawn from the
    seed and the student's ID, so that a neighbour's printed outputs do not fit it. Both come
    from ``exercise.random_case``; the same arguments give the same cases.
    """
    if exercise.kind != "function":
        return []
    drawn = []
    for name, parts in ((HELD_OUT, ("held-out", course_seed, exercise.function)),
                        (DRAWN, ("student", course_seed, student_id, exercise.function))):
        case = exercise.random_case(torch.Generator().manual_seed(_seed(*parts)))
        drawn.append(dataclasses.replace(case, name=name))
    return drawn


def _spellings(option) -> set:
    """An option of a prediction as a student may write it: in English, or as the Chinese edition names it."""
    from ..locale import catalogue
    return {str(option).strip().lower(), catalogue("zh").get(str(option), str(option)).strip().lower()}


def _same_answer(exercise: Exercise, given, answer) -> bool:
    if exercise.choices:
        return str(given).strip().lower() in _spellings(answer)
    return abs(float(given) - float(answer)) <= exercise.atol


def _evaluate_prediction(exercise: Exercise, value) -> CheckResult:
    """Check a predicted value; print one line, the hint of a known wrong answer, or the explanation."""
    name = exercise.function
    if value is None or value is Ellipsis:
        print(tr("Checking {name}: ✗ no prediction yet.").format(name=name))
        raise NotImplementedError(tr("{name} is not written yet: replace None with your prediction in its cell, run that "
                                     "cell, then run this one again.").format(name=name))
    lines = [tr("Checking {name} ({title}):").format(name=name, title=tr(exercise.title))]
    problem = None
    if exercise.choices and not any(str(value).strip().lower() in _spellings(c) for c in exercise.choices):
        problem = tr("{value} is not one of the options {options}.").format(
            value=repr(value), options=("、" if gap() == "" else ", ").join(repr(c) + ("" if tr(c) == c else f"（{tr(c)}）") for c in exercise.choices))
    elif not exercise.choices and (isinstance(value, bool) or not isinstance(value, (int, float))):
        problem = tr("write a number, got {type} {value}.").format(type=type(value).__name__, value=repr(value))
    elif not _same_answer(exercise, value, exercise.reference()):
        problem = tr("not what happens.")
        hint = next((description for description, wrong in exercise.mistakes if _same_answer(exercise, value, wrong)), "")
        problem += gap() + tr(hint) if hint else ""
        problem += gap() + tr("Run the next cell, look at the result, and work out why.")
    lines.append("  " + (labelled(f"✓ {value!r}", (tr("right.") + gap() + tr(exercise.explanation)).rstrip()) if problem is None
                         else labelled(f"✗ {value!r}", problem)))
    result = CheckResult(exercise.title, [(tr("your prediction"), problem)], "\n".join(lines), "\n".join(lines[1:]))
    print(result.report)
    return result


def _evaluate_behaviour(exercise: Exercise, fn) -> CheckResult:
    """Run ``exercise.reference(fn)``'s checks of what ``fn`` does; print one line per case and the details of failures."""
    if not callable(fn):
        raise TypeError(tr("Pass your function itself to the checker, e.g. check(my_function); got {type}.").format(type=type(fn).__name__))
    name = getattr(fn, "__name__", "your function")
    lines = [tr("Checking {name} ({title}):").format(name=name, title=tr(exercise.title))]
    print(lines[0])
    try:
        outcomes = exercise.reference(fn)
    except NotImplementedError:
        print("  ✗ " + tr(_NOT_IMPLEMENTED))
        raise NotImplementedError(tr(_NOT_DONE).format(name=name)) from None
    results, failures = [], []
    for case, problem, details in outcomes:
        lines.append("  " + (f"✓ {tr(case)}" if problem is None else labelled(f"✗ {tr(case)}", tr(problem))))
        if problem is not None and details:
            lines.append(details)
        print("\n".join(lines[-2:] if problem is not None and details else lines[-1:]))
        if problem is not None:
            failures.append("\n".join(lines[-2:]) if details else lines[-1])
        results.append((case, problem))
    result = CheckResult(exercise.title, results)
    lines.append(tr("{passed}/{total} cases passed.").format(passed=result.num_passed, total=len(results)))
    print(lines[-1])
    result.report = "\n".join(lines)
    result.summary = _summary(failures, lines[-1])
    return result


def _run_case(exercise: Exercise, fn, case: Case, seen=()):
    """(problem or None, details, diagnosis, the output as a tensor or None) of one case; ``seen``: earlier (case, output)."""
    inputs = _clone_inputs(case.inputs, case.grad_wrt)
    before = _clone_inputs(inputs)
    shown = "\n".join(f"      {k} = {_fmt_input(v)}" for k, v in case.inputs.items())
    inputs_label = tr("inputs:")
    expected_inputs = _clone_inputs(case.inputs, case.grad_wrt)
    expected_out = exercise.reference(**expected_inputs)
    expected, _ = _as_result(expected_out, exercise.returns)

    output, error = _call(fn, inputs)
    if error is not None:
        return error, f"    {inputs_label}\n{shown}", "", None
    for key, value in before.items():
        if isinstance(value, torch.Tensor) and not torch.equal(inputs[key].detach(), value):
            return (tr("your function changed its input `{key}` in place (e.g. `{key} += ...` or `{key}[i] = ...`); "
                       "compute into a new tensor instead.").format(key=key)), f"    {inputs_label}\n{shown}", "", None
    received, problem = _as_result(output, exercise.returns)
    if problem is None:
        problem = _compare(received, expected.detach(), exercise.atol)
    details = f"    {inputs_label}\n{shown}\n" + _fmt_outputs(expected, received if received is not None else output)
    grad_problem = False
    if problem is None and case.grad_wrt:
        problem, grad_details = _compare_grads(case, inputs, received, expected_inputs, expected, exercise.atol)
        details += grad_details
        grad_problem = problem is not None
    if problem is None:
        return None, "", "", received
    diagnosis = _diagnose(exercise, case, received, inputs if grad_problem else None, seen)
    # a named mistake is the hint; the case's own hint only when no known mistake explains the output
    hint = diagnosis or tr(case.hint)
    if hint:
        details += "\n    " + (f"{tr('hint:')}{hint}" if gap() == "" else f"{tr('hint:')} {hint}")
    return problem, details, diagnosis, received


def _compare_grads(case, inputs, received, expected_inputs, expected, atol):
    if not received.requires_grad:
        return (tr("no gradient flows through your output: avoid .item(), .detach(), numpy and Python floats "
                   "on the path from the inputs to the result."), "")
    weights = torch.linspace(0.5, 1.5, received.numel(), dtype=torch.float64).reshape(received.shape)
    (received.double() * weights).sum().backward()
    (expected.double() * weights).sum().backward()
    for key in case.grad_wrt:
        got, want = inputs[key].grad, expected_inputs[key].grad
        if want is None:
            want = torch.zeros_like(inputs[key])
        if got is None:
            got = torch.zeros_like(want)
        if not torch.allclose(got.double(), want.double(), atol=atol, rtol=1e-5):
            return (tr("the values are right but the gradient with respect to `{key}` is wrong.").format(key=key),
                    f"\n    {tr('expected')} d(sum w*output)/d{key}: {_fmt(want)}\n    {tr('received')} d(sum w*output)/d{key}: {_fmt(got)}")
    return None, ""


def _diagnose(exercise: Exercise, case: Case, received, graded_inputs=None, seen=()) -> str:
    """The name of a known mistake that reproduces the output ("your output matches what you get when you ..."), or "".

    When the values were right and a gradient was wrong (``graded_inputs`` holds the inputs
    with the student's gradients), the mistakes are compared by their gradients instead. When
    several mistakes reproduce this case, the one that also reproduces the student's outputs of
    the earlier cases (``seen``: (case, output) pairs) is named: ``min(r, clip(r)) * A`` and
    "take the max" agree when A < 0, but only the first agrees with a right answer when A > 0.
    """
    if received is None:
        return ""
    matches = [description for description, mistake in exercise.mistakes
               if _reproduces(exercise, mistake, case, received, graded_inputs)]
    if not matches:
        return ""
    consistent = [d for d in matches
                  if all(_reproduces(exercise, dict(exercise.mistakes)[d], earlier, output) for earlier, output in seen)]
    return tr("your output matches what you get when you {mistake}.").format(mistake=tr((consistent or matches)[0]))


def _reproduces(exercise: Exercise, mistake, case: Case, received, graded_inputs=None) -> bool:
    """Whether ``mistake`` gives ``received`` on ``case`` (its gradients, when ``graded_inputs`` has the student's)."""
    try:
        mistake_inputs = _clone_inputs(case.inputs, case.grad_wrt if graded_inputs else ())
        wrong, _ = _as_result(mistake(**mistake_inputs), exercise.returns)
        if wrong is None or wrong.shape != received.shape:
            return False
        if graded_inputs is None:
            return torch.allclose(received.detach().double(), wrong.detach().double(), atol=exercise.atol, rtol=1e-5,
                                  equal_nan=True)
        return _same_grads(wrong, mistake_inputs, graded_inputs, case.grad_wrt, exercise.atol)
    except Exception:
        return False


def _same_grads(output, inputs, graded_inputs, keys, atol) -> bool:
    if not output.requires_grad:
        return False
    weights = torch.linspace(0.5, 1.5, output.numel(), dtype=torch.float64).reshape(output.shape)
    (output.double() * weights).sum().backward()
    for key in keys:
        mine, theirs = inputs[key].grad, graded_inputs[key].grad
        mine = torch.zeros_like(inputs[key]) if mine is None else mine
        theirs = torch.zeros_like(inputs[key]) if theirs is None else theirs
        if not torch.allclose(mine.double(), theirs.double(), atol=atol, rtol=1e-5):
            return False
    return True

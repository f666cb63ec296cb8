"""Checkers for the notebooks' exercises.

Each ``check_*`` function runs a student's function on named cases (hand-computed tiny
cases, random cases against the library's reference, and the edge cases that matter),
prints one line per case with a check mark or a cross, and on failure shows the inputs,
the expected and the received values, and a hint naming the likely mistake. It returns
True when every case passed. With ``strict=True`` it raises :class:`CheckFailed` instead
of returning False, for autograders. A function that still raises ``NotImplementedError``
(the stub of a student copy) makes the checker raise ``NotImplementedError`` too: the
exercise is not done yet, which is different from a wrong answer. :func:`run_checker`
returns a :class:`CheckResult` (cases passed, failed case names, the printed report) for
grading scripts.

A student function that raises, returns the wrong type or shape, returns NaN or changes
its inputs in place gets a readable message; the checker itself never crashes on it.
"""

from __future__ import annotations

import copy
import math
import traceback
from dataclasses import dataclass, field
from typing import Callable

import numpy as np
import torch

from .advantages import discounted_cumsum, gae, td_residuals
from .diagnostics import approx_kl
from torch.distributions import Independent, Normal

from .objectives import (
    adapt_kl_coef,
    clipped_surrogate,
    importance_ratio,
    kl_penalty_surrogate,
    normalize_advantages,
    value_loss,
)


class CheckFailed(AssertionError):
    """Raised by a checker in strict mode when a case fails."""


@dataclass
class Case:
    """One named test case: keyword inputs for the function and a hint shown if it fails."""

    name: str
    inputs: dict
    hint: str = ""
    grad_wrt: tuple = ()  # names of inputs whose gradient must match the reference too


@dataclass
class _Exercise:
    title: str
    reference: Callable
    cases: list
    mistakes: list = field(default_factory=list)  # (description, function) pairs
    returns: str = "tensor"  # "tensor" or "float"
    atol: float = 1e-6


def _fmt(x) -> str:
    if isinstance(x, torch.Tensor):
        x = x.detach()
        if x.ndim == 0:
            return f"{x.item():.6g}"
        array = (x.int() if x.dtype == torch.bool else x).numpy()
        return np.array2string(array, precision=4, suppress_small=True).replace("\n", "\n        ")
    if isinstance(x, float):
        return f"{x:.6g}"
    return repr(x)


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
        return None, "not implemented yet: replace `raise NotImplementedError()` with your code."
    except Exception as err:  # a student's function may raise anything; report it, never crash
        frame = traceback.extract_tb(err.__traceback__)[-1]
        return None, f"your function raised {type(err).__name__}: {err} (line {frame.lineno}: `{frame.line}`)"


def _as_result(output, returns):
    """Return (tensor, problem): the output as a float64 tensor, or why it cannot be compared."""
    if returns == "float":
        if isinstance(output, torch.Tensor) and output.numel() == 1:
            output = output.item()
        if isinstance(output, bool) or not isinstance(output, (int, float)):
            return None, f"returned {type(output).__name__}; expected a number (a Python float)."
        return torch.tensor(float(output), dtype=torch.float64), None
    if not isinstance(output, torch.Tensor):
        return None, f"returned {type(output).__name__}; expected a torch.Tensor."
    if not output.is_floating_point():
        return None, f"returned a tensor of dtype {output.dtype}; expected floating point."
    return output, None


def _compare(received: torch.Tensor, expected: torch.Tensor, atol: float) -> str | None:
    if received.shape != expected.shape:
        got, want = tuple(received.shape), tuple(expected.shape)
        if got[:len(want)] == want and len(got) == len(want) + 1:
            advice = f"Your output has an extra last dimension of size {got[-1]}: a sum (or other reduction) over it is missing."
        elif len(got) < len(want):
            advice = "You reduced away a dimension the result must keep: return one value per sample, do not .sum()/.mean() over the batch."
        else:
            advice = "Check for broadcasting between a [B, 1] and a [B] tensor, or an index that added or dropped a dimension."
        return f"returned shape {got}; expected {want}. {advice}"
    if not torch.isfinite(received.detach()).all() and torch.isfinite(expected).all():
        return "returned NaN or inf where the expected values are finite."
    if not torch.allclose(received.detach().double(), expected.double(), atol=atol, rtol=1e-5):
        return "wrong values."
    return None


@dataclass
class CheckResult:
    """What a checker found: one ``(case name, problem or None)`` pair per case, and the printed report."""

    exercise: str
    cases: list
    report: str = ""

    @property
    def num_passed(self) -> int:
        return sum(problem is None for _, problem in self.cases)

    @property
    def passed(self) -> bool:
        return self.num_passed == len(self.cases)

    @property
    def failed_cases(self) -> list:
        return [name for name, problem in self.cases if problem is not None]


def _evaluate(exercise: _Exercise, fn) -> CheckResult:
    """Run every case, print one line per case, and return the result.

    Raises NotImplementedError (with a message naming the function) when the student's
    function still raises it: the exercise is not done, which is not a wrong answer.
    """
    if not callable(fn):
        raise TypeError(f"Pass your function itself to the checker, e.g. check(my_function); got {type(fn).__name__}.")
    name = getattr(fn, "__name__", "your function")
    lines = [f"Checking {name} against {exercise.title}:"]
    print(lines[0])

    def say(text):
        lines.append(text)
        print(text)

    results = []
    for case in exercise.cases:
        problem, details = _run_case(exercise, fn, case)
        if problem is not None and problem.startswith("not implemented yet"):
            say(f"  ✗ {problem}")
            raise NotImplementedError(f"{name} is not implemented yet: replace `raise NotImplementedError()` in its cell "
                                      "with your code, run that cell, then run this one again.")
        say(f"  {'✓' if problem is None else '✗'} {case.name}" + ("" if problem is None else f": {problem}"))
        if problem is not None:
            say(details)
        results.append((case.name, problem))
    result = CheckResult(exercise.title, results)
    say(f"{result.num_passed}/{len(results)} cases passed." + ("" if result.passed else " Fix the first ✗ above first."))
    result.report = "\n".join(lines)
    return result


def _run(exercise: _Exercise, fn, strict: bool) -> bool:
    result = _evaluate(exercise, fn)
    if strict and not result.passed:
        raise CheckFailed(f"{exercise.title}: failed cases: {', '.join(result.failed_cases)}")
    return result.passed


def run_checker(checker, fn) -> CheckResult:
    """Run a checker (the function, e.g. ``check_gae``, or its name) on ``fn`` and return the :class:`CheckResult`.

    For grading scripts: the result counts the cases passed, names the failed ones and keeps
    the printed report. Raises NotImplementedError when ``fn`` is still the unfinished stub.
    """
    checker_name = checker if isinstance(checker, str) else getattr(checker, "__name__", repr(checker))
    if checker_name not in _EXERCISES:
        raise ValueError(f"Unknown checker {checker_name!r}; the checkers are: {', '.join(sorted(_EXERCISES))}.")
    return _evaluate(_EXERCISES[checker_name](), fn)


def _run_case(exercise: _Exercise, fn, case: Case):
    inputs = _clone_inputs(case.inputs, case.grad_wrt)
    before = _clone_inputs(inputs)
    shown = "\n".join(f"      {k} = {_fmt(v)}" for k, v in case.inputs.items())
    expected_inputs = _clone_inputs(case.inputs, case.grad_wrt)
    expected_out = exercise.reference(**expected_inputs)
    expected, _ = _as_result(expected_out, exercise.returns)

    output, error = _call(fn, inputs)
    if error is not None:
        return error, f"    inputs:\n{shown}"
    for key, value in before.items():
        if isinstance(value, torch.Tensor) and not torch.equal(inputs[key].detach(), value):
            return (f"your function changed its input `{key}` in place (e.g. `{key} += ...` or `{key}[i] = ...`); "
                    "compute into a new tensor instead."), f"    inputs:\n{shown}"
    received, problem = _as_result(output, exercise.returns)
    if problem is None:
        problem = _compare(received, expected.detach(), exercise.atol)
    details = f"    inputs:\n{shown}\n    expected: {_fmt(expected)}\n    received: {_fmt(received) if received is not None else _fmt(output)}"
    grad_problem = False
    if problem is None and case.grad_wrt:
        problem, grad_details = _compare_grads(case, inputs, received, expected_inputs, expected, exercise.atol)
        details += grad_details
        grad_problem = problem is not None
    if problem is None:
        return None, ""
    hint = _diagnose(exercise, case, received, inputs if grad_problem else None)
    if hint:
        details += f"\n    hint: {hint}"
    return problem, details


def _compare_grads(case, inputs, received, expected_inputs, expected, atol):
    if not received.requires_grad:
        return ("no gradient flows through your output: avoid .item(), .detach(), numpy and Python floats "
                "on the path from the inputs to the result.", "")
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
            return (f"the values are right but the gradient with respect to `{key}` is wrong.",
                    f"\n    expected d(sum w*output)/d{key}: {_fmt(want)}\n    received d(sum w*output)/d{key}: {_fmt(got)}")
    return None, ""


def _diagnose(exercise: _Exercise, case: Case, received, graded_inputs=None) -> str:
    """The case's hint, preceded by the name of a known mistake that reproduces the output.

    When the values were right and a gradient was wrong (``graded_inputs`` holds the inputs
    with the student's gradients), the mistakes are compared by their gradients instead.
    """
    hints = []
    if received is not None:
        for description, mistake in exercise.mistakes:
            try:
                mistake_inputs = _clone_inputs(case.inputs, case.grad_wrt if graded_inputs else ())
                wrong, _ = _as_result(mistake(**mistake_inputs), exercise.returns)
                if wrong is None or wrong.shape != received.shape:
                    continue
                if graded_inputs is None:
                    same = torch.allclose(received.detach().double(), wrong.detach().double(), atol=exercise.atol, rtol=1e-5,
                                          equal_nan=True)
                else:
                    same = _same_grads(wrong, mistake_inputs, graded_inputs, case.grad_wrt, exercise.atol)
            except Exception:
                continue
            if same:
                hints.append(f"your output matches what you get when you {description}.")
                break
    if case.hint:
        hints.append(case.hint)
    return " ".join(hints)


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


# ----- shared test data ------------------------------------------------------------------------

def _random_rollout(seed: int, num_steps: int = 7, num_envs: int = 3) -> dict:
    gen = torch.Generator().manual_seed(seed)
    shape = (num_steps, num_envs)
    episode_end = torch.rand(shape, generator=gen, dtype=torch.float64) < 0.35
    terminated = episode_end & (torch.rand(shape, generator=gen, dtype=torch.float64) < 0.5)
    return dict(rewards=torch.randn(shape, generator=gen, dtype=torch.float64),
                values=torch.randn(shape, generator=gen, dtype=torch.float64),
                next_values=torch.randn(shape, generator=gen, dtype=torch.float64),
                terminated=terminated, truncated=episode_end & ~terminated)


def _column(*xs, dtype=torch.float64) -> torch.Tensor:
    """A [T, 1] tensor from a list of numbers (one environment)."""
    return torch.tensor(xs, dtype=dtype).reshape(-1, 1)


def _hand_rollout(terminated=(False, False, False), truncated=(False, False, False)) -> dict:
    """The 3-step example worked by hand in notebook 01."""
    return dict(rewards=_column(1.0, 0.0, 2.0), values=_column(0.5, 1.0, 1.5),
                next_values=_column(1.0, 1.5, 3.0),
                terminated=_column(*terminated, dtype=torch.bool), truncated=_column(*truncated, dtype=torch.bool))


def _without(d: dict, *keys) -> dict:
    return {k: v for k, v in d.items() if k not in keys}


# ----- 01_advantage ----------------------------------------------------------------------------

_TD_HINT_TERM = "a terminated step has no future: use (1 - terminated) * next_values, i.e. drop the bootstrap there."
_TD_HINT_TRUNC = "truncation is not termination: the state after a time-limit cut still has value, keep gamma * next_values."


def _td_cases():
    hand = _hand_rollout()
    cases = [
        Case("hand example, no episode end (notebook 01)", {**_without(hand, "truncated"), "gamma": 0.9},
             "delta_t = r_t + gamma * V(s_{t+1}) - V(s_t), with V(s_{t+1}) = next_values[t] (not values[t + 1])."),
        Case("terminated at t = 1", {**_without(_hand_rollout(terminated=(False, True, False)), "truncated"), "gamma": 0.9},
             _TD_HINT_TERM),
        Case("terminated on the last row", {**_without(_hand_rollout(terminated=(False, False, True)), "truncated"), "gamma": 0.9},
             _TD_HINT_TERM),
        Case("gamma = 0: only the reward counts", {**_without(hand, "truncated"), "gamma": 0.0},
             "with gamma = 0, delta_t = r_t - V(s_t)."),
    ]
    cases += [Case(f"random [7, 3] rollout, seed {s}", {**_without(_random_rollout(s), "truncated"), "gamma": 0.95},
                   "compare with the formula elementwise; every tensor is [T, N], time first.") for s in (1, 2)]
    return cases


def _gae_cases():
    hand = _hand_rollout()
    both = _hand_rollout(terminated=(False, True, False), truncated=(False, True, False))
    cases = [
        Case("hand example, lambda = 0.5 (notebook 01)", {**hand, "gamma": 0.9, "gae_lambda": 0.5},
             "A_t = delta_t + gamma * lambda * A_{t+1}, computed backwards from the last row, starting from 0."),
        Case("lambda = 0 gives the TD residuals", {**hand, "gamma": 0.9, "gae_lambda": 0.0},
             "with lambda = 0 nothing of the future is summed: A_t = delta_t."),
        Case("lambda = 1 gives return minus V", {**hand, "gamma": 0.9, "gae_lambda": 1.0},
             "with lambda = 1 the sum is the discounted return (bootstrapped at the end) minus V(s_t)."),
        Case("terminated mid-rollout (t = 1)", {**_hand_rollout(terminated=(False, True, False)), "gamma": 0.9, "gae_lambda": 0.8},
             "termination stops the bootstrap (no gamma * V(s_{t+1})) and the sum (A_t must not include A_{t+1})."),
        Case("truncated mid-rollout (t = 1)", {**_hand_rollout(truncated=(False, True, False)), "gamma": 0.9, "gae_lambda": 0.8},
             "truncation keeps the bootstrap gamma * next_values[t] but stops the sum: row t + 1 is a new episode."),
        Case("terminated on the last row", {**_hand_rollout(terminated=(False, False, True)), "gamma": 0.9, "gae_lambda": 0.8},
             "on the last row the sum starts at 0; a terminated last row has no bootstrap either."),
        Case("truncated and terminated on the same step", {**both, "gamma": 0.9, "gae_lambda": 0.8},
             "gymnasium can set both flags; termination wins for the bootstrap (no future value)."),
    ]
    cases += [Case(f"random [7, 3] rollout with both flags, seed {s}", {**_random_rollout(s), "gamma": 0.95, "gae_lambda": 0.9},
                   "the recursion runs over dim 0 (time) for all environments at once; flags are per [t, n].")
              for s in (1, 2, 3)]
    return cases


def _gae_truncation_as_termination(rewards, values, next_values, terminated, truncated, gamma, gae_lambda):
    return gae(rewards, values, next_values, terminated | truncated, truncated, gamma, gae_lambda)


def _gae_no_reset(rewards, values, next_values, terminated, truncated, gamma, gae_lambda):
    deltas = td_residuals(rewards, values, next_values, terminated, gamma)
    return discounted_cumsum(deltas, gamma * gae_lambda)


def _gae_bootstrap_through_termination(rewards, values, next_values, terminated, truncated, gamma, gae_lambda):
    deltas = rewards + gamma * next_values - values
    return discounted_cumsum(deltas, gamma * gae_lambda, terminated | truncated)


def _gae_values_shifted(rewards, values, next_values, terminated, truncated, gamma, gae_lambda):
    shifted = torch.cat([values[1:], next_values[-1:]])  # V(s_{t+1}) taken from the next row
    return gae(rewards, values, shifted, terminated, truncated, gamma, gae_lambda)


def _gae_lambda_only(rewards, values, next_values, terminated, truncated, gamma, gae_lambda):
    deltas = td_residuals(rewards, values, next_values, terminated, gamma)
    return discounted_cumsum(deltas, gae_lambda, terminated | truncated)


_GAE_MISTAKES = [
    ("treat truncation as termination (no bootstrap at a time-limit cut)", _gae_truncation_as_termination),
    ("do not restart the sum at an episode end", _gae_no_reset),
    ("bootstrap through a terminated step", _gae_bootstrap_through_termination),
    ("take V(s_{t+1}) from values[t + 1] instead of next_values[t]", _gae_values_shifted),
    ("discount the sum by lambda instead of gamma * lambda", _gae_lambda_only),
]

_TD_MISTAKES = [
    ("bootstrap through a terminated step", lambda rewards, values, next_values, terminated, gamma: rewards + gamma * next_values - values),
    ("take V(s_{t+1}) from values[t + 1] instead of next_values[t]",
     lambda rewards, values, next_values, terminated, gamma: td_residuals(rewards, values, torch.cat([values[1:], next_values[-1:]]), terminated, gamma)),
    ("forget the discount gamma", lambda rewards, values, next_values, terminated, gamma: td_residuals(rewards, values, next_values, terminated, 1.0)),
    ("forget to subtract V(s_t)", lambda rewards, values, next_values, terminated, gamma: td_residuals(rewards, values, next_values, terminated, gamma) + values),
    ("mask V(s_t) with (1 - terminated) as well as V(s_{t+1})",
     lambda rewards, values, next_values, terminated, gamma: td_residuals(rewards, values * (~terminated), next_values, terminated, gamma)),
    ("use the terminated flag of step t - 1 (off by one)",
     lambda rewards, values, next_values, terminated, gamma:
     td_residuals(rewards, values, next_values, torch.cat([torch.zeros_like(terminated[:1]), terminated[:-1]]), gamma)),
]


def _td_residuals_exercise() -> _Exercise:
    return _Exercise("td_residuals (the note's td_delta)", td_residuals, _td_cases(), _TD_MISTAKES)


def check_td_residuals(fn: Callable, strict: bool = False) -> bool:
    """Check ``fn(rewards, values, next_values, terminated, gamma)`` against :func:`ppo_core.td_residuals`."""
    return _run(_td_residuals_exercise(), fn, strict)


def _gae_exercise() -> _Exercise:
    return _Exercise("gae (generalized advantage estimation)", gae, _gae_cases(), _GAE_MISTAKES)


def check_gae(fn: Callable, strict: bool = False) -> bool:
    """Check ``fn(rewards, values, next_values, terminated, truncated, gamma, gae_lambda)`` against :func:`ppo_core.gae`."""
    return _run(_gae_exercise(), fn, strict)


# ----- 02_policy_gradient ----------------------------------------------------------------------

def _discounted_cumsum_cases():
    x = _column(1.0, 2.0, 3.0, 4.0)
    no_end = _column(False, False, False, False, dtype=torch.bool)
    end_at_1 = _column(False, True, False, False, dtype=torch.bool)
    end_last = _column(False, False, False, True, dtype=torch.bool)
    cases = [
        Case("hand example, no episode end", dict(x=x, discount=0.5, episode_ends=no_end),
             "y_t = x_t + discount * y_{t+1}, computed backwards from the last row with y_T = 0."),
        Case("an episode ends at t = 1", dict(x=x, discount=0.5, episode_ends=end_at_1),
             "nothing after an episode end is added: y_1 = x_1, and y_0 = x_0 + discount * y_1."),
        Case("an episode ends on the last row", dict(x=x, discount=0.5, episode_ends=end_last),
             "the last row is y_{T-1} = x_{T-1} in every case."),
        Case("discount = 1: plain sums", dict(x=x, discount=1.0, episode_ends=end_at_1),
             "with discount 1 the sums are undiscounted but still restart at episode ends."),
        Case("discount = 0: y = x", dict(x=x, discount=0.0, episode_ends=no_end), "with discount 0, y_t = x_t."),
    ]
    for s in (1, 2):
        rollout = _random_rollout(s)
        cases.append(Case(f"random [7, 3] data, seed {s}",
                          dict(x=rollout["rewards"], discount=0.9, episode_ends=rollout["terminated"] | rollout["truncated"]),
                          "the recursion runs over dim 0 (time) for all columns at once."))
    return cases


_CUMSUM_MISTAKES = [
    ("do not restart the sum at an episode end", lambda x, discount, episode_ends: discounted_cumsum(x, discount)),
    ("sum forwards in time (past instead of future)",
     lambda x, discount, episode_ends: discounted_cumsum(x.flip(0), discount, episode_ends.flip(0)).flip(0)),
    ("restart the sum one step late (the flag of t + 1 instead of t)",
     lambda x, discount, episode_ends: discounted_cumsum(x, discount, torch.cat([episode_ends[1:], torch.zeros_like(episode_ends[:1])]))),
    ("forget the discount", lambda x, discount, episode_ends: discounted_cumsum(x, 1.0, episode_ends)),
    ("discount the current term too (y_t = discount * (x_t + y_{t+1}))",
     lambda x, discount, episode_ends: discount * discounted_cumsum(x, discount, episode_ends)),
    ("leave out the current term (y_t = discount * y_{t+1}, the sum from t + 1 on)",
     lambda x, discount, episode_ends: discounted_cumsum(x, discount, episode_ends) - x),
]


def _discounted_cumsum_exercise() -> _Exercise:
    return _Exercise("discounted_cumsum (returns-to-go)", discounted_cumsum, _discounted_cumsum_cases(), _CUMSUM_MISTAKES)


def check_discounted_cumsum(fn: Callable, strict: bool = False) -> bool:
    """Check ``fn(x, discount, episode_ends)`` against :func:`ppo_core.discounted_cumsum`."""
    return _run(_discounted_cumsum_exercise(), fn, strict)


def _softmax_score_reference(logits, actions):
    """d log softmax(logits)[a] / d logits = onehot(a) - softmax(logits), row by row."""
    return torch.nn.functional.one_hot(actions, logits.shape[-1]).to(logits.dtype) - torch.softmax(logits, -1)


def _softmax_score_cases():
    gen = torch.Generator().manual_seed(0)
    cases = [
        Case("uniform policy over 2 actions", dict(logits=torch.zeros(1, 2, dtype=torch.float64), actions=torch.tensor([0])),
             "for a softmax policy, d log pi(a) / d logit_b = 1[a = b] - pi(b)."),
        Case("hand example, 3 actions", dict(logits=torch.tensor([[1.0, 0.0, -1.0]], dtype=torch.float64), actions=torch.tensor([2])),
             "the entry of the taken action is 1 - pi(a); every other entry is -pi(b)."),
        Case("extreme logits (log of softmax would underflow)",
             dict(logits=torch.tensor([[0.0, -1000.0]], dtype=torch.float64), actions=torch.tensor([1])),
             "use torch.softmax / log_softmax, never division by a probability that underflowed to 0."),
        Case("random batch of 5 states, 4 actions", dict(logits=torch.randn(5, 4, generator=gen, dtype=torch.float64),
                                                         actions=torch.randint(0, 4, (5,), generator=gen)),
             "one row per state: the result has the shape of logits, [B, A]."),
    ]
    return cases


_SCORE_MISTAKES = [
    ("return the sign-flipped score pi - onehot(a)", lambda logits, actions: -_softmax_score_reference(logits, actions)),
    ("forget to subtract pi (return only the one-hot)", lambda logits, actions: torch.nn.functional.one_hot(actions, logits.shape[-1]).to(logits.dtype)),
    ("return the gradient of pi(a) instead of log pi(a)",
     lambda logits, actions: torch.softmax(logits, -1).gather(-1, actions[:, None]) * _softmax_score_reference(logits, actions)),
    ("take the softmax over the batch (dim 0) instead of over the actions",
     lambda logits, actions: torch.nn.functional.one_hot(actions, logits.shape[-1]).to(logits.dtype) - torch.softmax(logits, 0)),
    ("subtract log pi instead of pi",
     lambda logits, actions: torch.nn.functional.one_hot(actions, logits.shape[-1]).to(logits.dtype) - torch.log_softmax(logits, -1)),
    ("divide the gradient of pi(a) by pi(a) (0 / 0 once pi(a) underflows)",
     lambda logits, actions: (torch.softmax(logits, -1).gather(-1, actions[:, None]) * _softmax_score_reference(logits, actions))
     / torch.softmax(logits, -1).gather(-1, actions[:, None])),
]


def _softmax_score_exercise() -> _Exercise:
    return _Exercise("softmax_score (grad of log pi for a softmax policy)", _softmax_score_reference,
                     _softmax_score_cases(), _SCORE_MISTAKES)


def check_softmax_score(fn: Callable, strict: bool = False) -> bool:
    """Check ``fn(logits, actions)`` returning d log pi(a|s) / d logits, [B, A]."""
    return _run(_softmax_score_exercise(), fn, strict)


# ----- 03_importance_sampling ------------------------------------------------------------------

def _log_prob_pair(seed: int, size: int = 6, spread: float = 0.5) -> dict:
    gen = torch.Generator().manual_seed(seed)
    old = torch.log(torch.rand(size, generator=gen, dtype=torch.float64) * 0.9 + 0.05)
    return dict(log_probs=old + spread * torch.randn(size, generator=gen, dtype=torch.float64), old_log_probs=old)


def _ratio_cases():
    return [
        Case("same policy: ratio = 1", dict(log_probs=torch.log(torch.tensor([0.2, 0.5, 0.3], dtype=torch.float64)),
                                            old_log_probs=torch.log(torch.tensor([0.2, 0.5, 0.3], dtype=torch.float64))),
             "r = pi_theta(a|s) / pi_old(a|s) is exactly 1 where the policies agree."),
        Case("hand example: 0.5 / 0.25 = 2", dict(log_probs=torch.log(torch.tensor([0.5], dtype=torch.float64)),
                                                 old_log_probs=torch.log(torch.tensor([0.25], dtype=torch.float64))),
             "new over old: r = exp(log_probs - old_log_probs)."),
        Case("tiny probabilities (log-space matters)", dict(log_probs=torch.tensor([-800.0, -750.0], dtype=torch.float64),
                                                            old_log_probs=torch.tensor([-801.0, -750.0], dtype=torch.float64)),
             "exp(-800) underflows to 0; subtract the logs first, then exponentiate once."),
        Case("random batch, gradient flows to log_probs only", _log_prob_pair(1), "", grad_wrt=("log_probs", "old_log_probs")),
    ]


_RATIO_MISTAKES = [
    ("invert the ratio (old over new)", lambda log_probs, old_log_probs: torch.exp(old_log_probs - log_probs)),
    ("return the log-ratio without exponentiating", lambda log_probs, old_log_probs: log_probs - old_log_probs),
    ("forget to detach the old log-probs (a gradient flows into the old policy)",
     lambda log_probs, old_log_probs: torch.exp(log_probs - old_log_probs)),
    ("divide the exponentials (underflows for tiny probabilities)", lambda log_probs, old_log_probs: torch.exp(log_probs) / torch.exp(old_log_probs)),
    ("divide the log-probabilities (log_probs / old_log_probs)", lambda log_probs, old_log_probs: log_probs / old_log_probs.detach()),
    ("forget the old policy (return exp(log_probs))", lambda log_probs, old_log_probs: torch.exp(log_probs)),
]


def _importance_ratio_exercise() -> _Exercise:
    ex = _Exercise("importance_ratio", importance_ratio, _ratio_cases(), _RATIO_MISTAKES)
    ex.cases[-1].hint = ("the old policy is a constant: call old_log_probs.detach() so no gradient reaches it; "
                         "the gradient of r with respect to log_probs is r itself.")
    return ex


def check_importance_ratio(fn: Callable, strict: bool = False) -> bool:
    """Check ``fn(log_probs, old_log_probs)`` against :func:`ppo_core.importance_ratio`, values and gradients."""
    return _run(_importance_ratio_exercise(), fn, strict)


def _kl_cases():
    return [
        Case("same policy: KL estimate 0", dict(log_probs=torch.log(torch.tensor([0.2, 0.7], dtype=torch.float64)),
                                                old_log_probs=torch.log(torch.tensor([0.2, 0.7], dtype=torch.float64))),
             "k3 = (r - 1) - log r is 0 when r = 1."),
        Case("hand example: r = 2", dict(log_probs=torch.log(torch.tensor([0.5], dtype=torch.float64)),
                                         old_log_probs=torch.log(torch.tensor([0.25], dtype=torch.float64))),
             "with r = 2: (2 - 1) - log 2 = 0.3069."),
        Case("hand example: r = 1/2", dict(log_probs=torch.log(torch.tensor([0.25], dtype=torch.float64)),
                                           old_log_probs=torch.log(torch.tensor([0.5], dtype=torch.float64))),
             "with r = 1/2: (0.5 - 1) - log 0.5 = 0.1931; k3 is never negative."),
        Case("random batch: per sample, not averaged", _log_prob_pair(2), "return one estimate per sample; the caller averages.",
             grad_wrt=("log_probs",)),
    ]


_KL_MISTAKES = [
    ("use k1 = -log r (unbiased but negative for half the samples)", lambda log_probs, old_log_probs: old_log_probs - log_probs),
    ("use the k3 formula with r inverted (old over new)", lambda log_probs, old_log_probs: approx_kl(old_log_probs, log_probs)),
    ("use k2 = (log r)^2 / 2", lambda log_probs, old_log_probs: 0.5 * (log_probs - old_log_probs) ** 2),
    ("flip the sign: log r - (r - 1)", lambda log_probs, old_log_probs: -approx_kl(log_probs, old_log_probs)),
    ("forget the -1: r - log r", lambda log_probs, old_log_probs: approx_kl(log_probs, old_log_probs) + 1.0),
    ("average over the batch instead of returning one estimate per sample",
     lambda log_probs, old_log_probs: approx_kl(log_probs, old_log_probs).mean()),
]


def _approx_kl_exercise() -> _Exercise:
    return _Exercise("approx_kl (the k3 estimator of KL[old || new])", approx_kl, _kl_cases(), _KL_MISTAKES)


def check_approx_kl(fn: Callable, strict: bool = False) -> bool:
    """Check ``fn(log_probs, old_log_probs)`` against :func:`ppo_core.approx_kl` (per-sample k3)."""
    return _run(_approx_kl_exercise(), fn, strict)


# ----- 04_clipped_surrogate --------------------------------------------------------------------

def _zones(advantage: float) -> dict:
    """Ratios in all three zones (below, inside, above [0.8, 1.2]) with one advantage sign."""
    ratio = torch.tensor([0.5, 0.9, 1.0, 1.1, 1.5], dtype=torch.float64)
    return dict(ratio=ratio, advantages=torch.full_like(ratio, advantage), clip_eps=0.2)


def _clip_cases():
    gen = torch.Generator().manual_seed(3)
    rand_ratio = torch.exp(0.4 * torch.randn(8, generator=gen, dtype=torch.float64))
    return [
        Case("A > 0 in all three zones (values)", _zones(2.0),
             "min(r A, clip(r, 1 - eps, 1 + eps) A): with A > 0 the objective is flat above 1 + eps."),
        Case("A < 0 in all three zones (values)", _zones(-2.0),
             "with A < 0 the objective is flat below 1 - eps, and r A (unclipped) is taken above 1 + eps."),
        Case("A > 0: gradient is zero only above 1 + eps", _zones(2.0),
             "the gradient must vanish only where the clip is active and the min picks it.", grad_wrt=("ratio",)),
        Case("A < 0: gradient is zero only below 1 - eps", _zones(-2.0),
             "the gradient must vanish only where the clip is active and the min picks it.", grad_wrt=("ratio",)),
        Case("eps = 0.3, A > 0: the clip moves to 1.3",
             dict(ratio=torch.tensor([0.6, 1.25, 1.5], dtype=torch.float64), advantages=torch.ones(3, dtype=torch.float64), clip_eps=0.3),
             "use the clip_eps argument, not a hard-coded 0.2: here min(1.25, 1.25) = 1.25 and min(1.5, 1.3) = 1.3."),
        Case("eps = 0.1, random ratios and advantages",
             dict(ratio=rand_ratio, advantages=torch.randn(8, generator=gen, dtype=torch.float64), clip_eps=0.1),
             "use the clip_eps argument, not a hard-coded 0.2.", grad_wrt=("ratio",)),
    ]


_CLIP_MISTAKES = [
    ("take the max instead of the min", lambda ratio, advantages, clip_eps: torch.max(ratio * advantages, torch.clamp(ratio, 1 - clip_eps, 1 + clip_eps) * advantages)),
    ("clip the advantage instead of the ratio",
     lambda ratio, advantages, clip_eps: torch.min(ratio * advantages, ratio * torch.clamp(advantages, 1 - clip_eps, 1 + clip_eps))),
    ("return only the clipped term (no min)", lambda ratio, advantages, clip_eps: torch.clamp(ratio, 1 - clip_eps, 1 + clip_eps) * advantages),
    ("return only the unclipped term r A", lambda ratio, advantages, clip_eps: ratio * advantages),
    ("return the loss (the negated objective)", lambda ratio, advantages, clip_eps: -clipped_surrogate(ratio, advantages, clip_eps)),
    ("clip the product r A instead of the ratio",
     lambda ratio, advantages, clip_eps: torch.min(ratio * advantages, torch.clamp(ratio * advantages, 1 - clip_eps, 1 + clip_eps))),
    ("clip to [1 - eps, 1 + eps] with eps fixed at 0.2", lambda ratio, advantages, clip_eps: clipped_surrogate(ratio, advantages, 0.2)),
]


def _clipped_surrogate_exercise() -> _Exercise:
    return _Exercise("clipped_surrogate (L^CLIP per sample)", clipped_surrogate, _clip_cases(), _CLIP_MISTAKES)


def check_clipped_surrogate(fn: Callable, strict: bool = False) -> bool:
    """Check ``fn(ratio, advantages, clip_eps)`` against :func:`ppo_core.clipped_surrogate`, values and gradients."""
    return _run(_clipped_surrogate_exercise(), fn, strict)


def _klpen_cases():
    gen = torch.Generator().manual_seed(4)
    ratio = torch.exp(0.3 * torch.randn(6, generator=gen, dtype=torch.float64))
    return [
        Case("hand example: r = 1.5, A = 2, KL = 0.1, beta = 3",
             dict(ratio=torch.tensor([1.5], dtype=torch.float64), advantages=torch.tensor([2.0], dtype=torch.float64),
                  kl=torch.tensor([0.1], dtype=torch.float64), kl_coef=3.0),
             "r A - beta KL = 1.5 * 2 - 3 * 0.1 = 2.7."),
        Case("beta = 0 leaves the unclipped surrogate", dict(ratio=ratio, advantages=torch.randn(6, generator=gen, dtype=torch.float64),
                                                              kl=torch.rand(6, generator=gen, dtype=torch.float64), kl_coef=0.0),
             "with beta = 0 the objective is r A."),
        Case("A < 0: a larger ratio lowers the objective",
             dict(ratio=torch.tensor([0.5, 1.0, 2.0], dtype=torch.float64), advantages=torch.full((3,), -1.0, dtype=torch.float64),
                  kl=torch.tensor([0.2, 0.0, 0.3], dtype=torch.float64), kl_coef=2.0),
             "r A - beta KL = [-0.5 - 0.4, -1 - 0, -2 - 0.6]: no clipping in L^KLPEN, the penalty does the restraining.",
             grad_wrt=("ratio", "kl")),
        Case("random batch, gradients w.r.t. ratio and KL", dict(ratio=ratio, advantages=torch.randn(6, generator=gen, dtype=torch.float64),
                                                                kl=torch.rand(6, generator=gen, dtype=torch.float64), kl_coef=0.5),
             "the penalty is subtracted: it pushes the KL down.", grad_wrt=("ratio", "kl")),
    ]


_KLPEN_MISTAKES = [
    ("add the penalty instead of subtracting it", lambda ratio, advantages, kl, kl_coef: ratio * advantages + kl_coef * kl),
    ("return the loss (the negated objective)", lambda ratio, advantages, kl, kl_coef: -(ratio * advantages - kl_coef * kl)),
    ("forget the ratio (A - beta KL)", lambda ratio, advantages, kl, kl_coef: advantages - kl_coef * kl),
    ("average over the batch instead of returning one value per sample",
     lambda ratio, advantages, kl, kl_coef: (ratio * advantages - kl_coef * kl).mean()),
    ("clip the ratio as in L^CLIP (L^KLPEN has no clip)",
     lambda ratio, advantages, kl, kl_coef: clipped_surrogate(ratio, advantages, 0.2) - kl_coef * kl),
    ("use log r * A instead of r * A", lambda ratio, advantages, kl, kl_coef: torch.log(ratio) * advantages - kl_coef * kl),
]


def _kl_penalty_surrogate_exercise() -> _Exercise:
    return _Exercise("kl_penalty_surrogate (L^KLPEN per sample)", kl_penalty_surrogate, _klpen_cases(), _KLPEN_MISTAKES)


def check_kl_penalty_surrogate(fn: Callable, strict: bool = False) -> bool:
    """Check ``fn(ratio, advantages, kl, kl_coef)`` against :func:`ppo_core.kl_penalty_surrogate`."""
    return _run(_kl_penalty_surrogate_exercise(), fn, strict)


def _adapt_cases():
    return [
        Case("KL far below target: halve beta", dict(kl_coef=1.0, kl=0.001, target_kl=0.01),
             "d < d_targ / 1.5 means the policy barely moved: beta <- beta / 2."),
        Case("KL far above target: double beta", dict(kl_coef=1.0, kl=0.05, target_kl=0.01),
             "d > 1.5 d_targ means the policy moved too far: beta <- 2 beta."),
        Case("KL near target: keep beta", dict(kl_coef=3.0, kl=0.012, target_kl=0.01),
             "between d_targ / 1.5 and 1.5 d_targ, beta stays."),
        Case("just inside the lower threshold: keep beta", dict(kl_coef=2.0, kl=0.0067, target_kl=0.01),
             "the lower threshold is d_targ / 1.5 = 0.00667, not d_targ / 2."),
        Case("just inside the upper threshold: keep beta", dict(kl_coef=2.0, kl=0.0149, target_kl=0.01),
             "the upper threshold is 1.5 d_targ = 0.015, not 2 d_targ."),
        Case("just below the lower threshold: halve beta", dict(kl_coef=1.0, kl=0.006, target_kl=0.01),
             "0.006 < 0.01 / 1.5 = 0.00667: the lower threshold is d_targ / 1.5, not d_targ / 2."),
        Case("just above the upper threshold: double beta", dict(kl_coef=1.0, kl=0.016, target_kl=0.01),
             "0.016 > 1.5 * 0.01 = 0.015: the upper threshold is 1.5 d_targ, not 2 d_targ."),
        Case("uses the given beta", dict(kl_coef=0.25, kl=0.1, target_kl=0.02), "scale the kl_coef you were given."),
        Case("KL exactly 1.5 d_targ: keep beta", dict(kl_coef=1.0, kl=0.02 * 1.5, target_kl=0.02),
             "the paper's inequalities are strict: beta doubles only when d > 1.5 d_targ."),
        Case("KL exactly d_targ / 1.5: keep beta", dict(kl_coef=1.0, kl=0.03 / 1.5, target_kl=0.03),
             "the paper's inequalities are strict: beta halves only when d < d_targ / 1.5."),
    ]


_ADAPT_MISTAKES = [
    ("apply the rule in reverse (double when KL is small)",
     lambda kl_coef, kl, target_kl: kl_coef * 2 if kl < target_kl / 1.5 else (kl_coef / 2 if kl > target_kl * 1.5 else kl_coef)),
    ("use <= and >= at the thresholds (the paper's inequalities are strict)",
     lambda kl_coef, kl, target_kl: kl_coef / 2 if kl <= target_kl / 1.5 else (kl_coef * 2 if kl >= target_kl * 1.5 else kl_coef)),
    ("compare with the target itself instead of target / 1.5 and 1.5 x target",
     lambda kl_coef, kl, target_kl: kl_coef / 2 if kl < target_kl else (kl_coef * 2 if kl > target_kl else kl_coef)),
    ("use thresholds d_targ / 2 and 2 d_targ instead of d_targ / 1.5 and 1.5 d_targ",
     lambda kl_coef, kl, target_kl: kl_coef / 2 if kl < target_kl / 2 else (kl_coef * 2 if kl > target_kl * 2 else kl_coef)),
    ("never change beta", lambda kl_coef, kl, target_kl: kl_coef),
    ("use factors 1.5 instead of 2",
     lambda kl_coef, kl, target_kl: kl_coef / 1.5 if kl < target_kl / 1.5 else (kl_coef * 1.5 if kl > target_kl * 1.5 else kl_coef)),
]


def _adapt_kl_coef_exercise() -> _Exercise:
    return _Exercise("adapt_kl_coef (the adaptive beta rule)", adapt_kl_coef, _adapt_cases(), _ADAPT_MISTAKES, returns="float")


def check_adapt_kl_coef(fn: Callable, strict: bool = False) -> bool:
    """Check ``fn(kl_coef, kl, target_kl)`` against :func:`ppo_core.adapt_kl_coef`."""
    return _run(_adapt_kl_coef_exercise(), fn, strict)


# ----- 05_ppo_cartpole -------------------------------------------------------------------------

def _normalize_cases():
    gen = torch.Generator().manual_seed(5)
    return [
        Case("hand example [1, 2, 3, 4]", dict(advantages=torch.tensor([1.0, 2.0, 3.0, 4.0], dtype=torch.float64)),
             "subtract the mean (2.5) and divide by the standard deviation (torch's .std(), unbiased: 1.291), plus 1e-8."),
        Case("constant advantages give zeros, not NaN", dict(advantages=torch.full((5,), 3.0, dtype=torch.float64)),
             "add a small eps (1e-8) to the std so that a constant batch does not divide 0 by 0."),
        Case("two samples", dict(advantages=torch.tensor([-3.0, 5.0], dtype=torch.float64)),
             "with two samples the unbiased std is |a - b| / sqrt(2) = 5.657, so the result is [-0.7071, 0.7071]."),
        Case("random minibatch of 64", dict(advantages=5.0 + 3.0 * torch.randn(64, generator=gen, dtype=torch.float64)),
             "normalize with this minibatch's own mean and std."),
    ]


_NORMALIZE_MISTAKES = [
    ("only subtract the mean", lambda advantages: advantages - advantages.mean()),
    ("only divide by the std", lambda advantages: advantages / (advantages.std() + 1e-8)),
    ("divide by the variance instead of the standard deviation",
     lambda advantages: (advantages - advantages.mean()) / (advantages.var() + 1e-8)),
    ("forget the eps (0 / 0 = NaN for a constant batch)", lambda advantages: (advantages - advantages.mean()) / advantages.std()),
    ("use the biased standard deviation (.std(unbiased=False), numpy's default)",
     lambda advantages: (advantages - advantages.mean()) / (advantages.std(unbiased=False) + 1e-8)),
]


def _normalize_advantages_exercise() -> _Exercise:
    return _Exercise("normalize_advantages (per-minibatch advantage normalization)", normalize_advantages,
                     _normalize_cases(), _NORMALIZE_MISTAKES, atol=1e-5)


def check_normalize_advantages(fn: Callable, strict: bool = False) -> bool:
    """Check ``fn(advantages)`` against :func:`ppo_core.normalize_advantages` (eps = 1e-8)."""
    return _run(_normalize_advantages_exercise(), fn, strict)


def _ppo_loss_reference(ratio, advantages, values, returns, entropy, clip_eps, vf_coef, ent_coef):
    """The scalar loss of one minibatch: -L^CLIP + c1 L^VF - c2 S (PPO paper Eq. 9, negated)."""
    return (-clipped_surrogate(ratio, advantages, clip_eps).mean() + vf_coef * value_loss(values, returns).mean()
            - ent_coef * entropy.mean())


def _ppo_loss_cases():
    gen = torch.Generator().manual_seed(6)

    def batch(size=8, **fixed):
        data = dict(ratio=torch.exp(0.3 * torch.randn(size, generator=gen, dtype=torch.float64)),
                    advantages=torch.randn(size, generator=gen, dtype=torch.float64),
                    values=torch.randn(size, generator=gen, dtype=torch.float64),
                    returns=torch.randn(size, generator=gen, dtype=torch.float64),
                    entropy=torch.rand(size, generator=gen, dtype=torch.float64) + 0.1,
                    clip_eps=0.2, vf_coef=0.5, ent_coef=0.01)
        data.update(fixed)
        return data

    one = lambda x: torch.tensor([x], dtype=torch.float64)  # noqa: E731
    return [
        Case("hand example: r = 1.5, A = 1, V = 3, R = 0, S = 0.5",
             dict(ratio=one(1.5), advantages=one(1.0), values=one(3.0), returns=one(0.0), entropy=one(0.5),
                  clip_eps=0.2, vf_coef=0.5, ent_coef=0.1),
             "-min(1.5, 1.2) + 0.5 * (3 - 0)^2 - 0.1 * 0.5 = -1.2 + 4.5 - 0.05 = 3.25."),
        Case("policy part only (vf_coef = ent_coef = 0)", batch(vf_coef=0.0, ent_coef=0.0),
             "the policy part is minus the MEAN of the clipped surrogate: a loss to minimize.", grad_wrt=("ratio",)),
        Case("value part: gradient with respect to the values", batch(), "the value loss is the mean of (V - R)^2, weighted by vf_coef.",
             grad_wrt=("values",)),
        Case("entropy bonus lowers the loss", batch(ent_coef=0.5), "the entropy is a bonus: subtract ent_coef * mean entropy.",
             grad_wrt=("entropy",)),
    ]


_PPO_LOSS_MISTAKES = [
    ("forget to negate the surrogate (maximize the loss)",
     lambda ratio, advantages, values, returns, entropy, clip_eps, vf_coef, ent_coef:
     clipped_surrogate(ratio, advantages, clip_eps).mean() + vf_coef * value_loss(values, returns).mean() - ent_coef * entropy.mean()),
    ("add the entropy instead of subtracting it",
     lambda ratio, advantages, values, returns, entropy, clip_eps, vf_coef, ent_coef:
     -clipped_surrogate(ratio, advantages, clip_eps).mean() + vf_coef * value_loss(values, returns).mean() + ent_coef * entropy.mean()),
    ("forget vf_coef on the value loss",
     lambda ratio, advantages, values, returns, entropy, clip_eps, vf_coef, ent_coef:
     -clipped_surrogate(ratio, advantages, clip_eps).mean() + value_loss(values, returns).mean() - ent_coef * entropy.mean()),
    ("use the absolute error instead of the squared error",
     lambda ratio, advantages, values, returns, entropy, clip_eps, vf_coef, ent_coef:
     -clipped_surrogate(ratio, advantages, clip_eps).mean() + vf_coef * (values - returns).abs().mean() - ent_coef * entropy.mean()),
    ("halve the squared error (CleanRL's 0.5 * MSE; here L^VF = (V - R)^2, weighted by vf_coef)",
     lambda ratio, advantages, values, returns, entropy, clip_eps, vf_coef, ent_coef:
     -clipped_surrogate(ratio, advantages, clip_eps).mean() + vf_coef * 0.5 * value_loss(values, returns).mean() - ent_coef * entropy.mean()),
    ("use the unclipped surrogate r A",
     lambda ratio, advantages, values, returns, entropy, clip_eps, vf_coef, ent_coef:
     -(ratio * advantages).mean() + vf_coef * value_loss(values, returns).mean() - ent_coef * entropy.mean()),
    ("sum over the minibatch instead of averaging",
     lambda ratio, advantages, values, returns, entropy, clip_eps, vf_coef, ent_coef:
     -clipped_surrogate(ratio, advantages, clip_eps).sum() + vf_coef * value_loss(values, returns).sum() - ent_coef * entropy.sum()),
]


def _ppo_loss_exercise() -> _Exercise:
    return _Exercise("ppo_loss (-L^CLIP + c1 L^VF - c2 S, PPO paper Eq. 9)", _ppo_loss_reference, _ppo_loss_cases(),
                     _PPO_LOSS_MISTAKES)


def check_ppo_loss(fn: Callable, strict: bool = False) -> bool:
    """Check ``fn(ratio, advantages, values, returns, entropy, clip_eps, vf_coef, ent_coef)``, the 0-d minibatch loss tensor."""
    return _run(_ppo_loss_exercise(), fn, strict)


def _value_loss_cases():
    gen = torch.Generator().manual_seed(8)
    vec = lambda *xs: torch.tensor(xs, dtype=torch.float64)  # noqa: E731
    # V_old = 1 and eps = 0.2: V moved up to 2 or down to 0, with the return R on either side.
    four = dict(values=vec(2.0, 2.0, 0.0, 0.0), returns=vec(3.0, 0.0, -1.0, 2.0), old_values=vec(1.0, 1.0, 1.0, 1.0), clip_eps=0.2)
    same = torch.randn(6, generator=gen, dtype=torch.float64)
    return [
        Case("hand example inside the band: V = 1.1, V_old = 1, R = 3",
             dict(values=vec(1.1), returns=vec(3.0), old_values=vec(1.0), clip_eps=0.2),
             "inside [V_old - eps, V_old + eps] the clip does nothing: both terms are (1.1 - 3)^2 = 3.61."),
        Case("V moved past V_old +- eps, R on either side (values)", four,
             "clip V - V_old (not V) to [-eps, eps], add back V_old, and take the max of the two squared errors: "
             "here 3.24, 4, 3.24, 4."),
        Case("V moved past V_old +- eps: gradient zero where the clipped term wins", four,
             "where the clipped term is the larger one it does not depend on V, so no gradient reaches V there.",
             grad_wrt=("values",)),
        Case("V = V_old (the first minibatch): the plain squared error",
             dict(values=same, returns=torch.randn(6, generator=gen, dtype=torch.float64), old_values=same.clone(), clip_eps=0.2),
             "with V = V_old both terms equal (V - R)^2.", grad_wrt=("values",)),
        Case("random batch, eps = 0.5",
             dict(values=torch.randn(8, generator=gen, dtype=torch.float64), returns=torch.randn(8, generator=gen, dtype=torch.float64),
                  old_values=torch.randn(8, generator=gen, dtype=torch.float64), clip_eps=0.5),
             "use the clip_eps argument; return one value per sample.", grad_wrt=("values",)),
    ]


def _clipped_values(values, old_values, clip_eps):
    return old_values + torch.clamp(values - old_values, -clip_eps, clip_eps)


_VALUE_LOSS_MISTAKES = [
    ("take the min of the two squared errors instead of the max",
     lambda values, returns, old_values, clip_eps: torch.min((values - returns) ** 2, (_clipped_values(values, old_values, clip_eps) - returns) ** 2)),
    ("clip V itself to [-eps, eps] instead of V - V_old",
     lambda values, returns, old_values, clip_eps: torch.max((values - returns) ** 2, (torch.clamp(values, -clip_eps, clip_eps) - returns) ** 2)),
    ("clip V to [V_old (1 - eps), V_old (1 + eps)], relative like the ratio",
     lambda values, returns, old_values, clip_eps: torch.max((values - returns) ** 2,
                                                            (torch.max(torch.min(values, old_values * (1 + clip_eps)), old_values * (1 - clip_eps)) - returns) ** 2)),
    ("return only the clipped squared error (no max)",
     lambda values, returns, old_values, clip_eps: (_clipped_values(values, old_values, clip_eps) - returns) ** 2),
    ("return only the unclipped squared error (V - R)^2", lambda values, returns, old_values, clip_eps: (values - returns) ** 2),
    ("clip V - V_old but forget to add V_old back",
     lambda values, returns, old_values, clip_eps: torch.max((values - returns) ** 2,
                                                            (torch.clamp(values - old_values, -clip_eps, clip_eps) - returns) ** 2)),
    ("halve the loss (0.5 * max(...); here the 0.5 belongs to vf_coef)",
     lambda values, returns, old_values, clip_eps: 0.5 * value_loss(values, returns, old_values, clip_eps)),
    ("average over the batch instead of returning one value per sample",
     lambda values, returns, old_values, clip_eps: value_loss(values, returns, old_values, clip_eps).mean()),
]


def _value_loss_exercise() -> _Exercise:
    return _Exercise("value_loss (the clipped value loss, Huang et al. 2022, detail 9)", value_loss, _value_loss_cases(),
                     _VALUE_LOSS_MISTAKES)


def check_value_loss(fn: Callable, strict: bool = False) -> bool:
    """Check ``fn(values, returns, old_values, clip_eps)`` -> [B], the clipped value loss per sample, values and gradients."""
    return _run(_value_loss_exercise(), fn, strict)


# ----- 06_ppo_continuous -----------------------------------------------------------------------

def _gaussian_log_prob_reference(actions, mean, log_std):
    """log N(a; mu, diag(sigma^2)), summed over the action dimensions: [B, D] -> [B]."""
    return Independent(Normal(mean, log_std.exp().expand_as(mean)), 1).log_prob(actions)


def _gaussian_cases():
    gen = torch.Generator().manual_seed(7)
    return [
        Case("standard normal at a = 0, one dimension",
             dict(actions=torch.zeros(1, 1, dtype=torch.float64), mean=torch.zeros(1, 1, dtype=torch.float64),
                  log_std=torch.zeros(1, dtype=torch.float64)),
             "log N(0; 0, 1) = -0.5 log(2 pi) = -0.9189."),
        Case("hand example: a = 2, mu = 1, sigma = e (log_std = 1)",
             dict(actions=torch.full((1, 1), 2.0, dtype=torch.float64), mean=torch.ones(1, 1, dtype=torch.float64),
                  log_std=torch.ones(1, dtype=torch.float64)),
             "-(a - mu)^2 / (2 sigma^2) - log sigma - 0.5 log(2 pi) = -0.0677 - 1 - 0.9189."),
        Case("three action dimensions are summed", dict(actions=torch.randn(4, 3, generator=gen, dtype=torch.float64),
                                                        mean=torch.randn(4, 3, generator=gen, dtype=torch.float64),
                                                        log_std=torch.tensor([-0.5, 0.0, 0.3], dtype=torch.float64)),
             "independent dimensions: sum the per-dimension log-densities over the last axis, one value per row."),
        Case("gradients with respect to mean and log_std", dict(actions=torch.randn(5, 2, generator=gen, dtype=torch.float64),
                                                                 mean=torch.randn(5, 2, generator=gen, dtype=torch.float64),
                                                                 log_std=torch.tensor([-1.0, 0.5], dtype=torch.float64)),
             "compute with log_std directly (log sigma), not log(exp(log_std)) of a clamped value.",
             grad_wrt=("mean", "log_std")),
    ]


_HALF_LOG_2PI = 0.5 * math.log(2 * math.pi)

_GAUSSIAN_MISTAKES = [
    ("forget to sum over the action dimensions (or average instead)",
     lambda actions, mean, log_std: Normal(mean, log_std.exp().expand_as(mean)).log_prob(actions).mean(-1)),
    ("forget the -log sigma term",
     lambda actions, mean, log_std: (-(actions - mean) ** 2 / (2 * (2 * log_std).exp()) - _HALF_LOG_2PI).sum(-1)),
    ("use sigma instead of sigma^2 in the exponent",
     lambda actions, mean, log_std: (-(actions - mean) ** 2 / (2 * log_std.exp()) - log_std - _HALF_LOG_2PI).sum(-1)),
    ("treat log_std as the standard deviation itself",
     lambda actions, mean, log_std: Independent(Normal(mean, log_std.abs().expand_as(mean) + 1e-6), 1).log_prob(actions)),
    ("forget the -0.5 log(2 pi) constant",
     lambda actions, mean, log_std: (-(actions - mean) ** 2 / (2 * (2 * log_std).exp()) - log_std).sum(-1)),
    ("sum over the batch (dim 0) instead of the action dimensions",
     lambda actions, mean, log_std: Normal(mean, log_std.exp().expand_as(mean)).log_prob(actions).sum(0)),
]


def _gaussian_log_prob_exercise() -> _Exercise:
    return _Exercise("gaussian_log_prob (diagonal Gaussian policy)", _gaussian_log_prob_reference, _gaussian_cases(),
                     _GAUSSIAN_MISTAKES)


def check_gaussian_log_prob(fn: Callable, strict: bool = False) -> bool:
    """Check ``fn(actions, mean, log_std)`` -> [B]: the log-density of a diagonal Gaussian policy."""
    return _run(_gaussian_log_prob_exercise(), fn, strict)


def _gaussian_entropy_reference(log_std, batch_size):
    """Entropy of a diagonal Gaussian with a state-independent log-std, one value per row: [batch_size]."""
    return (log_std + 0.5 + _HALF_LOG_2PI).sum(-1).expand(batch_size)


def _entropy_cases():
    return [
        Case("one dimension, sigma = 1", dict(log_std=torch.zeros(1, dtype=torch.float64), batch_size=2),
             "H = 0.5 log(2 pi e sigma^2) = 0.5 + 0.5 log(2 pi) + log sigma = 1.4189 for sigma = 1."),
        Case("two dimensions add up", dict(log_std=torch.tensor([-0.5, 0.7], dtype=torch.float64), batch_size=3),
             "independent dimensions: the entropies add; return one value per row of the batch.", grad_wrt=("log_std",)),
        Case("small sigma: a differential entropy can be negative",
             dict(log_std=torch.tensor([-2.0, -3.0, -1.5], dtype=torch.float64), batch_size=1),
             "H = sum_d (log sigma_d + 0.5 + 0.5 log(2 pi)) = -2.243 here; do not clamp it at 0 or take an absolute value.",
             grad_wrt=("log_std",)),
    ]


_ENTROPY_MISTAKES = [
    ("forget the constant 0.5 + 0.5 log(2 pi)", lambda log_std, batch_size: log_std.sum(-1).expand(batch_size)),
    ("average over the action dimensions instead of summing",
     lambda log_std, batch_size: (log_std + 0.5 + _HALF_LOG_2PI).mean(-1).expand(batch_size)),
    ("use log sigma^2 instead of log sigma", lambda log_std, batch_size: (2 * log_std + 0.5 + _HALF_LOG_2PI).sum(-1).expand(batch_size)),
    ("drop the square: 0.5 log(2 pi e sigma) instead of 0.5 log(2 pi e sigma^2)",
     lambda log_std, batch_size: (0.5 * log_std + 0.5 + _HALF_LOG_2PI).sum(-1).expand(batch_size)),
    ("return one value instead of one per row of the batch", lambda log_std, batch_size: (log_std + 0.5 + _HALF_LOG_2PI).sum(-1)),
    ("ignore sigma (the entropy of a standard normal)",
     lambda log_std, batch_size: torch.full((batch_size,), (0.5 + _HALF_LOG_2PI) * log_std.shape[-1], dtype=log_std.dtype)),
]


def _gaussian_entropy_exercise() -> _Exercise:
    return _Exercise("gaussian_entropy (diagonal Gaussian policy)", _gaussian_entropy_reference, _entropy_cases(),
                     _ENTROPY_MISTAKES)


def check_gaussian_entropy(fn: Callable, strict: bool = False) -> bool:
    """Check ``fn(log_std, batch_size)`` -> [batch_size]: the entropy of the Gaussian policy at every state."""
    return _run(_gaussian_entropy_exercise(), fn, strict)


_EXERCISES = {
    "check_td_residuals": _td_residuals_exercise,
    "check_gae": _gae_exercise,
    "check_discounted_cumsum": _discounted_cumsum_exercise,
    "check_softmax_score": _softmax_score_exercise,
    "check_importance_ratio": _importance_ratio_exercise,
    "check_approx_kl": _approx_kl_exercise,
    "check_clipped_surrogate": _clipped_surrogate_exercise,
    "check_kl_penalty_surrogate": _kl_penalty_surrogate_exercise,
    "check_adapt_kl_coef": _adapt_kl_coef_exercise,
    "check_normalize_advantages": _normalize_advantages_exercise,
    "check_value_loss": _value_loss_exercise,
    "check_ppo_loss": _ppo_loss_exercise,
    "check_gaussian_log_prob": _gaussian_log_prob_exercise,
    "check_gaussian_entropy": _gaussian_entropy_exercise,
}

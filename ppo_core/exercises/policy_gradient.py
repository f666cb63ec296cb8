"""Exercises of notebook 02_policy_gradient: the softmax score and returns-to-go."""

from __future__ import annotations

import torch

from ..advantages import discounted_cumsum
from ._data import column, random_rollout
from ._engine import Case, Exercise


def _discounted_cumsum_cases():
    x = column(1.0, 2.0, 3.0, 4.0)
    no_end = column(False, False, False, False, dtype=torch.bool)
    end_at_1 = column(False, True, False, False, dtype=torch.bool)
    end_last = column(False, False, False, True, dtype=torch.bool)
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
        rollout = random_rollout(s)
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


SOFTMAX_SCORE = Exercise(
    notebook="02_policy_gradient", function="my_softmax_score", checker="check_softmax_score",
    title="softmax_score (grad of log pi for a softmax policy)", signature="fn(logits, actions) -> [B, A], d log pi(a|s) / d logits",
    goal="the score ∇ log π(a|s) of a softmax policy, without dividing by a probability that can underflow",
    difficulty=1, minutes=5, points=2, reference=_softmax_score_reference, cases=_softmax_score_cases,
    mistakes=tuple(_SCORE_MISTAKES), shortcuts=("_softmax_score_reference", "backward", "grad"))

DISCOUNTED_CUMSUM = Exercise(
    notebook="02_policy_gradient", function="my_discounted_cumsum", checker="check_discounted_cumsum",
    title="discounted_cumsum (returns-to-go)", signature="fn(x, discount, episode_ends) -> [T, ...]",
    goal="returns-to-go: a discounted sum of the future that restarts at every episode end",
    difficulty=2, minutes=10, points=3, reference=discounted_cumsum, cases=_discounted_cumsum_cases,
    mistakes=tuple(_CUMSUM_MISTAKES), shortcuts=("discounted_cumsum", "gae"))

EXERCISES = (SOFTMAX_SCORE, DISCOUNTED_CUMSUM)
check_softmax_score = SOFTMAX_SCORE.make_checker()
check_discounted_cumsum = DISCOUNTED_CUMSUM.make_checker()

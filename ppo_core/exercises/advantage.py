"""Exercises of notebook 01_advantage: the TD residual and GAE."""

from __future__ import annotations

import torch

from ..advantages import discounted_cumsum, gae, td_residuals
from ._data import column, hand_rollout, random_rollout, without
from ._engine import Case, Exercise


_TD_HINT_TERM = "a terminated step has no future: use (1 - terminated) * next_values, i.e. drop the bootstrap there."
_TD_HINT_TRUNC = "truncation is not termination: the state after a time-limit cut still has value, keep gamma * next_values."


def _td_cases():
    hand = hand_rollout()
    cases = [
        Case("hand example, no episode end (notebook 01)", {**without(hand, "truncated"), "gamma": 0.9},
             "delta_t = r_t + gamma * V(s_{t+1}) - V(s_t), with V(s_{t+1}) = next_values[t] (not values[t + 1])."),
        Case("terminated at t = 1", {**without(hand_rollout(terminated=(False, True, False)), "truncated"), "gamma": 0.9},
             _TD_HINT_TERM),
        Case("terminated on the last row", {**without(hand_rollout(terminated=(False, False, True)), "truncated"), "gamma": 0.9},
             _TD_HINT_TERM),
        Case("gamma = 0: only the reward counts", {**without(hand, "truncated"), "gamma": 0.0},
             "with gamma = 0, delta_t = r_t - V(s_t)."),
    ]
    cases += [Case(f"random [7, 3] rollout, seed {s}", {**without(random_rollout(s), "truncated"), "gamma": 0.95},
                   "compare with the formula elementwise; every tensor is [T, N], time first.") for s in (1, 2)]
    return cases


def _gae_cases():
    hand = hand_rollout()
    both = hand_rollout(terminated=(False, True, False), truncated=(False, True, False))
    cases = [
        Case("hand example, lambda = 0.5 (notebook 01)", {**hand, "gamma": 0.9, "gae_lambda": 0.5},
             "A_t = delta_t + gamma * lambda * A_{t+1}, computed backwards from the last row, starting from 0."),
        Case("lambda = 0 gives the TD residuals", {**hand, "gamma": 0.9, "gae_lambda": 0.0},
             "with lambda = 0 nothing of the future is summed: A_t = delta_t."),
        Case("lambda = 1 gives return minus V", {**hand, "gamma": 0.9, "gae_lambda": 1.0},
             "with lambda = 1 the sum is the discounted return (bootstrapped at the end) minus V(s_t)."),
        Case("terminated mid-rollout (t = 1)", {**hand_rollout(terminated=(False, True, False)), "gamma": 0.9, "gae_lambda": 0.8},
             "termination stops the bootstrap (no gamma * V(s_{t+1})) and the sum (A_t must not include A_{t+1})."),
        Case("truncated mid-rollout (t = 1)", {**hand_rollout(truncated=(False, True, False)), "gamma": 0.9, "gae_lambda": 0.8},
             "truncation keeps the bootstrap gamma * next_values[t] but stops the sum: row t + 1 is a new episode."),
        Case("terminated on the last row", {**hand_rollout(terminated=(False, False, True)), "gamma": 0.9, "gae_lambda": 0.8},
             "on the last row the sum starts at 0; a terminated last row has no bootstrap either."),
        Case("truncated and terminated on the same step", {**both, "gamma": 0.9, "gae_lambda": 0.8},
             "gymnasium can set both flags; termination wins for the bootstrap (no future value)."),
    ]
    cases += [Case(f"random [7, 3] rollout with both flags, seed {s}", {**random_rollout(s), "gamma": 0.95, "gae_lambda": 0.9},
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


TD_RESIDUALS = Exercise(
    notebook="01_advantage", function="my_td_residuals", checker="check_td_residuals",
    title="td_residuals (the note's td_delta)", signature="fn(rewards, values, next_values, terminated, gamma) -> [T, N]",
    goal="the one-step advantage estimate (the note's td_delta), with no bootstrap after termination",
    difficulty=1, minutes=5, points=2, reference=td_residuals, cases=_td_cases, mistakes=tuple(_TD_MISTAKES),
    shortcuts=("td_residuals", "gae", "n_step_advantages"))

GAE = Exercise(
    notebook="01_advantage", function="my_gae", checker="check_gae",
    title="gae (generalized advantage estimation)",
    signature="fn(rewards, values, next_values, terminated, truncated, gamma, gae_lambda) -> [T, N]",
    goal="GAE(λ) by a backward recursion over [T, N] rollouts: termination stops the bootstrap, any episode end stops the sum",
    difficulty=2, minutes=15, points=4, reference=gae, cases=_gae_cases, mistakes=tuple(_GAE_MISTAKES),
    shortcuts=("gae", "discounted_cumsum", "n_step_advantages"))

EXERCISES = (TD_RESIDUALS, GAE)
check_td_residuals = TD_RESIDUALS.make_checker()
check_gae = GAE.make_checker()

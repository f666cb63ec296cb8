"""Exercises of notebook 06_ppo_continuous: the Gaussian policy's log-density and entropy, and two predictions
about clipping the action to the environment's bounds."""

from __future__ import annotations

import math

import torch
from torch.distributions import Independent, Normal

from ..objectives import importance_ratio
from ._data import integer, normal
from ._engine import Case, Exercise


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


# The predictions of section 5: a policy near Pendulum's upper torque bound, and one whose mean lies beyond it.
_BOUND, _SIGMA = 2.0, 0.6
_DIRECTIONS = ("up", "down", "not at all")
_RATIO_SIDES = ("above 1", "exactly 1", "below 1")


def _mean_excess(mean: float, sigma: float, bound: float) -> torch.Tensor:
    """E[(a - bound)^+] for a ~ N(mean, sigma^2): sigma phi(k) + (mean - bound) Phi(k), k = (mean - bound) / sigma."""
    k = torch.tensor((mean - bound) / sigma, dtype=torch.float64)
    standard = Normal(torch.zeros((), dtype=torch.float64), 1.0)
    return sigma * standard.log_prob(k).exp() + (mean - bound) * standard.cdf(k)


def _clipped_score_mean(mean: float, sigma: float, bound: float) -> float:
    """E[(clip(a, -bound, bound) - mean) / sigma^2] for a ~ N(mean, sigma^2), exactly.

    clip(a) - a = -(a - bound)^+ + (-bound - a)^+, and (-bound - a)^+ has the law of (a' - bound)^+ with a' = -a.
    The score of the sampled action, (a - mean) / sigma^2, has mean 0; this is what it becomes at the clipped action.
    """
    return ((-_mean_excess(mean, sigma, bound) + _mean_excess(-mean, sigma, bound)) / sigma**2).item()


def _clipped_score_direction() -> str:
    """Which way a shared advantage of +1 moves mu = 1.8 (sigma = 0.6) when the score is taken at clip(a)."""
    step = _clipped_score_mean(1.8, _SIGMA, _BOUND)  # E[A * d log pi / d mu] with A = +1: the ascent direction
    return "up" if step > 0 else ("down" if step < 0 else "not at all")


def _clipped_ratio_beyond_the_bound() -> str:
    """The first ratio pi(clip(a)) / pi(a) for mu = 2.5, sigma = 0.6, a = 2.3 (clipped to 2)."""
    policy = Normal(torch.tensor(2.5, dtype=torch.float64), _SIGMA)
    sampled = torch.tensor(2.3, dtype=torch.float64)
    ratio = importance_ratio(policy.log_prob(sampled.clamp(-_BOUND, _BOUND)), policy.log_prob(sampled)).item()
    return "above 1" if ratio > 1 else ("below 1" if ratio < 1 else "exactly 1")


def _log_prob_random(gen):
    size, dims = integer(gen, 2, 6), integer(gen, 2, 3)
    return Case("", dict(actions=normal(gen, size, dims), mean=normal(gen, size, dims),
                         log_std=torch.rand(dims, generator=gen, dtype=torch.float64) * 1.5 - 1.0),
                "sum over the action dimensions of -(a - mu)^2 / (2 sigma^2) - log sigma - 0.5 log(2 pi).",
                grad_wrt=("mean", "log_std"))


def _entropy_random(gen):
    return Case("", dict(log_std=torch.rand(integer(gen, 2, 3), generator=gen, dtype=torch.float64) * 3.0 - 2.0,
                         batch_size=integer(gen, 1, 5)),
                "H = sum_d (log sigma_d + 0.5 + 0.5 log(2 pi)), one value per row.", grad_wrt=("log_std",))


GAUSSIAN_LOG_PROB = Exercise(
    notebook="06_ppo_continuous", function="my_gaussian_log_prob", checker="check_gaussian_log_prob",
    title="gaussian_log_prob (diagonal Gaussian policy)", signature="fn(actions, mean, log_std) -> [B]",
    goal="the log-density of a diagonal Gaussian policy, summed over action dimensions, with gradients",
    difficulty=2, minutes=10, points=3, reference=_gaussian_log_prob_reference, cases=_gaussian_cases,
    mistakes=tuple(_GAUSSIAN_MISTAKES), shortcuts=("Normal", "log_prob", "_gaussian_log_prob_reference"),
    random_case=_log_prob_random)

GAUSSIAN_ENTROPY = Exercise(
    notebook="06_ppo_continuous", function="my_gaussian_entropy", checker="check_gaussian_entropy",
    title="gaussian_entropy (diagonal Gaussian policy)", signature="fn(log_std, batch_size) -> [batch_size]",
    goal="the entropy of a Gaussian policy with a state-independent log-std, one value per state",
    difficulty=1, minutes=5, points=2, reference=_gaussian_entropy_reference, cases=_entropy_cases,
    mistakes=tuple(_ENTROPY_MISTAKES), shortcuts=("Normal", "entropy", "_gaussian_entropy_reference"),
    random_case=_entropy_random)

PREDICTION_CLIPPED_SCORE = Exercise(
    notebook="06_ppo_continuous", function="my_prediction_clipped_score", checker="check_prediction_clipped_score",
    title="which way the score at clip(a) moves mu = 1.8 when every advantage is +1", signature="",
    goal="predict that the score taken at the clipped action is biased: a shared advantage then moves the mean",
    difficulty=1, minutes=3, points=1, reference=_clipped_score_direction, kind="prediction", choices=_DIRECTIONS,
    mistakes=(
        ("That holds for the score of the sampled action, (a - mu) / sigma^2, whose mean is 0. At clip(a) the samples "
         "above 2 are pulled back to 2, so clip(a) - mu is below 0 on average.", "not at all"),
        ("Clipping lowers every sample above the bound and raises almost none (hardly any mass lies below -2), so "
         "clip(a) lies below mu on average; with A = +1 the step follows clip(a) - mu.", "up"),
    ),
    explanation="E[clip(a)] < mu near the upper bound, so the mean score at clip(a) is negative; with A = +1 the ascent "
                "step pushes mu down, by an amount proportional to the shared advantage, although the true gradient is 0.")

PREDICTION_CLIPPED_RATIO = Exercise(
    notebook="06_ppo_continuous", function="my_prediction_clipped_ratio", checker="check_prediction_clipped_ratio",
    title="the first ratio pi(clip(a)) / pi(a) when the mean lies beyond the bound (mu = 2.5, a = 2.3)", signature="",
    goal="predict that clipping moves an action towards the mean only while the mean lies inside the bounds",
    difficulty=1, minutes=3, points=1, reference=_clipped_ratio_beyond_the_bound, kind="prediction",
    choices=_RATIO_SIDES,
    mistakes=(
        ("Clipping moves every action towards the mean only while |mu| <= 2. Here mu = 2.5: the sample 2.3 lies 0.2 from "
         "the mean, the bound 2 lies 0.5 from it, so the bound has the lower density.", "above 1"),
        ("The ratio is 1 only if the stored action is the sampled one; 2 and 2.3 have different densities.",
         "exactly 1"),
    ),
    explanation="The Gaussian density falls with the distance from mu; clip(2.3) = 2 is 0.5 from mu = 2.5, the sample "
                "only 0.2, so pi(2) / pi(2.3) = exp((0.2^2 - 0.5^2) / (2 * 0.6^2)) = 0.75 < 1.")

EXERCISES = (GAUSSIAN_LOG_PROB, GAUSSIAN_ENTROPY, PREDICTION_CLIPPED_SCORE, PREDICTION_CLIPPED_RATIO)
check_gaussian_log_prob = GAUSSIAN_LOG_PROB.make_checker()
check_gaussian_entropy = GAUSSIAN_ENTROPY.make_checker()
check_prediction_clipped_score = PREDICTION_CLIPPED_SCORE.make_checker()
check_prediction_clipped_ratio = PREDICTION_CLIPPED_RATIO.make_checker()

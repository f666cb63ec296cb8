"""Exercises of notebook 03_importance_sampling: the importance ratio, the k3 KL estimator, and two predictions."""

from __future__ import annotations

import torch

from ..diagnostics import approx_kl
from ..objectives import importance_ratio
from ..tabular import TabularMDP
from ._data import integer, normal, uniform
from ._engine import Case, Exercise


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
        Case("random batch, gradient flows to log_probs only", _log_prob_pair(1),
             "the old policy is a constant: call old_log_probs.detach() so no gradient reaches it; "
             "the gradient of r with respect to log_probs is r itself.", grad_wrt=("log_probs", "old_log_probs")),
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
        Case("random batch: per sample, not averaged", _log_prob_pair(2), "return one estimate per sample; the caller averages."),
        Case("tiny probabilities (log-space matters)", dict(log_probs=torch.tensor([-800.0, -750.0], dtype=torch.float64),
                                                            old_log_probs=torch.tensor([-801.0, -750.0], dtype=torch.float64)),
             "exp(-800) underflows to 0: compute log r = log_probs - old_log_probs first, then r = exp(log r)."),
    ]


_KL_MISTAKES = [
    ("use k1 = -log r (unbiased but negative for half the samples)", lambda log_probs, old_log_probs: old_log_probs - log_probs),
    ("use the k3 formula with r inverted (old over new)", lambda log_probs, old_log_probs: approx_kl(old_log_probs, log_probs)),
    ("use k2 = (log r)^2 / 2", lambda log_probs, old_log_probs: 0.5 * (log_probs - old_log_probs) ** 2),
    ("flip the sign: log r - (r - 1)", lambda log_probs, old_log_probs: -approx_kl(log_probs, old_log_probs)),
    ("forget the -1: r - log r", lambda log_probs, old_log_probs: approx_kl(log_probs, old_log_probs) + 1.0),
    ("compute r as exp(log_probs) / exp(old_log_probs) (0 / 0 for tiny probabilities)",
     lambda log_probs, old_log_probs: (lambda r: (r - 1) - torch.log(r))(torch.exp(log_probs) / torch.exp(old_log_probs))),
    ("average over the batch instead of returning one estimate per sample",
     lambda log_probs, old_log_probs: approx_kl(log_probs, old_log_probs).mean()),
]


def _drawn_log_probs(gen):
    """A random batch of log-probabilities, one of them tiny (exp underflows), the new ones near the old."""
    size = integer(gen, 3, 8)
    old = torch.log(torch.rand(size, generator=gen, dtype=torch.float64) * 0.9 + 0.05)
    old[integer(gen, 0, size - 1)] = -uniform(gen, 760.0, 900.0, digits=1)
    return dict(log_probs=old + normal(gen, size, scale=0.5), old_log_probs=old)


def _ratio_random(gen):
    return Case("", _drawn_log_probs(gen), "r = exp(log_probs - old_log_probs), with old_log_probs detached.",
                grad_wrt=("log_probs", "old_log_probs"))


def _kl_random(gen):
    return Case("", _drawn_log_probs(gen), "k3 = (r - 1) - log r per sample, with log r = log_probs - old_log_probs.")


IMPORTANCE_RATIO = Exercise(
    notebook="03_importance_sampling", function="my_importance_ratio", checker="check_importance_ratio",
    title="importance_ratio", signature="fn(log_probs, old_log_probs) -> [B], values and gradients",
    goal="the ratio π_θ/π_θold from log-probabilities, with no gradient into the old policy",
    difficulty=1, minutes=5, points=2, reference=importance_ratio, cases=_ratio_cases, mistakes=tuple(_RATIO_MISTAKES),
    shortcuts=("importance_ratio",),
    random_case=_ratio_random)

APPROX_KL = Exercise(
    notebook="03_importance_sampling", function="my_approx_kl", checker="check_approx_kl",
    title="approx_kl (the k3 estimator of KL[old || new])", signature="fn(log_probs, old_log_probs) -> [B]",
    goal="the k3 estimator of KL[π_old ‖ π_θ], per sample and never negative",
    difficulty=2, minutes=10, points=3, reference=approx_kl, cases=_kl_cases, mistakes=tuple(_KL_MISTAKES),
    shortcuts=("approx_kl",),
    random_case=_kl_random)

# ----- predictions: the notebook's MDP and line, rebuilt exactly (sections 2, 9 and 10) ---------------

def _notebook_line():
    """The MDP, the old policy theta' and the direction Delta of notebook 03, section 2."""
    mdp = TabularMDP.random(num_states=6, num_actions=3, gamma=0.9, seed=13)
    gen = torch.Generator().manual_seed(4)
    theta_old = 0.5 * torch.randn(mdp.num_states, mdp.num_actions, generator=gen, dtype=torch.float64)
    noise = torch.randn(mdp.num_states, mdp.num_actions, generator=gen, dtype=torch.float64)
    grad = mdp.policy_gradient(theta_old)
    return mdp, theta_old, grad / grad.norm() + noise / noise.norm()


def _mean_ratio_answer() -> str:
    """E_{s~d_old, a~pi_old}[r] at alpha = 1, computed exactly, as one of the options."""
    mdp, theta_old, direction = _notebook_line()
    theta = theta_old + 1.0 * direction
    assert mdp.objective(theta) > mdp.objective(theta_old), "the question says the step is uphill"
    ratio = importance_ratio(mdp.log_policy(theta), mdp.log_policy(theta_old))   # [S, A]
    mean = (mdp.state_distribution(theta_old)[:, None] * mdp.policy(theta_old) * ratio).sum().item()
    return "equal to 1" if abs(mean - 1) < 1e-9 else ("greater than 1" if mean > 1 else "less than 1")


def _is_variance_answer() -> str:
    """Per-sample variance of r A (a ~ pi_old) against that of A (a ~ pi_theta) at alpha = 4, exactly."""
    mdp, theta_old, direction = _notebook_line()
    theta = theta_old + 4.0 * direction
    d_old, pi_old, pi_new, adv_old = (mdp.state_distribution(theta_old), mdp.policy(theta_old), mdp.policy(theta),
                                      mdp.advantages(theta_old))
    ratio = importance_ratio(mdp.log_policy(theta), mdp.log_policy(theta_old))   # [S, A]
    mean = (d_old[:, None] * pi_new * adv_old).sum()
    importance_sampled = (d_old[:, None] * pi_old * (ratio * adv_old) ** 2).sum() - mean**2
    fresh = (d_old[:, None] * pi_new * adv_old**2).sum() - mean**2
    factor = (importance_sampled / fresh).item()
    return "larger" if factor > 1.1 else ("smaller" if factor < 1 / 1.1 else "about the same")


PREDICTION_MEAN_RATIO = Exercise(
    notebook="03_importance_sampling", function="my_prediction_mean_ratio", checker="check_prediction_mean_ratio",
    title="the mean ratio over the old policy's samples after an uphill step", signature="",
    goal="E_old[r] = 1 for every new policy: the ratio moves probability between actions, it does not add any",
    difficulty=1, minutes=3, points=1, reference=_mean_ratio_answer, kind="prediction",
    choices=("greater than 1", "equal to 1", "less than 1"),
    mistakes=(("The new policy is better, but r is not a score of improvement: it rises on the actions the new policy "
               "favours and falls on the others, and weighted by pi_old the two cancel exactly.", "greater than 1"),
              ("The ratios below 1 (actions the new policy avoids) are balanced exactly by those above 1.", "less than 1")),
    explanation="Sum_a pi_old(a|s) * pi_theta(a|s) / pi_old(a|s) = sum_a pi_theta(a|s) = 1 at every state, for every theta.")

PREDICTION_IS_VARIANCE = Exercise(
    notebook="03_importance_sampling", function="my_prediction_is_variance", checker="check_prediction_is_variance",
    title="importance sampling from the old policy against fresh samples of the new one, far from theta'", signature="",
    goal="importance sampling is unbiased but not free: its per-sample variance can far exceed that of fresh samples",
    difficulty=1, minutes=3, points=1, reference=_is_variance_answer, kind="prediction",
    choices=("larger", "about the same", "smaller"),
    mistakes=(("Both estimators are unbiased, but the same mean does not mean the same spread: E_old[(rA)^2] = "
               "E_new[r A^2] weights every squared term once more by r.", "about the same"),
              ("Importance sampling lowers the variance only if the sampling policy puts more mass than the new one where A^2 "
               "is large (the difference is E_new[(r - 1) A^2]); the old policy was not chosen for that.", "smaller")),
    explanation="E_old[(rA)^2] = E_new[r A^2]: every squared term is weighted once more by r, and far from theta' r is large "
                "on the actions the new policy moved towards.")

EXERCISES = (IMPORTANCE_RATIO, PREDICTION_MEAN_RATIO, APPROX_KL, PREDICTION_IS_VARIANCE)
check_importance_ratio = IMPORTANCE_RATIO.make_checker()
check_prediction_mean_ratio = PREDICTION_MEAN_RATIO.make_checker()
check_approx_kl = APPROX_KL.make_checker()
check_prediction_is_variance = PREDICTION_IS_VARIANCE.make_checker()

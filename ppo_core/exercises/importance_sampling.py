"""Exercises of notebook 03_importance_sampling: the importance ratio and the k3 KL estimator."""

from __future__ import annotations

import torch

from ..diagnostics import approx_kl
from ..objectives import importance_ratio
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


IMPORTANCE_RATIO = Exercise(
    notebook="03_importance_sampling", function="my_importance_ratio", checker="check_importance_ratio",
    title="importance_ratio", signature="fn(log_probs, old_log_probs) -> [B], values and gradients",
    goal="the ratio π_θ/π_θold from log-probabilities, with no gradient into the old policy",
    difficulty=1, minutes=5, points=2, reference=importance_ratio, cases=_ratio_cases, mistakes=tuple(_RATIO_MISTAKES),
    shortcuts=("importance_ratio",))

APPROX_KL = Exercise(
    notebook="03_importance_sampling", function="my_approx_kl", checker="check_approx_kl",
    title="approx_kl (the k3 estimator of KL[old || new])", signature="fn(log_probs, old_log_probs) -> [B], values and gradients",
    goal="the k3 estimator of KL[π_old ‖ π_θ], per sample and never negative",
    difficulty=2, minutes=10, points=3, reference=approx_kl, cases=_kl_cases, mistakes=tuple(_KL_MISTAKES),
    shortcuts=("approx_kl",))

EXERCISES = (IMPORTANCE_RATIO, APPROX_KL)
check_importance_ratio = IMPORTANCE_RATIO.make_checker()
check_approx_kl = APPROX_KL.make_checker()

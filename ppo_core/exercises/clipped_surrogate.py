"""Exercises of notebook 04_clipped_surrogate: L^CLIP, L^KLPEN and the adaptive beta rule."""

from __future__ import annotations

import torch
from torch.distributions import Categorical

from ..objectives import adapt_kl_coef, clipped_surrogate, importance_ratio, kl_penalty_surrogate
from ._data import integer, normal, uniform
from ._engine import Case, Exercise


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
    ("take the min of the ratios and multiply by A afterwards (min(r, clip(r)) A): the min must compare the products r A "
     "and clip(r) A, because a negative A reverses the order",
     lambda ratio, advantages, clip_eps: torch.min(ratio, torch.clamp(ratio, 1 - clip_eps, 1 + clip_eps)) * advantages),
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


_SHARES = {"none": 0.0, "about a third": 1 / 3, "about two thirds": 2 / 3, "all": 1.0}


def _strictly_lower_share() -> str:
    """Notebook 04, section 4: on the notebook's 100,000 random (r, A) pairs, the share where min(r A, clip(r) A) < r A.

    The same pairs as the notebook (r = exp(0.5 z), A ~ N(0, 1), generator seed 1), eps = 0.2; returns the
    option of ``_SHARES`` closest to the measured share (about 0.34).
    """
    gen = torch.Generator().manual_seed(1)
    ratio = torch.exp(0.5 * torch.randn(100_000, generator=gen, dtype=torch.float64))
    advantages = torch.randn(100_000, generator=gen, dtype=torch.float64)
    share = (clipped_surrogate(ratio, advantages, 0.2) < ratio * advantages).double().mean().item()
    return min(_SHARES, key=lambda option: abs(_SHARES[option] - share))


def _far_ratio_gradient() -> str:
    """Notebook 04, section 5 (b): how the gradient of an L^CLIP term with respect to the logits changes from r = 1 to r = 10.5.

    A two-action softmax policy with old logits [0, -3] (pi_old(a=1) = 0.047), the bad action a = 1 with A = -2;
    the update has moved the logits to [0, 0] (pi(a=1) = 0.5). Compares the gradient norms at the two points.
    """
    old_logits = torch.tensor([0.0, -3.0], dtype=torch.float64)
    action, advantage = torch.tensor(1), torch.tensor([-2.0], dtype=torch.float64)
    old_log_prob = Categorical(logits=old_logits).log_prob(action)

    def gradient_norm(logits):
        logits = logits.clone().requires_grad_(True)
        ratio = importance_ratio(Categorical(logits=logits).log_prob(action), old_log_prob).reshape(1)
        clipped_surrogate(ratio, advantage, 0.2).sum().backward()
        return logits.grad.norm().item()

    growth = gradient_norm(torch.zeros(2, dtype=torch.float64)) / gradient_norm(old_logits)
    return "zero" if growth == 0 else "smaller" if growth < 0.8 else "about the same" if growth <= 1.25 else "larger"


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






def _adapt_cases():
    return [
        Case("KL far below target: halve beta", dict(kl_coef=1.0, kl=0.001, kl_target=0.01),
             "d < d_targ / 1.5 means the policy barely moved: beta <- beta / 2."),
        Case("KL far above target: double beta", dict(kl_coef=1.0, kl=0.05, kl_target=0.01),
             "d > 1.5 d_targ means the policy moved too far: beta <- 2 beta."),
        Case("KL near target: keep beta", dict(kl_coef=3.0, kl=0.012, kl_target=0.01),
             "between d_targ / 1.5 and 1.5 d_targ, beta stays."),
        Case("just inside the lower threshold: keep beta", dict(kl_coef=2.0, kl=0.0067, kl_target=0.01),
             "the lower threshold is d_targ / 1.5 = 0.00667, not d_targ / 2."),
        Case("just inside the upper threshold: keep beta", dict(kl_coef=2.0, kl=0.0149, kl_target=0.01),
             "the upper threshold is 1.5 d_targ = 0.015, not 2 d_targ."),
        Case("inside the band by a hair: keep beta", dict(kl_coef=2.0, kl=0.015 * (1 - 1e-9), kl_target=0.01),
             "beta doubles only above exactly 1.5 d_targ: a threshold of 1.55 d_targ (or any other) is not the paper's."),
        Case("just above 1.5 d_targ: double beta", dict(kl_coef=2.0, kl=0.015 * (1 + 1e-6), kl_target=0.01),
             "beta doubles as soon as d > 1.5 d_targ: a threshold of 1.55 d_targ lets this KL through."),
        Case("just below d_targ / 1.5: halve beta", dict(kl_coef=2.0, kl=0.01 / 1.5 * (1 - 1e-6), kl_target=0.01),
             "beta halves as soon as d < d_targ / 1.5: a threshold of d_targ / 1.55 lets this KL through."),
        Case("just below the lower threshold: halve beta", dict(kl_coef=1.0, kl=0.006, kl_target=0.01),
             "0.006 < 0.01 / 1.5 = 0.00667: the lower threshold is d_targ / 1.5, not d_targ / 2."),
        Case("just above the upper threshold: double beta", dict(kl_coef=1.0, kl=0.016, kl_target=0.01),
             "0.016 > 1.5 * 0.01 = 0.015: the upper threshold is 1.5 d_targ, not 2 d_targ."),
        Case("uses the given beta", dict(kl_coef=0.25, kl=0.1, kl_target=0.02), "scale the kl_coef you were given."),
        Case("KL exactly 1.5 d_targ: keep beta", dict(kl_coef=1.0, kl=0.02 * 1.5, kl_target=0.02),
             "the paper's inequalities are strict: beta doubles only when d > 1.5 d_targ."),
        Case("KL exactly d_targ / 1.5: keep beta", dict(kl_coef=1.0, kl=0.03 / 1.5, kl_target=0.03),
             "the paper's inequalities are strict: beta halves only when d < d_targ / 1.5."),
    ]


_ADAPT_MISTAKES = [
    ("apply the rule in reverse (double when KL is small)",
     lambda kl_coef, kl, kl_target: kl_coef * 2 if kl < kl_target / 1.5 else (kl_coef / 2 if kl > kl_target * 1.5 else kl_coef)),
    ("use <= and >= at the thresholds (the paper's inequalities are strict)",
     lambda kl_coef, kl, kl_target: kl_coef / 2 if kl <= kl_target / 1.5 else (kl_coef * 2 if kl >= kl_target * 1.5 else kl_coef)),
    ("compare with the target itself instead of target / 1.5 and 1.5 x target",
     lambda kl_coef, kl, kl_target: kl_coef / 2 if kl < kl_target else (kl_coef * 2 if kl > kl_target else kl_coef)),
    ("use an upper threshold a little above 1.5 d_targ (e.g. 1.55 d_targ)",
     lambda kl_coef, kl, kl_target: kl_coef / 2 if kl < kl_target / 1.5 else (kl_coef * 2 if kl > kl_target * 1.55 else kl_coef)),
    ("use thresholds d_targ / 2 and 2 d_targ instead of d_targ / 1.5 and 1.5 d_targ",
     lambda kl_coef, kl, kl_target: kl_coef / 2 if kl < kl_target / 2 else (kl_coef * 2 if kl > kl_target * 2 else kl_coef)),
    ("never change beta", lambda kl_coef, kl, kl_target: kl_coef),
    ("use factors 1.5 instead of 2",
     lambda kl_coef, kl, kl_target: kl_coef / 1.5 if kl < kl_target / 1.5 else (kl_coef * 1.5 if kl > kl_target * 1.5 else kl_coef)),
]


def _clip_random(gen):
    size, clip_eps = integer(gen, 6, 10), uniform(gen, 0.1, 0.3)
    ratio, advantages = torch.exp(normal(gen, size, scale=0.4)), normal(gen, size)
    # both signs of A on both sides of the clip interval, whatever else was drawn
    ratio[:4] = torch.tensor([1 + clip_eps + 0.1, 1 + clip_eps + 0.1, 1 - clip_eps - 0.1, 1 - clip_eps - 0.1])
    advantages[:4] = advantages[:4].abs().clamp(min=0.1) * torch.tensor([1.0, -1.0, -1.0, 1.0], dtype=torch.float64)
    return Case("", dict(ratio=ratio, advantages=advantages, clip_eps=clip_eps),
                "min(r A, clip(r, 1 - eps, 1 + eps) A) per sample, with the clip_eps argument.", grad_wrt=("ratio",))


CLIPPED_SURROGATE = Exercise(
    notebook="04_clipped_surrogate", function="my_clipped_surrogate", checker="check_clipped_surrogate",
    title="clipped_surrogate (L^CLIP per sample)", signature="fn(ratio, advantages, clip_eps) -> [B], values and gradients",
    goal="L^CLIP per sample: clip the ratio, not the gradient, and take the pessimistic min",
    difficulty=1, minutes=10, points=3, reference=clipped_surrogate, cases=_clip_cases, mistakes=tuple(_CLIP_MISTAKES),
    shortcuts=("clipped_surrogate",),
    random_case=_clip_random)

PREDICTION_STRICTLY_LOWER = Exercise(
    notebook="04_clipped_surrogate", function="my_prediction_strictly_lower", checker="check_prediction_strictly_lower",
    title="the share of random (r, A) pairs where the L^CLIP term is strictly below r A", signature="",
    goal="predict that the clip lowers a term only on the flat side, not wherever the ratio leaves the interval",
    difficulty=1, minutes=3, points=1, reference=_strictly_lower_share, kind="prediction",
    choices=tuple(_SHARES),
    mistakes=(
        ("About two thirds of the ratios lie outside [1 - eps, 1 + eps], but the min lowers a term only on the flat "
         "side: above 1 + eps when A > 0, below 1 - eps when A < 0. On the other side it takes r A itself.",
         "about two thirds"),
        ("min(x, y) <= x allows equality: inside the interval both arguments are r A.", "all"),
        ("The bound is strict wherever the clipped argument is the smaller one, e.g. A > 0 and r > 1 + eps: "
         "(1 + eps) A < r A.", "none"),
    ),
    explanation="A term drops below r A only in a flat zone (A > 0 above 1 + eps, A < 0 below 1 - eps): about half "
                "of the pairs outside the interval, a third of all.")

PREDICTION_FAR_RATIO_GRADIENT = Exercise(
    notebook="04_clipped_surrogate", function="my_prediction_far_ratio_gradient",
    checker="check_prediction_far_ratio_gradient",
    title="the gradient of an L^CLIP term at r = 10.5 (A < 0) against r = 1", signature="",
    goal="predict that clipping the ratio does not bound the gradient: with A < 0 it grows with r above 1 + eps",
    difficulty=1, minutes=3, points=1, reference=_far_ratio_gradient, kind="prediction",
    choices=("zero", "smaller", "about the same", "larger"),
    mistakes=(
        ("The gradient is zero only in the flat zone, and with A < 0 that zone is r < 1 - eps. Above 1 + eps the min "
         "takes the unclipped r A, whose gradient flows.", "zero"),
        ("torch.clamp clips the ratio, not the gradient: nothing caps the gradient of the unclipped term r A.",
         "about the same"),
        ("The unclipped term's gradient A r (e_a - pi) carries the factor r, which grew about tenfold.", "smaller"),
    ),
    explanation="Above 1 + eps with A < 0 the min takes r A, whose gradient with respect to the logits is A r (e_a - pi): "
                "it grows with r (here about 5.5 times), and the clip bounds none of it.")

def _kl_penalty_random(gen):
    size = integer(gen, 3, 8)
    ratio = torch.exp(normal(gen, size, scale=0.3))
    advantages = normal(gen, size)
    ratio[0], advantages[0] = uniform(gen, 1.3, 1.6), abs(advantages[0]) + 0.1  # where a clip would act: L^KLPEN has none
    return Case("", dict(ratio=ratio, advantages=advantages,
                         kl=torch.rand(size, generator=gen, dtype=torch.float64) * 0.1, kl_coef=uniform(gen, 0.1, 3.0)),
                "r A - beta KL per sample.", grad_wrt=("ratio", "kl"))


# (low, high) of KL / d_targ: halve, keep, just above 1.5 (a threshold of 1.55 keeps), double, just below 1 / 1.5
_ADAPT_ZONES = ((0.1, 0.6), (0.7, 1.45), (1.51, 1.6), (1.7, 4.0), (1 / 1.6, 1 / 1.51))


def _adapt_random(gen):
    target = uniform(gen, 0.005, 0.05, digits=3)
    low, high = _ADAPT_ZONES[integer(gen, 0, len(_ADAPT_ZONES) - 1)]
    return Case("", dict(kl_coef=uniform(gen, 0.1, 5.0), kl=round(target * uniform(gen, low, high, digits=4), 7), kl_target=target),
                "halve beta below d_targ / 1.5, double it above 1.5 d_targ, keep it in between (PPO paper, Sec. 4).")


KL_PENALTY_SURROGATE = Exercise(
    notebook="04_clipped_surrogate", function="my_kl_penalty_surrogate", checker="check_kl_penalty_surrogate",
    title="kl_penalty_surrogate (L^KLPEN per sample)", signature="fn(ratio, advantages, kl, kl_coef) -> [B]",
    goal="L^KLPEN per sample: the unclipped surrogate minus β times the KL",
    difficulty=1, minutes=5, points=2, reference=kl_penalty_surrogate, cases=_klpen_cases, mistakes=tuple(_KLPEN_MISTAKES),
    shortcuts=("kl_penalty_surrogate",),
    random_case=_kl_penalty_random)

ADAPT_KL_COEF = Exercise(
    notebook="04_clipped_surrogate", function="my_adapt_kl_coef", checker="check_adapt_kl_coef",
    title="adapt_kl_coef (the adaptive beta rule)", signature="fn(kl_coef, kl, kl_target) -> float, the next beta",
    goal="the PPO paper's adaptive-β rule with thresholds d_targ/1.5 and 1.5 d_targ",
    difficulty=1, minutes=5, points=2, reference=adapt_kl_coef, cases=_adapt_cases, mistakes=tuple(_ADAPT_MISTAKES),
    returns="float", shortcuts=("adapt_kl_coef",),
    random_case=_adapt_random)

EXERCISES = (CLIPPED_SURROGATE, PREDICTION_STRICTLY_LOWER, PREDICTION_FAR_RATIO_GRADIENT, KL_PENALTY_SURROGATE,
             ADAPT_KL_COEF)
check_clipped_surrogate = CLIPPED_SURROGATE.make_checker()
check_prediction_strictly_lower = PREDICTION_STRICTLY_LOWER.make_checker()
check_prediction_far_ratio_gradient = PREDICTION_FAR_RATIO_GRADIENT.make_checker()
check_kl_penalty_surrogate = KL_PENALTY_SURROGATE.make_checker()
check_adapt_kl_coef = ADAPT_KL_COEF.make_checker()

"""Exercises of notebook 05_ppo_cartpole: advantage normalization, PPO's loss, the clipped value loss."""

from __future__ import annotations

import torch

from ..objectives import clipped_surrogate, normalize_advantages, value_loss
from ._engine import Case, Exercise


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


NORMALIZE_ADVANTAGES = Exercise(
    notebook="05_ppo_cartpole", function="my_normalize_advantages", checker="check_normalize_advantages",
    title="normalize_advantages (per-minibatch advantage normalization)", signature="fn(advantages) -> [B] (eps = 1e-8)",
    goal="per-minibatch advantage normalization that stays finite on a constant batch",
    difficulty=1, minutes=5, points=2, reference=normalize_advantages, cases=_normalize_cases,
    mistakes=tuple(_NORMALIZE_MISTAKES), atol=1e-5, shortcuts=("normalize_advantages",))

PPO_LOSS = Exercise(
    notebook="05_ppo_cartpole", function="my_ppo_loss", checker="check_ppo_loss",
    title="ppo_loss (-L^CLIP + c1 L^VF - c2 S, PPO paper Eq. 9)",
    signature="fn(ratio, advantages, values, returns, entropy, clip_eps, vf_coef, ent_coef) -> 0-d minibatch loss",
    goal="PPO's minibatch loss −L^CLIP + c1 L^VF − c2 S (PPO paper Eq. 9), values and gradients",
    difficulty=2, minutes=10, points=3, reference=_ppo_loss_reference, cases=_ppo_loss_cases,
    mistakes=tuple(_PPO_LOSS_MISTAKES), shortcuts=("_ppo_loss_reference", "ppo_update"))

VALUE_LOSS = Exercise(
    notebook="05_ppo_cartpole", function="my_value_loss", checker="check_value_loss",
    title="value_loss (the clipped value loss, Huang et al. 2022, detail 9)",
    signature="fn(values, returns, old_values, clip_eps) -> [B], values and gradients",
    goal="PPO2's clipped value loss, and where it stops the critic's gradient",
    difficulty=2, minutes=10, points=3, reference=value_loss, cases=_value_loss_cases, mistakes=tuple(_VALUE_LOSS_MISTAKES),
    shortcuts=("value_loss",))

EXERCISES = (NORMALIZE_ADVANTAGES, PPO_LOSS, VALUE_LOSS)
check_normalize_advantages = NORMALIZE_ADVANTAGES.make_checker()
check_ppo_loss = PPO_LOSS.make_checker()
check_value_loss = VALUE_LOSS.make_checker()

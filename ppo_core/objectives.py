"""PPO's surrogate objectives and losses, per sample and unreduced.

``*_surrogate`` functions return what the paper *maximizes*; ``*_loss`` functions return
what is *minimized*. Both are per sample: the caller reduces with ``.mean()`` in one
visible line, and negates a surrogate exactly once.

Notebooks: 03_importance_sampling, 04_clipped_surrogate.
Paper: Schulman et al. 2017, PPO (arXiv:1707.06347), Eqs. 6-9.
"""

from __future__ import annotations

import torch

from . import _validate as check


def importance_ratio(log_probs: torch.Tensor, old_log_probs: torch.Tensor) -> torch.Tensor:
    """The probability ratio r_t(theta) = pi_theta(a_t|s_t) / pi_old(a_t|s_t).

    Computed as exp(log pi_theta - log pi_old): a difference of logs never divides by a
    probability that underflowed to 0. ``old_log_probs`` is detached, because the old
    policy is a constant of the update (the note's ``.detach()``).

    Args:
        log_probs: [B] log pi_theta(a_t|s_t), with gradient.
        old_log_probs: [B] log pi_old(a_t|s_t), stored when the action was sampled.

    Returns:
        [B] the ratio; exactly 1 where the two policies agree.

    Notebook: 03_importance_sampling.
    """
    check.tensor("log_probs", log_probs)
    check.tensor("old_log_probs", old_log_probs)
    check.same_shape(log_probs=log_probs, old_log_probs=old_log_probs)
    return torch.exp(log_probs - old_log_probs.detach())


def clipped_surrogate(ratio: torch.Tensor, advantages: torch.Tensor, clip_eps: float) -> torch.Tensor:
    """PPO's clipped surrogate L^CLIP, one term per sample (PPO paper Eq. 7).

    L_t = min(r_t * A_t, clip(r_t, 1 - eps, 1 + eps) * A_t)

    ``torch.clamp`` clips the probability *ratio*, not the gradient. The gradient with
    respect to r_t is zero only where the ratio already left [1 - eps, 1 + eps] in the
    direction the advantage rewards (r > 1 + eps with A > 0, r < 1 - eps with A < 0).

    Args:
        ratio: [B] r_t(theta).
        advantages: [B] advantage estimates A_t (treated as constants).
        clip_eps: epsilon > 0, e.g. 0.2.

    Returns:
        [B] the per-sample objective to maximize.

    Notebook: 04_clipped_surrogate.
    """
    check.tensor("ratio", ratio)
    check.tensor("advantages", advantages)
    check.same_shape(ratio=ratio, advantages=advantages)
    clip_eps = check.real("clip_eps", clip_eps, low=0.0, low_open=True)
    advantages = advantages.detach()  # a constant of the update: the gradient flows through the ratio only
    unclipped = ratio * advantages
    clipped = torch.clamp(ratio, 1.0 - clip_eps, 1.0 + clip_eps) * advantages
    return torch.min(unclipped, clipped)  # the pessimistic bound on unclipped


def kl_penalty_surrogate(ratio: torch.Tensor, advantages: torch.Tensor, kl: torch.Tensor,
                         kl_coef: float) -> torch.Tensor:
    """PPO's KL-penalized surrogate L^KLPEN, one term per sample (PPO paper Eq. 8).

    L_t = r_t * A_t - beta * KL[pi_old(.|s_t) || pi_theta(.|s_t)]

    Args:
        ratio: [B] r_t(theta).
        advantages: [B] advantage estimates.
        kl: [B] KL[pi_old || pi_theta] at each state, old policy first (exact, or the k3
            estimate from :func:`ppo_core.approx_kl`).
        kl_coef: beta >= 0.

    Returns:
        [B] the per-sample objective to maximize.

    Notebook: 04_clipped_surrogate.
    """
    check.tensor("ratio", ratio)
    check.tensor("advantages", advantages)
    check.tensor("kl", kl)
    check.same_shape(ratio=ratio, advantages=advantages, kl=kl)
    kl_coef = check.real("kl_coef", kl_coef, low=0.0)
    return ratio * advantages.detach() - kl_coef * kl  # advantages are constants of the update


def adapt_kl_coef(kl_coef: float, kl: float, kl_target: float) -> float:
    """The paper's adaptive-beta rule, applied after each policy update (PPO paper Sec. 4).

    d < d_targ / 1.5  ->  beta / 2      (the policy moved too little: penalize less)
    d > d_targ * 1.5  ->  beta * 2      (it moved too much: penalize more)
    otherwise beta is unchanged. The new beta is used for the *next* update.

    Args:
        kl_coef: the current beta > 0.
        kl: the measured mean KL[pi_old || pi_new] of the update just finished, >= 0.
        kl_target: d_targ > 0, e.g. 0.01.

    Returns:
        the beta for the next update, a float.

    Notebook: 04_clipped_surrogate.
    """
    kl_coef = check.real("kl_coef", kl_coef, low=0.0, low_open=True)
    kl = check.real("kl", kl, low=0.0)
    kl_target = check.real("kl_target", kl_target, low=0.0, low_open=True)
    if kl < kl_target / 1.5:
        return kl_coef / 2.0
    if kl > kl_target * 1.5:
        return kl_coef * 2.0
    return kl_coef


def value_loss(values: torch.Tensor, returns: torch.Tensor, old_values: torch.Tensor | None = None,
               clip_eps: float | None = None) -> torch.Tensor:
    """Squared error of the critic, per sample (PPO paper Eq. 9, L^VF = (V - V_targ)^2).

    With ``old_values`` and ``clip_eps`` given, the clipped variant of openai/baselines is used:
    max((V - R)^2, (clip(V, V_old - eps, V_old + eps) - R)^2). Engstrom et al. (2020) found no
    evidence that it helps and Andrychowicz et al. (2021) found it hurts, so it is off by default.

    Args:
        values: [B] V(s_t) under the current critic.
        returns: [B] value targets, ``advantages + values`` from the rollout.
        old_values: [B] V(s_t) at rollout time, only for the clipped variant.
        clip_eps: > 0, only for the clipped variant.

    Returns:
        [B] the per-sample loss to minimize.

    Notebook: 05_ppo_cartpole.
    """
    check.tensor("values", values)
    check.tensor("returns", returns)
    check.same_shape(values=values, returns=returns)
    if (old_values is None) != (clip_eps is None):
        raise ValueError("Pass both `old_values` and `clip_eps` for the clipped value loss, or neither.")
    returns = returns.detach()  # the target is a constant: only V moves towards it
    loss = (values - returns) ** 2
    if old_values is None:
        return loss
    check.tensor("old_values", old_values)
    check.same_shape(values=values, old_values=old_values)
    clip_eps = check.real("clip_eps", clip_eps, low=0.0, low_open=True)
    old_values = old_values.detach()
    clipped = old_values + torch.clamp(values - old_values, -clip_eps, clip_eps)
    return torch.max(loss, (clipped - returns) ** 2)


def normalize_advantages(advantages: torch.Tensor, eps: float = 1e-8) -> torch.Tensor:
    """Shift and scale advantages to mean 0 and standard deviation 1 (per minibatch).

    A common implementation detail (Huang et al. 2022, core detail 7): it makes the step
    size independent of the reward scale. It needs at least two samples.

    Args:
        advantages: [B] advantage estimates, B >= 2.
        eps: added to the standard deviation so that constant advantages give zeros.

    Returns:
        [B] normalized advantages.

    Notebook: 05_ppo_cartpole.
    """
    check.tensor("advantages", advantages, ndim=1)
    if advantages.numel() < 2:
        raise ValueError("`advantages` needs at least 2 samples to normalize (the std of one sample is undefined).")
    eps = check.real("eps", eps, low=0.0)
    return (advantages - advantages.mean()) / (advantages.std() + eps)

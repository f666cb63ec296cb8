"""Numbers to watch during a PPO update (Huang et al. 2022, core detail 12).

Notebooks: 03_importance_sampling, 04_clipped_surrogate.
"""

from __future__ import annotations

import torch

from . import _validate as check


def approx_kl(log_probs: torch.Tensor, old_log_probs: torch.Tensor) -> torch.Tensor:
    """Per-sample k3 estimate of KL[pi_old || pi_theta] from actions sampled by pi_old.

    k3 = (r - 1) - log r,  with r = pi_theta(a|s) / pi_old(a|s)  (Schulman 2020, "Approximating
    KL Divergence"). It is unbiased, because E_old[r - 1] = 0, and never negative, because
    log r <= r - 1. Average it for the batch estimate: ``approx_kl(lp, old_lp).mean()``.

    Args:
        log_probs: [B] log pi_theta(a_t|s_t).
        old_log_probs: [B] log pi_old(a_t|s_t) of the actions pi_old sampled.

    Returns:
        [B] per-sample estimates, each >= 0 (up to rounding).

    Notebook: 03_importance_sampling.
    """
    check.tensor("log_probs", log_probs)
    check.tensor("old_log_probs", old_log_probs)
    check.same_shape(log_probs=log_probs, old_log_probs=old_log_probs)
    log_ratio = log_probs - old_log_probs.detach()  # the old policy is a constant, as in importance_ratio
    return torch.expm1(log_ratio) - log_ratio  # expm1 keeps precision when r is near 1


def clip_fraction(ratio: torch.Tensor, clip_eps: float) -> float:
    """Fraction of samples whose ratio lies outside [1 - eps, 1 + eps].

    Args:
        ratio: [B] r_t(theta).
        clip_eps: epsilon > 0.

    Returns:
        a float in [0, 1].

    Notebooks: 04_clipped_surrogate, 05_ppo_cartpole.
    """
    check.tensor("ratio", ratio)
    clip_eps = check.real("clip_eps", clip_eps, low=0.0, low_open=True)
    if ratio.numel() == 0:
        raise ValueError("`ratio` is empty: clip_fraction needs at least one sample.")
    check.finite("ratio", ratio)  # a NaN ratio compares False and would count as "not clipped"
    return ((ratio - 1.0).abs() > clip_eps).double().mean().item()


def explained_variance(values: torch.Tensor, returns: torch.Tensor) -> float:
    """1 - Var[returns - values] / Var[returns]: how much of the targets' variance V explains.

    1 is a perfect critic, 0 is no better than a constant, negative is worse than a constant.
    NaN when the targets have zero variance (nothing to explain).

    Args:
        values: [B] predictions V(s_t).
        returns: [B] value targets.

    Returns:
        a float.

    Notebook: 05_ppo_cartpole.
    """
    check.tensor("values", values)
    check.tensor("returns", returns)
    check.same_shape(values=values, returns=returns)
    if values.numel() < 2:
        raise ValueError(f"`values` and `returns` have shape {tuple(values.shape)}: explained_variance needs at least 2 samples.")
    check.finite("values", values)
    check.finite("returns", returns)
    var_returns = returns.detach().var()
    if var_returns == 0:
        return float("nan")
    return (1.0 - (returns - values).detach().var() / var_returns).item()

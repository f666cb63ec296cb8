"""Advantage estimators over time-major rollouts.

Conventions (the whole package follows them):

================  ===========  ==============================================================
name              shape        meaning
================  ===========  ==============================================================
rewards           [T, N]       r_t, the reward of the transition (s_t, a_t) -> s_{t+1}
values            [T, N]       V(s_t)
next_values       [T, N]       V(s_{t+1}) of the *real* next state, i.e. of the final
                               observation when the episode ended at t
terminated        [T, N] bool  the transition at t entered a terminal state: V(s_{t+1}) = 0
truncated         [T, N] bool  the episode was cut at t (time limit) although s_{t+1} is not
                               terminal: bootstrap from next_values
================  ===========  ==============================================================

Two rules follow: **termination stops the bootstrap, any episode end stops the sum.**
The flags describe the transition at row t and are never shifted, so the last row of a
rollout needs no special case.

Notebook: 01_advantage. Paper: Schulman et al. 2016, GAE (arXiv:1506.02438), Eqs. 14-18.
"""

from __future__ import annotations

import torch

from . import _validate as check


def _check_rollout(rewards, values, next_values, terminated, truncated=None):
    check.tensor("rewards", rewards, min_ndim=1)
    check.tensor("values", values, min_ndim=1)
    check.tensor("next_values", next_values, min_ndim=1)
    check.flags("terminated", terminated)
    shapes = dict(rewards=rewards, values=values, next_values=next_values, terminated=terminated)
    if truncated is not None:
        check.flags("truncated", truncated)
        shapes["truncated"] = truncated
    check.same_shape(**shapes)
    check.same_dtype(rewards=rewards, values=values, next_values=next_values)
    check.non_empty("rewards", rewards, "at least one step of one environment")
    for name, x in (("rewards", rewards), ("values", values), ("next_values", next_values)):
        check.finite(name, x)


def discounted_cumsum(x: torch.Tensor, discount: float, episode_ends: torch.Tensor | None = None) -> torch.Tensor:
    """Discounted sum of the future along dim 0, restarted at every episode end.

    y_t = x_t + discount * (1 - end_t) * y_{t+1},  with y_T = 0.

    Args:
        x: [T, ...] the terms to sum (rewards for returns-to-go, TD residuals for GAE).
        discount: in [0, 1]; gamma for returns, gamma * lambda for GAE.
        episode_ends: [T, ...] bool, True where the episode ended at step t (terminated or
            truncated), so nothing after t is added to y_t. None means no episode ends.

    Returns:
        [T, ...] the discounted sums, same shape and dtype as ``x``.

    Notebooks: 01_advantage, 02_policy_gradient.
    """
    check.tensor("x", x, min_ndim=1)
    check.non_empty("x", x, "at least one step")
    check.finite("x", x)
    discount = check.discount("discount", discount)
    if episode_ends is None:
        episode_ends = torch.zeros_like(x, dtype=torch.bool)
    check.flags("episode_ends", episode_ends)
    check.same_shape(x=x, episode_ends=episode_ends)
    keep = discount * (~episode_ends).to(x.dtype)  # 0 where the sum must restart
    out = torch.empty_like(x)
    running = torch.zeros_like(x[0])
    for t in reversed(range(x.shape[0])):
        running = x[t] + keep[t] * running
        out[t] = running
    return out


def td_residuals(rewards: torch.Tensor, values: torch.Tensor, next_values: torch.Tensor,
                 terminated: torch.Tensor, gamma: float) -> torch.Tensor:
    """One-step TD residuals, the source note's ``td_delta``.

    delta_t = r_t + gamma * (1 - terminated_t) * V(s_{t+1}) - V(s_t)

    With the true V, E[delta_t | s_t, a_t] = A(s_t, a_t) (GAE paper Eq. 10): the one-step
    advantage estimate. Truncation is deliberately *not* an argument: a time-limit cut does
    not change the value of the next state, so the bootstrap stays.

    Args:
        rewards: [T, N] r_t.
        values: [T, N] V(s_t).
        next_values: [T, N] V of the real next state.
        terminated: [T, N] bool, True where s_{t+1} is terminal.
        gamma: discount in [0, 1].

    Returns:
        [T, N] delta_t.

    Notebook: 01_advantage.
    """
    _check_rollout(rewards, values, next_values, terminated)
    gamma = check.discount("gamma", gamma)
    return rewards + gamma * (~terminated).to(rewards.dtype) * next_values - values


def gae(rewards: torch.Tensor, values: torch.Tensor, next_values: torch.Tensor,
        terminated: torch.Tensor, truncated: torch.Tensor, gamma: float, gae_lambda: float) -> torch.Tensor:
    """Generalized advantage estimation, GAE(gamma, lambda).

    A_t = sum_l (gamma * lambda)^l * delta_{t+l}, the sum stopping at the episode end or the
    end of the rollout (GAE paper Eq. 16; PPO paper Eq. 11 with the exponent T-t-1).

    lambda = 0 gives the TD residual; lambda = 1 gives the discounted return minus V(s_t)
    (bootstrapped from V where the episode was truncated or the rollout ends).
    Value targets are ``advantages + values``.

    Args:
        rewards, values, next_values: [T, N] as in :func:`td_residuals`.
        terminated: [T, N] bool, stops the bootstrap and the sum.
        truncated: [T, N] bool, stops only the sum.
        gamma: discount in [0, 1].
        gae_lambda: in [0, 1], trades bias (0) for variance (1).

    Returns:
        [T, N] advantages.

    Notebook: 01_advantage.
    """
    _check_rollout(rewards, values, next_values, terminated, truncated)
    gamma = check.discount("gamma", gamma)
    gae_lambda = check.discount("gae_lambda", gae_lambda)
    deltas = td_residuals(rewards, values, next_values, terminated, gamma)
    return discounted_cumsum(deltas, gamma * gae_lambda, terminated | truncated)


def n_step_advantages(rewards: torch.Tensor, values: torch.Tensor, next_values: torch.Tensor,
                      terminated: torch.Tensor, truncated: torch.Tensor, gamma: float, n: int) -> torch.Tensor:
    """The n-step advantage estimator (GAE paper Eq. 14).

    A^(n)_t = sum_{l=0}^{n-1} gamma^l delta_{t+l}
            = r_t + ... + gamma^{n-1} r_{t+n-1} + gamma^n V(s_{t+n}) - V(s_t),

    with the sum stopping early at an episode end or the end of the rollout. n = 1 gives
    the TD residual; n >= T gives GAE with lambda = 1.

    Args:
        rewards, values, next_values, terminated, truncated: [T, N] as in :func:`gae`.
        gamma: discount in [0, 1].
        n: number of steps, a positive int.

    Returns:
        [T, N] advantages.

    Notebook: 01_advantage.
    """
    _check_rollout(rewards, values, next_values, terminated, truncated)
    gamma = check.discount("gamma", gamma)
    n = check.positive_int("n", n)
    deltas = td_residuals(rewards, values, next_values, terminated, gamma)
    alive = (~(terminated | truncated)).to(deltas.dtype)  # 1 while the episode goes on after t
    out = deltas.clone()
    weight = torch.ones_like(deltas)  # weight[t] = gamma^l if no episode ended in t .. t+l-1, else 0
    for l in range(1, min(n, deltas.shape[0])):
        weight = gamma * weight[:-1] * alive[l - 1:-1]  # [T - l, N]
        out[:-l] += weight * deltas[l:]
    return out

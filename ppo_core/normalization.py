"""Running statistics for observation normalization and reward scaling.

Both follow openai/baselines' ``VecNormalize`` (Huang et al. 2022, continuous details 6-8):
observations are shifted and scaled by their running mean and std and clipped to [-10, 10];
rewards are divided (never shifted) by the running std of the discounted return.

Notebook: 06_ppo_continuous.
"""

from __future__ import annotations

import numbers

import numpy as np
import torch
from torch import nn

from . import _validate as check


class RunningMeanStd(nn.Module):
    """Running mean and variance of a stream of vectors (Chan et al.'s parallel update).

    The statistics are float64 buffers, so they are saved with the agent's ``state_dict``.

    Args:
        shape: the shape of one vector, e.g. ``(3,)`` for Pendulum's observations, ``()`` for scalars.
        clip: normalized values are clipped to [-clip, clip].

    Notebook: 06_ppo_continuous.
    """

    def __init__(self, shape: tuple, clip: float = 10.0):
        super().__init__()
        dims = (shape,) if isinstance(shape, numbers.Integral) else shape
        if not isinstance(dims, (tuple, list, torch.Size)) or not all(
                isinstance(d, numbers.Integral) and not isinstance(d, bool) and d >= 0 for d in dims):
            raise TypeError(f"`shape` must be a tuple of ints, e.g. (3,) for a vector or () for scalars, got {shape!r}.")
        check.real("clip", clip, low=0.0, low_open=True)
        self.register_buffer("mean", torch.zeros(shape, dtype=torch.float64))
        self.register_buffer("var", torch.ones(shape, dtype=torch.float64))
        self.register_buffer("count", torch.tensor(1e-4, dtype=torch.float64))
        self.clip = clip

    @torch.no_grad()
    def update(self, batch: torch.Tensor) -> None:
        """Fold a batch ``[B, *shape]`` (any leading dims) into the statistics."""
        batch = torch.as_tensor(batch)
        shape = tuple(self.mean.shape)
        if batch.ndim < len(shape) or tuple(batch.shape[batch.ndim - len(shape):]) != shape:
            raise ValueError(f"`batch` must have shape [B, {', '.join(map(str, shape))}] (any leading dims) for statistics of "
                             f"shape {shape}, got {tuple(batch.shape)}.")
        if batch.numel() == 0:
            raise ValueError(f"`batch` is empty (shape {tuple(batch.shape)}): there is nothing to fold into the statistics.")
        batch = batch.reshape(-1, *self.mean.shape).double()
        if not torch.isfinite(batch).all():
            raise ValueError("`batch` holds NaN or inf (RunningMeanStd.update); check the environment's observations or rewards.")
        batch_mean, batch_var, batch_count = batch.mean(0), batch.var(0, unbiased=False), batch.shape[0]
        delta, total = batch_mean - self.mean, self.count + batch_count
        self.mean += delta * batch_count / total
        self.var.copy_((self.var * self.count + batch_var * batch_count + delta**2 * self.count * batch_count / total) / total)
        self.count.copy_(total)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """``(x - mean) / sqrt(var + 1e-8)``, clipped to [-clip, clip], in the dtype of ``x``."""
        normalized = (x - self.mean.to(x.dtype)) / torch.sqrt(self.var.to(x.dtype) + 1e-8)
        return normalized.clamp(-self.clip, self.clip)


class RewardScaler:
    """Divides rewards by the running std of the discounted return (never subtracts a mean).

    r_t / sqrt(Var[G] + 1e-8), with G_t = gamma * G_{t-1} + r_t per environment, reset at
    every episode end (Huang et al. 2022, continuous detail 8).

    Args:
        num_envs: N, one running return per environment.
        gamma: the discount of the running return, in [0, 1].

    Notebook: 06_ppo_continuous.
    """

    def __init__(self, num_envs: int, gamma: float):
        check.positive_int("num_envs", num_envs)
        check.discount("gamma", gamma)
        self.gamma = gamma
        self.returns = np.zeros(num_envs)
        self.return_rms = RunningMeanStd(())

    def __call__(self, rewards: np.ndarray, episode_ends: np.ndarray) -> np.ndarray:
        """Scale one step's rewards ``[N]``; ``episode_ends`` ``[N]`` bool resets the running returns."""
        if np.shape(rewards) != self.returns.shape:
            raise ValueError(f"`rewards` must have shape {self.returns.shape} (one per env), got {np.shape(rewards)}.")
        if getattr(episode_ends, "dtype", None) != np.bool_ or episode_ends.shape != self.returns.shape:
            raise TypeError(f"`episode_ends` must be a numpy bool array of shape {self.returns.shape}, got {episode_ends!r}: "
                            "0/1 integers would index envs 0 and 1 instead of masking.")
        self.returns = self.returns * self.gamma + rewards
        try:
            self.return_rms.update(torch.from_numpy(self.returns))
        except ValueError:
            raise ValueError(f"`rewards` holds NaN or inf ({rewards}); RewardScaler needs finite rewards.") from None
        self.returns[episode_ends] = 0.0
        return rewards / np.sqrt(self.return_rms.var.item() + 1e-8)

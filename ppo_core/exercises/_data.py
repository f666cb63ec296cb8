"""Test data shared by several exercises' cases."""

from __future__ import annotations

import torch

def random_rollout(seed: int, num_steps: int = 7, num_envs: int = 3) -> dict:
    gen = torch.Generator().manual_seed(seed)
    shape = (num_steps, num_envs)
    episode_end = torch.rand(shape, generator=gen, dtype=torch.float64) < 0.35
    terminated = episode_end & (torch.rand(shape, generator=gen, dtype=torch.float64) < 0.5)
    return dict(rewards=torch.randn(shape, generator=gen, dtype=torch.float64),
                values=torch.randn(shape, generator=gen, dtype=torch.float64),
                next_values=torch.randn(shape, generator=gen, dtype=torch.float64),
                terminated=terminated, truncated=episode_end & ~terminated)


def column(*xs, dtype=torch.float64) -> torch.Tensor:
    """A [T, 1] tensor from a list of numbers (one environment)."""
    return torch.tensor(xs, dtype=dtype).reshape(-1, 1)


def hand_rollout(terminated=(False, False, False), truncated=(False, False, False)) -> dict:
    """The 3-step example worked by hand in notebook 01."""
    return dict(rewards=column(1.0, 0.0, 2.0), values=column(0.5, 1.0, 1.5),
                next_values=column(1.0, 1.5, 3.0),
                terminated=column(*terminated, dtype=torch.bool), truncated=column(*truncated, dtype=torch.bool))


def without(d: dict, *keys) -> dict:
    return {k: v for k, v in d.items() if k not in keys}

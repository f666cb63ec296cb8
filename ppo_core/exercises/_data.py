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


# ----- random cases (the grader's held-out and per-student cases, see _engine.unseen_cases) -------------

def normal(gen: torch.Generator, *shape, scale: float = 1.0) -> torch.Tensor:
    return scale * torch.randn(shape, generator=gen, dtype=torch.float64)


def uniform(gen: torch.Generator, low: float, high: float, digits: int = 2) -> float:
    """A number in [low, high], rounded, so that a feedback file shows it as it was used."""
    return round(low + (high - low) * torch.rand((), generator=gen, dtype=torch.float64).item(), digits)


def integer(gen: torch.Generator, low: int, high: int) -> int:
    """An integer in [low, high]."""
    return int(torch.randint(low, high + 1, (), generator=gen))


def drawn_rollout(gen: torch.Generator, truncation: bool = True) -> dict:
    """A random [T, N] rollout (T in 5..9, N in 1..4) with at least one terminated and, if asked, one truncated step."""
    shape = (integer(gen, 5, 9), integer(gen, 1, 4))
    ends = torch.rand(shape, generator=gen, dtype=torch.float64)
    terminated = ends < 0.15
    terminated.view(-1)[integer(gen, 0, terminated.numel() - 1)] = True
    rollout = dict(rewards=normal(gen, *shape), values=normal(gen, *shape), next_values=normal(gen, *shape), terminated=terminated)
    if truncation:
        truncated = (ends > 0.85) & ~terminated
        free = (~terminated).view(-1).nonzero().view(-1)
        if free.numel():
            truncated.view(-1)[free[integer(gen, 0, free.numel() - 1)]] = True
        rollout["truncated"] = truncated
    return rollout

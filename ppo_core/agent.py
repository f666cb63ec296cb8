"""The actor-critic: separate actor and critic networks, as in the source note.

Implementation details, each from Huang et al. 2022 ("The 37 Implementation Details of PPO"):
orthogonal initialization with gain sqrt(2) on hidden layers, 0.01 on the policy head (the first
policy is near uniform) and 1 on the value head (core detail 2); tanh MLPs (core detail 13);
``Categorical(logits=...)`` for discrete actions, never log(softmax) (the note's slip); a
state-independent log-std for Gaussian actions (continuous details 1-3); observation normalization
by running mean and std (continuous detail 6).

Notebooks: 05_ppo_cartpole, 06_ppo_continuous.
"""

from __future__ import annotations

import math

import gymnasium as gym
import numpy as np
import torch
from torch import nn
from torch.distributions import Categorical, Independent, Normal


def mlp(in_size: int, hidden_sizes: tuple, out_size: int, out_gain: float) -> nn.Sequential:
    """A tanh MLP with orthogonal weights and zero biases."""
    layers, size = [], in_size
    for hidden in hidden_sizes:
        layers += [_orthogonal(nn.Linear(size, hidden), math.sqrt(2)), nn.Tanh()]
        size = hidden
    layers.append(_orthogonal(nn.Linear(size, out_size), out_gain))
    return nn.Sequential(*layers)


def _orthogonal(layer: nn.Linear, gain: float) -> nn.Linear:
    nn.init.orthogonal_(layer.weight, gain)
    nn.init.zeros_(layer.bias)
    return layer


class RunningMeanStd(nn.Module):
    """Running mean and variance of a stream of vectors (Chan et al.'s parallel update).

    The statistics are buffers, so they are saved with the agent's ``state_dict``.
    """

    def __init__(self, shape: tuple, clip: float = 10.0):
        super().__init__()
        self.register_buffer("mean", torch.zeros(shape, dtype=torch.float64))
        self.register_buffer("var", torch.ones(shape, dtype=torch.float64))
        self.register_buffer("count", torch.tensor(1e-4, dtype=torch.float64))
        self.clip = clip

    @torch.no_grad()
    def update(self, batch: torch.Tensor) -> None:
        """Fold a batch ``[B, *shape]`` into the statistics."""
        batch = batch.reshape(-1, *self.mean.shape).double()
        batch_mean, batch_var, batch_count = batch.mean(0), batch.var(0, unbiased=False), batch.shape[0]
        delta, total = batch_mean - self.mean, self.count + batch_count
        self.mean += delta * batch_count / total
        self.var.copy_((self.var * self.count + batch_var * batch_count + delta**2 * self.count * batch_count / total) / total)
        self.count.copy_(total)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        normalized = (x - self.mean.to(x.dtype)) / torch.sqrt(self.var.to(x.dtype) + 1e-8)
        return normalized.clamp(-self.clip, self.clip)


class ActorCritic(nn.Module):
    """A policy pi(a|s) and a value function V(s) with no shared parameters.

    Args:
        observation_space: a 1-D ``gym.spaces.Box``.
        action_space: ``gym.spaces.Discrete`` (categorical policy) or a 1-D ``gym.spaces.Box``
            (diagonal Gaussian with a state-independent log-std).
        hidden_sizes: widths of the hidden tanh layers, e.g. (64, 64).
        init_log_std: initial log standard deviation of a Gaussian policy.
        norm_obs: normalize observations by running statistics (updated by the trainer).
    """

    def __init__(self, observation_space: gym.Space, action_space: gym.Space, hidden_sizes: tuple = (64, 64),
                 init_log_std: float = 0.0, norm_obs: bool = False):
        super().__init__()
        check_spaces(observation_space, action_space)
        obs_size = int(np.prod(observation_space.shape))
        self.discrete = isinstance(action_space, gym.spaces.Discrete)
        self.action_size = int(action_space.n) if self.discrete else int(action_space.shape[0])
        self.actor = mlp(obs_size, hidden_sizes, self.action_size, out_gain=0.01)
        self.critic = mlp(obs_size, hidden_sizes, 1, out_gain=1.0)
        if not self.discrete:
            self.log_std = nn.Parameter(torch.full((self.action_size,), float(init_log_std)))
        self.obs_rms = RunningMeanStd(observation_space.shape) if norm_obs else None

    def _prepare(self, obs: torch.Tensor) -> torch.Tensor:
        return obs if self.obs_rms is None else self.obs_rms(obs)

    def distribution(self, obs: torch.Tensor):
        """pi(.|s) for a batch of observations ``[B, obs_size]``."""
        out = self.actor(self._prepare(obs))
        if self.discrete:
            return Categorical(logits=out, validate_args=False)
        return Independent(Normal(out, self.log_std.exp().expand_as(out), validate_args=False), 1, validate_args=False)

    def value(self, obs: torch.Tensor) -> torch.Tensor:
        """V(s), shape ``[B]``."""
        return self.critic(self._prepare(obs)).squeeze(-1)

    @torch.no_grad()
    def act(self, obs: torch.Tensor, deterministic: bool = False):
        """Sample (or take the mode of) an action: returns ``(actions, log_probs, values)``."""
        dist = self.distribution(obs)
        if deterministic:
            actions = dist.probs.argmax(-1) if self.discrete else dist.mean
        else:
            actions = dist.sample()
        return actions, dist.log_prob(actions), self.value(obs)

    def evaluate_actions(self, obs: torch.Tensor, actions: torch.Tensor):
        """log pi(a|s), the entropy of pi(.|s) and V(s) for stored pairs, all ``[B]``, with gradients."""
        dist = self.distribution(obs)
        return dist.log_prob(actions), dist.entropy(), self.value(obs)


def check_spaces(observation_space: gym.Space, action_space: gym.Space) -> None:
    """Raise a clear error for spaces the agent does not support."""
    if not isinstance(observation_space, gym.spaces.Box) or len(observation_space.shape) != 1:
        raise ValueError(f"Only flat Box observation spaces are supported, got {observation_space}. "
                         "Wrap the environment with gymnasium.wrappers.FlattenObservation first.")
    if isinstance(action_space, gym.spaces.Discrete):
        return
    if isinstance(action_space, gym.spaces.Box) and len(action_space.shape) == 1:
        return
    raise ValueError(f"Unsupported action space {action_space}: ppo_core supports Discrete (categorical policy) "
                     "and 1-D Box (Gaussian policy) action spaces. MultiDiscrete, MultiBinary, Tuple and Dict "
                     "spaces need a different policy head.")

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

from . import _validate as check
from .envs import check_spaces
from .gradients import _forward
from .normalization import RunningMeanStd


_HALF_LOG_2PI = 0.5 * math.log(2 * math.pi)


class Tanh(nn.Module):
    """tanh(x), computed as 2 sigmoid(2x) - 1: the same function, about twice as fast as ``torch.tanh`` on this CPU.

    Every path through the networks (sampling, the update, its hand-written gradient) uses this one
    formula, so the log-probabilities they compute agree bit for bit and the first ratio is exactly 1.
    """

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return torch.sigmoid(2 * x) * 2 - 1


def mlp(in_size: int, hidden_sizes: tuple, out_size: int, out_gain: float) -> nn.Sequential:
    """A tanh MLP with orthogonal weights (gain sqrt(2), ``out_gain`` on the last layer) and zero biases."""
    layers, size = [], in_size
    for hidden in hidden_sizes:
        layers += [_orthogonal(nn.Linear(size, hidden), math.sqrt(2)), Tanh()]
        size = hidden
    layers.append(_orthogonal(nn.Linear(size, out_size), out_gain))
    return nn.Sequential(*layers)


def _orthogonal(layer: nn.Linear, gain: float) -> nn.Linear:
    nn.init.orthogonal_(layer.weight, gain)
    nn.init.zeros_(layer.bias)
    return layer


class ActorCritic(nn.Module):
    """A policy pi(a|s) and a value function V(s) with no shared parameters.

    Args:
        observation_space: a flat ``gym.spaces.Box`` of size obs_size.
        action_space: ``gym.spaces.Discrete`` (categorical policy over the n actions) or a 1-D
            ``gym.spaces.Box`` (diagonal Gaussian with a state-independent log-std).
        hidden_sizes: widths of the hidden tanh layers, e.g. (64, 64).
        init_log_std: initial log standard deviation of a Gaussian policy.
        norm_obs: normalize observations by running statistics (``obs_rms``; the
            :class:`~ppo_core.RolloutCollector` updates them between rollouts).

    Shapes: observations ``[B, obs_size]``; actions ``[B]`` (indices 0..n-1) or ``[B, D]``;
    log-probabilities, entropies and values ``[B]``.

    Notebooks: 05_ppo_cartpole, 06_ppo_continuous.
    """

    def __init__(self, observation_space: gym.Space, action_space: gym.Space, hidden_sizes: tuple = (64, 64),
                 init_log_std: float = 0.0, norm_obs: bool = False):
        super().__init__()
        check_spaces(observation_space, action_space)
        try:
            hidden_sizes = tuple(hidden_sizes)
        except TypeError:
            raise TypeError(f"`hidden_sizes` must be a tuple of positive ints, e.g. (64, 64), got {hidden_sizes!r}.") from None
        if not hidden_sizes or not all(isinstance(h, int) and not isinstance(h, bool) and h > 0 for h in hidden_sizes):
            raise ValueError(f"`hidden_sizes` must be a non-empty tuple of positive ints, e.g. (64, 64), got {hidden_sizes!r}.")
        init_log_std = check.real("init_log_std", init_log_std)
        if not isinstance(norm_obs, bool):
            raise TypeError(f"`norm_obs` must be True or False, got {norm_obs!r}.")
        self.observation_space, self.action_space = observation_space, action_space
        self.obs_size = int(np.prod(observation_space.shape))
        self.discrete = isinstance(action_space, gym.spaces.Discrete)
        self.action_size = int(action_space.n) if self.discrete else int(action_space.shape[0])
        self.actor = mlp(self.obs_size, hidden_sizes, self.action_size, out_gain=0.01)
        self.critic = mlp(self.obs_size, hidden_sizes, 1, out_gain=1.0)
        if not self.discrete:
            self.log_std = nn.Parameter(torch.full((self.action_size,), init_log_std))
        self.obs_rms = RunningMeanStd(observation_space.shape) if norm_obs else None

    def check_compatible(self, observation_space: gym.Space, action_space: gym.Space, what: str = "envs") -> None:
        """Raise a clear error if the agent was built for other spaces than these."""
        same_obs = observation_space.shape == self.observation_space.shape
        if self.discrete:
            same_actions = isinstance(action_space, gym.spaces.Discrete) and int(action_space.n) == self.action_size
        else:
            same_actions = isinstance(action_space, gym.spaces.Box) and action_space.shape == self.action_space.shape
        if not (same_obs and same_actions):
            raise ValueError(f"The agent was built for observations {self.observation_space} and actions {self.action_space}, "
                             f"but `{what}` has observations {observation_space} and actions {action_space}. "
                             "Build the agent from the same environment (ActorCritic(env.single_observation_space, "
                             "env.single_action_space, ...)).")

    def _prepare(self, obs: torch.Tensor) -> torch.Tensor:
        return obs if self.obs_rms is None else self.obs_rms(obs)

    def _net(self, mlp: nn.Sequential, x: torch.Tensor) -> torch.Tensor:
        # mlp(x); without gradients, the same ops without nn.Module's per-call overhead (the same bits)
        return mlp(x) if torch.is_grad_enabled() else _forward(mlp, x)[0]

    def policy_params(self, obs: torch.Tensor) -> torch.Tensor:
        """The parameters of pi(.|s), ``[B, P]``: the logits ``[B, n]``, or the mean and log-std ``[B, 2D]``."""
        out = self._net(self.actor, self._prepare(obs))
        if self.discrete:
            return out
        return torch.cat([out, self.log_std.expand_as(out)], dim=-1)

    def distribution_from_params(self, params: torch.Tensor):
        """pi(.|s) from :meth:`policy_params` output ``[B, P]``, e.g. the old policy stored in a rollout."""
        if self.discrete:
            return Categorical(logits=params, validate_args=False)
        mean, log_std = params.chunk(2, dim=-1)
        return Independent(Normal(mean, log_std.exp(), validate_args=False), 1, validate_args=False)

    def draw_noise(self, shape: tuple, generator: torch.Generator | None = None) -> torch.Tensor:
        """The randomness of ``shape`` action draws, ``[*shape, n]`` or ``[*shape, D]``, from ``generator``.

        A collector draws the noise of a whole rollout at once (one op instead of one per step) from
        its own seeded generator, so a rollout does not depend on other uses of torch's RNG.
        """
        size = (*shape, self.action_size)
        if self.discrete:  # Gumbel noise G = -log E, E ~ Exp(1)
            return torch.empty(size).exponential_(generator=generator).log_().neg_()
        return torch.randn(size, generator=generator)

    def sample(self, params: torch.Tensor, noise: torch.Tensor) -> torch.Tensor:
        """Actions ``[B]`` (indices) or ``[B, D]`` from :meth:`policy_params` output and :meth:`draw_noise` noise.

        Categorical: the Gumbel-max trick, argmax(logits + G) with G = -log E, E ~ Exp(1), is an exact
        sample of Categorical(logits) (it is how ``torch.multinomial`` draws one sample). Gaussian:
        mean + std * N(0, 1).
        """
        if self.discrete:
            return (params + noise).argmax(-1)
        mean, log_std = params.chunk(2, dim=-1)
        return mean + log_std.exp() * noise

    def log_prob(self, params: torch.Tensor, actions: torch.Tensor) -> torch.Tensor:
        """log pi(a|s) ``[B]`` from :meth:`policy_params` output ``[B, P]`` and actions ``[B]`` or ``[B, D]``.

        The same numbers as ``distribution_from_params(params).log_prob(actions)``, in fewer ops:
        ``log_softmax`` and a gather (never log of a softmax), or the Gaussian log-density summed over
        the action dimensions.
        """
        if self.discrete:
            return params.log_softmax(-1).gather(-1, actions.unsqueeze(-1)).squeeze(-1)
        mean, log_std = params.chunk(2, dim=-1)
        return (-0.5 * ((actions - mean) * torch.exp(-log_std)) ** 2 - log_std - _HALF_LOG_2PI).sum(-1)

    def distribution(self, obs: torch.Tensor):
        """pi(.|s) for a batch of observations ``[B, obs_size]``: a Categorical or a diagonal Gaussian."""
        return self.distribution_from_params(self.policy_params(obs))

    def value(self, obs: torch.Tensor) -> torch.Tensor:
        """V(s), shape ``[B]``."""
        return self._net(self.critic, self._prepare(obs)).squeeze(-1)

    @torch.no_grad()
    def act(self, obs: torch.Tensor, deterministic: bool = False, generator: torch.Generator | None = None):
        """Sample (or take the mode of) an action: returns ``(actions, log_probs, values)``.

        Args:
            obs: ``[B, obs_size]`` float observations.
            deterministic: take the most probable action (argmax) or the Gaussian's mean.
            generator: the ``torch.Generator`` to sample with (None: torch's global one).

        Raises:
            FloatingPointError: the policy's output is NaN or inf (training diverged).
        """
        self._check_obs(obs)
        params = self.policy_params(obs)
        check_finite_policy(params)
        if deterministic:
            actions = params.argmax(-1) if self.discrete else params.chunk(2, dim=-1)[0]
        else:
            actions = self.sample(params, self.draw_noise((obs.shape[0],), generator))
        return actions, self.log_prob(params, actions), self.value(obs)

    def evaluate_actions(self, obs: torch.Tensor, actions: torch.Tensor):
        """log pi(a|s), the entropy of pi(.|s) and V(s) for stored pairs, all ``[B]``, with gradients.

        Computed in closed form (``log_softmax``; the Gaussian log-density and entropy), the same
        numbers as ``self.distribution(obs).log_prob(actions)`` and ``.entropy()`` in fewer ops.
        """
        self._check_obs(obs)
        expected = (obs.shape[0],) if self.discrete else (obs.shape[0], self.action_size)
        if not isinstance(actions, torch.Tensor) or tuple(actions.shape) != expected:
            got = tuple(actions.shape) if isinstance(actions, torch.Tensor) else type(actions).__name__
            raise ValueError(f"`actions` must be a tensor of shape {list(expected)} for {obs.shape[0]} observations, got {got}: "
                             "a [B, 1] or [B] tensor in the wrong place would broadcast the log-probabilities to [B, B].")
        return self._evaluate(obs, actions)

    def _evaluate(self, obs: torch.Tensor, actions: torch.Tensor):
        # evaluate_actions without the input checks: the update calls it once per minibatch
        x = self._prepare(obs)
        out = self.actor(x)
        if self.discrete:
            log_p = out.log_softmax(-1)
            log_probs = log_p.gather(-1, actions.unsqueeze(-1)).squeeze(-1)
            entropy = -(log_p.exp() * log_p).sum(-1)
        else:
            log_std = self.log_std.expand_as(out)
            log_probs = (-0.5 * ((actions - out) * torch.exp(-log_std)) ** 2 - log_std - _HALF_LOG_2PI).sum(-1)
            entropy = (log_std + 0.5 + _HALF_LOG_2PI).sum(-1)  # a state-independent std: the same at every state
        return log_probs, entropy, self.critic(x).squeeze(-1)

    def _check_obs(self, obs) -> None:
        check.tensor("obs", obs, ndim=2)
        dtype = self.critic[0].weight.dtype
        if obs.dtype != dtype:
            raise TypeError(f"`obs` has dtype {obs.dtype} but the agent's weights are {dtype}: convert with "
                            f"torch.as_tensor(obs, dtype={dtype}).")
        if obs.shape[1] != self.obs_size:
            raise ValueError(f"`obs` must be [B, {self.obs_size}] for this agent, got shape {tuple(obs.shape)}. "
                             "Add a batch dimension with obs[None] for a single observation.")


def check_finite_policy(params: torch.Tensor) -> None:
    """Raise ``FloatingPointError`` if the policy's output ``[B, P]`` holds NaN or inf (a diverged policy)."""
    if not torch.isfinite(params).all():
        raise FloatingPointError("The policy's output is NaN or inf: training diverged. Lower the learning rate, "
                                 "keep max_grad_norm on, or check the observations and rewards for NaN or huge values.")

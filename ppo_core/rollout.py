"""Rollouts: T steps of N environments, stored time-major, and the collector that records them.

The collector samples actions from the old policy and keeps log pi_old(a_t|s_t) as it samples
(so the first ratio of the update is exactly 1), stores the real next observation of every step
(the final observation where an episode ended), and computes V(s_t) and V(s_{t+1}) once, in two
batched critic calls, after the last step.

Notebooks: 04_clipped_surrogate, 05_ppo_cartpole, 06_ppo_continuous.
"""

from __future__ import annotations

from dataclasses import dataclass, fields

import gymnasium as gym
import numpy as np
import torch

from . import _validate as check
from .agent import ActorCritic, check_finite_policy
from .envs import check_vec_env, to_env_actions
from .normalization import RewardScaler


@dataclass
class Rollout:
    """T steps of N environments; every field is ``[T, N, ...]`` (time first).

    ``terminated[t]`` and ``truncated[t]`` describe the transition that produced ``rewards[t]``;
    ``next_values[t]`` is V of the real next state, 0 where the episode terminated.

    Notebook: 05_ppo_cartpole.
    """

    observations: torch.Tensor       # [T, N, obs_size] s_t
    actions: torch.Tensor            # [T, N] (discrete) or [T, N, D] (Gaussian, unclipped)
    log_probs: torch.Tensor          # [T, N] log pi_old(a_t|s_t), stored when sampled
    values: torch.Tensor             # [T, N] V(s_t)
    rewards: torch.Tensor            # [T, N] r_t (scaled, if reward scaling is on)
    next_observations: torch.Tensor  # [T, N, obs_size] the real s_{t+1} (the final observation at an episode end)
    next_values: torch.Tensor        # [T, N] V(s_{t+1}), 0 where terminated
    terminated: torch.Tensor         # [T, N] bool
    truncated: torch.Tensor          # [T, N] bool
    policy_params: torch.Tensor | None = None  # [T, N, P] pi_old(.|s_t): logits, or Gaussian mean and log-std

    @property
    def num_steps(self) -> int:
        """T."""
        return self.rewards.shape[0]

    @property
    def num_envs(self) -> int:
        """N."""
        return self.rewards.shape[1]

    def flat(self, **extra) -> dict:
        """The fields and ``extra`` [T, N, ...] tensors reshaped to one batch dimension ``[T * N, ...]``."""
        out = {f.name: getattr(self, f.name) for f in fields(self)}
        out.update(extra)
        return {k: v.reshape(-1, *v.shape[2:]) for k, v in out.items() if v is not None}

    def check(self) -> None:
        """Raise a clear error if a field has the wrong type, shape or dtype, or holds NaN or inf."""
        check.tensor("rollout.rewards", self.rewards, ndim=2)
        shape = self.rewards.shape
        if shape[0] == 0 or shape[1] == 0:
            raise ValueError(f"The rollout is empty (rewards of shape {tuple(shape)}): collect at least one step.")
        for name in ("log_probs", "values", "next_values"):
            check.tensor(f"rollout.{name}", getattr(self, name), ndim=2)
        for name in ("terminated", "truncated"):
            check.flags(f"rollout.{name}", getattr(self, name))
        check.same_shape(**{f"rollout.{n}": getattr(self, n)
                            for n in ("rewards", "log_probs", "values", "next_values", "terminated", "truncated")})
        for name in ("observations", "next_observations", "actions") + (("policy_params",) if self.policy_params is not None else ()):
            value = getattr(self, name)
            if not isinstance(value, torch.Tensor) or tuple(value.shape[:2]) != tuple(shape):
                got = tuple(value.shape) if isinstance(value, torch.Tensor) else type(value).__name__
                raise ValueError(f"`rollout.{name}` must be a tensor of shape [T, N, ...] = [{shape[0]}, {shape[1]}, ...], got {got}.")
        for name in ("rewards", "values", "next_values", "log_probs", "observations"):
            if not torch.isfinite(getattr(self, name)).all():
                raise ValueError(f"`rollout.{name}` holds NaN or inf: PPO would train on it. Check the environment "
                                 "(rewards, observations) or whether the agent diverged.")


class RolloutCollector:
    """Steps a vector env with an agent and records :class:`Rollout` s.

    Keeps the current observations between rollouts, the running episode returns and lengths
    (of the raw, unscaled rewards) and, with ``scale_rewards``, the running std of the
    discounted return that rewards are divided by. With an agent that normalizes observations,
    each :meth:`collect` first folds the previous rollout's observations into the agent's
    statistics: they stay fixed during a rollout and its update, so the first ratio is exactly 1.

    Args:
        envs: a vector env in SAME_STEP autoreset mode (:func:`ppo_core.make_vec_env`).
        seed: seeds the environments' resets and the collector's own ``torch.Generator``, which
            samples the actions (so a rollout does not depend on other uses of torch's RNG).
        gamma: the discount used by reward scaling, in [0, 1].
        scale_rewards: divide rewards by the running std of the discounted return.

    Notebooks: 05_ppo_cartpole, 06_ppo_continuous.
    """

    def __init__(self, envs: gym.vector.VectorEnv, seed: int, gamma: float = 0.99, scale_rewards: bool = False):
        check_vec_env(envs)
        check.non_negative_int("seed", seed)
        gamma = check.discount("gamma", gamma)
        if not isinstance(scale_rewards, bool):
            raise TypeError(f"`scale_rewards` must be True or False, got {scale_rewards!r}.")
        self.envs = envs
        obs, _ = envs.reset(seed=seed)
        envs.action_space.seed(seed)
        self.obs = torch.from_numpy(np.asarray(obs, dtype=np.float32))  # [N, obs_size], shares memory with the array
        self.generator = torch.Generator().manual_seed(seed)
        self.episode_returns = np.zeros(envs.num_envs)
        self.episode_lengths = np.zeros(envs.num_envs, dtype=np.int64)
        self.reward_scaler = RewardScaler(envs.num_envs, gamma) if scale_rewards else None
        self._unfolded_observations = None  # the last rollout's observations, not yet in the agent's statistics

    @torch.no_grad()
    def collect(self, agent: ActorCritic, num_steps: int):
        """Run ``num_steps`` steps of every env; return ``(rollout, finished)``.

        ``finished`` lists the (return, length) of every episode that ended during the rollout.

        Raises:
            FloatingPointError: the policy output NaN (training diverged).
            ValueError: the env returned a NaN or inf reward or observation.
        """
        if not isinstance(agent, ActorCritic):
            raise TypeError(f"`agent` must be a ppo_core.ActorCritic, got {type(agent).__name__}.")
        agent.check_compatible(self.envs.single_observation_space, self.envs.single_action_space, "the collector's envs")
        num_steps = check.positive_int("num_steps", num_steps)
        if agent.obs_rms is not None and self._unfolded_observations is not None:
            agent.obs_rms.update(self._unfolded_observations)
        space, num_envs, size = self.envs.single_action_space, self.envs.num_envs, agent.obs_size
        obs_buf = np.empty((num_steps, num_envs, size), dtype=np.float32)
        next_obs_buf = np.empty_like(obs_buf)
        reward_buf = np.empty((num_steps, num_envs), dtype=np.float32)
        terminated_buf = np.empty((num_steps, num_envs), dtype=bool)
        truncated_buf = np.empty_like(terminated_buf)
        noise = agent.draw_noise((num_steps, num_envs), self.generator)  # the randomness of every action, drawn at once
        actions, params, finished = [], [], []
        for t in range(num_steps):
            obs_buf[t] = self.obs.numpy()
            policy_params = agent.policy_params(self.obs)  # pi_old(.|s_t): logits, or mean and log-std
            check_finite_policy(policy_params)
            action = agent.sample(policy_params, noise[t])
            actions.append(action)
            params.append(policy_params)
            next_obs, rewards, terminated, truncated, infos = self.envs.step(to_env_actions(action, space))
            _check_finite_step(next_obs, rewards, infos)
            ended = terminated | truncated
            reward_buf[t] = self._scale(rewards, ended)
            terminated_buf[t], truncated_buf[t] = terminated, truncated
            self.obs = torch.from_numpy(np.asarray(next_obs, dtype=np.float32))
            next_obs_buf[t] = next_obs
            if ended.any():  # the real s_{t+1} of an ended episode is its final observation, not the reset one
                index = np.flatnonzero(ended)
                next_obs_buf[t, index] = np.stack(infos["final_obs"][index])
            finished += self._finish_episodes(rewards, ended)
        observations, next_observations = torch.from_numpy(obs_buf), torch.from_numpy(next_obs_buf)
        terminated, actions, params = torch.from_numpy(terminated_buf), torch.stack(actions), torch.stack(params)
        self._unfolded_observations = observations
        # The networks do not change during a rollout: log pi_old from the logits stored at sampling time,
        # and V(s_t), V(s_{t+1}) in one batched critic pass instead of one per step.
        log_probs = agent.log_prob(params.reshape(-1, params.shape[-1]), actions.reshape(-1, *actions.shape[2:]))
        values = agent.value(torch.cat([observations, next_observations]).reshape(-1, size)).reshape(2, num_steps, num_envs)
        next_values = torch.where(terminated, 0.0, values[1])  # a terminal state has no future
        return Rollout(observations, actions, log_probs.reshape(num_steps, num_envs), values[0], torch.from_numpy(reward_buf),
                       next_observations, next_values, terminated, torch.from_numpy(truncated_buf), params), finished

    def _finish_episodes(self, rewards, ended) -> list:
        self.episode_returns += rewards
        self.episode_lengths += 1
        done = [(float(self.episode_returns[i]), int(self.episode_lengths[i])) for i in np.flatnonzero(ended)]
        self.episode_returns[ended] = 0.0
        self.episode_lengths[ended] = 0
        return done

    def _scale(self, rewards: np.ndarray, ended: np.ndarray) -> np.ndarray:
        rewards = rewards if self.reward_scaler is None else self.reward_scaler(rewards, ended)
        return rewards.astype(np.float32, copy=False)


def _check_finite_step(next_obs, rewards, infos) -> None:
    if not np.isfinite(rewards).all():
        raise ValueError(f"The environment returned a non-finite reward ({rewards}). PPO cannot learn from NaN or inf "
                         "rewards: fix the environment or clip its rewards with a wrapper.")
    if not np.isfinite(next_obs).all():
        raise ValueError("The environment returned a NaN or inf observation. Fix the environment, or clip or "
                         "normalize its observations with a wrapper.")

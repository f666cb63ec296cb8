"""Rollouts from gymnasium vector environments and the PPO update.

The update reads like the PPO paper's Algorithm 1: compute advantages and value targets once,
then K epochs of shuffled minibatches of the chosen surrogate, then diagnostics.

Notebooks: 05_ppo_cartpole, 06_ppo_continuous.
"""

from __future__ import annotations

from dataclasses import dataclass, fields

import gymnasium as gym
import numpy as np
import torch
from gymnasium.vector import AutoresetMode

from .advantages import gae
from .agent import ActorCritic, RunningMeanStd, check_spaces
from .config import PPOConfig
from .diagnostics import approx_kl, clip_fraction, explained_variance
from .objectives import (
    adapt_kl_coef,
    clipped_surrogate,
    importance_ratio,
    kl_penalty_surrogate,
    normalize_advantages,
    value_loss,
)


def make_vec_env(env_id: str, num_envs: int, **env_kwargs) -> gym.vector.VectorEnv:
    """A synchronous vector env with same-step autoreset.

    With ``SAME_STEP`` the step that ends an episode returns the first observation of the next
    one and puts the real final observation in ``info["final_obs"]``, so no transition crosses an
    episode boundary and a truncated step can bootstrap from V(final observation). (The default,
    ``NEXT_STEP``, instead returns a fake transition after every episode end.)
    """
    try:
        gym.spec(env_id)
    except gym.error.Error as err:
        raise ValueError(f"Unknown environment id {env_id!r} ({err}). Use a registered gymnasium id such as "
                         "'CartPole-v1' or 'Pendulum-v1' (see gymnasium.pprint_registry()).") from None
    envs = gym.make_vec(env_id, num_envs=num_envs, vectorization_mode="sync",
                        vector_kwargs={"autoreset_mode": AutoresetMode.SAME_STEP}, **env_kwargs)
    try:
        check_spaces(envs.single_observation_space, envs.single_action_space)
    except ValueError:
        envs.close()
        raise
    return envs


@dataclass
class Rollout:
    """T steps of N environments; every field is ``[T, N, ...]`` (time first)."""

    observations: torch.Tensor  # [T, N, obs_size]
    actions: torch.Tensor       # [T, N] (discrete) or [T, N, act_size], unclipped
    log_probs: torch.Tensor     # [T, N] log pi_old(a_t|s_t), stored when sampled
    values: torch.Tensor        # [T, N] V(s_t)
    rewards: torch.Tensor       # [T, N] (scaled, if reward scaling is on)
    next_values: torch.Tensor   # [T, N] V of the real next state (final observation at an episode end)
    terminated: torch.Tensor    # [T, N] bool
    truncated: torch.Tensor     # [T, N] bool

    def flat(self, **extra) -> dict:
        """The per-step fields and ``extra`` [T, N] tensors reshaped to one batch dimension [T * N, ...]."""
        out = {f.name: getattr(self, f.name) for f in fields(self)}
        out.update(extra)
        return {k: v.reshape(-1, *v.shape[2:]) for k, v in out.items()}


class RolloutCollector:
    """Steps a vector env with an agent and records :class:`Rollout` s.

    Keeps the current observations between rollouts, the running episode returns (of the raw
    rewards) and, if ``scale_rewards``, the running std of the discounted return that rewards are
    divided by (Huang et al. 2022, continuous detail 8).
    """

    def __init__(self, envs: gym.vector.VectorEnv, seed: int, gamma: float, scale_rewards: bool = False):
        self.envs, self.gamma = envs, gamma
        obs, _ = envs.reset(seed=seed)
        envs.action_space.seed(seed)
        self.obs = torch.as_tensor(obs, dtype=torch.float32)
        self.episode_returns = np.zeros(envs.num_envs)
        self.episode_lengths = np.zeros(envs.num_envs, dtype=np.int64)
        self.return_rms = RunningMeanStd(()) if scale_rewards else None
        self.discounted_returns = np.zeros(envs.num_envs)
        box = envs.single_action_space
        self.action_low = None if isinstance(box, gym.spaces.Discrete) else torch.as_tensor(box.low)
        self.action_high = None if isinstance(box, gym.spaces.Discrete) else torch.as_tensor(box.high)

    @torch.no_grad()
    def collect(self, agent: ActorCritic, num_steps: int):
        """Run ``num_steps`` steps; return the rollout and the finished episodes' (return, length) pairs."""
        num_envs = self.envs.num_envs
        obs_buf = torch.zeros((num_steps, num_envs, *self.obs.shape[1:]))
        action_buf, log_prob_buf, value_buf = [], torch.zeros(num_steps, num_envs), torch.zeros(num_steps, num_envs)
        reward_buf, next_value_buf = torch.zeros(num_steps, num_envs), torch.zeros(num_steps, num_envs)
        terminated_buf = torch.zeros(num_steps, num_envs, dtype=torch.bool)
        truncated_buf = torch.zeros(num_steps, num_envs, dtype=torch.bool)
        finished = []
        for t in range(num_steps):
            obs_buf[t] = self.obs
            actions, log_prob_buf[t], value_buf[t] = agent.act(self.obs)
            action_buf.append(actions)
            env_actions = actions if self.action_low is None else torch.clamp(actions, self.action_low, self.action_high)
            next_obs, rewards, terminated, truncated, infos = self.envs.step(env_actions.numpy())
            ended = terminated | truncated
            reward_buf[t] = torch.as_tensor(self._scale(rewards, ended), dtype=torch.float32)
            terminated_buf[t], truncated_buf[t] = torch.as_tensor(terminated), torch.as_tensor(truncated)
            self.obs = torch.as_tensor(next_obs, dtype=torch.float32)
            if ended.any():
                # V(s_{t+1}) of the real final observation, needed where the episode was truncated
                real_next = self.obs.clone()
                index = np.flatnonzero(ended)
                real_next[index] = torch.as_tensor(np.stack(infos["final_obs"][index]), dtype=torch.float32)
                next_value_buf[t] = agent.value(real_next) if truncated.any() else 0.0
            finished += self._finish_episodes(rewards, ended)
            if t > 0:
                # within an episode V(s_{t}) is also next_values[t - 1]: reuse it instead of recomputing
                keep = ~(terminated_buf[t - 1] | truncated_buf[t - 1])
                next_value_buf[t - 1] = torch.where(keep, value_buf[t], next_value_buf[t - 1])
        last_ended = terminated_buf[-1] | truncated_buf[-1]
        next_value_buf[-1] = torch.where(last_ended, next_value_buf[-1], agent.value(self.obs))
        actions = torch.stack(action_buf)
        return Rollout(obs_buf, actions, log_prob_buf, value_buf, reward_buf, next_value_buf,
                       terminated_buf, truncated_buf), finished

    def _finish_episodes(self, rewards, ended) -> list:
        self.episode_returns += rewards
        self.episode_lengths += 1
        done = [(float(self.episode_returns[i]), int(self.episode_lengths[i])) for i in np.flatnonzero(ended)]
        self.episode_returns[ended] = 0.0
        self.episode_lengths[ended] = 0
        return done

    def _scale(self, rewards: np.ndarray, ended: np.ndarray) -> np.ndarray:
        if self.return_rms is None:
            return rewards
        self.discounted_returns = self.discounted_returns * self.gamma + rewards
        self.return_rms.update(torch.as_tensor(self.discounted_returns))
        self.discounted_returns[ended] = 0.0
        return rewards / np.sqrt(self.return_rms.var.item() + 1e-8)


def ppo_update(agent: ActorCritic, optimizer: torch.optim.Optimizer, rollout: Rollout, config: PPOConfig,
               clip_eps: float, kl_coef: float, generator: torch.Generator | None = None,
               record_ratios: bool = False) -> dict:
    """One PPO update on a rollout (PPO paper, Algorithm 1, the "optimize surrogate" line).

    Returns a dict of diagnostics, including ``kl_coef``: the beta for the next update (changed
    only by the adaptive-KL objective), and with ``record_ratios`` the ratios of every sample,
    one ``[N * T]`` tensor per epoch, under ``ratios_by_epoch``.
    """
    # 1. Advantages and value targets, once, with the critic that collected the data
    advantages = gae(rollout.rewards, rollout.values, rollout.next_values, rollout.terminated, rollout.truncated,
                     config.gamma, config.gae_lambda)
    batch = rollout.flat(advantages=advantages, returns=advantages + rollout.values)
    batch_size, params = batch["rewards"].shape[0], [p for p in agent.parameters() if p.requires_grad]
    stats = dict(policy_loss=[], value_loss=[], entropy=[], approx_kl=[], clip_fraction=[])
    ratio_min, ratio_max, first_ratio, epochs_done, ratios_by_epoch = np.inf, -np.inf, None, 0, []

    # 2. K epochs of shuffled minibatches
    for epoch in range(config.num_epochs):
        order = torch.randperm(batch_size, generator=generator)
        if record_ratios:
            ratios_by_epoch.append(torch.empty(batch_size))
        for start in range(0, batch_size, config.minibatch_size):
            index = order[start:start + config.minibatch_size]
            log_probs, entropy, values = agent.evaluate_actions(batch["observations"][index], batch["actions"][index])
            old_log_probs = batch["log_probs"][index]
            ratio = importance_ratio(log_probs, old_log_probs)
            adv = batch["advantages"][index]
            if config.norm_adv:
                adv = normalize_advantages(adv)
            kl = approx_kl(log_probs, old_log_probs)  # per-sample k3, an unbiased estimate of KL[old || new]
            if config.objective == "clip":
                surrogate = clipped_surrogate(ratio, adv, clip_eps)
            elif config.objective == "none":
                surrogate = ratio * adv
            else:
                surrogate = kl_penalty_surrogate(ratio, adv, kl, kl_coef)
            v_loss = value_loss(values, batch["returns"][index])
            loss = -surrogate.mean() + config.vf_coef * v_loss.mean() - config.ent_coef * entropy.mean()

            optimizer.zero_grad(set_to_none=True)
            loss.backward()
            if config.max_grad_norm is not None:
                torch.nn.utils.clip_grad_norm_(params, config.max_grad_norm)
            optimizer.step()

            with torch.no_grad():
                if first_ratio is None:
                    first_ratio = ratio.detach().clone()
                if record_ratios:
                    ratios_by_epoch[-1][index] = ratio.detach()
                ratio_min, ratio_max = min(ratio_min, ratio.min().item()), max(ratio_max, ratio.max().item())
                for key, value in (("policy_loss", -surrogate.mean()), ("value_loss", v_loss.mean()),
                                   ("entropy", entropy.mean()), ("approx_kl", kl.mean())):
                    stats[key].append(value.item())
                stats["clip_fraction"].append(clip_fraction(ratio, clip_eps))
        epochs_done = epoch + 1
        if config.early_stop_kl is not None and stats["approx_kl"][-1] > 1.5 * config.early_stop_kl:
            break

    # 3. Diagnostics, and the adaptive beta for the next update
    with torch.no_grad():
        new_log_probs, _, _ = agent.evaluate_actions(batch["observations"], batch["actions"])
        final_kl = approx_kl(new_log_probs, batch["log_probs"]).mean().item()
    if config.objective == "kl_adaptive":
        kl_coef = adapt_kl_coef(kl_coef, max(final_kl, 0.0), config.kl_target)
    return dict(
        policy_loss=float(np.mean(stats["policy_loss"])), value_loss=float(np.mean(stats["value_loss"])),
        entropy=float(np.mean(stats["entropy"])), approx_kl=final_kl,
        clip_fraction=float(np.mean(stats["clip_fraction"])),
        explained_variance=explained_variance(batch["values"], batch["returns"]),
        ratio_min=ratio_min, ratio_max=ratio_max, first_minibatch_ratio_max_deviation=(first_ratio - 1).abs().max().item(),
        epochs=epochs_done, kl_coef=kl_coef, clip_eps=clip_eps,
        **({"ratios_by_epoch": ratios_by_epoch} if record_ratios else {}),
    )

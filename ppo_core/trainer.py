"""``train(config)``: the PPO loop, periodic deterministic evaluation, checkpoints.

Notebooks: 05_ppo_cartpole, 06_ppo_continuous.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path

import gymnasium as gym
import numpy as np
import torch

from .agent import ActorCritic
from .config import PPOConfig
from .ppo import RolloutCollector, make_vec_env, ppo_update

EVAL_SEED = 10_000  # evaluation episode i is reset with seed EVAL_SEED + i


@dataclass
class History:
    """What :func:`train` measured.

    ``updates`` has one dict per update: ``env_steps``, ``train_seconds`` (wall clock of training
    only), ``steps_per_second``, ``learning_rate``, the diagnostics of :func:`ppo_core.ppo.ppo_update`,
    ``episode_returns`` and ``episode_lengths`` of the episodes that ended during that rollout and,
    for a Gaussian policy, ``log_std`` (one value per action dimension).
    ``evals`` has one dict per evaluation: ``env_steps``, ``train_seconds``, ``eval_mean_return``,
    ``eval_std_return`` and ``eval_returns``.
    """

    config: PPOConfig
    updates: list = field(default_factory=list)
    evals: list = field(default_factory=list)

    def column(self, key: str, evals: bool = False) -> np.ndarray:
        """One diagnostic as an array over updates (or over evaluations)."""
        rows = self.evals if evals else self.updates
        return np.array([row[key] for row in rows])


@torch.no_grad()
def evaluate(agent: ActorCritic, envs: gym.vector.VectorEnv) -> np.ndarray:
    """Returns of one deterministic episode per sub-env (argmax / mean action), env i seeded EVAL_SEED + i."""
    obs, _ = envs.reset(seed=[EVAL_SEED + i for i in range(envs.num_envs)])
    returns, done = np.zeros(envs.num_envs), np.zeros(envs.num_envs, dtype=bool)
    space = envs.single_action_space
    while not done.all():
        actions, _, _ = agent.act(torch.as_tensor(obs, dtype=torch.float32), deterministic=True)
        actions = actions.numpy()
        if isinstance(space, gym.spaces.Box):
            actions = np.clip(actions, space.low, space.high)
        obs, rewards, terminated, truncated, _ = envs.step(actions)
        returns += np.where(done, 0.0, rewards)
        done |= terminated | truncated
    return returns


def make_agent(config: PPOConfig, envs: gym.vector.VectorEnv) -> ActorCritic:
    return ActorCritic(envs.single_observation_space, envs.single_action_space, config.hidden_sizes,
                       config.init_log_std, config.norm_obs)


def train(config: PPOConfig, progress: bool = True, callback=None):
    """Train a PPO agent; return ``(agent, history)``.

    Args:
        config: the hyperparameters.
        progress: show a progress bar (tqdm.auto: a widget in notebooks, text in terminals).
        callback: optional ``callback(agent, row)`` called after every update with its history row.

    The same config (seed included) gives the same numbers on the same machine.
    """
    if not isinstance(config, PPOConfig):
        raise TypeError(f"`config` must be a PPOConfig, got {type(config).__name__}. Build one with PPOConfig(...).")
    torch.manual_seed(config.seed)
    generator = torch.Generator().manual_seed(config.seed)
    envs = make_vec_env(config.env_id, config.num_envs)
    eval_envs = make_vec_env(config.env_id, config.eval_episodes)
    agent = make_agent(config, envs)
    # fused=True: one kernel for all parameters instead of ~10 small ops per tensor (15% of the update here)
    optimizer = torch.optim.Adam(agent.parameters(), lr=config.learning_rate, eps=config.adam_eps, fused=True)
    collector = RolloutCollector(envs, config.seed, config.gamma, config.scale_rewards)
    history = History(config)
    kl_coef, env_steps, train_seconds = config.kl_coef, 0, 0.0
    next_eval = config.eval_every if config.eval_every else float("inf")
    bar = _progress_bar(config, progress)
    threads = torch.get_num_threads()
    # The networks are tiny: waking a thread pool for every small op costs more than the math
    # (up to 20x slower on a busy 2-core machine), so training runs on one thread.
    torch.set_num_threads(1)
    try:
        if config.eval_every:
            _record_eval(history, agent, eval_envs, 0, 0.0)  # the untrained policy: the start of the learning curve
        for update in range(config.num_updates):
            start = time.perf_counter()
            remaining = 1.0 - update / config.num_updates  # linear annealing, never reaching 0
            learning_rate = config.learning_rate * (remaining if config.anneal_lr else 1.0)
            clip_eps = config.clip_eps * (remaining if config.anneal_clip else 1.0)
            for group in optimizer.param_groups:
                group["lr"] = learning_rate
            rollout, finished = collector.collect(agent, config.num_steps)
            stats = ppo_update(agent, optimizer, rollout, config, clip_eps, kl_coef, generator)
            kl_coef = stats["kl_coef"]
            if agent.obs_rms is not None:  # fixed during a rollout and its update, so the first ratio is exactly 1
                agent.obs_rms.update(rollout.observations)
            elapsed = time.perf_counter() - start
            train_seconds += elapsed
            env_steps += config.batch_size
            row = dict(update=update + 1, env_steps=env_steps, train_seconds=train_seconds,
                       steps_per_second=config.batch_size / elapsed, learning_rate=learning_rate,
                       episode_returns=[r for r, _ in finished], episode_lengths=[n for _, n in finished], **stats)
            if not agent.discrete:
                row["log_std"] = agent.log_std.detach().tolist()  # the Gaussian policy's exploration, per action dim
            history.updates.append(row)
            if env_steps >= next_eval or update + 1 == config.num_updates:
                _record_eval(history, agent, eval_envs, env_steps, train_seconds)
                next_eval = env_steps + config.eval_every if config.eval_every else float("inf")
            if bar is not None:
                bar.update(config.batch_size)
                if history.evals:
                    bar.set_postfix(eval=f"{history.evals[-1]['eval_mean_return']:.1f}")
            if callback is not None:
                callback(agent, row)
    finally:
        torch.set_num_threads(threads)
        envs.close()
        eval_envs.close()
        if bar is not None:
            bar.close()
    return agent, history


def _record_eval(history, agent, eval_envs, env_steps, train_seconds):
    returns = evaluate(agent, eval_envs)
    history.evals.append(dict(env_steps=env_steps, train_seconds=train_seconds, eval_mean_return=float(returns.mean()),
                              eval_std_return=float(returns.std()), eval_returns=returns.tolist()))


def _progress_bar(config, progress):
    if not progress:
        return None
    from tqdm.auto import tqdm

    return tqdm(total=config.num_updates * config.batch_size, desc=f"PPO on {config.env_id}", unit="step", leave=False)


def save_checkpoint(path, agent: ActorCritic, config: PPOConfig) -> None:
    """Save the agent's weights (and observation statistics) with its config."""
    torch.save({"format": 1, "config": config.to_dict(), "state_dict": agent.state_dict()}, Path(path))


def load_checkpoint(path):
    """Load ``(agent, config)`` saved by :func:`save_checkpoint` (``weights_only=True``: no code is unpickled)."""
    data = torch.load(Path(path), weights_only=True)
    if not isinstance(data, dict) or data.get("format") != 1:
        raise ValueError(f"{path} is not a ppo_core checkpoint (save one with ppo_core.save_checkpoint).")
    config = PPOConfig.from_dict(data["config"])
    env = gym.make(config.env_id)
    try:
        agent = ActorCritic(env.observation_space, env.action_space, config.hidden_sizes, config.init_log_std, config.norm_obs)
    finally:
        env.close()
    agent.load_state_dict(data["state_dict"])
    return agent, config

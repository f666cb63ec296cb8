"""``train(config)``: the PPO loop, periodic deterministic evaluation, checkpoints.

Notebooks: 05_ppo_cartpole, 06_ppo_continuous.
"""

from __future__ import annotations

import os
import time
import warnings
from dataclasses import dataclass, field
from pathlib import Path

import gymnasium as gym
import numpy as np
import torch

from . import _validate as check
from .agent import ActorCritic
from .config import PPOConfig
from .envs import check_vec_env, make_vec_env, to_env_actions
from .ppo import UpdateStats, advantage_batch, after_update, flat_parameters, ppo_update
from .rollout import RolloutCollector

EVAL_SEED = 10_000  # evaluation episode i is reset with seed EVAL_SEED + i


@dataclass
class History:
    """What :func:`train` measured.

    ``updates`` has one dict per update: ``update``, ``env_steps``, ``train_seconds`` (wall clock
    of training only), ``steps_per_second``, ``learning_rate``, the fields of
    :class:`ppo_core.ppo.UpdateStats`, ``episode_returns`` and ``episode_lengths`` of the episodes
    that ended during that rollout and, for a Gaussian policy, ``log_std`` (one value per action
    dimension). ``evals`` has one dict per evaluation: ``env_steps``, ``train_seconds``,
    ``eval_mean_return``, ``eval_std_return`` and ``eval_returns``.

    Notebook: 05_ppo_cartpole.
    """

    config: PPOConfig
    updates: list = field(default_factory=list)
    evals: list = field(default_factory=list)

    def column(self, key: str, evals: bool = False) -> np.ndarray:
        """One quantity as an array over updates (or over evaluations with ``evals=True``)."""
        rows = self.evals if evals else self.updates
        if rows and key not in rows[0]:
            raise KeyError(f"History has no column {key!r}; the columns are: {', '.join(rows[0])}.")
        return np.array([row[key] for row in rows])

    def episode_returns(self) -> np.ndarray:
        """The returns of every training episode, in the order they ended."""
        return np.array([r for row in self.updates for r in row["episode_returns"]])


@torch.no_grad()
def evaluate(agent: ActorCritic, envs: gym.vector.VectorEnv, max_steps: int = 10_000) -> np.ndarray:
    """Returns of one deterministic episode per sub-env (argmax or mean action), env i reset with seed 10000 + i.

    Args:
        agent: the actor-critic to evaluate (only its actor runs).
        envs: a vector env in SAME_STEP mode with the agent's spaces; one episode per sub-env.
        max_steps: stop after this many steps; unfinished episodes then count with their partial
            return, and a warning says so (give the env a TimeLimit).

    Returns:
        ``[num_envs]`` float64 episode returns.

    Notebook: 05_ppo_cartpole.
    """
    if not isinstance(agent, ActorCritic):
        raise TypeError(f"`agent` must be a ppo_core.ActorCritic, got {type(agent).__name__}.")
    check_vec_env(envs)
    agent.check_compatible(envs.single_observation_space, envs.single_action_space, "envs")
    max_steps = check.positive_int("max_steps", max_steps)
    obs, _ = envs.reset(seed=[EVAL_SEED + i for i in range(envs.num_envs)])
    returns, done = np.zeros(envs.num_envs), np.zeros(envs.num_envs, dtype=bool)
    for _ in range(max_steps):
        actions, _, _ = agent.act(torch.as_tensor(obs, dtype=torch.float32), deterministic=True)
        obs, rewards, terminated, truncated, _ = envs.step(to_env_actions(actions, envs.single_action_space))
        returns += np.where(done, 0.0, rewards)
        done |= terminated | truncated
        if done.all():
            return returns
    warnings.warn(f"evaluate: {int((~done).sum())} of {envs.num_envs} episodes did not end within max_steps={max_steps}; "
                  "their returns are partial. Wrap the env in gymnasium.wrappers.TimeLimit or raise max_steps.", stacklevel=2)
    return returns


def make_agent(config: PPOConfig, envs: gym.vector.VectorEnv) -> ActorCritic:
    """The :class:`ActorCritic` that ``config`` describes, for the spaces of ``envs``.

    Notebook: 05_ppo_cartpole.
    """
    if not isinstance(config, PPOConfig):
        raise TypeError(f"`config` must be a PPOConfig, got {type(config).__name__}. Build one with PPOConfig.for_env(env_id).")
    if not isinstance(envs, gym.vector.VectorEnv):
        raise TypeError(f"`envs` must be a gymnasium vector env, got {type(envs).__name__}. "
                        "Build one with ppo_core.make_vec_env(env_id, num_envs).")
    return ActorCritic(envs.single_observation_space, envs.single_action_space, config.hidden_sizes,
                       config.init_log_std, config.norm_obs)


def train(config: PPOConfig, progress: bool = True, callback=None, update=None):
    """Train a PPO agent; return ``(agent, history)``.

    Args:
        config: the hyperparameters.
        progress: show a progress bar (tqdm.auto: a widget in notebooks, text in terminals).
        callback: optional ``callback(agent, row)`` called after every update with its history row.
        update: optional ``update(agent, optimizer, batch, config, clip_eps, generator)`` to use instead of
            :func:`ppo_update`'s epochs: ``batch`` is :func:`ppo_core.ppo.advantage_batch`'s dict of
            ``[T * N]`` tensors (advantages and returns computed). Notebook 05's capstone plugs in a
            student's loop here; the history then records only what can be measured after the update.

    Returns:
        ``(agent, history)``: the trained :class:`ActorCritic` and a :class:`History`.

    The same config (seed included) gives the same numbers on the same machine.

    Notebook: 05_ppo_cartpole.
    """
    if not isinstance(config, PPOConfig):
        raise TypeError(f"`config` must be a PPOConfig, got {type(config).__name__}. Build one with PPOConfig.for_env(env_id).")
    if update is not None and not callable(update):
        raise TypeError(f"`update` must be a function update(agent, optimizer, batch, config, clip_eps, generator) or None, "
                        f"got {type(update).__name__}.")
    if callback is not None and not callable(callback):
        raise TypeError(f"`callback` must be a function callback(agent, row) or None, got {type(callback).__name__}.")
    if not isinstance(progress, bool):  # checked again by _progress_bar; here, before any env is opened
        raise TypeError(f"`progress` must be True or False, got {progress!r}.")
    threads = torch.get_num_threads()
    # The networks are tiny: waking a thread pool for every small op costs more than the math
    # (up to 20x slower on a busy 2-core machine), so training runs on one thread. It is set before the
    # agent is built because the initial weights differ in the last bits with the thread count: the same
    # config gives the same numbers in this process, in a worker process and in a Ray task.
    torch.set_num_threads(1)
    try:
        return _train(config, progress, callback, update)
    finally:
        torch.set_num_threads(threads)


def _train(config, progress, callback, update):
    torch.manual_seed(config.seed)
    generator = torch.Generator().manual_seed(config.seed)
    envs = make_vec_env(config.env_id, config.num_envs)
    eval_envs = make_vec_env(config.env_id, config.eval_episodes)
    agent = make_agent(config, envs)
    # one flat tensor of parameters and fused=True: Adam is one kernel call on one tensor per step (a custom
    # update gets an ordinary optimizer over the agent's parameters, which its own zero_grad cannot unlink)
    parameters = [flat_parameters(agent)] if update is None else agent.parameters()
    optimizer = torch.optim.Adam(parameters, lr=config.learning_rate, eps=config.adam_eps, fused=True)
    collector = RolloutCollector(envs, config.seed, config.gamma, config.scale_rewards)
    history = History(config)
    kl_coef, env_steps, train_seconds = config.kl_coef, 0, 0.0
    next_eval = config.eval_every if config.eval_every else float("inf")
    bar = _progress_bar(config, progress)
    try:
        if config.eval_every:
            _record_eval(history, agent, eval_envs, 0, 0.0)  # the untrained policy: the start of the learning curve
        for index in range(config.num_updates):
            start = time.perf_counter()
            remaining = 1.0 - index / config.num_updates  # linear annealing, never reaching 0
            learning_rate = config.learning_rate * (remaining if config.anneal_lr else 1.0)
            clip_eps = config.clip_eps * (remaining if config.anneal_clip else 1.0)
            for group in optimizer.param_groups:
                group["lr"] = learning_rate
            try:
                rollout, finished = collector.collect(agent, config.num_steps)
                if update is None:
                    stats = ppo_update(agent, optimizer, rollout, config, clip_eps, kl_coef, generator)
                else:
                    stats = _custom_update(update, agent, optimizer, rollout, config, clip_eps, kl_coef, generator)
            except FloatingPointError as err:
                raise FloatingPointError(f"train, update {index + 1} of {config.num_updates} ({env_steps} env steps): {err}") from None
            kl_coef = stats.kl_coef
            elapsed = time.perf_counter() - start
            train_seconds += elapsed
            env_steps += config.batch_size
            row = dict(update=index + 1, env_steps=env_steps, train_seconds=train_seconds,
                       steps_per_second=config.batch_size / elapsed, learning_rate=learning_rate,
                       episode_returns=[r for r, _ in finished], episode_lengths=[n for _, n in finished], **stats.as_dict())
            if not agent.discrete:
                row["log_std"] = agent.log_std.detach().tolist()  # the Gaussian policy's exploration, per action dim
            history.updates.append(row)
            if env_steps >= next_eval or index + 1 == config.num_updates:
                _record_eval(history, agent, eval_envs, env_steps, train_seconds)
                next_eval = env_steps + config.eval_every if config.eval_every else float("inf")
            if bar is not None:
                bar.update(config.batch_size)
                if history.evals:
                    bar.set_postfix(eval=f"{history.evals[-1]['eval_mean_return']:.1f}")
            if callback is not None:
                callback(agent, row)
    finally:
        envs.close()
        eval_envs.close()
        if bar is not None:
            bar.close()
    return agent, history


def _custom_update(update, agent, optimizer, rollout, config, clip_eps, kl_coef, generator) -> UpdateStats:
    batch = advantage_batch(rollout, config)
    update(agent, optimizer, batch, config, clip_eps, generator)
    for p in agent.parameters():
        if not torch.isfinite(p).all():
            raise FloatingPointError("the custom update left NaN or inf in the agent's parameters.")
    nan = float("nan")
    return UpdateStats(policy_loss=nan, value_loss=nan, entropy=nan, clip_fraction=nan, ratio_min=nan, ratio_max=nan,
                       first_minibatch_ratio_max_deviation=nan, epochs=config.num_epochs, clip_eps=clip_eps,
                       **after_update(agent, batch, config, kl_coef))


def _record_eval(history, agent, eval_envs, env_steps, train_seconds):
    returns = evaluate(agent, eval_envs)
    history.evals.append(dict(env_steps=env_steps, train_seconds=train_seconds, eval_mean_return=float(returns.mean()),
                              eval_std_return=float(returns.std()), eval_returns=returns.tolist()))


def _progress_bar(config, progress):
    if not isinstance(progress, bool):
        raise TypeError(f"`progress` must be True or False, got {progress!r}.")
    if not progress:
        return None
    from tqdm.auto import tqdm

    return tqdm(total=config.num_updates * config.batch_size, desc=f"PPO on {config.env_id}", unit="step", leave=False)


CHECKPOINT_FORMAT = 1


def _check_path(path) -> None:
    if not isinstance(path, (str, os.PathLike)):
        raise TypeError(f"`path` must be a file name (str or pathlib.Path), got {type(path).__name__}.")


def save_checkpoint(path, agent: ActorCritic, config: PPOConfig) -> None:
    """Save the agent's weights (and observation statistics) with its config to ``path``.

    Notebook: 05_ppo_cartpole.
    """
    if not isinstance(agent, ActorCritic):
        raise TypeError(f"`agent` must be a ppo_core.ActorCritic, got {type(agent).__name__}.")
    if not isinstance(config, PPOConfig):
        raise TypeError(f"`config` must be the PPOConfig the agent was trained with, got {type(config).__name__}.")
    _check_path(path)
    path = Path(path)
    if not path.parent.is_dir():
        raise FileNotFoundError(f"Cannot save the checkpoint to {path}: the folder {path.parent} does not exist.")
    torch.save({"format": CHECKPOINT_FORMAT, "config": config.to_dict(), "state_dict": agent.state_dict()}, path)


def load_checkpoint(path):
    """Load ``(agent, config)`` saved by :func:`save_checkpoint` (``weights_only=True``: no code is unpickled).

    Notebook: 05_ppo_cartpole.
    """
    _check_path(path)
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"No checkpoint at {path}. Save one with ppo_core.save_checkpoint(path, agent, config).")
    not_ours = f"{path} is not a ppo_core checkpoint (save one with ppo_core.save_checkpoint(path, agent, config))"
    try:
        data = torch.load(path, weights_only=True)
    except OSError:
        raise
    except Exception as err:  # weights_only: nothing was executed; any other failure means "not a checkpoint"
        raise ValueError(f"{not_ours}: torch.load could not read it ({type(err).__name__}).") from None
    if (not isinstance(data, dict) or data.get("format") != CHECKPOINT_FORMAT or not {"config", "state_dict"} <= set(data)
            or not isinstance(data["config"], dict) or not isinstance(data["state_dict"], dict)):
        raise ValueError(f"{not_ours}.")
    try:
        config = PPOConfig.from_dict(data["config"])
    except (TypeError, ValueError) as err:
        raise ValueError(f"{path}: the saved config is invalid: {err}") from None
    try:
        env = gym.make(config.env_id)
    except gym.error.Error as err:
        raise ValueError(f"{path}: the saved config's env_id {config.env_id!r} cannot be made ({err}); register the "
                         "environment (gymnasium.register) before loading the checkpoint.") from None
    try:
        agent = ActorCritic(env.observation_space, env.action_space, config.hidden_sizes, config.init_log_std, config.norm_obs)
    finally:
        env.close()
    try:
        agent.load_state_dict(data["state_dict"])
    except RuntimeError as err:
        raise ValueError(f"{path}: the saved weights do not fit the agent its config describes ({err}).") from None
    return agent, config

"""Gymnasium vector environments the way PPO needs them: same-step autoreset, supported spaces.

With ``AutoresetMode.SAME_STEP`` the step that ends an episode returns the first observation of
the next one and puts the real final observation in ``info["final_obs"]``: no stored transition
crosses an episode boundary, and a truncated step can bootstrap from V(final observation).
Gymnasium's default, ``NEXT_STEP``, instead returns a fake transition (reward 0, both flags
false) after every episode end, which must never be trained on.

Notebooks: 04_clipped_surrogate, 05_ppo_cartpole, 06_ppo_continuous.
"""

from __future__ import annotations

import gymnasium as gym
import numpy as np
import torch
from gymnasium.vector import AutoresetMode

from . import _validate as check


def make_vec_env(env_id: str, num_envs: int, **env_kwargs) -> gym.vector.VectorEnv:
    """A synchronous vector env of ``num_envs`` copies of ``env_id`` with same-step autoreset.

    Args:
        env_id: a registered gymnasium id with a flat Box observation space and a Discrete or
            1-D Box action space, e.g. ``"CartPole-v1"`` or ``"Pendulum-v1"``.
        num_envs: N, the number of parallel environments, >= 1.
        **env_kwargs: passed to every ``gym.make`` (e.g. ``max_episode_steps=100``).

    Returns:
        a ``gymnasium.vector.SyncVectorEnv`` whose steps return ``[N, ...]`` arrays.

    Notebook: 05_ppo_cartpole.
    """
    if not isinstance(env_id, str) or not env_id:
        raise TypeError(f"`env_id` must be a gymnasium id such as 'CartPole-v1', got {env_id!r}.")
    num_envs = check.positive_int("num_envs", num_envs)
    try:
        gym.spec(env_id)
    except gym.error.Error as err:
        raise ValueError(f"Unknown environment id {env_id!r} ({err}). `env_id` must be a registered gymnasium id such as "
                         "'CartPole-v1' or 'Pendulum-v1' (see gymnasium.pprint_registry()).") from None
    try:
        envs = gym.make_vec(env_id, num_envs=num_envs, vectorization_mode="sync",
                            vector_kwargs={"autoreset_mode": AutoresetMode.SAME_STEP}, **env_kwargs)
    except TypeError as err:
        if not env_kwargs:
            raise
        raise TypeError(f"make_vec_env: {env_id!r} does not accept the keyword arguments `**env_kwargs` = {env_kwargs} "
                        f"({err}). Pass only arguments of the environment's constructor or of gymnasium.make "
                        "(e.g. max_episode_steps=100).") from None
    try:
        check_vec_env(envs)
    except ValueError:
        envs.close()
        raise
    return envs


def check_vec_env(envs) -> None:
    """Raise a clear error unless ``envs`` is a gymnasium vector env in SAME_STEP mode with supported spaces.

    Notebook: 05_ppo_cartpole.
    """
    if not isinstance(envs, gym.vector.VectorEnv):
        raise TypeError(f"`envs` must be a gymnasium vector env, got {type(envs).__name__}. "
                        "Build one with ppo_core.make_vec_env(env_id, num_envs).")
    mode = envs.metadata.get("autoreset_mode", AutoresetMode.NEXT_STEP)
    if mode != AutoresetMode.SAME_STEP:
        raise ValueError(f"`envs` uses autoreset mode {getattr(mode, 'name', mode)}; ppo_core needs SAME_STEP, where the "
                         "step that ends an episode carries the real final observation in info['final_obs'] and no fake "
                         "transition follows. Build it with ppo_core.make_vec_env(env_id, num_envs), or pass "
                         "vector_kwargs={'autoreset_mode': gymnasium.vector.AutoresetMode.SAME_STEP} to gymnasium.make_vec.")
    check_spaces(envs.single_observation_space, envs.single_action_space)


def check_spaces(observation_space: gym.Space, action_space: gym.Space) -> None:
    """Raise a clear error for spaces the agent does not support.

    Supported: a flat ``Box`` observation space; a ``Discrete(n, start=s)`` action space (the
    policy picks an index 0..n-1, the env receives s + index) or a 1-D ``Box`` action space.

    Notebook: 05_ppo_cartpole.
    """
    if not isinstance(observation_space, gym.spaces.Box) or len(observation_space.shape) != 1:
        raise ValueError(f"Only flat Box observation spaces are supported, got {observation_space}. "
                         "Wrap the environment with gymnasium.wrappers.FlattenObservation first.")
    if isinstance(action_space, gym.spaces.Discrete):
        return
    if isinstance(action_space, gym.spaces.Box) and len(action_space.shape) == 1:
        if not (np.all(np.isfinite(action_space.low)) and np.all(np.isfinite(action_space.high))):
            raise ValueError(f"The Box action space {action_space} is unbounded; ppo_core clips actions to the bounds, "
                             "so it needs finite low and high.")
        return
    raise ValueError(f"Unsupported action space {action_space}: ppo_core supports Discrete (categorical policy) "
                     "and 1-D Box (Gaussian policy) action spaces. MultiDiscrete, MultiBinary, Tuple and Dict "
                     "spaces need a different policy head.")


def to_env_actions(actions: torch.Tensor, action_space: gym.Space) -> np.ndarray:
    """What the env receives for the policy's actions ``[N]`` or ``[N, D]``.

    A Gaussian action is clipped to the Box bounds (the *unclipped* action is what the policy
    sampled and what is stored; Huang et al. 2022, continuous detail 5). A categorical index
    is shifted by the space's ``start``, so ``Discrete(3, start=1)`` receives 1, 2 or 3.

    Notebook: 06_ppo_continuous.
    """
    if not isinstance(actions, torch.Tensor):
        raise TypeError(f"`actions` must be a torch.Tensor of the policy's actions, got {type(actions).__name__}.")
    actions = actions.numpy()
    if isinstance(action_space, gym.spaces.Discrete):
        return actions + int(action_space.start) if action_space.start else actions
    if not isinstance(action_space, gym.spaces.Box):
        raise TypeError(f"`action_space` must be a gymnasium Discrete or Box space, got {action_space!r}.")
    return np.clip(actions, action_space.low, action_space.high)

"""The public API: every export is documented, nothing shadows it, and spaces are handled as declared."""

import importlib
import inspect
import pkgutil
import re
from pathlib import Path

import gymnasium as gym
import numpy as np
import pytest
import torch

import ppo_core

ROOT = Path(__file__).resolve().parent.parent


def all_submodules():
    return [name for _, name, _ in pkgutil.walk_packages(ppo_core.__path__, "ppo_core.")
            if not name.endswith("__main__")]


def test_importing_every_submodule_shadows_no_export():
    # `import ppo_core.train` once replaced the function ppo_core.train with a module: import everything first
    for name in all_submodules():
        importlib.import_module(name)
    for name in ppo_core.__all__:
        assert not inspect.ismodule(getattr(ppo_core, name)), f"ppo_core.{name} is a module, not the exported object"
    assert callable(ppo_core.train) and inspect.isfunction(ppo_core.train)


@pytest.mark.parametrize("name", ppo_core.__all__)
def test_every_export_has_a_docstring_with_its_notebook(name):
    doc = inspect.getdoc(getattr(ppo_core, name)) or ""
    assert len(doc.splitlines()) >= 2, f"{name}: a one-line summary and more"
    assert re.search(r"^Notebooks?: \d\d_\w+", doc, re.M), f"{name}: the docstring names the notebook that teaches it"


def _takes_tensors(obj) -> bool:
    target = obj.__init__ if inspect.isclass(obj) else obj
    try:
        hints = inspect.get_annotations(target, eval_str=True)
    except Exception:  # a NamedTuple's generated __init__ has none
        hints = getattr(obj, "__annotations__", {})
    return any(hint is torch.Tensor or "Tensor" in str(hint) for hint in hints.values())


@pytest.mark.parametrize("name", [n for n in ppo_core.__all__ if _takes_tensors(getattr(ppo_core, n))])
def test_docstrings_of_tensor_functions_give_shapes(name):
    doc = inspect.getdoc(getattr(ppo_core, name))
    assert re.search(r"\[(T|B|N|S|1|\.\.\.)[,\] ]", doc), f"{name}: state the shapes, e.g. [T, N] or [B]"


def test_every_notebook_named_in_a_docstring_exists():
    notebooks = {p.stem for p in ROOT.joinpath("notebooks").glob("*.ipynb")}
    for name in ppo_core.__all__:
        for stem in re.findall(r"\b(\d\d_[a-z0-9_]+)\b", inspect.getdoc(getattr(ppo_core, name))):
            assert stem in notebooks or stem == "07_table1", f"{name} names {stem}, which is not a notebook"


class OffsetDiscrete(gym.Env):
    """Actions 1, 2, 3 (Discrete(3, start=1)); the reward is the action received, so an offset bug shows."""

    observation_space = gym.spaces.Box(-1.0, 1.0, (2,), np.float32)
    action_space = gym.spaces.Discrete(3, start=1)

    def reset(self, seed=None, options=None):
        super().reset(seed=seed)
        return np.zeros(2, np.float32), {}

    def step(self, action):
        assert self.action_space.contains(action), f"the env received {action}, outside {{1, 2, 3}}"
        return np.zeros(2, np.float32), float(action), False, False, {}


gym.register("test/OffsetDiscrete-v0", entry_point=OffsetDiscrete, max_episode_steps=5)


def test_discrete_action_space_with_a_start_receives_shifted_actions():
    envs = ppo_core.make_vec_env("test/OffsetDiscrete-v0", 4)
    agent = ppo_core.ActorCritic(envs.single_observation_space, envs.single_action_space)
    rollout, finished = ppo_core.RolloutCollector(envs, seed=0).collect(agent, num_steps=10)
    assert set(rollout.actions.unique().tolist()) <= {0, 1, 2}            # the policy's indices
    torch.testing.assert_close(rollout.rewards, (rollout.actions + 1).float())  # the env received index + start
    assert len(finished) == 8 and all(length == 5 for _, length in finished)
    returns = ppo_core.evaluate(agent, envs)
    assert returns.shape == (4,) and np.all((returns >= 5) & (returns <= 15))
    envs.close()

"""Every hyperparameter of the PPO trainer in one frozen, validated dataclass.

The class defaults are tuned for CartPole-v1; ``PPOConfig.for_env(env_id)`` returns the tuned
defaults of the environments listed in ``TUNED_ENVS`` and warns, for any other id, that it falls
back to the CartPole-v1 settings.

Notebooks: 05_ppo_cartpole, 06_ppo_continuous.
"""

from __future__ import annotations

import dataclasses
import difflib
import math
import numbers
import types
import typing
import warnings
from dataclasses import dataclass, field

OBJECTIVES = ("clip", "kl_fixed", "kl_adaptive", "none")
KL_ESTIMATORS = ("exact", "k3")


@dataclass(frozen=True)
class PPOConfig:
    """Hyperparameters of :func:`ppo_core.train`; invalid values raise ``ValueError`` or ``TypeError``.

    Every field carries a one-line meaning in its metadata (``python -m ppo_core --help`` shows
    them). Build one with ``PPOConfig.for_env("Pendulum-v1", seed=1)`` to start from an
    environment's tuned defaults, and change fields with ``config.replace(...)``.

    Notebooks: 05_ppo_cartpole, 06_ppo_continuous.
    """

    env_id: str = field(default="CartPole-v1", metadata={"help": "a registered gymnasium id with a flat Box observation space and a Discrete or 1-D Box action space"})
    seed: int = field(default=0, metadata={"help": "seeds torch, the environments and the action sampling"})
    total_steps: int = field(default=50_000, metadata={"help": "environment steps to train for, over all envs, rounded up to whole rollouts of num_envs * num_steps"})
    num_envs: int = field(default=8, metadata={"help": "N, parallel environments in the vector env"})
    num_steps: int = field(default=32, metadata={"help": "T, steps per environment per rollout"})
    num_epochs: int = field(default=10, metadata={"help": "K, passes over each rollout"})
    num_minibatches: int = field(default=1, metadata={"help": "minibatches per epoch; must divide num_envs * num_steps"})
    learning_rate: float = field(default=2e-3, metadata={"help": "Adam step size at the start"})
    anneal_lr: bool = field(default=True, metadata={"help": "decay the learning rate linearly towards 0"})
    adam_eps: float = field(default=1e-5, metadata={"help": "Adam epsilon (1e-5 as in openai/baselines, not torch's 1e-8)"})
    gamma: float = field(default=0.99, metadata={"help": "discount factor, in [0, 1]"})
    gae_lambda: float = field(default=0.8, metadata={"help": "GAE lambda, in [0, 1]"})
    objective: str = field(default="clip", metadata={"help": "clip | kl_fixed | kl_adaptive | none (PPO paper, Table 1)"})
    clip_eps: float = field(default=0.2, metadata={"help": "epsilon of the clipped surrogate, > 0"})
    anneal_clip: bool = field(default=True, metadata={"help": "decay clip_eps linearly with the learning rate (an rl-zoo choice, not the paper's)"})
    clip_value_loss: bool = field(default=False, metadata={"help": "clip the value loss around the old values with clip_eps (PPO2's variant)"})
    kl_coef: float = field(default=1.0, metadata={"help": "beta of the KL penalty (the initial beta for kl_adaptive)"})
    kl_target: float = field(default=0.01, metadata={"help": "d_targ of the adaptive-beta rule (kl_adaptive only)"})
    kl_estimator: str = field(default="exact", metadata={"help": "exact | k3: the KL in the penalty, exact between the two distributions (the paper) or the k3 estimate"})
    early_stop_kl: float | None = field(default=None, metadata={"help": "stop the epochs once the k3 KL of a minibatch exceeds 1.5 x this (CleanRL's and SB3's target_kl; none: never)"})
    ent_coef: float = field(default=0.01, metadata={"help": "c2, weight of the entropy bonus"})
    vf_coef: float = field(default=0.5, metadata={"help": "c1, weight of the value loss"})
    max_grad_norm: float | None = field(default=0.5, metadata={"help": "global gradient-norm clip (none: off)"})
    norm_adv: bool = field(default=True, metadata={"help": "normalize advantages per minibatch"})
    hidden_sizes: tuple = field(default=(64, 64), metadata={"help": "hidden layer widths of actor and critic (tanh)"})
    init_log_std: float = field(default=0.0, metadata={"help": "initial log standard deviation of a Gaussian policy"})
    norm_obs: bool = field(default=True, metadata={"help": "normalize observations by running mean and std"})
    scale_rewards: bool = field(default=True, metadata={"help": "divide rewards by the running std of the discounted return"})
    eval_every: int = field(default=5_000, metadata={"help": "evaluate every this many env steps (0: only at the end)"})
    eval_episodes: int = field(default=10, metadata={"help": "deterministic evaluation episodes, episode i seeded 10000 + i"})

    @classmethod
    def for_env(cls, env_id: str, **overrides) -> "PPOConfig":
        """The tuned defaults of ``env_id`` with ``overrides`` applied.

        For an environment without tuned defaults (see ``TUNED_ENVS``) this warns and uses the
        CartPole-v1 defaults; pass overrides (``num_steps``, ``learning_rate``, ``gamma``, ...) to
        adapt them.
        """
        if not isinstance(env_id, str) or not env_id:
            raise TypeError(f"PPOConfig.for_env: `env_id` must be a gymnasium id such as 'CartPole-v1', got {env_id!r}.")
        _check_names(overrides, "PPOConfig.for_env")
        base = dict(TUNED_ENVS.get(env_id, {}))
        base.update(overrides)
        return cls(env_id=env_id, **base)

    @property
    def batch_size(self) -> int:
        """N * T, transitions per rollout."""
        return self.num_envs * self.num_steps

    @property
    def minibatch_size(self) -> int:
        """Transitions per minibatch: batch_size / num_minibatches."""
        return self.batch_size // self.num_minibatches

    @property
    def num_updates(self) -> int:
        """Rollout-and-update iterations: total_steps rounded up to whole rollouts."""
        return math.ceil(self.total_steps / self.batch_size)

    def replace(self, **changes) -> "PPOConfig":
        """A copy with ``changes`` applied (validated like a new config)."""
        _check_names(changes, "PPOConfig.replace")
        return dataclasses.replace(self, **changes)

    def to_dict(self) -> dict:
        """The fields as a JSON-friendly dict (tuples become lists)."""
        return {f.name: (list(v) if isinstance(v := getattr(self, f.name), tuple) else v) for f in dataclasses.fields(self)}

    @classmethod
    def from_dict(cls, values: dict) -> "PPOConfig":
        """The inverse of :meth:`to_dict`."""
        if not isinstance(values, dict):
            raise TypeError(f"PPOConfig.from_dict needs a dict, got {type(values).__name__}.")
        _check_names(values, "PPOConfig.from_dict")
        values = dict(values)
        if isinstance(values.get("hidden_sizes"), list):
            values["hidden_sizes"] = tuple(values["hidden_sizes"])
        return cls(**values)

    def __post_init__(self):
        hints = typing.get_type_hints(PPOConfig)
        for f in dataclasses.fields(self):
            _check_field(f.name, getattr(self, f.name), hints[f.name])
        if self.batch_size % self.num_minibatches:
            _fail(f"num_minibatches={self.num_minibatches} must divide the batch num_envs * num_steps = {self.batch_size}.")
        if self.minibatch_size < 2 and self.norm_adv:
            _fail("minibatches of 1 sample cannot be normalized: use fewer minibatches or norm_adv=False.")
        if self.total_steps < self.batch_size:
            _fail(f"total_steps={self.total_steps} is less than one rollout (num_envs * num_steps = {self.batch_size}); "
                  "raise total_steps or shorten the rollout.")
        if self.objective == "kl_adaptive" and self.kl_coef <= 0:
            _fail("the adaptive KL penalty needs an initial kl_coef > 0 (the paper starts at 1).")
        _warn_about_defaults(self)


class ConfigWarning(UserWarning):
    """A PPOConfig that is valid but probably not what was meant (e.g. untuned defaults)."""


_POSITIVE_INTS = ("total_steps", "num_envs", "num_steps", "num_epochs", "num_minibatches", "eval_episodes")
_CHOICES = {"objective": OBJECTIVES, "kl_estimator": KL_ESTIMATORS}
_RANGES = {  # name: (low, low is excluded, high)
    "gamma": (0.0, False, 1.0), "gae_lambda": (0.0, False, 1.0),
    "learning_rate": (0.0, True, None), "clip_eps": (0.0, True, None), "adam_eps": (0.0, True, None),
    "kl_target": (0.0, True, None), "kl_coef": (0.0, False, None), "ent_coef": (0.0, False, None),
    "vf_coef": (0.0, False, None), "max_grad_norm": (0.0, True, None), "early_stop_kl": (0.0, True, None),
    "init_log_std": (None, False, None),
}


def _fail(message, kind=ValueError):
    raise kind(f"PPOConfig: {message}")


def _check_field(name, value, kind):
    optional = typing.get_origin(kind) in (typing.Union, types.UnionType)
    if optional and value is None:
        return
    if name == "hidden_sizes":
        if not isinstance(value, tuple) or not value or not all(isinstance(h, int) and not isinstance(h, bool) and h > 0 for h in value):
            _fail(f"`hidden_sizes` must be a non-empty tuple of positive ints, e.g. (64, 64), got {value!r}.")
    elif name == "env_id":
        if not isinstance(value, str) or not value:
            _fail(f"`env_id` must be a gymnasium id such as 'CartPole-v1', got {value!r}.", TypeError)
    elif name in _CHOICES:
        if value not in _CHOICES[name]:
            _fail(f"`{name}` must be one of {_CHOICES[name]}, got {value!r}.")
    elif kind is bool:
        if not isinstance(value, bool):
            _fail(f"`{name}` must be True or False, got {value!r}.", TypeError)
    elif name in _POSITIVE_INTS or name in ("seed", "eval_every"):
        if isinstance(value, bool) or not isinstance(value, numbers.Integral):
            _fail(f"`{name}` must be an int, got {value!r}.", TypeError)
        if name in _POSITIVE_INTS and value <= 0:
            _fail(f"`{name}` must be a positive int, got {value!r}.")
        if value < 0:
            _fail(f"`{name}` must be an int >= 0, got {value!r}" + (" (0: evaluate only at the end)." if name == "eval_every" else "."))
    else:
        if isinstance(value, bool) or not isinstance(value, numbers.Real):
            _fail(f"`{name}` must be a number, got {value!r}" + (" (or None)." if optional else "."), TypeError)
        if not math.isfinite(value):
            _fail(f"`{name}` must be finite, got {value!r}.")
        low, open_low, high = _RANGES[name]
        if low is not None and (value < low or (open_low and value == low)):
            _fail(f"`{name}` must be {'>' if open_low else '>='} {low}, got {value!r}" + (" (or None to turn it off)." if optional else "."))
        if high is not None and value > high:
            _fail(f"`{name}` must lie in [{low}, {high}], got {value!r}.")


def _check_names(values: dict, where: str) -> None:
    names = [f.name for f in dataclasses.fields(PPOConfig)]
    for key in values:
        if key not in names:
            close = difflib.get_close_matches(key, names, n=1)
            hint = f" Did you mean `{close[0]}`?" if close else f" The fields are: {', '.join(names)}."
            raise TypeError(f"{where}: PPOConfig has no field `{key}`.{hint}")


# Tuned defaults per environment: the fields that differ from the class defaults (CartPole-v1).
# CartPole-v1 (the class defaults): rl-zoo's entry (8 envs x 32 steps, one minibatch, lr and epsilon
# annealed, lambda 0.8) with 10 epochs at lr 2e-3 instead of 20 at 1e-3, gamma 0.99 instead of 0.98,
# observation normalization, reward scaling and an entropy bonus of 0.01 (0.3.0; before, about one
# seed in ten fell back below 475 for good). Pendulum-v1: rl-zoo's entry uses gSDE and 4 envs x 1024
# steps; without gSDE, shorter rollouts (8 x 128), gamma 0.95, observation normalization and reward
# scaling, and the class default initial log-std 0 (sigma = 1 torque unit, half of the action bound 2;
# 0.3.0's -0.5 swung up later). Acrobot-v1: rl-zoo's gamma and lambda with 8 x 128 steps, 4 epochs,
# normalization and reward scaling. Each was chosen over 5-10 seeds with benchmarks/benchmark.py;
# benchmarks/README.md has the measurements of every setting tried.
TUNED_ENVS = {
    "CartPole-v1": {},
    "Pendulum-v1": dict(total_steps=100_000, num_envs=8, num_steps=128, num_epochs=10, num_minibatches=8,
                        learning_rate=1e-3, gamma=0.95, gae_lambda=0.95, anneal_clip=False, norm_obs=True,
                        scale_rewards=True, ent_coef=0.0),
    "Acrobot-v1": dict(total_steps=50_000, num_envs=8, num_steps=128, num_epochs=4, num_minibatches=4,
                       learning_rate=1e-3, gamma=0.99, gae_lambda=0.94, anneal_clip=False, norm_obs=True,
                       scale_rewards=True, ent_coef=0.0),
}

_warned: set = set()


def _warn_about_defaults(config: PPOConfig) -> None:
    """Warn once per environment when a config runs an environment on settings tuned for another."""
    env_id = config.env_id
    if env_id in _warned:
        return
    tuned = TUNED_ENVS.get(env_id)
    if tuned is None:
        message = (f"PPOConfig: no tuned defaults for {env_id!r}; the fields you did not set keep the CartPole-v1 "
                   f"defaults. Tuned environments: {', '.join(TUNED_ENVS)}. Set num_envs, num_steps, learning_rate, "
                   "gamma, gae_lambda (and norm_obs, scale_rewards for continuous control) for this task.")
    elif tuned and all(getattr(config, k) == f.default for f in dataclasses.fields(PPOConfig) if (k := f.name) in tuned):
        message = (f"PPOConfig(env_id={env_id!r}) keeps the CartPole-v1 defaults; PPOConfig.for_env({env_id!r}, ...) "
                   f"starts from {env_id}'s tuned ones.")
    else:
        return
    _warned.add(env_id)
    warnings.warn(message, ConfigWarning, stacklevel=4)

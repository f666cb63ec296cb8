"""Every hyperparameter of the PPO trainer in one frozen dataclass.

The defaults solve CartPole-v1 quickly; they follow rl-baselines3-zoo's tuned CartPole-v1 entry
(8 envs x 32 steps, 20 epochs, one minibatch of 256, lr 1e-3 annealed, gamma 0.98, lambda 0.8).
``PPOConfig.for_env("Pendulum-v1")`` returns the defaults for continuous control.

Notebooks: 05_ppo_cartpole, 06_ppo_continuous.
"""

from __future__ import annotations

import dataclasses
import math
import numbers
from dataclasses import dataclass, field

OBJECTIVES = ("clip", "kl_fixed", "kl_adaptive", "none")


@dataclass(frozen=True)
class PPOConfig:
    """Hyperparameters of :func:`ppo_core.train`. Invalid combinations raise ``ValueError``."""

    env_id: str = field(default="CartPole-v1", metadata={"help": "any registered gymnasium id with a Discrete or Box action space"})
    seed: int = field(default=0, metadata={"help": "seeds torch, the environments and the action sampling"})
    total_steps: int = field(default=50_000, metadata={"help": "environment steps to train for, over all envs"})
    num_envs: int = field(default=8, metadata={"help": "N, parallel environments in the vector env"})
    num_steps: int = field(default=32, metadata={"help": "T, steps per environment per rollout"})
    num_epochs: int = field(default=20, metadata={"help": "K, passes over each rollout"})
    num_minibatches: int = field(default=1, metadata={"help": "minibatches per epoch; must divide N*T"})
    learning_rate: float = field(default=1e-3, metadata={"help": "Adam step size at the start"})
    anneal_lr: bool = field(default=True, metadata={"help": "decay the learning rate linearly to 0"})
    adam_eps: float = field(default=1e-5, metadata={"help": "Adam epsilon (1e-5 as in openai/baselines, not torch's 1e-8)"})
    gamma: float = field(default=0.98, metadata={"help": "discount factor, in [0, 1]"})
    gae_lambda: float = field(default=0.8, metadata={"help": "GAE lambda, in [0, 1]"})
    objective: str = field(default="clip", metadata={"help": "clip | kl_fixed | kl_adaptive | none (PPO paper Table 1)"})
    clip_eps: float = field(default=0.2, metadata={"help": "epsilon of the clipped surrogate, > 0"})
    anneal_clip: bool = field(default=True, metadata={"help": "decay clip_eps linearly with the learning rate"})
    kl_coef: float = field(default=1.0, metadata={"help": "beta of the KL penalty (initial beta for kl_adaptive)"})
    kl_target: float = field(default=0.01, metadata={"help": "d_targ of the adaptive-beta rule"})
    early_stop_kl: float | None = field(default=None, metadata={"help": "stop the epochs when approx_kl exceeds 1.5 x this (None: never)"})
    ent_coef: float = field(default=0.0, metadata={"help": "weight of the entropy bonus"})
    vf_coef: float = field(default=0.5, metadata={"help": "weight of the value loss"})
    max_grad_norm: float | None = field(default=0.5, metadata={"help": "global gradient-norm clip (None: off)"})
    norm_adv: bool = field(default=True, metadata={"help": "normalize advantages per minibatch"})
    hidden_sizes: tuple = field(default=(64, 64), metadata={"help": "hidden layer widths of actor and critic (tanh)"})
    init_log_std: float = field(default=0.0, metadata={"help": "initial log standard deviation of a Gaussian policy"})
    norm_obs: bool = field(default=False, metadata={"help": "normalize observations by running mean and std"})
    scale_rewards: bool = field(default=False, metadata={"help": "divide rewards by the std of the discounted return"})
    eval_every: int = field(default=5_000, metadata={"help": "evaluate every this many env steps (0: only at the end)"})
    eval_episodes: int = field(default=10, metadata={"help": "deterministic evaluation episodes, episode i seeded 10000 + i"})

    @classmethod
    def for_env(cls, env_id: str, **overrides) -> "PPOConfig":
        """The defaults for a known environment, with ``overrides`` applied."""
        base = dict(_ENV_DEFAULTS.get(env_id, {}))
        base.update(overrides)
        return cls(env_id=env_id, **base)

    @property
    def batch_size(self) -> int:
        """N * T, transitions per rollout."""
        return self.num_envs * self.num_steps

    @property
    def minibatch_size(self) -> int:
        return self.batch_size // self.num_minibatches

    @property
    def num_updates(self) -> int:
        """Rollout-and-update iterations: total_steps rounded up to whole rollouts."""
        return math.ceil(self.total_steps / self.batch_size)

    def replace(self, **changes) -> "PPOConfig":
        return dataclasses.replace(self, **changes)

    def to_dict(self) -> dict:
        return {f.name: (list(v) if isinstance(v := getattr(self, f.name), tuple) else v) for f in dataclasses.fields(self)}

    @classmethod
    def from_dict(cls, values: dict) -> "PPOConfig":
        values = dict(values)
        if "hidden_sizes" in values:
            values["hidden_sizes"] = tuple(values["hidden_sizes"])
        return cls(**values)

    def __post_init__(self):
        def fail(message):
            raise ValueError(f"PPOConfig: {message}")

        for name in ("total_steps", "num_envs", "num_steps", "num_epochs", "num_minibatches", "eval_episodes"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value <= 0:
                fail(f"`{name}` must be a positive int, got {value!r}.")
        if isinstance(self.seed, bool) or not isinstance(self.seed, numbers.Integral) or self.seed < 0:
            fail(f"`seed` must be a non-negative int, got {self.seed!r}.")
        if isinstance(self.eval_every, bool) or not isinstance(self.eval_every, numbers.Integral) or self.eval_every < 0:
            fail(f"`eval_every` must be an int >= 0 (0: evaluate only at the end), got {self.eval_every!r}.")
        if self.batch_size % self.num_minibatches:
            fail(f"num_minibatches={self.num_minibatches} must divide the batch num_envs * num_steps = {self.batch_size}.")
        if self.minibatch_size < 2 and self.norm_adv:
            fail("minibatches of 1 sample cannot be normalized: use fewer minibatches or norm_adv=False.")
        for name in ("gamma", "gae_lambda"):
            if not _real(getattr(self, name)) or not 0.0 <= getattr(self, name) <= 1.0:
                fail(f"`{name}` must be a number in [0, 1], got {getattr(self, name)!r}.")
        for name in ("learning_rate", "clip_eps", "adam_eps", "kl_target"):
            if not _real(getattr(self, name)) or getattr(self, name) <= 0:
                fail(f"`{name}` must be a number > 0, got {getattr(self, name)!r}.")
        for name in ("kl_coef", "ent_coef", "vf_coef"):
            if not _real(getattr(self, name)) or getattr(self, name) < 0:
                fail(f"`{name}` must be a number >= 0, got {getattr(self, name)!r}.")
        for name in ("max_grad_norm", "early_stop_kl"):
            value = getattr(self, name)
            if value is not None and (not _real(value) or value <= 0):
                fail(f"`{name}` must be a number > 0 or None, got {value!r}.")
        if self.objective not in OBJECTIVES:
            fail(f"`objective` must be one of {OBJECTIVES}, got {self.objective!r}.")
        if self.objective == "kl_adaptive" and self.kl_coef <= 0:
            fail("the adaptive KL penalty needs an initial kl_coef > 0 (the paper starts at 1).")
        if not _real(self.init_log_std):
            fail(f"`init_log_std` must be a number, got {self.init_log_std!r}.")
        sizes = self.hidden_sizes
        if not isinstance(sizes, tuple) or not sizes or not all(isinstance(h, int) and not isinstance(h, bool) and h > 0 for h in sizes):
            fail(f"`hidden_sizes` must be a non-empty tuple of positive ints, e.g. (64, 64), got {sizes!r}.")
        for name in ("anneal_lr", "anneal_clip", "norm_adv", "norm_obs", "scale_rewards"):
            if not isinstance(getattr(self, name), bool):
                fail(f"`{name}` must be True or False, got {getattr(self, name)!r}.")
        if not isinstance(self.env_id, str) or not self.env_id:
            fail(f"`env_id` must be a gymnasium id such as 'CartPole-v1', got {self.env_id!r}.")


def _real(x) -> bool:
    return isinstance(x, numbers.Real) and not isinstance(x, bool) and math.isfinite(x)


# Continuous control (Pendulum-v1): rl-zoo's entry uses gSDE and 4 envs x 1024 steps; without gSDE,
# shorter rollouts (8 envs x 128), a larger step size and gamma 0.95 learn in fewer env steps
# (measured with benchmarks/benchmark.py), plus observation normalization and reward scaling.
_ENV_DEFAULTS = {
    "Pendulum-v1": dict(total_steps=100_000, num_envs=8, num_steps=128, num_epochs=10, num_minibatches=4,
                        learning_rate=3e-3, gamma=0.95, gae_lambda=0.95, clip_eps=0.2, anneal_clip=False,
                        norm_obs=True, scale_rewards=True, init_log_std=-0.5, eval_every=5_000),
}

"""Bad inputs across the public API fail fast, inside ppo_core, with a message naming the argument.

One table, one test. Each row is ``(trigger, expected exception type, substring)``:

* ``trigger(ctx)`` calls the public API with one bad input (``ctx`` holds small shared objects);
* the exception must be exactly the expected type (ValueError or TypeError for bad input,
  FloatingPointError for a diverged policy or a NaN loss, FileNotFoundError for a missing file,
  SystemExit for the command line, which argparse turns into exit code 2);
* the innermost frame of its traceback must be inside the ppo_core package: ppo_core caught
  the problem itself, instead of letting torch, gymnasium or numpy fail somewhere deep down
  (for SystemExit: argparse exits on behalf of ppo_core/cli.py, which must be on the stack);
* its message (stderr for the command line) must contain the substring, which names the
  offending argument.

Not covered on purpose: NaN or inf *inside* the per-sample functions that ppo_update calls once
per minibatch (importance_ratio, clipped_surrogate, kl_penalty_surrogate, value_loss, approx_kl,
normalize_advantages). They propagate NaN to their result, and ppo_update turns a non-finite loss
into a FloatingPointError naming the epoch and minibatch (a row below); checking every input there
would cost time on the hot path and turn that error into a ValueError about an internal tensor.
"""

import copy
import dataclasses
import os
import warnings
from pathlib import Path
from types import SimpleNamespace

import matplotlib

matplotlib.use("Agg")

import gymnasium as gym  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
import torch  # noqa: E402
from gymnasium.spaces import Box, Discrete, MultiBinary, MultiDiscrete  # noqa: E402

import ppo_core  # noqa: E402
from ppo_core import (  # noqa: E402
    ActorCritic,
    History,
    PPOConfig,
    RewardScaler,
    Rollout,
    RolloutCollector,
    RunningMeanStd,
    adapt_kl_coef,
    approx_kl,
    check_vec_env,
    clip_fraction,
    clipped_surrogate,
    discounted_cumsum,
    evaluate,
    explained_variance,
    gae,
    importance_ratio,
    kl_penalty_surrogate,
    load_checkpoint,
    make_agent,
    make_vec_env,
    n_step_advantages,
    normalize_advantages,
    plot_along_line,
    plot_bias_variance,
    plot_clipped_surrogate,
    plot_diagnostics,
    plot_learning_curves,
    plot_ratio_histogram,
    ppo_update,
    save_checkpoint,
    td_residuals,
    train,
    value_loss,
)
from ppo_core.cli import main as cli_main  # noqa: E402
from ppo_core.config import ConfigWarning  # noqa: E402
from ppo_core.envs import check_spaces, to_env_actions  # noqa: E402

PACKAGE_DIR = Path(ppo_core.__file__).resolve().parent
NAN, INF = float("nan"), float("inf")


# ---------------------------------------------------------------- tiny test environments

class Tiny(gym.Env):
    """Observation [0.0]; reward 1 per step, except ``bad_reward`` / ``bad_obs`` from step ``at`` on."""

    def __init__(self, bad_reward=None, bad_obs=None, at=2, observation_space=None, action_space=None):
        self.observation_space = observation_space or Box(-10.0, 10.0, (1,), np.float32)
        self.action_space = action_space or Discrete(2)
        self.bad_reward, self.bad_obs, self.at = bad_reward, bad_obs, at

    def reset(self, *, seed=None, options=None):
        super().reset(seed=seed)
        self.count = 0
        return np.zeros(self.observation_space.shape, np.float32), {}

    def step(self, action):
        self.count += 1
        late = self.count >= self.at
        reward = self.bad_reward if late and self.bad_reward is not None else 1.0
        obs = np.full(self.observation_space.shape, self.bad_obs if late and self.bad_obs is not None else 0.0, np.float32)
        return obs, reward, False, False, {}


gym.register("bad_inputs/InfReward-v0", entry_point=lambda: Tiny(bad_reward=INF), max_episode_steps=10)
gym.register("bad_inputs/NaNReward-v0", entry_point=lambda: Tiny(bad_reward=NAN), max_episode_steps=10)
gym.register("bad_inputs/NaNObs-v0", entry_point=lambda: Tiny(bad_obs=NAN), max_episode_steps=10)
gym.register("bad_inputs/MultiDiscrete-v0", entry_point=lambda: Tiny(action_space=MultiDiscrete([2, 3])))
gym.register("bad_inputs/ImageObs-v0", entry_point=lambda: Tiny(observation_space=Box(0.0, 1.0, (4, 4), np.float32)))

TINY_OBS, TINY_ACTIONS = Box(-10.0, 10.0, (1,), np.float32), Discrete(2)
CARTPOLE_OBS = Box(-5.0, 5.0, (4,), np.float32)


# ---------------------------------------------------------------- shared objects

def small_config(**changes):
    values = dict(num_envs=2, num_steps=8, total_steps=16, num_epochs=1, num_minibatches=2, hidden_sizes=(8,),
                  eval_every=0, eval_episodes=1)
    values.update(changes)
    return PPOConfig(**values)


@pytest.fixture(scope="module")
def ctx(tmp_path_factory):
    torch.manual_seed(0)
    tmp = tmp_path_factory.mktemp("bad_inputs")
    envs = make_vec_env("CartPole-v1", 2)                                                   # SAME_STEP
    next_step_envs = gym.make_vec("CartPole-v1", num_envs=2, vectorization_mode="sync")    # gymnasium's default
    pendulum = gym.make("Pendulum-v1")
    pendulum_agent = ActorCritic(pendulum.observation_space, pendulum.action_space, (8,))
    pendulum.close()
    agent = ActorCritic(envs.single_observation_space, envs.single_action_space, (8,))
    config = small_config()
    collector = RolloutCollector(envs, seed=0)
    rollout, _ = collector.collect(agent, config.num_steps)

    (tmp / "random.pt").write_bytes(np.random.default_rng(0).bytes(256))
    (tmp / "notes.txt").write_text("these are not the weights you are looking for\n")
    torch.save([1, 2, 3], tmp / "list.pt")
    torch.save({"format": 1, "config": dict(config.to_dict(), env_id="NoSuchEnv-v0"), "state_dict": {}}, tmp / "unknown_env.pt")
    torch.save({"format": 1, "config": config.to_dict(), "state_dict": [1, 2]}, tmp / "list_weights.pt")
    torch.save({"format": 1, "config": "CartPole-v1", "state_dict": {}}, tmp / "str_config.pt")
    torch.save({"format": 1, "config": dict(config.to_dict(), gamma=7.0), "state_dict": {}}, tmp / "bad_gamma.pt")
    save_checkpoint(tmp / "mismatch.pt", pendulum_agent, config)  # Pendulum weights under a CartPole config

    history = History(config)
    history.evals = [dict(env_steps=s, eval_mean_return=float(s)) for s in (0, 16)]
    history.updates = [dict(env_steps=s, policy_loss=0.0, value_loss=0.0, entropy=0.0, approx_kl=0.0,
                            clip_fraction=0.0, explained_variance=0.0) for s in (8, 16)]
    yield SimpleNamespace(tmp=tmp, envs=envs, next_step_envs=next_step_envs, agent=agent, pendulum_agent=pendulum_agent,
                          config=config, collector=collector, rollout=rollout, history=history)
    envs.close()
    next_step_envs.close()
    plt.close("all")


# ---------------------------------------------------------------- helpers for the rows

T, N = 5, 3


def adv(**changes):
    """Valid keyword arguments of td_residuals / gae / n_step_advantages, with ``changes`` applied."""
    kwargs = dict(rewards=torch.ones(T, N), values=torch.zeros(T, N), next_values=torch.zeros(T, N),
                  terminated=torch.zeros(T, N, dtype=torch.bool), truncated=torch.zeros(T, N, dtype=torch.bool))
    kwargs.update(changes)
    return kwargs


def td(**changes):
    kwargs = adv(**changes)
    kwargs.pop("truncated")
    return kwargs


def with_item(x, value, index=(0, 0)):
    x = x.clone()
    x[index] = value
    return x


def ones(*shape, dtype=torch.float32):
    return torch.ones(*shape, dtype=dtype)


def nan_actor(agent):
    """A copy of ``agent`` whose actor weights are NaN: a diverged policy."""
    agent = copy.deepcopy(agent)
    with torch.no_grad():
        for p in agent.actor.parameters():
            p.fill_(NAN)
    return agent


def update(c, agent=None, optimizer=None, rollout=None, config=None, **kwargs):
    """ppo_update on copies (so a row can never change the shared agent), with any argument replaced."""
    agent = copy.deepcopy(c.agent) if agent is None else agent
    optimizer = torch.optim.Adam(agent.parameters(), lr=1e-3) if optimizer is None else optimizer
    return ppo_update(agent, optimizer, c.rollout if rollout is None else rollout, c.config if config is None else config, **kwargs)


def with_rollout(c, **fields):
    return dataclasses.replace(c.rollout, **fields)


def collect_from(env_id, num_steps=4):
    envs = make_vec_env(env_id, 2)
    try:
        agent = ActorCritic(envs.single_observation_space, envs.single_action_space, (8,))
        return RolloutCollector(envs, seed=0).collect(agent, num_steps)
    finally:
        envs.close()


def with_single_env(fn):
    env = gym.make("CartPole-v1")
    try:
        return fn(env)
    finally:
        env.close()


def poison_actor(agent, row):
    """A train() callback that makes the policy diverge after the first update."""
    with torch.no_grad():
        for p in agent.actor.parameters():
            p.fill_(NAN)


def run_cli(*argv):
    return cli_main(list(argv))


# ---------------------------------------------------------------- the table

ROWS = [
    # ---- advantages: shapes, dtypes, empty, non-finite, ranges
    pytest.param(lambda c: td_residuals(**td(values=torch.zeros(T, N, 1)), gamma=0.9), ValueError, "values(5, 3, 1)", id="td_residuals-values-extra-dim"),
    pytest.param(lambda c: td_residuals(**td(rewards=torch.ones(T)), gamma=0.9), ValueError, "rewards(5,)", id="td_residuals-rewards-1d-vs-2d"),
    pytest.param(lambda c: td_residuals(**td(rewards=torch.ones(T, N, dtype=torch.long)), gamma=0.9), TypeError, "`rewards`", id="td_residuals-int-rewards"),
    pytest.param(lambda c: td_residuals(**td(terminated=torch.zeros(T, N)), gamma=0.9), TypeError, "`terminated`", id="td_residuals-float-terminated"),
    pytest.param(lambda c: td_residuals(**td(values=with_item(torch.zeros(T, N), NAN)), gamma=0.9), ValueError, "`values`", id="td_residuals-nan-values"),
    pytest.param(lambda c: td_residuals(**td(), gamma=1.5), ValueError, "`gamma`", id="td_residuals-gamma-above-1"),
    pytest.param(lambda c: td_residuals(**td(rewards=[1.0] * T), gamma=0.9), TypeError, "`rewards`", id="td_residuals-list-rewards"),
    pytest.param(lambda c: gae(**adv(rewards=torch.ones(T, N, 1)), gamma=0.9, gae_lambda=0.9), ValueError, "rewards(5, 3, 1)", id="gae-rewards-B1-vs-B"),
    pytest.param(lambda c: gae(**adv(truncated=torch.zeros(T, N, dtype=torch.long)), gamma=0.9, gae_lambda=0.9), TypeError, "`truncated`", id="gae-int-truncated"),
    pytest.param(lambda c: gae(**adv(rewards=torch.ones(T, N, dtype=torch.float64)), gamma=0.9, gae_lambda=0.9), TypeError, "rewards: torch.float64", id="gae-mixed-dtypes"),
    pytest.param(lambda c: gae(**adv(rewards=with_item(torch.ones(T, N), INF)), gamma=0.9, gae_lambda=0.9), ValueError, "`rewards`", id="gae-inf-reward"),
    pytest.param(lambda c: gae(**adv(next_values=with_item(torch.zeros(T, N), -INF, (T - 1, 2))), gamma=0.9, gae_lambda=0.9), ValueError, "`next_values`", id="gae-inf-next-value"),
    pytest.param(lambda c: gae(**{k: v[:0] for k, v in adv().items()}, gamma=0.9, gae_lambda=0.9), ValueError, "`rewards`", id="gae-empty-rollout"),
    pytest.param(lambda c: gae(**adv(), gamma=0.9, gae_lambda=-0.1), ValueError, "`gae_lambda`", id="gae-negative-lambda"),
    pytest.param(lambda c: gae(**adv(), gamma="0.9", gae_lambda=0.9), TypeError, "`gamma`", id="gae-str-gamma"),
    pytest.param(lambda c: n_step_advantages(**adv(), gamma=0.9, n=0), ValueError, "`n`", id="n_step-n-zero"),
    pytest.param(lambda c: n_step_advantages(**adv(), gamma=0.9, n=2.5), TypeError, "`n`", id="n_step-float-n"),
    pytest.param(lambda c: n_step_advantages(**adv(truncated=torch.zeros(T, 1, dtype=torch.bool)), gamma=0.9, n=2), ValueError, "truncated(5, 1)", id="n_step-truncated-broadcast"),
    pytest.param(lambda c: n_step_advantages(**adv(next_values=with_item(torch.zeros(T, N), NAN)), gamma=0.9, n=2), ValueError, "`next_values`", id="n_step-nan-next-values"),
    pytest.param(lambda c: discounted_cumsum(torch.ones(T, N), 0.9, torch.zeros(T, 1, dtype=torch.bool)), ValueError, "episode_ends(5, 1)", id="cumsum-episode-ends-broadcast"),
    pytest.param(lambda c: discounted_cumsum(torch.ones(T, N), 0.9, torch.zeros(T, N)), TypeError, "`episode_ends`", id="cumsum-float-episode-ends"),
    pytest.param(lambda c: discounted_cumsum(torch.arange(T), 0.9), TypeError, "`x`", id="cumsum-int-x"),
    pytest.param(lambda c: discounted_cumsum(torch.ones(T), 1.01), ValueError, "`discount`", id="cumsum-discount-above-1"),
    pytest.param(lambda c: discounted_cumsum(torch.ones(0, N), 0.9), ValueError, "`x`", id="cumsum-empty"),
    pytest.param(lambda c: discounted_cumsum(with_item(torch.ones(T), NAN, 2), 0.9), ValueError, "`x`", id="cumsum-nan"),

    # ---- objectives and diagnostics
    pytest.param(lambda c: importance_ratio(torch.zeros(4), torch.zeros(4, 1)), ValueError, "old_log_probs(4, 1)", id="ratio-B1-vs-B"),
    pytest.param(lambda c: importance_ratio(torch.zeros(4, dtype=torch.long), torch.zeros(4)), TypeError, "`log_probs`", id="ratio-int-log-probs"),
    pytest.param(lambda c: importance_ratio(torch.zeros(4), np.zeros(4)), TypeError, "`old_log_probs`", id="ratio-numpy-old-log-probs"),
    pytest.param(lambda c: clipped_surrogate(ones(4, 1), ones(4), 0.2), ValueError, "ratio(4, 1)", id="clip-ratio-B1-vs-B"),
    pytest.param(lambda c: clipped_surrogate(ones(4), ones(4, dtype=torch.int32), 0.2), TypeError, "`advantages`", id="clip-int-advantages"),
    pytest.param(lambda c: clipped_surrogate(ones(4), ones(4), 0.0), ValueError, "`clip_eps`", id="clip-eps-zero"),
    pytest.param(lambda c: clipped_surrogate(ones(4), ones(4), -0.2), ValueError, "`clip_eps`", id="clip-eps-negative"),
    pytest.param(lambda c: kl_penalty_surrogate(ones(4), ones(4), ones(4, 1), 1.0), ValueError, "kl(4, 1)", id="klpen-kl-B1-vs-B"),
    pytest.param(lambda c: kl_penalty_surrogate(ones(4), ones(4), ones(4), -1.0), ValueError, "`kl_coef`", id="klpen-negative-coef"),
    pytest.param(lambda c: kl_penalty_surrogate(ones(4), ones(4), torch.ones(4, dtype=torch.long), 1.0), TypeError, "`kl`", id="klpen-int-kl"),
    pytest.param(lambda c: adapt_kl_coef(1.0, NAN, 0.01), ValueError, "`kl`", id="adapt-nan-kl"),
    pytest.param(lambda c: adapt_kl_coef(1.0, -0.1, 0.01), ValueError, "`kl`", id="adapt-negative-kl"),
    pytest.param(lambda c: adapt_kl_coef(0.0, 0.01, 0.01), ValueError, "`kl_coef`", id="adapt-zero-coef"),
    pytest.param(lambda c: adapt_kl_coef(1.0, 0.01, INF), ValueError, "`kl_target`", id="adapt-inf-target"),
    pytest.param(lambda c: adapt_kl_coef(1.0, torch.ones(3), 0.01), ValueError, "`kl`", id="adapt-kl-vector"),
    pytest.param(lambda c: value_loss(ones(4), ones(4, 1)), ValueError, "returns(4, 1)", id="vloss-returns-B1-vs-B"),
    pytest.param(lambda c: value_loss(ones(4), ones(4), old_values=ones(4)), ValueError, "`clip_eps`", id="vloss-old-values-without-eps"),
    pytest.param(lambda c: value_loss(ones(4), ones(4), ones(4, 1), 0.2), ValueError, "old_values(4, 1)", id="vloss-old-values-B1"),
    pytest.param(lambda c: value_loss(ones(4), ones(4), ones(4), -0.2), ValueError, "`clip_eps`", id="vloss-negative-eps"),
    pytest.param(lambda c: normalize_advantages(ones(4, 1)), ValueError, "`advantages`", id="normadv-B1"),
    pytest.param(lambda c: normalize_advantages(ones(1)), ValueError, "`advantages`", id="normadv-one-sample"),
    pytest.param(lambda c: normalize_advantages(ones(0)), ValueError, "`advantages`", id="normadv-empty"),
    pytest.param(lambda c: normalize_advantages(torch.arange(4)), TypeError, "`advantages`", id="normadv-int"),
    pytest.param(lambda c: normalize_advantages(ones(4), eps=-1.0), ValueError, "`eps`", id="normadv-negative-eps"),
    pytest.param(lambda c: approx_kl(torch.zeros(4, 1), torch.zeros(4)), ValueError, "log_probs(4, 1)", id="approx_kl-B1-vs-B"),
    pytest.param(lambda c: approx_kl(torch.zeros(4), torch.zeros(4, dtype=torch.long)), TypeError, "`old_log_probs`", id="approx_kl-int"),
    pytest.param(lambda c: clip_fraction(torch.tensor([NAN, NAN]), 0.2), ValueError, "`ratio`", id="clipfrac-nan-ratio"),
    pytest.param(lambda c: clip_fraction(torch.tensor([1.0, INF]), 0.2), ValueError, "`ratio`", id="clipfrac-inf-ratio"),
    pytest.param(lambda c: clip_fraction(torch.ones(0), 0.2), ValueError, "`ratio`", id="clipfrac-empty"),
    pytest.param(lambda c: clip_fraction(torch.ones(3, dtype=torch.long), 0.2), TypeError, "`ratio`", id="clipfrac-int"),
    pytest.param(lambda c: clip_fraction(ones(3), 0), ValueError, "`clip_eps`", id="clipfrac-eps-zero"),
    pytest.param(lambda c: explained_variance(ones(4), ones(4, 1)), ValueError, "returns(4, 1)", id="explvar-B1-vs-B"),
    pytest.param(lambda c: explained_variance(ones(1), ones(1)), ValueError, "`values`", id="explvar-one-sample"),
    pytest.param(lambda c: explained_variance(torch.arange(4.0), with_item(torch.arange(4.0), NAN, 1)), ValueError, "`returns`", id="explvar-nan-returns"),
    pytest.param(lambda c: explained_variance(torch.ones(4, dtype=torch.long), ones(4)), TypeError, "`values`", id="explvar-int"),

    # ---- PPOConfig: every kind of field, and unknown names
    pytest.param(lambda c: PPOConfig(gamma="0.99"), TypeError, "`gamma`", id="config-str-gamma"),
    pytest.param(lambda c: PPOConfig(gamma=1.5), ValueError, "`gamma`", id="config-gamma-above-1"),
    pytest.param(lambda c: PPOConfig(learning_rate=0.0), ValueError, "`learning_rate`", id="config-zero-lr"),
    pytest.param(lambda c: PPOConfig(learning_rate=NAN), ValueError, "`learning_rate`", id="config-nan-lr"),
    pytest.param(lambda c: PPOConfig(init_log_std=INF), ValueError, "`init_log_std`", id="config-inf-log-std"),
    pytest.param(lambda c: PPOConfig(num_envs=0), ValueError, "`num_envs`", id="config-zero-envs"),
    pytest.param(lambda c: PPOConfig(num_steps=2.5), TypeError, "`num_steps`", id="config-float-steps"),
    pytest.param(lambda c: PPOConfig(eval_episodes=0), ValueError, "`eval_episodes`", id="config-zero-eval-episodes"),
    pytest.param(lambda c: PPOConfig(seed=-1), ValueError, "`seed`", id="config-negative-seed"),
    pytest.param(lambda c: PPOConfig(seed=True), TypeError, "`seed`", id="config-bool-seed"),
    pytest.param(lambda c: PPOConfig(eval_every=-5), ValueError, "`eval_every`", id="config-negative-eval-every"),
    pytest.param(lambda c: PPOConfig(anneal_lr=1), TypeError, "`anneal_lr`", id="config-int-bool-field"),
    pytest.param(lambda c: PPOConfig(objective="trpo"), ValueError, "`objective`", id="config-unknown-objective"),
    pytest.param(lambda c: PPOConfig(kl_estimator="k2"), ValueError, "`kl_estimator`", id="config-unknown-estimator"),
    pytest.param(lambda c: PPOConfig(max_grad_norm="none"), TypeError, "`max_grad_norm`", id="config-str-optional"),
    pytest.param(lambda c: PPOConfig(early_stop_kl=0.0), ValueError, "`early_stop_kl`", id="config-zero-early-stop"),
    pytest.param(lambda c: PPOConfig(kl_target=-0.01), ValueError, "`kl_target`", id="config-negative-kl-target"),
    pytest.param(lambda c: PPOConfig(hidden_sizes=(64, 0)), ValueError, "`hidden_sizes`", id="config-zero-width"),
    pytest.param(lambda c: PPOConfig(env_id=5), TypeError, "`env_id`", id="config-int-env-id"),
    pytest.param(lambda c: PPOConfig(num_minibatches=3), ValueError, "num_minibatches=3", id="config-minibatches-do-not-divide"),
    pytest.param(lambda c: PPOConfig(total_steps=10), ValueError, "total_steps=10", id="config-less-than-one-rollout"),
    pytest.param(lambda c: PPOConfig(objective="kl_adaptive", kl_coef=0.0), ValueError, "kl_coef", id="config-adaptive-zero-beta"),
    pytest.param(lambda c: PPOConfig(num_envs=1, num_steps=2, num_minibatches=2, total_steps=2), ValueError, "norm_adv", id="config-one-sample-minibatch"),
    pytest.param(lambda c: PPOConfig.for_env("CartPole-v1", gama=0.9), TypeError, "`gama`", id="config-for_env-unknown-field"),
    pytest.param(lambda c: PPOConfig.for_env(""), TypeError, "`env_id`", id="config-for_env-empty-id"),
    pytest.param(lambda c: PPOConfig.for_env(None), TypeError, "`env_id`", id="config-for_env-none"),
    pytest.param(lambda c: PPOConfig().replace(lr=1e-3), TypeError, "`lr`", id="config-replace-unknown-field"),
    pytest.param(lambda c: PPOConfig().replace(gae_lambda=1.2), ValueError, "`gae_lambda`", id="config-replace-out-of-range"),
    pytest.param(lambda c: PPOConfig.from_dict({"clip_epsilon": 0.2}), TypeError, "`clip_epsilon`", id="config-from_dict-unknown-field"),
    pytest.param(lambda c: PPOConfig.from_dict("gamma=0.9"), TypeError, "from_dict", id="config-from_dict-not-a-dict"),
    pytest.param(lambda c: PPOConfig.from_dict({"hidden_sizes": "64"}), ValueError, "`hidden_sizes`", id="config-from_dict-str-widths"),

    # ---- vector envs and spaces
    pytest.param(lambda c: make_vec_env("NoSuchEnv-v0", 1), ValueError, "`env_id`", id="make_vec_env-unknown-id"),
    pytest.param(lambda c: make_vec_env(42, 1), TypeError, "`env_id`", id="make_vec_env-int-id"),
    pytest.param(lambda c: make_vec_env("CartPole-v1", 0), ValueError, "`num_envs`", id="make_vec_env-zero-envs"),
    pytest.param(lambda c: make_vec_env("CartPole-v1", 2.0), TypeError, "`num_envs`", id="make_vec_env-float-envs"),
    pytest.param(lambda c: make_vec_env("CartPole-v1", 1, gravity_constant=3.0), TypeError, "gravity_constant", id="make_vec_env-bad-env-kwarg"),
    pytest.param(lambda c: make_vec_env("bad_inputs/MultiDiscrete-v0", 1), ValueError, "MultiDiscrete", id="make_vec_env-multidiscrete"),
    pytest.param(lambda c: make_vec_env("bad_inputs/ImageObs-v0", 1), ValueError, "observation space", id="make_vec_env-2d-box-obs"),
    pytest.param(lambda c: with_single_env(check_vec_env), TypeError, "`envs`", id="check_vec_env-single-env"),
    pytest.param(lambda c: check_vec_env(c.next_step_envs), ValueError, "NEXT_STEP", id="check_vec_env-next-step"),
    pytest.param(lambda c: check_spaces(Box(-1, 1, (4,)), MultiBinary(3)), ValueError, "action space", id="check_spaces-multibinary"),
    pytest.param(lambda c: check_spaces(Box(-1, 1, (4,)), Box(-INF, INF, (1,))), ValueError, "unbounded", id="check_spaces-unbounded-box"),
    pytest.param(lambda c: to_env_actions(np.zeros(2, np.int64), Discrete(2)), TypeError, "`actions`", id="to_env_actions-numpy"),
    pytest.param(lambda c: to_env_actions(torch.zeros(2, dtype=torch.long), "Discrete(2)"), TypeError, "`action_space`", id="to_env_actions-str-space"),

    # ---- the agent
    pytest.param(lambda c: ActorCritic(Box(0, 1, (4, 4)), Discrete(2)), ValueError, "observation space", id="agent-2d-box-obs"),
    pytest.param(lambda c: ActorCritic(CARTPOLE_OBS, MultiDiscrete([2, 2])), ValueError, "action space", id="agent-multidiscrete"),
    pytest.param(lambda c: ActorCritic(CARTPOLE_OBS, Box(-1, 1, (2, 2))), ValueError, "action space", id="agent-2d-box-actions"),
    pytest.param(lambda c: ActorCritic(CARTPOLE_OBS, Discrete(2), hidden_sizes=(64, 0)), ValueError, "`hidden_sizes`", id="agent-zero-width"),
    pytest.param(lambda c: ActorCritic(CARTPOLE_OBS, Discrete(2), hidden_sizes=64), TypeError, "`hidden_sizes`", id="agent-int-hidden-sizes"),
    pytest.param(lambda c: ActorCritic(CARTPOLE_OBS, Box(-1, 1, (1,)), init_log_std=NAN), ValueError, "`init_log_std`", id="agent-nan-log-std"),
    pytest.param(lambda c: ActorCritic(CARTPOLE_OBS, Discrete(2), norm_obs="yes"), TypeError, "`norm_obs`", id="agent-str-norm-obs"),
    pytest.param(lambda c: c.agent.act(torch.zeros(4)), ValueError, "`obs`", id="act-missing-batch-dim"),
    pytest.param(lambda c: c.agent.act(torch.zeros(2, 3)), ValueError, "`obs`", id="act-wrong-width"),
    pytest.param(lambda c: c.agent.act(torch.zeros(2, 4, dtype=torch.float64)), TypeError, "`obs`", id="act-float64-obs"),
    pytest.param(lambda c: c.agent.evaluate_actions(torch.zeros(3, 5), torch.zeros(3, dtype=torch.long)), ValueError, "`obs`", id="evaluate_actions-wrong-width"),
    pytest.param(lambda c: c.agent.evaluate_actions(torch.zeros(3, 4), torch.zeros(3, 1, dtype=torch.long)), ValueError, "`actions`", id="evaluate_actions-B1-actions"),
    pytest.param(lambda c: c.pendulum_agent.evaluate_actions(torch.zeros(3, 3), torch.zeros(3)), ValueError, "`actions`", id="evaluate_actions-gaussian-B-actions"),
    pytest.param(lambda c: make_agent({"hidden_sizes": (8,)}, c.envs), TypeError, "`config`", id="make_agent-dict-config"),
    pytest.param(lambda c: make_agent(c.config, "CartPole-v1"), TypeError, "`envs`", id="make_agent-str-envs"),

    # ---- normalization
    pytest.param(lambda c: RunningMeanStd((3,)).update(torch.tensor([[NAN, 0.0, 0.0]])), ValueError, "`batch`", id="rms-nan"),
    pytest.param(lambda c: RunningMeanStd((3,)).update(torch.zeros(2, 4)), ValueError, "`batch`", id="rms-wrong-width"),
    pytest.param(lambda c: RunningMeanStd((3,)).update(torch.zeros(2, 6)), ValueError, "`batch`", id="rms-width-multiple-would-reshape"),
    pytest.param(lambda c: RunningMeanStd((3,)).update(torch.zeros(0, 3)), ValueError, "`batch`", id="rms-empty"),
    pytest.param(lambda c: RunningMeanStd((3,), clip=0.0), ValueError, "`clip`", id="rms-zero-clip"),
    pytest.param(lambda c: RunningMeanStd("3"), TypeError, "`shape`", id="rms-str-shape"),
    pytest.param(lambda c: RewardScaler(0, 0.99), ValueError, "`num_envs`", id="scaler-zero-envs"),
    pytest.param(lambda c: RewardScaler(2, 1.5), ValueError, "`gamma`", id="scaler-gamma-above-1"),
    pytest.param(lambda c: RewardScaler(2, 0.99)(np.ones(3), np.zeros(3, bool)), ValueError, "`rewards`", id="scaler-wrong-num-rewards"),
    pytest.param(lambda c: RewardScaler(2, 0.99)(np.ones(2), np.array([0, 1])), TypeError, "`episode_ends`", id="scaler-int-episode-ends"),
    pytest.param(lambda c: RewardScaler(2, 0.99)(np.array([NAN, 1.0]), np.zeros(2, bool)), ValueError, "`rewards`", id="scaler-nan-reward"),

    # ---- rollouts
    pytest.param(lambda c: RolloutCollector(c.next_step_envs, seed=0), ValueError, "NEXT_STEP", id="collector-next-step-env"),
    pytest.param(lambda c: with_single_env(lambda env: RolloutCollector(env, seed=0)), TypeError, "`envs`", id="collector-single-env"),
    pytest.param(lambda c: RolloutCollector(c.envs, seed=-1), ValueError, "`seed`", id="collector-negative-seed"),
    pytest.param(lambda c: RolloutCollector(c.envs, seed=0, gamma=1.5), ValueError, "`gamma`", id="collector-gamma"),
    pytest.param(lambda c: RolloutCollector(c.envs, seed=0, scale_rewards="yes"), TypeError, "`scale_rewards`", id="collector-str-flag"),
    pytest.param(lambda c: c.collector.collect(c.agent, 0), ValueError, "`num_steps`", id="collect-zero-steps"),
    pytest.param(lambda c: c.collector.collect(c.agent, -4), ValueError, "`num_steps`", id="collect-negative-steps"),
    pytest.param(lambda c: c.collector.collect(c.agent, 4.0), TypeError, "`num_steps`", id="collect-float-steps"),
    pytest.param(lambda c: c.collector.collect(None, 4), TypeError, "`agent`", id="collect-no-agent"),
    pytest.param(lambda c: c.collector.collect(c.pendulum_agent, 4), ValueError, "collector's envs", id="collect-pendulum-agent-on-cartpole"),
    pytest.param(lambda c: c.collector.collect(nan_actor(c.agent), 4), FloatingPointError, "policy's output", id="collect-diverged-policy"),
    pytest.param(lambda c: collect_from("bad_inputs/InfReward-v0"), ValueError, "reward", id="collect-env-inf-reward"),
    pytest.param(lambda c: collect_from("bad_inputs/NaNReward-v0"), ValueError, "reward", id="collect-env-nan-reward"),
    pytest.param(lambda c: collect_from("bad_inputs/NaNObs-v0"), ValueError, "observation", id="collect-env-nan-obs"),

    # ---- the PPO update
    pytest.param(lambda c: update(c, rollout=c.rollout.flat()), TypeError, "`rollout`", id="update-dict-rollout"),
    pytest.param(lambda c: update(c, config=small_config(num_steps=16, total_steps=32)), ValueError, "num_steps=16", id="update-rollout-size-differs"),
    pytest.param(lambda c: update(c, optimizer=torch.optim.Adam(copy.deepcopy(c.agent).parameters())), ValueError, "`optimizer`", id="update-optimizer-over-other-params"),
    pytest.param(lambda c: update(c, optimizer="adam"), TypeError, "`optimizer`", id="update-str-optimizer"),
    pytest.param(lambda c: update(c, config=c.config.to_dict()), TypeError, "`config`", id="update-dict-config"),
    pytest.param(lambda c: update(c, agent=copy.deepcopy(c.pendulum_agent)), ValueError, "`rollout.observations`", id="update-rollout-from-other-env"),
    pytest.param(lambda c: update(c, rollout=with_rollout(c, rewards=with_item(c.rollout.rewards, NAN))), ValueError, "`rollout.rewards`", id="update-nan-rewards"),
    pytest.param(lambda c: update(c, rollout=with_rollout(c, terminated=c.rollout.terminated.float())), TypeError, "`rollout.terminated`", id="update-float-terminated"),
    pytest.param(lambda c: update(c, rollout=with_rollout(c, values=c.rollout.values[..., None])), ValueError, "`rollout.values`", id="update-values-extra-dim"),
    pytest.param(lambda c: update(c, rollout=with_rollout(c, policy_params=None), config=small_config(objective="kl_fixed")), ValueError, "policy_params", id="update-exact-kl-without-params"),
    pytest.param(lambda c: update(c, agent=nan_actor(c.agent)), FloatingPointError, "epoch 1, minibatch 1", id="update-nan-loss"),
    pytest.param(lambda c: update(c, clip_eps=-0.1), ValueError, "`clip_eps`", id="update-negative-clip-eps"),
    pytest.param(lambda c: update(c, kl_coef=-1.0), ValueError, "`kl_coef`", id="update-negative-kl-coef"),
    pytest.param(lambda c: update(c, generator=0), TypeError, "`generator`", id="update-int-generator"),
    pytest.param(lambda c: update(c, record_ratios="yes"), TypeError, "`record_ratios`", id="update-str-record-ratios"),

    # ---- train and evaluate
    pytest.param(lambda c: train(c.config.to_dict(), progress=False), TypeError, "`config`", id="train-dict-config"),
    pytest.param(lambda c: train(c.config, progress=False, callback="print"), TypeError, "`callback`", id="train-str-callback"),
    pytest.param(lambda c: train(c.config, progress="no"), TypeError, "`progress`", id="train-str-progress"),
    pytest.param(lambda c: train(small_config(env_id="bad_inputs/MultiDiscrete-v0"), progress=False), ValueError, "MultiDiscrete", id="train-unsupported-env"),
    pytest.param(lambda c: train(small_config(env_id="bad_inputs/InfReward-v0"), progress=False), ValueError, "reward", id="train-env-inf-reward"),
    pytest.param(lambda c: train(small_config(total_steps=32), progress=False, callback=poison_actor), FloatingPointError, "update 2 of 2", id="train-diverges"),
    pytest.param(lambda c: evaluate(c.pendulum_agent, c.envs), ValueError, "`envs`", id="evaluate-pendulum-agent-on-cartpole"),
    pytest.param(lambda c: evaluate(c.agent, c.next_step_envs), ValueError, "NEXT_STEP", id="evaluate-next-step-env"),
    pytest.param(lambda c: evaluate(c.agent, c.envs, max_steps=0), ValueError, "`max_steps`", id="evaluate-zero-max-steps"),
    pytest.param(lambda c: evaluate(c.agent.actor, c.envs), TypeError, "`agent`", id="evaluate-module-not-agent"),
    pytest.param(lambda c: evaluate(nan_actor(c.agent), c.envs), FloatingPointError, "policy's output", id="evaluate-diverged-policy"),

    # ---- checkpoints
    pytest.param(lambda c: load_checkpoint(c.tmp / "missing.pt"), FileNotFoundError, "missing.pt", id="load-missing"),
    pytest.param(lambda c: load_checkpoint(c.tmp), FileNotFoundError, str(os.sep) + "bad_inputs", id="load-directory"),
    pytest.param(lambda c: load_checkpoint(c.tmp / "random.pt"), ValueError, "random.pt", id="load-random-bytes"),
    pytest.param(lambda c: load_checkpoint(c.tmp / "notes.txt"), ValueError, "notes.txt", id="load-text-file"),
    pytest.param(lambda c: load_checkpoint(c.tmp / "list.pt"), ValueError, "list.pt", id="load-saved-list"),
    pytest.param(lambda c: load_checkpoint(c.tmp / "unknown_env.pt"), ValueError, "NoSuchEnv-v0", id="load-unknown-env"),
    pytest.param(lambda c: load_checkpoint(c.tmp / "list_weights.pt"), ValueError, "list_weights.pt", id="load-weights-not-a-dict"),
    pytest.param(lambda c: load_checkpoint(c.tmp / "str_config.pt"), ValueError, "str_config.pt", id="load-config-not-a-dict"),
    pytest.param(lambda c: load_checkpoint(c.tmp / "bad_gamma.pt"), ValueError, "`gamma`", id="load-invalid-config"),
    pytest.param(lambda c: load_checkpoint(c.tmp / "mismatch.pt"), ValueError, "mismatch.pt", id="load-weights-of-other-env"),
    pytest.param(lambda c: load_checkpoint(42), TypeError, "`path`", id="load-int-path"),
    pytest.param(lambda c: save_checkpoint(c.tmp / "no_such_dir" / "a.pt", c.agent, c.config), FileNotFoundError, "no_such_dir", id="save-missing-folder"),
    pytest.param(lambda c: save_checkpoint(None, c.agent, c.config), TypeError, "`path`", id="save-none-path"),
    pytest.param(lambda c: save_checkpoint(c.tmp / "a.pt", c.agent.state_dict(), c.config), TypeError, "`agent`", id="save-state-dict-not-agent"),
    pytest.param(lambda c: save_checkpoint(c.tmp / "a.pt", c.agent, c.config.to_dict()), TypeError, "`config`", id="save-dict-config"),

    # ---- plotting
    pytest.param(lambda c: plot_clipped_surrogate(1.0, clip_eps=-1), ValueError, "`clip_eps`", id="plot_clip-negative-eps"),
    pytest.param(lambda c: plot_clipped_surrogate("positive"), TypeError, "`advantage`", id="plot_clip-str-advantage"),
    pytest.param(lambda c: plot_clipped_surrogate(NAN), ValueError, "`advantage`", id="plot_clip-nan-advantage"),
    pytest.param(lambda c: plot_clipped_surrogate(1.0, ratio_range=(2.0, 0.0)), ValueError, "`ratio_range`", id="plot_clip-reversed-range"),
    pytest.param(lambda c: plot_clipped_surrogate(1.0, ratio_range=2.0), TypeError, "`ratio_range`", id="plot_clip-scalar-range"),
    pytest.param(lambda c: plot_bias_variance([0, 1], [1], [1, 2]), ValueError, "bias_squared", id="plot_bv-unequal-lengths"),
    pytest.param(lambda c: plot_bias_variance(["zero", "one"], [1, 2], [1, 2]), TypeError, "`lambdas`", id="plot_bv-str-lambdas"),
    pytest.param(lambda c: plot_along_line(np.zeros((2, 2)), {"J": [0, 1]}), ValueError, "`alphas`", id="plot_line-2d-alphas"),
    pytest.param(lambda c: plot_along_line([0, 1], {}), ValueError, "`curves`", id="plot_line-empty-curves"),
    pytest.param(lambda c: plot_along_line([0, 1], [[0, 1]]), TypeError, "`curves`", id="plot_line-list-curves"),
    pytest.param(lambda c: plot_along_line([0, 1, 2], {"J": [0, 1]}), ValueError, "`alphas`", id="plot_line-curve-shape"),
    pytest.param(lambda c: plot_learning_curves({}), ValueError, "`histories`", id="plot_curves-empty-dict"),
    pytest.param(lambda c: plot_learning_curves({"PPO": []}), ValueError, "`histories['PPO']`", id="plot_curves-no-runs"),
    pytest.param(lambda c: plot_learning_curves({"PPO": [{"evals": []}]}), TypeError, "`histories['PPO']`", id="plot_curves-dict-not-history"),
    pytest.param(lambda c: plot_learning_curves({"PPO": c.history}), TypeError, "`histories['PPO']`", id="plot_curves-history-not-list"),
    pytest.param(lambda c: plot_learning_curves({"PPO": [History(c.config)]}), ValueError, "`histories`", id="plot_curves-no-evaluations"),
    pytest.param(lambda c: plot_learning_curves({"PPO": [c.history, c.history]}, level=95), ValueError, "`level`", id="plot_curves-level-percent"),
    pytest.param(lambda c: plot_learning_curves({"PPO": [c.history]}, threshold="solved"), TypeError, "`threshold`", id="plot_curves-str-threshold"),
    pytest.param(lambda c: plot_diagnostics({"updates": []}), TypeError, "`history`", id="plot_diag-dict"),
    pytest.param(lambda c: plot_diagnostics(History(c.config)), ValueError, "`history`", id="plot_diag-no-updates"),
    pytest.param(lambda c: plot_diagnostics(c.history, axes=[plt.gca()]), ValueError, "`axes`", id="plot_diag-one-axes"),
    pytest.param(lambda c: plot_ratio_histogram([], 0.2), ValueError, "`ratios_by_epoch`", id="plot_hist-empty-list"),
    pytest.param(lambda c: plot_ratio_histogram(torch.ones(10), 0.2), TypeError, "`ratios_by_epoch`", id="plot_hist-tensor-not-list"),
    pytest.param(lambda c: plot_ratio_histogram([[1.0, 1.1]], 0.2), TypeError, "`ratios_by_epoch`", id="plot_hist-list-of-lists"),
    pytest.param(lambda c: plot_ratio_histogram([torch.ones(10)], 0.0), ValueError, "`clip_eps`", id="plot_hist-zero-eps"),
    pytest.param(lambda c: plot_ratio_histogram([torch.ones(10)], 0.2, epochs=[3]), ValueError, "`epochs`", id="plot_hist-epoch-out-of-range"),

    # ---- the command line (argparse exits with code 2 and prints the problem on stderr)
    pytest.param(lambda c: run_cli("--gamma", "2"), SystemExit, "gamma", id="cli-gamma-out-of-range"),
    pytest.param(lambda c: run_cli("--num-envs", "two"), SystemExit, "--num-envs", id="cli-non-int"),
    pytest.param(lambda c: run_cli("--objective", "trpo"), SystemExit, "objective", id="cli-unknown-objective"),
    pytest.param(lambda c: run_cli("--max-grad-norm", "off"), SystemExit, "--max-grad-norm", id="cli-bad-optional-float"),
    pytest.param(lambda c: run_cli("--hidden-sizes", "64", "0"), SystemExit, "hidden_sizes", id="cli-zero-width"),
    pytest.param(lambda c: run_cli("--total-steps", "10"), SystemExit, "total_steps", id="cli-less-than-one-rollout"),
    pytest.param(lambda c: run_cli("--env", "NoSuchEnv-v0"), SystemExit, "NoSuchEnv-v0", id="cli-unknown-env"),
    pytest.param(lambda c: run_cli("--env", "bad_inputs/MultiDiscrete-v0"), SystemExit, "MultiDiscrete", id="cli-unsupported-env"),
    pytest.param(lambda c: run_cli("--csv", str(c.tmp / "no_such_dir" / "out.csv")), SystemExit, "--csv", id="cli-csv-missing-folder"),
    pytest.param(lambda c: run_cli("--gama", "0.9"), SystemExit, "--gama", id="cli-unknown-option"),
]


def assert_raised_inside_ppo_core(exc: BaseException) -> None:
    """The innermost frame of the traceback, where ``exc`` was raised, is a file of the ppo_core package."""
    tb = exc.__traceback__
    while tb.tb_next is not None:
        tb = tb.tb_next
    where = Path(tb.tb_frame.f_code.co_filename).resolve()
    assert PACKAGE_DIR in where.parents, (
        f"{type(exc).__name__} was raised in {where}:{tb.tb_lineno}, outside ppo_core: {exc}")


def frames(exc: BaseException) -> list:
    tb, out = exc.__traceback__, []
    while tb is not None:
        out.append(Path(tb.tb_frame.f_code.co_filename).resolve())
        tb = tb.tb_next
    return out


@pytest.mark.parametrize("trigger, error, substring", ROWS)
def test_bad_input_is_rejected_clearly_by_ppo_core(trigger, error, substring, ctx, capsys):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConfigWarning)  # configs for the test envs have no tuned defaults
        with pytest.raises((Exception, SystemExit)) as info:
            trigger(ctx)
    exc = info.value
    assert type(exc) is error, f"expected {error.__name__}, got {type(exc).__name__}: {exc}"
    if error is SystemExit:
        assert exc.code == 2
        assert PACKAGE_DIR / "cli.py" in frames(exc)
        message = capsys.readouterr().err
    else:
        assert_raised_inside_ppo_core(exc)
        message = str(exc)
    assert substring in message, f"the message does not name {substring!r}: {message}"


def test_the_table_is_large_and_its_ids_are_unique():
    ids = [row.id for row in ROWS]
    assert len(ids) >= 60 and len(set(ids)) == len(ids)

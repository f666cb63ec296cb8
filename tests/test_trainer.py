"""The PPO agent and loop: rollouts through real gymnasium vector envs, behaviour, determinism, errors."""

import csv
import math

import gymnasium as gym
import numpy as np
import pytest
import torch
from torch.testing import assert_close

from ppo_core import (
    ActorCritic,
    PPOConfig,
    RolloutCollector,
    gae,
    load_checkpoint,
    make_vec_env,
    ppo_update,
    save_checkpoint,
    train,
)
from ppo_core.cli import main as cli_main


class Counter(gym.Env):
    """Observation = [step within the episode]; reward 1 per step; never terminates by itself.

    With ``terminate_at`` it terminates when the counter reaches that value.
    """

    observation_space = gym.spaces.Box(-np.inf, np.inf, (1,), np.float32)
    action_space = gym.spaces.Discrete(2)

    def __init__(self, terminate_at=None):
        self.terminate_at = terminate_at

    def reset(self, *, seed=None, options=None):
        super().reset(seed=seed)
        self.count = 0
        return np.array([0.0], np.float32), {}

    def step(self, action):
        self.count += 1
        terminated = self.terminate_at is not None and self.count >= self.terminate_at
        return np.array([float(self.count)], np.float32), 1.0, terminated, False, {}


class Constant(Counter):
    """Like Counter, but the observation is always 0: V(s) is one number."""

    def step(self, action):
        obs, reward, terminated, truncated, info = super().step(action)
        return np.array([0.0], np.float32), reward, terminated, truncated, info


gym.register("test/Counter-v0", entry_point=Counter, max_episode_steps=3)
gym.register("test/CounterTerminates-v0", entry_point=lambda: Counter(terminate_at=2), max_episode_steps=5)
gym.register("test/Constant-v0", entry_point=Constant, max_episode_steps=20)
gym.register("test/MultiDiscrete-v0", entry_point=lambda: _multi_discrete())


def _multi_discrete():
    env = Counter()
    env.action_space = gym.spaces.MultiDiscrete([2, 3])
    return env


def test_rollout_bootstraps_truncation_from_the_real_final_observation():
    envs = make_vec_env("test/Counter-v0", 2)
    torch.manual_seed(0)
    agent = ActorCritic(envs.single_observation_space, envs.single_action_space)
    collector = RolloutCollector(envs, seed=0, gamma=0.9)
    rollout, finished = collector.collect(agent, num_steps=7)
    envs.close()
    counter = rollout.observations[..., 0]                        # [T, N]
    expected_counter = torch.tensor([0.0, 1, 2, 0, 1, 2, 0])[:, None].expand(7, 2)
    assert torch.equal(counter, expected_counter)                  # the row after a truncation starts a new episode
    assert torch.equal(rollout.truncated[:, 0], torch.tensor([False, False, True] * 2 + [False]))
    assert not rollout.terminated.any()
    with torch.no_grad():
        v = lambda c: agent.value(torch.tensor([[float(c)]]))[0]  # noqa: E731
    # next_values[t] is V of the real next state: the final observation (counter 3) at a truncation
    expected_next = torch.stack([v(c) for c in (1, 2, 3, 1, 2, 3, 1)])
    assert_close(rollout.next_values[:, 0], expected_next)
    assert_close(rollout.values[:, 0], torch.stack([v(c) for c in (0, 1, 2, 0, 1, 2, 0)]))
    assert [n for _, n in finished] == [3, 3, 3, 3]
    # ... and GAE with those values equals the hand computation: the truncated row bootstraps, the sum restarts
    advantages = gae(rollout.rewards, rollout.values, rollout.next_values, rollout.terminated, rollout.truncated, 0.9, 0.5)
    delta = lambda t: 1.0 + 0.9 * expected_next[t] - rollout.values[t, 0]  # noqa: E731
    assert_close(advantages[2, 0], delta(2))
    assert_close(advantages[1, 0], delta(1) + 0.45 * delta(2))
    assert_close(advantages[3, 0], delta(3) + 0.45 * (delta(4) + 0.45 * delta(5)))


def test_rollout_marks_terminations_and_does_not_cross_them():
    envs = make_vec_env("test/CounterTerminates-v0", 1)
    agent = ActorCritic(envs.single_observation_space, envs.single_action_space)
    rollout, _ = RolloutCollector(envs, seed=0, gamma=0.9).collect(agent, num_steps=4)
    envs.close()
    assert torch.equal(rollout.terminated[:, 0], torch.tensor([False, True, False, True]))
    assert torch.equal(rollout.observations[:, 0, 0], torch.tensor([0.0, 1.0, 0.0, 1.0]))


def test_infinite_horizon_value_is_learned_despite_the_time_limit():
    # Reward 1 forever, cut every 20 steps by a TimeLimit: the true value is 1 / (1 - gamma) = 10.
    # Treating the cut as a termination would learn the average of (1 - gamma^k) / (1 - gamma), about 5.9.
    config = PPOConfig(env_id="test/Constant-v0", seed=0, total_steps=12_000, num_envs=4, num_steps=64, num_epochs=10,
                       num_minibatches=4, gamma=0.9, gae_lambda=0.95, learning_rate=3e-3, anneal_lr=False,
                       eval_every=0, eval_episodes=2, max_grad_norm=None,
                       norm_obs=False, scale_rewards=False)  # values in reward units, of the raw observation 0
    agent, _ = train(config, progress=False)
    with torch.no_grad():
        value = agent.value(torch.zeros(1, 1)).item()
    assert value == pytest.approx(10.0, abs=0.5)


def test_same_seed_gives_identical_histories():
    config = PPOConfig(total_steps=1024, eval_every=512, eval_episodes=2)
    drop = ("train_seconds", "steps_per_second")
    first, second = (train(config, progress=False)[1] for _ in range(2))
    strip = lambda rows: [{k: v for k, v in row.items() if k not in drop} for row in rows]  # noqa: E731
    assert strip(first.updates) == strip(second.updates)
    assert strip(first.evals) == strip(second.evals)
    third = train(config.replace(seed=1), progress=False)[1]
    assert strip(third.updates) != strip(first.updates)


@pytest.mark.parametrize("objective", ["clip", "kl_fixed", "kl_adaptive", "none"])
def test_each_objective_runs(objective):
    config = PPOConfig(total_steps=512, objective=objective, eval_every=0, eval_episodes=2, early_stop_kl=0.02)
    agent, history = train(config, progress=False)
    assert len(history.updates) == 2 and len(history.evals) == 1
    row = history.updates[0]
    assert row["first_minibatch_ratio_max_deviation"] == 0.0  # the ratio is exactly 1 on the first minibatch
    assert all(np.isfinite(row[k]) for k in ("policy_loss", "value_loss", "entropy", "approx_kl", "explained_variance"))
    if objective == "kl_adaptive":
        assert row["kl_coef"] in (0.5, 1.0, 2.0)


def test_continuous_actions_with_normalization(tmp_path):
    config = PPOConfig.for_env("Pendulum-v1", total_steps=1024, num_steps=64, num_minibatches=4, eval_every=0, eval_episodes=2)
    agent, history = train(config, progress=False)
    assert not agent.discrete and agent.obs_rms is not None
    # the collector folds each rollout's observations into the statistics before the next rollout: after
    # two rollouts of 512 the first is in, the last is not (it was collected and trained with fixed statistics)
    assert agent.obs_rms.count.item() == pytest.approx(512, abs=1e-3)
    assert history.updates[-1]["first_minibatch_ratio_max_deviation"] == 0.0
    save_checkpoint(tmp_path / "agent.pt", agent, config)
    loaded, loaded_config = load_checkpoint(tmp_path / "agent.pt")
    assert loaded_config == config
    obs = torch.randn(5, 3)
    with torch.no_grad():
        assert_close(loaded.distribution(obs).mean, agent.distribution(obs).mean)
        assert_close(loaded.value(obs), agent.value(obs))


def test_ratio_recording_and_actions_are_clipped_only_for_the_env():
    envs = make_vec_env("Pendulum-v1", 2)
    agent = ActorCritic(envs.single_observation_space, envs.single_action_space, init_log_std=1.0)
    rollout, _ = RolloutCollector(envs, seed=0, gamma=0.9).collect(agent, num_steps=50)
    envs.close()
    assert rollout.actions.abs().max() > 2.0       # stored unclipped (std e^1 around 0), the env got clip(a, -2, 2)
    config = PPOConfig(env_id="Pendulum-v1", num_envs=2, num_steps=50, num_minibatches=4, num_epochs=3)
    optimizer = torch.optim.Adam(agent.parameters(), lr=1e-3)
    stats = ppo_update(agent, optimizer, rollout, config, clip_eps=0.2, kl_coef=1.0, record_ratios=True)
    assert len(stats.ratios_by_epoch) == 3 and stats.ratios_by_epoch[0].shape == (100,)


def test_cli_writes_the_csv(tmp_path, capsys):
    out = tmp_path / "out.csv"
    assert cli_main(["--env", "CartPole-v1", "--seed", "0", "--total-steps", "512", "--eval-every", "256",
                     "--eval-episodes", "2", "--csv", str(out), "--quiet", "--no-anneal-lr"]) == 0
    rows = list(csv.DictReader(out.open()))
    assert [int(r["env_steps"]) for r in rows] == [0, 256, 512]
    assert {"env_steps", "train_seconds", "eval_mean_return"} <= set(rows[0])
    assert "final evaluation return" in capsys.readouterr().out


# ----- bad input -------------------------------------------------------------------------------

@pytest.mark.parametrize("changes, message", [
    (dict(num_minibatches=3), "must divide"),
    (dict(num_envs=0), "positive int"),
    (dict(gamma=1.5), "gamma"),
    (dict(gae_lambda=-0.1), "gae_lambda"),
    (dict(clip_eps=0.0), "clip_eps"),
    (dict(objective="trpo"), "objective"),
    (dict(hidden_sizes=[64, 64]), "hidden_sizes"),
    (dict(kl_coef=-1.0), "kl_coef"),
    (dict(norm_adv="yes"), "norm_adv"),
    (dict(max_grad_norm=0), "max_grad_norm"),
])
def test_config_rejects_invalid_values(changes, message):
    with pytest.raises((ValueError, TypeError), match=message):
        PPOConfig(**changes)


def test_config_derived_sizes():
    config = PPOConfig(num_envs=4, num_steps=128, num_minibatches=4, total_steps=1000)
    assert (config.batch_size, config.minibatch_size, config.num_updates) == (512, 128, 2)


def test_unsupported_spaces_and_unknown_ids_are_rejected():
    with pytest.raises(ValueError, match="Unsupported action space"):
        make_vec_env("test/MultiDiscrete-v0", 1)
    with pytest.raises(ValueError, match="Unknown environment id"):
        train(PPOConfig(env_id="NoSuchEnv-v0"), progress=False)
    with pytest.raises(TypeError, match="PPOConfig"):
        train({"env_id": "CartPole-v1"}, progress=False)


def test_train_accepts_a_custom_update_loop():
    """Notebook 05's capstone plugs a student's epochs loop into train(): it receives the batch with advantages."""
    seen = []

    def plain_update(agent, optimizer, batch, config, clip_eps, generator):
        seen.append(sorted(batch))
        for _ in range(config.num_epochs):
            log_probs, _, values = agent.evaluate_actions(batch["observations"], batch["actions"])
            ratio = torch.exp(log_probs - batch["log_probs"])
            loss = -(ratio * batch["advantages"]).mean() + ((values - batch["returns"]) ** 2).mean()
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()

    config = PPOConfig(total_steps=512, eval_every=0, eval_episodes=2, num_epochs=2)
    _, history = train(config, progress=False, update=plain_update)
    assert len(seen) == 2 and {"advantages", "returns", "observations", "actions", "log_probs"} <= set(seen[0])
    row = history.updates[-1]
    assert row["kl"] > 0 and row["approx_kl"] > 0 and math.isnan(row["policy_loss"])
    with pytest.raises(TypeError, match="update"):
        train(config, progress=False, update="ppo")


def test_the_same_config_gives_the_same_numbers_whatever_the_callers_thread_count():
    # train() switches to one thread before it builds the agent: the initial weights differ in the last bits
    # with the thread count, so the rows of a sweep run in worker processes (one thread) and re-run in a test
    # process (all cores) would otherwise differ.
    config = PPOConfig.for_env("Pendulum-v1", seed=0, total_steps=2048, eval_every=0)
    threads, results = torch.get_num_threads(), []
    try:
        for n in (1, 2):
            torch.set_num_threads(n)
            _, history = train(config, progress=False)
            assert torch.get_num_threads() == n  # restored
            results.append((history.updates[-1]["policy_loss"], history.evals[-1]["eval_mean_return"]))
    finally:
        torch.set_num_threads(threads)
    assert results[0] == results[1]


def test_evaluating_more_often_does_not_change_training():
    # benchmark.py evaluates every 1,024 steps, notebook 06 every 5,000; both must train the same agent.
    # Evaluation acts deterministically on its own env and must not touch the training RNG or statistics.
    results = []
    for eval_every in (0, 1024):
        config = PPOConfig.for_env("Pendulum-v1", seed=3, total_steps=4096, eval_every=eval_every, eval_episodes=2)
        agent, history = train(config, progress=False)
        results.append((torch.cat([p.detach().flatten() for p in agent.parameters()]), agent.obs_rms.mean.clone(),
                        [row["policy_loss"] for row in history.updates]))
    assert len(history.evals) > 2  # evaluated in between, not only at the end
    assert torch.equal(results[0][0], results[1][0]) and torch.equal(results[0][1], results[1][1])
    assert results[0][2] == results[1][2]

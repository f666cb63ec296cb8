"""The hand-written gradient of PPO's loss equals autograd's, for every objective, both policies and the options."""

import numpy as np
import pytest
import torch

from ppo_core import ActorCritic, PPOConfig, RolloutCollector, make_vec_env, ppo_update
from ppo_core.gradients import autograd_gradients, manual_gradients
from ppo_core.objectives import normalize_advantages
from ppo_core.ppo import _flat_gradients

SETTINGS = [
    dict(objective="clip"), dict(objective="none"), dict(objective="kl_fixed", kl_coef=0.7),
    dict(objective="kl_fixed", kl_coef=0.7, kl_estimator="k3"), dict(objective="kl_adaptive"),
    dict(objective="clip", ent_coef=0.05), dict(objective="clip", clip_value_loss=True),
    dict(objective="kl_fixed", kl_coef=2.0, ent_coef=0.01, clip_value_loss=True),
]


def _minibatch(env_id, norm_obs, seed):
    envs = make_vec_env(env_id, 4)
    torch.manual_seed(seed)
    agent = ActorCritic(envs.single_observation_space, envs.single_action_space, (16, 16), init_log_std=-0.3,
                        norm_obs=norm_obs)
    collector = RolloutCollector(envs, seed=seed)
    rollout, _ = collector.collect(agent, 16)
    if norm_obs:  # statistics away from (0, 1), then the agent moves away from the policy that collected the data
        collector.collect(agent, 16)
    with torch.no_grad():
        for p in agent.parameters():
            p.add_(0.3 * torch.randn(p.shape, generator=torch.Generator().manual_seed(seed)))
    envs.close()
    batch = rollout.flat(returns=rollout.values + torch.randn(rollout.values.shape, generator=torch.Generator().manual_seed(1)))
    advantages = normalize_advantages(torch.randn(batch["log_probs"].shape, generator=torch.Generator().manual_seed(2)))
    return agent, batch, advantages


@pytest.mark.parametrize("env_id", ["CartPole-v1", "Pendulum-v1"])
@pytest.mark.parametrize("settings", SETTINGS, ids=lambda s: "-".join(f"{k}={v}" for k, v in s.items()))
def test_manual_gradient_equals_autograd(env_id, settings):
    agent, batch, advantages = _minibatch(env_id, norm_obs=env_id == "Pendulum-v1", seed=3)
    config = PPOConfig(**settings)
    params = [p for p in agent.parameters() if p.requires_grad]
    results = {}
    for name, fn in (("autograd", autograd_gradients), ("manual", manual_gradients)):
        grads = _flat_gradients(agent, params)
        outputs = fn(agent, batch, advantages, config, 0.2, config.kl_coef)
        results[name] = grads.clone(), outputs
    (g_auto, out_auto), (g_manual, out_manual) = results["autograd"], results["manual"]
    assert g_auto.abs().max() > 1e-3, "a meaningful gradient"
    torch.testing.assert_close(g_manual, g_auto, rtol=1e-4, atol=1e-6)
    for a, m in zip(out_auto, out_manual):  # loss, surrogate, value loss, entropy, ratio, log-probs
        torch.testing.assert_close(m, a, rtol=1e-5, atol=1e-6)
    assert not np.allclose(out_auto[4].numpy(), 1.0), "the ratios are away from 1, so every branch of the clip is used"


def test_both_paths_train_the_same_update():
    """One whole update (20 epochs) from the same start ends at parameters within float32 drift."""
    final = {}
    for name in ("manual", "autograd"):
        envs = make_vec_env("CartPole-v1", 8)
        torch.manual_seed(0)
        agent = ActorCritic(envs.single_observation_space, envs.single_action_space)
        optimizer = torch.optim.Adam(agent.parameters(), lr=1e-3, eps=1e-5)
        rollout, _ = RolloutCollector(envs, seed=0).collect(agent, 32)
        envs.close()
        stats = ppo_update(agent, optimizer, rollout, PPOConfig(), generator=torch.Generator().manual_seed(0), gradients=name)
        assert stats.first_minibatch_ratio_max_deviation == 0.0
        final[name] = torch.cat([p.detach().reshape(-1) for p in agent.parameters()])
    torch.testing.assert_close(final["manual"], final["autograd"], rtol=1e-4, atol=1e-5)

"""Notebook 05's capstone checker: the reference update passes, broken update loops fail with the right diagnosis.

The probes are cheap (about a second); the training case runs only in the test of the reference loop.
"""

import pytest
import torch

from ppo_core import clipped_surrogate, value_loss
from ppo_core.exercises import ppo_cartpole


def update_loop(sign=1.0, clip_ratio=True, step=True, clip_grad=True, normalize="minibatch", old_log_probs="stored",
                eps_from="argument", zero_grad=True):
    """PPO's minibatch loop with one thing optionally done wrong."""
    def update(agent, optimizer, batch, config, clip_eps, generator):
        size = batch["advantages"].shape[0]
        eps = clip_eps if eps_from == "argument" else config.clip_eps
        for _ in range(config.num_epochs):
            order = torch.randperm(size, generator=generator)
            for start in range(0, size, config.minibatch_size):
                index = order[start:start + config.minibatch_size]
                log_probs, entropy, values = agent.evaluate_actions(batch["observations"][index], batch["actions"][index])
                old = batch["log_probs"][index] if old_log_probs == "stored" else log_probs.detach()
                ratio = torch.exp(log_probs - old)
                advantages = batch["advantages"][index]
                if normalize == "minibatch":
                    advantages = (advantages - advantages.mean()) / (advantages.std() + 1e-8)
                elif normalize == "batch":
                    whole = batch["advantages"]
                    advantages = ((whole - whole.mean()) / (whole.std() + 1e-8))[index]
                surrogate = clipped_surrogate(ratio, advantages, eps) if clip_ratio else ratio * advantages
                loss = (-sign * surrogate.mean() + config.vf_coef * value_loss(values, batch["returns"][index]).mean()
                        - config.ent_coef * entropy.mean())
                if zero_grad:
                    optimizer.zero_grad()
                loss.backward()
                if clip_grad:
                    torch.nn.utils.clip_grad_norm_(agent.parameters(), config.max_grad_norm)
                if step:
                    optimizer.step()
    return update


@pytest.fixture
def no_training(monkeypatch):
    """Skip the training case: these tests are about the probes' diagnoses."""
    monkeypatch.setattr(ppo_cartpole, "observe_training", lambda fn: dict(runs=[], error=None, seeds=0, budget=0, needed=0))
    monkeypatch.setattr(ppo_cartpole, "judge_training", lambda observed: ([("training (skipped)", None, "")], True))


def problems(fn):
    return [problem for _, problem in ppo_cartpole.CAPSTONE.run(fn).cases if problem is not None]


def test_the_reference_loop_passes_every_case_including_training():
    result = ppo_cartpole.CAPSTONE.run(ppo_cartpole.reference_update)
    assert result.passed and len(result.cases) == ppo_cartpole.CAPSTONE.behaviour_cases
    assert "475 at" in result.cases[-1][0]


@pytest.mark.parametrize("broken, diagnosis", [
    (dict(sign=-1.0), "sign error"),
    (dict(step=False), "call optimizer.step()"),
    (dict(clip_ratio=False), "the ratio is not clipped"),
    (dict(clip_grad=False), "clip_grad_norm_"),
    (dict(normalize=None), "advantages are not normalized"),
    (dict(normalize="batch"), "normalized over the whole batch"),
    (dict(old_log_probs="recomputed"), "recomputed with the current network"),
    (dict(eps_from="config"), "use the clip_eps argument"),
    (dict(zero_grad=False), "Call optimizer.zero_grad() before loss.backward()"),
])
def test_a_broken_loop_fails_with_its_diagnosis(no_training, broken, diagnosis):
    found = problems(update_loop(**broken))
    assert found, f"{broken} passed the probes"
    assert diagnosis in found[0], found[0]


def test_a_correct_loop_with_its_own_shuffle_passes_the_probes(no_training):
    def update(agent, optimizer, batch, config, clip_eps, generator):
        size = batch["advantages"].shape[0]
        for _ in range(config.num_epochs):
            order = torch.argsort(torch.rand(size, generator=generator))  # another way to shuffle
            for index in order.split(config.minibatch_size):
                log_probs, entropy, values = agent.distribution(batch["observations"][index]).log_prob(batch["actions"][index]), \
                    agent.distribution(batch["observations"][index]).entropy(), agent.value(batch["observations"][index])
                advantages = batch["advantages"][index]
                advantages = (advantages - advantages.mean()) / (advantages.std() + 1e-8)
                loss = (-clipped_surrogate(torch.exp(log_probs - batch["log_probs"][index]), advantages, clip_eps).mean()
                        + config.vf_coef * ((values - batch["returns"][index]) ** 2).mean() - config.ent_coef * entropy.mean())
                optimizer.zero_grad()
                loss.backward()
                torch.nn.utils.clip_grad_norm_(agent.parameters(), config.max_grad_norm)
                optimizer.step()

    assert problems(update) == []


def test_the_prediction_reference_is_computed_and_exactly_zero():
    assert ppo_cartpole.PREDICTION_FIRST_RATIO.reference() == 0.0

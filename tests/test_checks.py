"""The exercise checkers accept the reference, reject plausible mistakes and never crash on a broken function."""

import pytest
import torch

import ppo_core
from ppo_core import checks

REFERENCES = {
    checks.check_td_residuals: ppo_core.td_residuals,
    checks.check_gae: ppo_core.gae,
    checks.check_discounted_cumsum: ppo_core.discounted_cumsum,
    checks.check_softmax_score: checks._softmax_score_reference,
    checks.check_importance_ratio: ppo_core.importance_ratio,
    checks.check_approx_kl: ppo_core.approx_kl,
    checks.check_clipped_surrogate: ppo_core.clipped_surrogate,
    checks.check_kl_penalty_surrogate: ppo_core.kl_penalty_surrogate,
    checks.check_adapt_kl_coef: ppo_core.adapt_kl_coef,
    checks.check_normalize_advantages: ppo_core.normalize_advantages,
    checks.check_ppo_loss: checks._ppo_loss_reference,
    checks.check_gaussian_log_prob: checks._gaussian_log_prob_reference,
    checks.check_gaussian_entropy: checks._gaussian_entropy_reference,
}

MISTAKES = {
    checks.check_td_residuals: checks._TD_MISTAKES,
    checks.check_gae: checks._GAE_MISTAKES,
    checks.check_discounted_cumsum: checks._CUMSUM_MISTAKES,
    checks.check_softmax_score: checks._SCORE_MISTAKES,
    checks.check_importance_ratio: checks._RATIO_MISTAKES,
    checks.check_approx_kl: checks._KL_MISTAKES,
    checks.check_clipped_surrogate: checks._CLIP_MISTAKES,
    checks.check_kl_penalty_surrogate: checks._KLPEN_MISTAKES,
    checks.check_adapt_kl_coef: checks._ADAPT_MISTAKES,
    checks.check_normalize_advantages: checks._NORMALIZE_MISTAKES,
    checks.check_ppo_loss: checks._PPO_LOSS_MISTAKES,
    checks.check_gaussian_log_prob: checks._GAUSSIAN_MISTAKES,
    checks.check_gaussian_entropy: checks._ENTROPY_MISTAKES,
}

CATALOGUE = [(checker, description, wrong) for checker, mistakes in MISTAKES.items() for description, wrong in mistakes]


@pytest.mark.parametrize("checker", list(REFERENCES), ids=lambda c: c.__name__)
def test_accepts_the_reference(checker, capsys):
    assert checker(REFERENCES[checker]) is True
    assert "✗" not in capsys.readouterr().out


@pytest.mark.parametrize("checker, description, wrong", CATALOGUE, ids=[f"{c.__name__}:{d[:40]}" for c, d, _ in CATALOGUE])
def test_rejects_the_mistake_and_names_it(checker, description, wrong, capsys):
    assert checker(wrong) is False
    out = capsys.readouterr().out
    assert "✗" in out and "expected" in out
    assert "hint:" in out


def test_gae_checker_names_truncation_as_termination(capsys):
    checks.check_gae(checks._gae_truncation_as_termination)
    assert "treat truncation as termination" in capsys.readouterr().out


def test_independently_written_wrong_gae_is_rejected():
    def wrong_gae(rewards, values, next_values, terminated, truncated, gamma, gae_lambda):
        # a common student loop: the episode-end flag of t + 1 resets the sum (off by one)
        advantages = torch.zeros_like(rewards)
        running = torch.zeros_like(rewards[0])
        for t in reversed(range(rewards.shape[0])):
            not_term = (~terminated[t]).to(rewards.dtype)
            delta = rewards[t] + gamma * not_term * next_values[t] - values[t]
            ends_next = (terminated[t + 1] | truncated[t + 1]) if t + 1 < rewards.shape[0] else torch.zeros_like(terminated[t])
            running = delta + gamma * gae_lambda * (~ends_next).to(rewards.dtype) * running
            advantages[t] = running
        return advantages
    assert checks.check_gae(wrong_gae) is False


def test_strict_mode_raises():
    with pytest.raises(checks.CheckFailed, match="failed cases"):
        checks.check_clipped_surrogate(lambda ratio, advantages, clip_eps: ratio * advantages, strict=True)
    assert checks.check_clipped_surrogate(ppo_core.clipped_surrogate, strict=True) is True


def test_broken_functions_get_readable_messages(capsys):
    def not_done(ratio, advantages, clip_eps):
        raise NotImplementedError()

    def raises(ratio, advantages, clip_eps):
        return ratio * advantages[None]  # an indexing slip that changes the shape

    def wrong_type(ratio, advantages, clip_eps):
        return (ratio * advantages).tolist()

    def nan(ratio, advantages, clip_eps):
        return ratio * advantages * float("nan")

    def mutates(rewards, values, next_values, terminated, gamma):
        rewards.mul_(1.0)  # harmless
        values -= 1.0  # in place!
        return rewards + gamma * next_values - values - 1.0

    def bad_signature(x):
        return x

    expectations = [
        (checks.check_clipped_surrogate, not_done, "not implemented yet"),
        (checks.check_clipped_surrogate, raises, "returned shape"),
        (checks.check_clipped_surrogate, wrong_type, "returned list"),
        (checks.check_clipped_surrogate, nan, "NaN"),
        (checks.check_td_residuals, mutates, "changed its input `values` in place"),
        (checks.check_gae, bad_signature, "raised TypeError"),
        (checks.check_adapt_kl_coef, lambda kl_coef, kl, target_kl: "2.0", "returned str"),
    ]
    for checker, fn, message in expectations:
        assert checker(fn) is False
        assert message in capsys.readouterr().out


def test_rejects_a_non_function():
    with pytest.raises(TypeError, match="Pass your function itself"):
        checks.check_gae(ppo_core.gae(**{k: v for k, v in checks._hand_rollout().items()}, gamma=0.9, gae_lambda=0.5))


def test_gradient_cases_catch_a_detached_output(capsys):
    def detached(ratio, advantages, clip_eps):
        return ppo_core.clipped_surrogate(ratio, advantages, clip_eps).detach()
    assert checks.check_clipped_surrogate(detached) is False
    assert "no gradient flows" in capsys.readouterr().out

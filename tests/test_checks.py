"""The exercise checkers accept the reference, reject plausible mistakes and never crash on a broken function."""

import pytest
import torch

import ppo_core
from ppo_core import checks
from ppo_core.exercises import CATALOGUE, find_exercise
from ppo_core.exercises._data import hand_rollout

FUNCTIONS = [e for e in CATALOGUE if e.kind == "function"]
PREDICTIONS = [e for e in CATALOGUE if e.kind == "prediction"]
CHECKERS = [getattr(checks, e.checker) for e in FUNCTIONS]
MISTAKES = [(checker, description, wrong) for checker in CHECKERS
            for description, wrong in find_exercise(checker.__name__).mistakes]
PREDICTION_MISTAKES = [(e, description, wrong) for e in PREDICTIONS for description, wrong in e.mistakes]


def test_every_public_checker_is_registered():
    public = sorted(name for name in dir(checks) if name.startswith("check_"))
    assert public == sorted(e.checker for e in CATALOGUE)


@pytest.mark.parametrize("checker", CHECKERS, ids=lambda c: c.__name__)
def test_accepts_the_reference(checker, capsys):
    assert checker(find_exercise(checker.__name__).reference) is True
    assert "✗" not in capsys.readouterr().out


@pytest.mark.parametrize("checker", CHECKERS, ids=lambda c: c.__name__)
def test_catalogue_has_at_least_five_distinct_mistakes(checker):
    mistakes = find_exercise(checker.__name__).mistakes
    assert len(mistakes) >= 5
    assert len({description for description, _ in mistakes}) == len(mistakes)


@pytest.mark.parametrize("checker, description, wrong", MISTAKES, ids=[f"{c.__name__}:{d[:40]}" for c, d, _ in MISTAKES])
def test_rejects_the_mistake_and_names_it(checker, description, wrong, capsys):
    assert checker(wrong) is False
    out = capsys.readouterr().out
    assert "✗" in out and "expected" in out
    assert f"your output matches what you get when you {description}" in out, "the diagnosis should name this mistake"


@pytest.mark.parametrize("checker", CHECKERS, ids=lambda c: c.__name__)
def test_run_checker_counts_cases(checker, capsys):
    exercise = find_exercise(checker.__name__)
    good = checks.run_checker(checker, exercise.reference)
    assert good.passed and good.num_passed == exercise.num_cases and good.failed_cases == []
    bad = checks.run_checker(checker.__name__, exercise.mistakes[0][1])
    assert not bad.passed and bad.failed_cases and "✗" in bad.report


# ----- predictions --------------------------------------------------------------------------------

@pytest.mark.parametrize("exercise", PREDICTIONS, ids=lambda e: e.function)
def test_prediction_accepts_the_computed_answer_and_rejects_every_other_option(exercise, capsys):
    checker = getattr(checks, exercise.checker)
    answer = exercise.reference()
    assert checker(answer) is True and "✓" in capsys.readouterr().out
    if exercise.choices:
        assert str(answer).lower() in [str(c).lower() for c in exercise.choices]
        wrong = [c for c in exercise.choices if str(c).lower() != str(answer).lower()]
        assert wrong and all(checker(c) is False for c in wrong)
        assert len(exercise.mistakes) >= min(3, len(wrong)), "name the misconception behind the wrong options"
        assert checker("not an option") is False and "not one of the options" in capsys.readouterr().out
    else:
        assert checker(float(answer) + 10 * exercise.atol + 1.0) is False
    with pytest.raises(NotImplementedError):
        checker(None)


@pytest.mark.parametrize("exercise, description, wrong", PREDICTION_MISTAKES,
                         ids=[f"{e.function}:{d[:30]}" for e, d, _ in PREDICTION_MISTAKES])
def test_prediction_names_the_misconception(exercise, description, wrong, capsys):
    assert getattr(checks, exercise.checker)(wrong) is False
    assert description in capsys.readouterr().out


def test_gae_checker_names_truncation_as_termination(capsys):
    checks.check_gae(find_exercise("check_gae").mistakes[0][1])
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

    with pytest.raises(NotImplementedError, match="not_done is not implemented yet"):
        checks.check_clipped_surrogate(not_done)
    assert "not implemented yet" in capsys.readouterr().out
    expectations = [
        (checks.check_clipped_surrogate, raises, "returned shape"),
        (checks.check_clipped_surrogate, wrong_type, "returned list"),
        (checks.check_clipped_surrogate, nan, "NaN"),
        (checks.check_td_residuals, mutates, "changed its input `values` in place"),
        (checks.check_gae, bad_signature, "raised TypeError"),
        (checks.check_adapt_kl_coef, lambda kl_coef, kl, kl_target: "2.0", "returned str"),
    ]
    for checker, fn, message in expectations:
        assert checker(fn) is False
        assert message in capsys.readouterr().out


def test_rejects_a_non_function():
    with pytest.raises(TypeError, match="Pass your function itself"):
        checks.check_gae(ppo_core.gae(**{k: v for k, v in hand_rollout().items()}, gamma=0.9, gae_lambda=0.5))


def test_gradient_cases_catch_a_detached_output(capsys):
    def detached(ratio, advantages, clip_eps):
        return ppo_core.clipped_surrogate(ratio, advantages, clip_eps).detach()
    assert checks.check_clipped_surrogate(detached) is False
    assert "no gradient flows" in capsys.readouterr().out


def test_independently_written_wrong_answers_are_rejected(capsys):
    """Student-style code (loops, other spellings), not derived from the library, is rejected too."""
    def td_next_row(rewards, values, next_values, terminated, gamma):
        delta = torch.empty_like(rewards)
        for t in range(rewards.shape[0]):  # V(s_{t+1}) from the next row of `values`: wrong at episode ends
            v_next = values[t + 1] if t + 1 < rewards.shape[0] else next_values[t]
            delta[t] = rewards[t] + gamma * (~terminated[t]).to(rewards.dtype) * v_next - values[t]
        return delta

    def cumsum_no_reset(x, discount, episode_ends):
        out, running = torch.empty_like(x), torch.zeros_like(x[0])
        for t in reversed(range(x.shape[0])):
            running = x[t] + discount * running
            out[t] = running
        return out

    def clip_with_where(ratio, advantages, clip_eps):  # clips on both sides whatever the sign of A
        return torch.where((ratio - 1).abs() > clip_eps, torch.clamp(ratio, 1 - clip_eps, 1 + clip_eps), ratio) * advantages

    def adapt_ratio_rule(kl_coef, kl, kl_target):
        return kl_coef * kl / kl_target  # a proportional rule, not the paper's

    def entropy_from_samples(log_std, batch_size):  # a Monte Carlo estimate, not the closed form
        normal = torch.distributions.Normal(torch.zeros_like(log_std), log_std.exp())
        return -normal.log_prob(normal.sample((1000,))).sum(-1).mean().expand(batch_size)

    cases = [(checks.check_td_residuals, td_next_row), (checks.check_discounted_cumsum, cumsum_no_reset),
             (checks.check_clipped_surrogate, clip_with_where), (checks.check_adapt_kl_coef, adapt_ratio_rule),
             (checks.check_gaussian_entropy, entropy_from_samples)]
    for checker, wrong in cases:
        assert checker(wrong) is False, wrong.__name__
    assert "do not restart the sum at an episode end" in capsys.readouterr().out

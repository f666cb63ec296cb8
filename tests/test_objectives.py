"""Objectives and diagnostics: gradient zones, the adaptive-beta rule, k3 >= 0, bad input."""

import math

import pytest
import torch
from torch.testing import assert_close

from ppo_core import (
    adapt_kl_coef,
    approx_kl,
    clip_fraction,
    clipped_surrogate,
    explained_variance,
    importance_ratio,
    kl_penalty_surrogate,
    normalize_advantages,
    value_loss,
)

EPS = 0.2


def grad_of_clipped(ratio_value, advantage):
    ratio = torch.tensor([ratio_value], dtype=torch.float64, requires_grad=True)
    value = clipped_surrogate(ratio, torch.tensor([advantage], dtype=torch.float64), EPS)
    value.sum().backward()
    return value.item(), ratio.grad.item()


@pytest.mark.parametrize("ratio, advantage, value, grad", [
    (0.5, 2.0, 1.0, 2.0),     # A > 0, below the range: r A, gradient flows
    (1.1, 2.0, 2.2, 2.0),     # A > 0, inside
    (1.5, 2.0, 2.4, 0.0),     # A > 0, above: flat at (1 + eps) A, gradient 0
    (0.5, -2.0, -1.6, 0.0),   # A < 0, below: flat at (1 - eps) A, gradient 0
    (0.9, -2.0, -1.8, -2.0),  # A < 0, inside
    (1.5, -2.0, -3.0, -2.0),  # A < 0, above: r A, gradient flows (pulls the ratio back)
])
def test_clipped_surrogate_zones(ratio, advantage, value, grad):
    got_value, got_grad = grad_of_clipped(ratio, advantage)
    assert got_value == pytest.approx(value)
    assert got_grad == pytest.approx(grad)


def test_clipped_surrogate_is_a_pessimistic_bound_equal_at_ratio_one():
    gen = torch.Generator().manual_seed(0)
    ratio = torch.exp(0.5 * torch.randn(1000, generator=gen, dtype=torch.float64))
    advantages = torch.randn(1000, generator=gen, dtype=torch.float64)
    assert (clipped_surrogate(ratio, advantages, EPS) <= ratio * advantages + 1e-12).all()
    ones = torch.ones(1000, dtype=torch.float64, requires_grad=True)
    clipped_surrogate(ones, advantages, EPS).sum().backward()
    assert_close(ones.grad, advantages)  # L^CLIP = L^CPI to first order at r = 1


def test_importance_ratio_is_one_for_equal_policies_and_detaches_old():
    log_probs = torch.log(torch.tensor([0.1, 0.5, 0.9], dtype=torch.float64)).requires_grad_(True)
    old = log_probs.detach().clone().requires_grad_(True)
    ratio = importance_ratio(log_probs, old)
    assert torch.equal(ratio.detach(), torch.ones(3, dtype=torch.float64))
    ratio.sum().backward()
    assert_close(log_probs.grad, torch.ones(3, dtype=torch.float64))  # d r / d log pi = r = 1
    assert old.grad is None


def test_importance_ratio_survives_underflowing_probabilities():
    ratio = importance_ratio(torch.tensor([-800.0]), torch.tensor([-801.0]))
    assert ratio.item() == pytest.approx(math.e)


def test_kl_penalty_surrogate_hand_example():
    one = lambda x: torch.tensor([x], dtype=torch.float64)  # noqa: E731
    assert kl_penalty_surrogate(one(1.5), one(2.0), one(0.1), 3.0).item() == pytest.approx(2.7)


@pytest.mark.parametrize("kl, expected", [(0.001, 0.5), (0.0066, 0.5), (0.0067, 1.0), (0.01, 1.0), (0.015, 1.0),
                                          (0.0151, 2.0), (0.5, 2.0)])
def test_adapt_kl_coef_rule(kl, expected):
    assert adapt_kl_coef(1.0, kl, 0.01) == pytest.approx(expected)


def test_adapt_kl_coef_accepts_tensors():
    assert adapt_kl_coef(torch.tensor(2.0), torch.tensor(0.05), 0.01) == pytest.approx(4.0)


def test_value_loss_plain_and_clipped():
    values = torch.tensor([1.0, 2.0, 3.0], dtype=torch.float64)
    returns = torch.tensor([0.0, 2.0, 5.0], dtype=torch.float64)
    assert_close(value_loss(values, returns), torch.tensor([1.0, 0.0, 4.0], dtype=torch.float64))
    old = torch.tensor([1.5, 2.0, 2.0], dtype=torch.float64)
    # clip(V, V_old -+ 0.2) = [1.3, 2.0, 2.2] -> squared errors [1.69, 0, 7.84]; max with unclipped
    assert_close(value_loss(values, returns, old, 0.2), torch.tensor([1.69, 0.0, 7.84], dtype=torch.float64))


def test_normalize_advantages():
    a = torch.tensor([1.0, 2.0, 3.0, 10.0], dtype=torch.float64)
    n = normalize_advantages(a)
    assert n.mean().abs() < 1e-12 and (n.std() - 1).abs() < 1e-6
    assert_close(normalize_advantages(torch.full((4,), 3.0)), torch.zeros(4))


@pytest.mark.parametrize("seed", range(3))
def test_k3_is_nonnegative_and_unbiased(seed):
    gen = torch.Generator().manual_seed(seed)
    old_logits = torch.randn(5, generator=gen, dtype=torch.float64)
    new_logits = old_logits + 0.5 * torch.randn(5, generator=gen, dtype=torch.float64)
    old = torch.distributions.Categorical(logits=old_logits)
    new = torch.distributions.Categorical(logits=new_logits)
    actions = old.sample((200_000,))
    k3 = approx_kl(new.log_prob(actions), old.log_prob(actions))
    assert (k3 >= 0).all()
    exact = torch.distributions.kl_divergence(old, new)  # KL[old || new], the direction of L^KLPEN
    assert abs(k3.mean() - exact) < 4 * k3.std() / math.sqrt(len(k3))


def test_clip_fraction_and_explained_variance():
    assert clip_fraction(torch.tensor([0.7, 0.9, 1.0, 1.25]), 0.2) == pytest.approx(0.5)
    returns = torch.tensor([1.0, 2.0, 3.0, 4.0])
    assert explained_variance(returns, returns) == pytest.approx(1.0)
    assert explained_variance(torch.full((4,), 2.5), returns) == pytest.approx(0.0)
    assert math.isnan(explained_variance(returns, torch.ones(4)))


# ----- bad input -------------------------------------------------------------------------------

def test_objectives_reject_broadcasting():
    with pytest.raises(ValueError, match="Shapes must match exactly"):
        clipped_surrogate(torch.ones(4, 1), torch.ones(4), EPS)
    with pytest.raises(ValueError, match="Shapes must match exactly"):
        importance_ratio(torch.zeros(3), torch.zeros(1))
    with pytest.raises(ValueError, match="Shapes must match exactly"):
        kl_penalty_surrogate(torch.ones(3), torch.ones(3), torch.ones(()), 1.0)
    with pytest.raises(ValueError, match="Shapes must match exactly"):
        approx_kl(torch.zeros(3), torch.zeros(3, 1))


@pytest.mark.parametrize("clip_eps", [0.0, -0.1, float("inf"), "0.2", True])
def test_clipped_surrogate_rejects_bad_eps(clip_eps):
    with pytest.raises((ValueError, TypeError), match="clip_eps"):
        clipped_surrogate(torch.ones(3), torch.ones(3), clip_eps)


def test_rejects_negative_kl_coef_and_bad_targets():
    with pytest.raises(ValueError, match="kl_coef"):
        kl_penalty_surrogate(torch.ones(3), torch.ones(3), torch.ones(3), -1.0)
    with pytest.raises(ValueError, match="kl_coef"):
        adapt_kl_coef(0.0, 0.01, 0.01)
    with pytest.raises(ValueError, match="kl_target"):
        adapt_kl_coef(1.0, 0.01, 0.0)
    with pytest.raises(ValueError, match="`kl`"):
        adapt_kl_coef(1.0, -0.01, 0.01)


def test_rejects_integer_tensors_and_bad_value_loss_arguments():
    with pytest.raises(TypeError, match="floating-point"):
        importance_ratio(torch.zeros(3, dtype=torch.long), torch.zeros(3))
    with pytest.raises(ValueError, match="both"):
        value_loss(torch.ones(3), torch.ones(3), old_values=torch.ones(3))
    with pytest.raises(ValueError, match="at least 2"):
        normalize_advantages(torch.ones(1))
    with pytest.raises(ValueError, match="1 dimension"):
        normalize_advantages(torch.ones(2, 2))


@pytest.mark.parametrize("name", ["clipped_surrogate", "kl_penalty_surrogate", "value_loss", "value_loss_clipped",
                                  "importance_ratio", "approx_kl"])
def test_targets_and_old_quantities_are_constants(name):
    """Advantages, returns, old values and old log-probs get no gradient from any surrogate or loss."""
    gen = torch.Generator().manual_seed(0)
    x = {k: torch.randn(6, generator=gen, dtype=torch.float64, requires_grad=True) for k in ("a", "b", "c", "d")}
    calls = {
        "clipped_surrogate": (lambda: clipped_surrogate(x["a"].exp(), x["b"], 0.2), "b"),
        "kl_penalty_surrogate": (lambda: kl_penalty_surrogate(x["a"].exp(), x["b"], x["c"].exp(), 0.5), "b"),
        "value_loss": (lambda: value_loss(x["a"], x["b"]), "b"),
        "value_loss_clipped": (lambda: value_loss(x["a"], x["b"], x["c"], 0.2), "b", "c"),
        "importance_ratio": (lambda: importance_ratio(x["a"], x["b"]), "b"),
        "approx_kl": (lambda: approx_kl(x["a"], x["b"]), "b"),
    }
    fn, *constants = calls[name]
    fn().sum().backward()
    assert x["a"].grad is not None and x["a"].grad.abs().sum() > 0
    for key in constants:
        assert x[key].grad is None, f"{name} sends a gradient into an argument that must be a constant"

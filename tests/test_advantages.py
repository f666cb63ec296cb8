"""Advantage estimators: hand-computed cases, a plain-loop oracle, invariances, semantics, bad input."""

import pytest
import torch
from torch.testing import assert_close

from ppo_core import discounted_cumsum, gae, n_step_advantages, td_residuals

GAMMA = 0.9


def column(*xs, dtype=torch.float64):
    return torch.tensor(xs, dtype=dtype).reshape(-1, 1)


def hand(terminated=(False,) * 3, truncated=(False,) * 3):
    """The 3-step example worked by hand in notebook 01."""
    return dict(rewards=column(1.0, 0.0, 2.0), values=column(0.5, 1.0, 1.5), next_values=column(1.0, 1.5, 3.0),
                terminated=column(*terminated, dtype=torch.bool), truncated=column(*truncated, dtype=torch.bool))


def random_rollout(seed, num_steps=12, num_envs=4, p_end=0.3):
    gen = torch.Generator().manual_seed(seed)
    shape = (num_steps, num_envs)
    ended = torch.rand(shape, generator=gen) < p_end
    both = torch.rand(shape, generator=gen) < 0.2  # gymnasium may set both flags on one step
    terminated = ended & (torch.rand(shape, generator=gen) < 0.5)
    truncated = (ended & ~terminated) | (terminated & both)
    return dict(rewards=torch.randn(shape, generator=gen, dtype=torch.float64),
                values=torch.randn(shape, generator=gen, dtype=torch.float64),
                next_values=torch.randn(shape, generator=gen, dtype=torch.float64),
                terminated=terminated, truncated=truncated)


def oracle_gae(rewards, values, next_values, terminated, truncated, gamma, gae_lambda):
    """A plain Python loop, one environment and one step at a time."""
    num_steps, num_envs = rewards.shape
    out = torch.zeros_like(rewards)
    for n in range(num_envs):
        running = 0.0
        for t in reversed(range(num_steps)):
            bootstrap = 0.0 if terminated[t, n] else gamma * next_values[t, n].item()
            delta = rewards[t, n].item() + bootstrap - values[t, n].item()
            if terminated[t, n] or truncated[t, n]:
                running = 0.0
            running = delta + gamma * gae_lambda * running
            out[t, n] = running
    return out


def test_td_residuals_hand_example():
    r = hand()
    assert_close(td_residuals(r["rewards"], r["values"], r["next_values"], r["terminated"], GAMMA), column(1.4, 0.35, 3.2))


def test_td_residuals_terminated_drops_bootstrap():
    r = hand(terminated=(False, True, False))
    assert_close(td_residuals(r["rewards"], r["values"], r["next_values"], r["terminated"], GAMMA), column(1.4, -1.0, 3.2))


@pytest.mark.parametrize("flags, expected", [
    ({}, (2.2055, 1.79, 3.2)),
    ({"terminated": (False, True, False)}, (0.95, -1.0, 3.2)),
    ({"truncated": (False, True, False)}, (1.5575, 0.35, 3.2)),
    ({"terminated": (False, False, True)}, (1.4 + 0.45 * (0.35 + 0.45 * 0.5), 0.35 + 0.45 * 0.5, 0.5)),
])
def test_gae_hand_examples(flags, expected):
    assert_close(gae(**hand(**flags), gamma=GAMMA, gae_lambda=0.5), column(*expected))


@pytest.mark.parametrize("seed", range(5))
@pytest.mark.parametrize("gae_lambda", [0.0, 0.5, 0.95, 1.0])
def test_gae_matches_plain_loop_oracle(seed, gae_lambda):
    r = random_rollout(seed)
    assert_close(gae(**r, gamma=0.97, gae_lambda=gae_lambda), oracle_gae(**r, gamma=0.97, gae_lambda=gae_lambda))


@pytest.mark.parametrize("seed", range(3))
def test_lambda_zero_gives_td_residuals(seed):
    r = random_rollout(seed)
    expected = td_residuals(r["rewards"], r["values"], r["next_values"], r["terminated"], GAMMA)
    assert_close(gae(**r, gamma=GAMMA, gae_lambda=0.0), expected)


def test_lambda_one_gives_discounted_return_minus_value():
    # One episode, terminated on the last row: GAE(1) = sum_l gamma^l r_{t+l} - V(s_t), exactly.
    gen = torch.Generator().manual_seed(0)
    rewards, values, next_values = (torch.randn(6, 2, generator=gen, dtype=torch.float64) for _ in range(3))
    next_values[:-1] = values[1:]  # a consistent rollout: within an episode s_{t+1} is the next row's state
    terminated = torch.zeros(6, 2, dtype=torch.bool)
    terminated[-1] = True
    truncated = torch.zeros_like(terminated)
    returns = torch.zeros_like(rewards)
    for t in range(6):
        returns[t] = sum(GAMMA ** (k - t) * rewards[k] for k in range(t, 6))
    assert_close(gae(rewards, values, next_values, terminated, truncated, GAMMA, 1.0), returns - values)
    assert_close(returns, discounted_cumsum(rewards, GAMMA, terminated | truncated))


def test_lambda_one_bootstraps_at_rollout_end():
    # No episode end: GAE(1) = discounted rewards + gamma^(T-t) V(s_T) - V(s_t).
    r = hand()
    rewards, values = r["rewards"][:, 0], r["values"][:, 0]
    last = r["next_values"][-1, 0]
    expected = torch.stack([sum(GAMMA ** (k - t) * rewards[k] for k in range(t, 3)) + GAMMA ** (3 - t) * last - values[t]
                            for t in range(3)])
    assert_close(gae(**r, gamma=GAMMA, gae_lambda=1.0)[:, 0], expected)


@pytest.mark.parametrize("seed", range(3))
def test_splitting_at_an_episode_boundary_changes_nothing(seed):
    r = random_rollout(seed, num_steps=10, num_envs=3)
    r["terminated"][4] = True  # every env ends an episode at t = 4
    whole = gae(**r, gamma=GAMMA, gae_lambda=0.9)
    first = gae(**{k: v[:5] for k, v in r.items()}, gamma=GAMMA, gae_lambda=0.9)
    second = gae(**{k: v[5:] for k, v in r.items()}, gamma=GAMMA, gae_lambda=0.9)
    assert_close(whole, torch.cat([first, second]))


def test_next_values_matter_at_truncated_steps_only():
    r = random_rollout(7, p_end=0.5)
    changed = dict(r, next_values=r["next_values"] + 10.0)
    delta = (gae(**changed, gamma=GAMMA, gae_lambda=0.0) - gae(**r, gamma=GAMMA, gae_lambda=0.0)).abs() > 1e-9
    assert torch.equal(delta, ~r["terminated"])  # every non-terminated step bootstraps, including truncated ones
    only_truncated = r["truncated"] & ~r["terminated"]
    edited = r["next_values"].clone()
    edited[only_truncated] += 10.0
    moved = gae(**dict(r, next_values=edited), gamma=GAMMA, gae_lambda=0.0) - gae(**r, gamma=GAMMA, gae_lambda=0.0)
    assert_close(moved[only_truncated], torch.full_like(moved[only_truncated], GAMMA * 10.0))
    terminal_edit = r["next_values"].clone()
    terminal_edit[r["terminated"]] += 10.0
    assert_close(gae(**dict(r, next_values=terminal_edit), gamma=GAMMA, gae_lambda=0.9), gae(**r, gamma=GAMMA, gae_lambda=0.9))


def test_truncation_treated_as_termination_gives_a_different_answer():
    r = hand(truncated=(False, True, False))
    right = gae(**r, gamma=GAMMA, gae_lambda=0.5)
    wrong = gae(**dict(r, terminated=r["terminated"] | r["truncated"]), gamma=GAMMA, gae_lambda=0.5)
    assert_close(right - wrong, column(0.45 * GAMMA * 1.5, GAMMA * 1.5, 0.0))


@pytest.mark.parametrize("n", [1, 2, 3, 5, 40])
def test_n_step_matches_plain_loop(n):
    r = random_rollout(3)
    deltas = td_residuals(r["rewards"], r["values"], r["next_values"], r["terminated"], GAMMA)
    ends = r["terminated"] | r["truncated"]
    expected = torch.zeros_like(deltas)
    for j in range(deltas.shape[1]):
        for t in range(deltas.shape[0]):
            total, weight = 0.0, 1.0
            for l in range(n):
                if t + l >= deltas.shape[0]:
                    break
                total += weight * deltas[t + l, j].item()
                if ends[t + l, j]:
                    break
                weight *= GAMMA
            expected[t, j] = total
    assert_close(n_step_advantages(**r, gamma=GAMMA, n=n), expected)


def test_n_step_limits():
    r = random_rollout(4)
    assert_close(n_step_advantages(**r, gamma=GAMMA, n=1),
                 td_residuals(r["rewards"], r["values"], r["next_values"], r["terminated"], GAMMA))
    assert_close(n_step_advantages(**r, gamma=GAMMA, n=100), gae(**r, gamma=GAMMA, gae_lambda=1.0))


def test_gae_is_lambda_weighted_average_of_n_step_estimators():
    # On a rollout of length T: A^GAE = (1 - lam) sum_{k<T} lam^(k-1) A^(k) + lam^(T-1) A^(T).
    r = random_rollout(5, num_steps=8, p_end=0.2)
    lam, total = 0.7, 8
    mix = sum((1 - lam) * lam ** (k - 1) * n_step_advantages(**r, gamma=GAMMA, n=k) for k in range(1, total))
    mix = mix + lam ** (total - 1) * n_step_advantages(**r, gamma=GAMMA, n=total)
    assert_close(gae(**r, gamma=GAMMA, gae_lambda=lam), mix)


def test_discounted_cumsum_hand_example():
    x = column(1.0, 2.0, 3.0, 4.0)
    ends = column(False, True, False, False, dtype=torch.bool)
    assert_close(discounted_cumsum(x, 0.5, ends), column(2.0, 2.0, 5.0, 4.0))
    assert_close(discounted_cumsum(x, 0.5), column(1 + 0.5 * 2 + 0.25 * 3 + 0.125 * 4, 2 + 0.5 * 3 + 0.25 * 4, 5.0, 4.0))


def test_works_in_float32_and_keeps_gradient():
    r = {k: (v.float() if v.is_floating_point() else v) for k, v in random_rollout(1).items()}
    r["values"].requires_grad_(True)
    out = gae(**r, gamma=0.99, gae_lambda=0.95)
    assert out.dtype == torch.float32
    out.sum().backward()
    assert r["values"].grad is not None


# ----- bad input -------------------------------------------------------------------------------

def test_rejects_broadcasting_shapes():
    r = hand()
    with pytest.raises(ValueError, match="Shapes must match exactly"):
        gae(**dict(r, values=r["values"][:, 0]), gamma=GAMMA, gae_lambda=0.9)


def test_rejects_non_boolean_flags():
    r = hand()
    with pytest.raises(TypeError, match="torch.bool"):
        gae(**dict(r, terminated=r["terminated"].float()), gamma=GAMMA, gae_lambda=0.9)
    with pytest.raises(TypeError, match="torch.bool"):
        td_residuals(r["rewards"], r["values"], r["next_values"], r["terminated"].long(), GAMMA)


@pytest.mark.parametrize("name, value", [("gamma", 1.5), ("gamma", -0.1), ("gae_lambda", 1.01), ("gae_lambda", float("nan"))])
def test_rejects_out_of_range_discounts(name, value):
    kwargs = dict(gamma=GAMMA, gae_lambda=0.9)
    kwargs[name] = value
    with pytest.raises(ValueError, match=name):
        gae(**hand(), **kwargs)


def test_rejects_integer_rewards_and_non_tensors():
    r = hand()
    with pytest.raises(TypeError, match="floating-point"):
        gae(**dict(r, rewards=r["rewards"].long()), gamma=GAMMA, gae_lambda=0.9)
    with pytest.raises(TypeError, match="torch.Tensor"):
        gae(**dict(r, rewards=[1.0, 0.0, 2.0]), gamma=GAMMA, gae_lambda=0.9)
    with pytest.raises(TypeError, match="Dtypes must match"):
        gae(**dict(r, values=r["values"].float()), gamma=GAMMA, gae_lambda=0.9)


def test_n_step_rejects_bad_n():
    with pytest.raises(ValueError, match="positive"):
        n_step_advantages(**hand(), gamma=GAMMA, n=0)
    with pytest.raises(TypeError, match="int"):
        n_step_advantages(**hand(), gamma=GAMMA, n=2.5)

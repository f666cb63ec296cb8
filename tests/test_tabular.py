"""The exact MDP: Bellman identities, the policy-gradient theorem, the surrogate, the sampler."""

import math

import pytest
import torch
from torch.testing import assert_close

from ppo_core import TabularMDP, discounted_cumsum


@pytest.fixture(params=[0, 1], ids=["continuing", "episodic"])
def mdp(request):
    return TabularMDP.random(num_states=5, num_actions=3, gamma=0.9, num_terminal=request.param, seed=3)


def random_theta(mdp, seed=0, scale=1.0):
    gen = torch.Generator().manual_seed(seed)
    return scale * torch.randn(mdp.num_states, mdp.num_actions, generator=gen, dtype=torch.float64)


def test_bellman_identities(mdp):
    theta = random_theta(mdp)
    pi, v, q, a = mdp.policy(theta), mdp.state_values(theta), mdp.action_values(theta), mdp.advantages(theta)
    assert_close((pi * q).sum(-1), v)
    assert_close((pi * a).sum(-1), torch.zeros_like(v), atol=1e-12, rtol=0)
    live = ~mdp.terminal
    expected_q = mdp.rewards + mdp.gamma * mdp.transitions @ v
    assert_close(q[live], expected_q[live])
    assert (v[mdp.terminal] == 0).all()


def test_visitation_sums_to_expected_discounted_length(mdp):
    theta = random_theta(mdp)
    rho = mdp.visitation(theta)
    if not mdp.terminal.any():
        assert rho.sum().item() == pytest.approx(1 / (1 - mdp.gamma))
    # J = sum_s rho(s) r_pi(s): the objective counted through the visitation
    r_pi = (mdp.policy(theta) * mdp.rewards).sum(-1)
    assert (rho * r_pi).sum().item() == pytest.approx(mdp.objective(theta).item())
    assert mdp.state_distribution(theta).sum().item() == pytest.approx(1.0)


def test_policy_gradient_theorem_matches_autograd(mdp):
    theta = random_theta(mdp).requires_grad_(True)
    mdp.objective(theta).backward()
    assert_close(theta.grad, mdp.policy_gradient(theta))


def test_surrogate_matches_objective_to_first_order(mdp):
    theta_old = random_theta(mdp)
    theta = theta_old.clone().requires_grad_(True)
    surrogate = mdp.surrogate(theta, theta_old)
    assert surrogate.item() == pytest.approx(mdp.objective(theta_old).item())
    surrogate.backward()
    assert_close(theta.grad, mdp.policy_gradient(theta_old))
    # ... and its error grows like the square of the step
    direction = random_theta(mdp, seed=1)
    gaps = [abs(mdp.objective(theta_old + a * direction) - mdp.surrogate(theta_old + a * direction, theta_old)).item()
            for a in (1e-2, 2e-2)]
    assert gaps[1] / gaps[0] == pytest.approx(4.0, rel=0.05)


def test_sampler_layout_and_time_limit():
    mdp = TabularMDP.random(num_states=4, num_actions=2, gamma=0.9, num_terminal=1, seed=0)
    rollout = mdp.sample(torch.zeros(4, 2), num_envs=64, num_steps=30, max_episode_steps=5,
                         generator=torch.Generator().manual_seed(0))
    assert rollout.states.shape == (30, 64)
    assert rollout.terminated.dtype == torch.bool
    assert torch.equal(rollout.terminated, mdp.terminal[rollout.next_states])
    ended = rollout.terminated | rollout.truncated
    # within an episode the next row starts where this one went; after an end it starts anew
    same = rollout.states[1:] == rollout.next_states[:-1]
    assert same[~ended[:-1]].all()
    assert not mdp.terminal[rollout.states].any()
    # no episode is longer than the time limit and truncation happens exactly at step 5
    length = torch.zeros(64, dtype=torch.long)
    for t in range(30):
        length += 1
        assert torch.equal(rollout.truncated[t], length >= 5)
        length[ended[t]] = 0
    assert_close(rollout.log_probs, mdp.log_policy(torch.zeros(4, 2))[rollout.states, rollout.actions])


def test_sampler_is_reproducible_and_monte_carlo_matches_exact_value():
    mdp = TabularMDP.random(num_states=4, num_actions=2, gamma=0.8, num_terminal=1, reward_noise=0.5, seed=1)
    theta = random_theta(mdp, seed=2)
    sample = lambda: mdp.sample(theta, num_envs=2000, num_steps=60, generator=torch.Generator().manual_seed(5))  # noqa: E731
    first, second = sample(), sample()
    assert all(torch.equal(a, b) for a, b in zip(first, second))
    returns = discounted_cumsum(first.rewards, mdp.gamma, first.terminated | first.truncated)
    # the first row of every env starts an episode; with gamma 0.8, 60 steps leave < 1e-5 of the return out
    estimate, sem = returns[0].mean(), returns[0].std() / math.sqrt(2000)
    exact = (mdp.initial @ mdp.state_values(theta))
    assert abs(estimate - exact) < 4 * sem


def test_rejects_bad_construction_and_theta():
    ok = TabularMDP.random(num_states=3, num_actions=2, seed=0)
    with pytest.raises(ValueError, match="probability distribution"):
        TabularMDP(ok.transitions * 2, ok.rewards, ok.initial, 0.9)
    with pytest.raises(ValueError, match="gamma"):
        TabularMDP(ok.transitions, ok.rewards, ok.initial, 1.0)
    with pytest.raises(ValueError, match="shape"):
        TabularMDP(ok.transitions, ok.rewards[:, :1], ok.initial, 0.9)
    with pytest.raises(TypeError, match="torch.bool"):
        TabularMDP(ok.transitions, ok.rewards, ok.initial, 0.9, terminal=torch.zeros(3))
    with pytest.raises(ValueError, match="theta"):
        ok.state_values(torch.zeros(2, 3))
    with pytest.raises(ValueError, match="num_terminal"):
        TabularMDP.random(num_states=3, num_terminal=3)
    with pytest.raises(ValueError, match="num_envs"):
        ok.sample(torch.zeros(3, 2), num_envs=0, num_steps=3)

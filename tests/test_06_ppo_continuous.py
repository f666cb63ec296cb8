"""Notebook 06's predictions: their references compute the right answers, checked against sampling."""

import pytest
import torch
from torch.distributions import Normal

from ppo_core import importance_ratio
from ppo_core.exercises import ppo_continuous


@pytest.mark.parametrize("mean, sigma", [(1.8, 0.6), (-1.8, 0.6), (0.0, 1.0), (2.5, 0.3), (-3.0, 2.0)])
def test_clipped_score_mean_matches_sampling(mean, sigma):
    gen = torch.Generator().manual_seed(0)
    actions = mean + sigma * torch.randn(400_000, generator=gen, dtype=torch.float64)
    scores = (actions.clamp(-2.0, 2.0) - mean) / sigma**2
    exact = ppo_continuous._clipped_score_mean(mean, sigma, 2.0)
    assert abs(scores.mean().item() - exact) < 5 * scores.std().item() / 400_000**0.5


def test_clipped_score_mean_is_odd_in_the_mean_and_zero_at_zero():
    assert ppo_continuous._clipped_score_mean(0.0, 0.6, 2.0) == pytest.approx(0.0, abs=1e-12)
    assert ppo_continuous._clipped_score_mean(1.8, 0.6, 2.0) == pytest.approx(-ppo_continuous._clipped_score_mean(-1.8, 0.6, 2.0))
    assert ppo_continuous._clipped_score_mean(1.8, 0.6, 2.0) < 0


def test_prediction_references():
    assert ppo_continuous._clipped_score_direction() == "down"
    assert ppo_continuous._clipped_ratio_beyond_the_bound() == "below 1"


@pytest.mark.parametrize("mean", [-2.0, -0.7, 0.0, 1.3, 2.0])
def test_clipping_moves_every_action_towards_a_mean_inside_the_bounds(mean):
    actions = torch.cat([torch.linspace(-9, -2.0001, 500), torch.linspace(2.0001, 9, 500)]).double()
    policy = Normal(torch.tensor(mean, dtype=torch.float64), 0.6)
    ratio = importance_ratio(policy.log_prob(actions.clamp(-2, 2)), policy.log_prob(actions))
    assert (ratio > 1).all()


@pytest.mark.parametrize("mean", [2.05, 2.5, -3.0])
def test_clipping_moves_some_actions_away_from_a_mean_beyond_the_bound(mean):
    # for mean > 2 the samples in (2, 2 mean - 2) are pulled away from it (and symmetrically below -2)
    edge = 2 * abs(mean) - 2
    inner = torch.linspace(2.0001, edge - 1e-4, 50).double() * (1 if mean > 0 else -1)
    policy = Normal(torch.tensor(mean, dtype=torch.float64), 0.6)
    ratio = importance_ratio(policy.log_prob(inner.clamp(-2, 2)), policy.log_prob(inner))
    assert (ratio < 1).all()

"""Plotting helpers draw what the library computes, return the Axes, and reject bad input."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
import torch  # noqa: E402

from ppo_core import clipped_surrogate, plot_along_line, plot_bias_variance, plot_clipped_surrogate  # noqa: E402


@pytest.mark.parametrize("advantage", [1.0, -1.0])
def test_clipped_surrogate_plot_draws_the_library_function(advantage):
    fig, ax = plt.subplots()
    assert plot_clipped_surrogate(advantage, clip_eps=0.2, ax=ax) is ax
    line = next(l for l in ax.get_lines() if "CLIP" in l.get_label())
    ratio, drawn = line.get_data()
    ratio = torch.as_tensor(np.asarray(ratio))
    expected = clipped_surrogate(ratio, torch.full_like(ratio, advantage), 0.2)
    np.testing.assert_allclose(drawn, expected.numpy())
    # the flat part is on the side the advantage rewards
    flat = ratio > 1.2 if advantage > 0 else ratio < 0.8
    assert np.ptp(np.asarray(drawn)[flat.numpy()]) == 0
    plt.close(fig)


def test_other_helpers_return_axes_and_check_shapes():
    fig, ax = plt.subplots()
    assert plot_bias_variance([0, 0.5, 1], [1, 0.5, 0], [0, 1, 2], ax=ax) is ax
    assert plot_along_line(np.linspace(0, 1, 5), {"J": np.arange(5.0)}, ax=ax, mark=1.0) is ax
    with pytest.raises(ValueError, match="equal length"):
        plot_bias_variance([0, 1], [1], [1, 2], ax=ax)
    with pytest.raises(ValueError, match="shape"):
        plot_along_line(np.linspace(0, 1, 5), {"J": np.arange(4.0)}, ax=ax)
    with pytest.raises(ValueError, match="nonzero"):
        plot_clipped_surrogate(0.0, ax=ax)
    plt.close(fig)


def _fake_history(returns, steps=(0, 100, 200)):
    from ppo_core import History, PPOConfig

    history = History(PPOConfig())
    history.evals = [dict(env_steps=s, train_seconds=0.0, eval_mean_return=r) for s, r in zip(steps, returns)]
    history.updates = [dict(env_steps=s, policy_loss=0.1, value_loss=1.0, entropy=0.6, approx_kl=0.01,
                            clip_fraction=0.1, explained_variance=0.5) for s in steps]
    return history


def test_learning_curves_plot_the_mean_over_seeds_with_a_band():
    from ppo_core import plot_learning_curves

    fig, ax = plt.subplots()
    runs = [_fake_history([10, 200, 500]), _fake_history([20, 300, 480])]
    assert plot_learning_curves({"PPO": runs}, ax=ax, threshold=475) is ax
    x, y = ax.get_lines()[0].get_data()
    np.testing.assert_allclose(y, [15, 250, 490])
    assert len(ax.collections) == 1  # the confidence band
    with pytest.raises(ValueError, match="different env steps"):
        plot_learning_curves({"PPO": [runs[0], _fake_history([1, 2, 3], steps=(0, 50, 100))]}, ax=ax)
    plt.close(fig)


def test_diagnostics_panel_and_ratio_histogram():
    from ppo_core import plot_diagnostics, plot_ratio_histogram

    axes = plot_diagnostics(_fake_history([1, 2, 3]), max_entropy=0.693)
    assert len(axes) == 6 and all(a.get_ylabel() and a.get_title() for a in axes)
    assert [len(a.get_lines()) for a in axes] == [1, 1, 2, 2, 1, 2]  # data, plus ln 2, 0.02 and the zero line
    assert axes[3].get_lines()[1].get_ydata()[0] == 0.02
    fig, ax = plt.subplots()
    ratios = [torch.ones(50), 1 + 0.1 * torch.randn(50), 1 + 0.3 * torch.randn(50)]
    assert plot_ratio_histogram(ratios, 0.2, ax=ax) is ax and ax.get_yscale() == "log"
    with pytest.raises(ValueError, match="record_ratios"):
        plot_ratio_histogram([], 0.2, ax=ax)
    plt.close("all")


def test_the_episode_animation_needs_nothing_from_another_host():
    """matplotlib's player links Font Awesome on a CDN; the series' pages must work offline (the book site's test too)."""
    import re

    from ppo_core import PPOConfig, animate_episode, make_agent, make_vec_env

    config = PPOConfig.for_env("CartPole-v1", seed=0)
    agent = make_agent(config, make_vec_env("CartPole-v1", 1))
    html, _, steps = animate_episode(agent, "CartPole-v1", max_steps=6, every=3)
    assert steps > 0 and "<script" in html
    assert not re.search(r"""(?:href|src)=["'](?:https?:)?//""", html), "the animation loads something from another host"
    assert "▶" in html and 'class="fa ' not in html

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

"""ppo_core: the small library behind the PPO notebook series.

Pure functions over time-major ``[T, N]`` tensors; each docstring names the notebook that
teaches it. See README.md for the notation table.
"""

from .advantages import discounted_cumsum, gae, n_step_advantages, td_residuals
from .diagnostics import approx_kl, clip_fraction, explained_variance
from .objectives import (
    adapt_kl_coef,
    clipped_surrogate,
    importance_ratio,
    kl_penalty_surrogate,
    normalize_advantages,
    value_loss,
)
from .plotting import plot_along_line, plot_bias_variance, plot_clipped_surrogate
from .tabular import TabularMDP, TabularRollout

__version__ = "0.1.0"

__all__ = [
    "TabularMDP",
    "TabularRollout",
    "adapt_kl_coef",
    "approx_kl",
    "clip_fraction",
    "clipped_surrogate",
    "discounted_cumsum",
    "explained_variance",
    "gae",
    "importance_ratio",
    "kl_penalty_surrogate",
    "n_step_advantages",
    "normalize_advantages",
    "plot_along_line",
    "plot_bias_variance",
    "plot_clipped_surrogate",
    "td_residuals",
    "value_loss",
]

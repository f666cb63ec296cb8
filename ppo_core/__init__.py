"""ppo_core: the small library behind the PPO notebook series.

Pure functions over time-major ``[T, N]`` tensors; each docstring names the notebook that
teaches it. See README.md for the notation table.
"""

from .advantages import discounted_cumsum, gae, n_step_advantages, td_residuals
from .agent import ActorCritic, RunningMeanStd
from .config import PPOConfig
from .diagnostics import approx_kl, clip_fraction, explained_variance
from .objectives import (
    adapt_kl_coef,
    clipped_surrogate,
    importance_ratio,
    kl_penalty_surrogate,
    normalize_advantages,
    value_loss,
)
from .plotting import (
    plot_along_line,
    plot_bias_variance,
    plot_clipped_surrogate,
    plot_diagnostics,
    plot_learning_curves,
    plot_ratio_histogram,
)
from .ppo import Rollout, RolloutCollector, make_vec_env, ppo_update
from .tabular import TabularMDP, TabularRollout
from .trainer import History, evaluate, load_checkpoint, save_checkpoint, train

__version__ = "0.1.0"

__all__ = [
    "ActorCritic",
    "History",
    "PPOConfig",
    "Rollout",
    "RolloutCollector",
    "RunningMeanStd",
    "TabularMDP",
    "TabularRollout",
    "adapt_kl_coef",
    "approx_kl",
    "clip_fraction",
    "clipped_surrogate",
    "discounted_cumsum",
    "evaluate",
    "load_checkpoint",
    "make_vec_env",
    "ppo_update",
    "save_checkpoint",
    "train",
    "explained_variance",
    "gae",
    "importance_ratio",
    "kl_penalty_surrogate",
    "n_step_advantages",
    "normalize_advantages",
    "plot_along_line",
    "plot_bias_variance",
    "plot_clipped_surrogate",
    "plot_diagnostics",
    "plot_learning_curves",
    "plot_ratio_histogram",
    "td_residuals",
    "value_loss",
]

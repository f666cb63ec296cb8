"""ppo_core: the small library behind the PPO notebook series.

The math is pure functions over time-major ``[T, N]`` tensors; each docstring names the notebook
that teaches it. See README.md for the notation table and the map of modules.
"""

from .advantages import discounted_cumsum, gae, n_step_advantages, td_residuals
from .agent import ActorCritic
from .config import PPOConfig
from .diagnostics import approx_kl, clip_fraction, explained_variance
from .envs import check_vec_env, make_vec_env
from .i18n import get_language, set_language
from .interactive import interactive_figure
from .normalization import RewardScaler, RunningMeanStd
from .objectives import adapt_kl_coef, clipped_surrogate, importance_ratio, kl_penalty_surrogate, normalize_advantages, value_loss
from .plotting import (
    animate_episode,
    plot_along_line,
    plot_bias_variance,
    plot_clipped_surrogate,
    plot_diagnostics,
    plot_learning_curves,
    plot_ratio_histogram,
)
from .parallel import run_in_workers
from .ppo import UpdateStats, ppo_update
from .rollout import Rollout, RolloutCollector
from .tabular import TabularMDP, TabularRollout
from .trainer import History, evaluate, load_checkpoint, make_agent, save_checkpoint, train

__version__ = "0.4.0"

__all__ = [
    # the math (notebooks 01-04)
    "td_residuals", "gae", "n_step_advantages", "discounted_cumsum",
    "importance_ratio", "clipped_surrogate", "kl_penalty_surrogate", "adapt_kl_coef", "value_loss", "normalize_advantages",
    "approx_kl", "clip_fraction", "explained_variance",
    "TabularMDP", "TabularRollout",
    # the agent and its training (notebooks 05-07)
    "PPOConfig", "make_vec_env", "check_vec_env", "ActorCritic", "RunningMeanStd", "RewardScaler",
    "Rollout", "RolloutCollector", "ppo_update", "UpdateStats",
    "train", "evaluate", "make_agent", "History", "save_checkpoint", "load_checkpoint",
    # figures
    "plot_clipped_surrogate", "plot_bias_variance", "plot_along_line", "plot_learning_curves", "plot_diagnostics",
    "plot_ratio_histogram", "interactive_figure", "animate_episode",
    # statistics and parallel runs
    "run_in_workers",
    # the language of checkers and feedback (the Chinese edition)
    "set_language", "get_language",
]

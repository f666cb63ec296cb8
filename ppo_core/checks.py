"""The notebooks' checkers: ``from ppo_core.checks import check_gae``.

Each ``check_x(fn, strict=False)`` runs the student's function on named cases and prints one
line per case; see :mod:`ppo_core.exercises` for where each exercise is declared.
"""

from .exercises import CheckFailed, CheckResult, run_checker
from .exercises.advantage import check_gae, check_td_residuals
from .exercises.clipped_surrogate import check_adapt_kl_coef, check_clipped_surrogate, check_kl_penalty_surrogate
from .exercises.importance_sampling import check_approx_kl, check_importance_ratio
from .exercises.policy_gradient import check_discounted_cumsum, check_softmax_score
from .exercises.ppo_cartpole import check_normalize_advantages, check_ppo_loss, check_value_loss
from .exercises.ppo_continuous import check_gaussian_entropy, check_gaussian_log_prob

__all__ = [
    "CheckFailed", "CheckResult", "run_checker",
    "check_td_residuals", "check_gae", "check_softmax_score", "check_discounted_cumsum",
    "check_importance_ratio", "check_approx_kl", "check_clipped_surrogate", "check_kl_penalty_surrogate",
    "check_adapt_kl_coef", "check_normalize_advantages", "check_ppo_loss", "check_value_loss",
    "check_gaussian_log_prob", "check_gaussian_entropy",
]

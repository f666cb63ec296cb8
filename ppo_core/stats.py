"""The statistics the notebooks' asserts use to compare a sampled estimate with an exact value.

A sampled mean is never exactly the exact value; it lands within a few *standard errors*
(std / sqrt(n)) of it. An assert that allows ``z`` standard errors fails by chance with a known
small probability; when a cell makes many such comparisons at once, the allowance is widened so
that the chance of *any* false alarm stays small (a Bonferroni correction).

Notebooks: 01_advantage, 02_policy_gradient, 03_importance_sampling.
"""

from __future__ import annotations

import math

import torch


def standard_error(samples: torch.Tensor, dim: int = 0) -> torch.Tensor:
    """The standard error of the mean of i.i.d. samples along ``dim``: std / sqrt(n).

    Args:
        samples: ``[n, ...]`` (with ``dim=0``) independent draws, n >= 2.
        dim: the dimension that indexes the draws.

    Returns:
        the standard errors, ``samples`` with ``dim`` removed.

    Notebooks: 01_advantage, 03_importance_sampling.
    """
    if not isinstance(samples, torch.Tensor) or not samples.is_floating_point():
        raise TypeError("`samples` must be a floating-point torch.Tensor.")
    n = samples.shape[dim]
    if n < 2:
        raise ValueError(f"`samples` needs at least 2 draws along dim {dim} for a standard error, got {n}.")
    return samples.std(dim=dim) / math.sqrt(n)


def z_threshold(num_tests: int = 1, false_alarm: float = 1e-3) -> float:
    """The |z| above which any of ``num_tests`` two-sided Gaussian tests fires with probability <= ``false_alarm``.

    Each test gets the share ``false_alarm / num_tests`` (Bonferroni), so the threshold is the
    standard normal quantile ``Phi^-1(1 - false_alarm / (2 num_tests))``: 3.29 for one test at 1e-3,
    4.56 for 100 tests.

    Notebooks: 01_advantage, 02_policy_gradient.
    """
    if isinstance(num_tests, bool) or not isinstance(num_tests, int) or num_tests < 1:
        raise ValueError(f"`num_tests` must be a positive int, got {num_tests!r}.")
    if not 0 < false_alarm < 1:
        raise ValueError(f"`false_alarm` must lie in (0, 1), got {false_alarm!r}.")
    return torch.special.ndtri(torch.tensor(1 - false_alarm / (2 * num_tests), dtype=torch.float64)).item()


def z_scores(estimate: torch.Tensor, exact: torch.Tensor, standard_errors: torch.Tensor) -> torch.Tensor:
    """(estimate - exact) / standard error, elementwise; 0 where both the error and the difference are 0.

    Args:
        estimate, exact, standard_errors: tensors of one shape ``[...]``.

    Notebooks: 01_advantage, 02_policy_gradient, 03_importance_sampling.
    """
    difference = estimate - exact
    safe = torch.where(standard_errors > 0, standard_errors, torch.ones_like(standard_errors))
    return torch.where(standard_errors > 0, difference / safe, torch.where(difference == 0, 0.0, math.inf))


def ratio_standard_error(numerators: torch.Tensor, denominators: torch.Tensor) -> tuple:
    """The ratio of two means, sum(x) / sum(y), and its standard error by the delta method.

    For i.i.d. pairs (x_i, y_i), R = mean(x) / mean(y) has, to first order,
    SE(R) = std(x_i - R y_i) / (sqrt(n) |mean(y)|) (a Taylor expansion of x/y around the means).

    Args:
        numerators, denominators: ``[n]`` one pair per independent unit.

    Returns:
        ``(ratio, standard_error)`` as floats.

    Notebook: 02_policy_gradient.
    """
    if numerators.shape != denominators.shape or numerators.ndim != 1 or numerators.numel() < 2:
        raise ValueError("`numerators` and `denominators` must be [n] tensors of one shape, n >= 2.")
    ratio = numerators.sum() / denominators.sum()
    residuals = numerators - ratio * denominators
    return ratio.item(), (residuals.std() / (math.sqrt(numerators.numel()) * denominators.mean().abs())).item()


def sqrt_standard_error(value: float, standard_error: float) -> float:
    """The standard error of sqrt(X) from that of X, by the delta method: SE / (2 sqrt(X)).

    Notebook: 02_policy_gradient.
    """
    if value <= 0:
        raise ValueError(f"`value` must be > 0 for the delta method of sqrt, got {value!r}.")
    return standard_error / (2 * math.sqrt(value))

"""Input checks shared by the public functions.

Every public function of ``ppo_core`` calls these before doing any math, so that a
wrong shape, dtype or hyperparameter fails with a message that names the argument
and says how to fix it, instead of broadcasting silently or failing deep inside torch.
"""

from __future__ import annotations

import math
import numbers

import torch


def tensor(name: str, x, *, floating: bool = True, ndim: int | None = None, min_ndim: int = 0) -> torch.Tensor:
    """Return ``x`` if it is a tensor of the expected kind, else raise a clear error."""
    if not isinstance(x, torch.Tensor):
        hint = " Convert it with torch.as_tensor(...)." if hasattr(x, "__len__") or isinstance(x, numbers.Number) else ""
        raise TypeError(f"`{name}` must be a torch.Tensor, got {type(x).__name__}.{hint}")
    if floating and not x.is_floating_point():
        raise TypeError(
            f"`{name}` must be a floating-point tensor, got dtype {x.dtype}. "
            f"Convert it with `{name}.float()` (or `.double()`)."
        )
    if ndim is not None and x.ndim != ndim:
        raise ValueError(f"`{name}` must have {ndim} dimension(s), got shape {tuple(x.shape)}.")
    if x.ndim < min_ndim:
        raise ValueError(f"`{name}` must have at least {min_ndim} dimension(s), got shape {tuple(x.shape)}.")
    return x


def flags(name: str, x) -> torch.Tensor:
    """Return ``x`` if it is a boolean tensor (episode-end flags), else raise."""
    if not isinstance(x, torch.Tensor):
        raise TypeError(f"`{name}` must be a torch.Tensor of dtype torch.bool, got {type(x).__name__}.")
    if x.dtype != torch.bool:
        raise TypeError(
            f"`{name}` must have dtype torch.bool, got {x.dtype}. Flags are booleans, not 0/1 numbers: "
            f"use `{name}.bool()` (or `torch.as_tensor(..., dtype=torch.bool)`)."
        )
    return x


def same_shape(**tensors: torch.Tensor) -> None:
    """Raise if the named tensors do not all have exactly the same shape (no broadcasting)."""
    names = list(tensors)
    first = tensors[names[0]]
    for name in names[1:]:
        if tensors[name].shape != first.shape:
            shapes = ", ".join(f"{n}{tuple(t.shape)}" for n, t in tensors.items())
            raise ValueError(
                f"Shapes must match exactly, got {shapes}. ppo_core never broadcasts: a [B, 1] tensor next to "
                f"a [B] tensor is a bug (use .squeeze(-1) or .view(...) so that the shapes agree)."
            )


def same_dtype(**tensors: torch.Tensor) -> None:
    names = list(tensors)
    first = tensors[names[0]]
    for name in names[1:]:
        if tensors[name].dtype != first.dtype:
            dtypes = ", ".join(f"{n}: {t.dtype}" for n, t in tensors.items())
            raise TypeError(f"Dtypes must match, got {dtypes}. Convert them with .to(dtype) first.")


def real(name: str, x, *, low: float | None = None, high: float | None = None,
         low_open: bool = False, high_open: bool = False) -> float:
    """Return ``x`` as a float if it is a finite real number inside the given range."""
    if isinstance(x, torch.Tensor):
        if x.numel() != 1:
            raise ValueError(f"`{name}` must be a single number, got a tensor of shape {tuple(x.shape)}.")
        x = x.item()
    if isinstance(x, bool) or not isinstance(x, numbers.Real):
        raise TypeError(f"`{name}` must be a real number, got {type(x).__name__}.")
    x = float(x)
    if not math.isfinite(x):
        raise ValueError(f"`{name}` must be finite, got {x}.")
    if low is not None and (x < low or (low_open and x == low)):
        raise ValueError(f"`{name}` must be {'>' if low_open else '>='} {low}, got {x}.")
    if high is not None and (x > high or (high_open and x == high)):
        raise ValueError(f"`{name}` must be {'<' if high_open else '<='} {high}, got {x}.")
    return x


def discount(name: str, x) -> float:
    """A discount-like factor (gamma, gae_lambda) must lie in [0, 1]."""
    try:
        return real(name, x, low=0.0, high=1.0)
    except ValueError as err:
        raise ValueError(f"{err} `{name}` is a discount factor and must lie in [0, 1] (typical: 0.9 to 0.99).") from None


def positive_int(name: str, x) -> int:
    if isinstance(x, bool) or not isinstance(x, numbers.Integral):
        raise TypeError(f"`{name}` must be an int, got {type(x).__name__}.")
    if x <= 0:
        raise ValueError(f"`{name}` must be a positive int, got {x}.")
    return int(x)


def non_negative_int(name: str, x) -> int:
    if isinstance(x, bool) or not isinstance(x, numbers.Integral):
        raise TypeError(f"`{name}` must be an int, got {type(x).__name__}.")
    if x < 0:
        raise ValueError(f"`{name}` must be an int >= 0, got {x}.")
    return int(x)


def finite(name: str, x: torch.Tensor) -> torch.Tensor:
    """Return ``x`` if every element is finite, else raise (one pass over ``x``: call once per call, not in loops)."""
    if not torch.isfinite(x).all():
        bad = int((~torch.isfinite(x.detach())).sum())
        raise ValueError(f"`{name}` holds NaN or inf ({bad} of {x.numel()} values). Every input must be finite: "
                         f"check where `{name}` came from (an environment's reward, a diverged network, an overflow).")
    return x


def non_empty(name: str, x: torch.Tensor, needs: str = "at least one element") -> torch.Tensor:
    """Return ``x`` unless it has no elements."""
    if x.numel() == 0:
        raise ValueError(f"`{name}` is empty (shape {tuple(x.shape)}); it needs {needs}.")
    return x

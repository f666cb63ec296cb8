"""Plotting helpers in matplotlib's convention: ``ax=None`` draws on the current Axes, the
Axes is returned, nothing is shown and no global style is changed.

The curves are computed with the same functions the trainer calls, so a figure cannot
disagree with the algorithm.
"""

from __future__ import annotations

import os
import re

import matplotlib.pyplot as plt
import numpy as np
import torch

from . import _validate as check
from .objectives import clipped_surrogate


def _axes(ax):
    return plt.gca() if ax is None else ax


def _numbers(name: str, x) -> np.ndarray:
    """``np.asarray(x, dtype=float)``, or a clear error naming the argument."""
    try:
        return np.asarray(x, dtype=float)
    except (TypeError, ValueError) as err:
        raise TypeError(f"`{name}` must be numbers (a list, array or tensor), got {type(x).__name__} ({err}).") from None


def _histories(name: str, histories) -> None:
    """Raise unless ``histories`` is ``{label: [History, ...]}`` with evaluations."""
    from .trainer import History

    for label, runs in histories.items():
        if isinstance(runs, History) or not isinstance(runs, (list, tuple)):
            raise TypeError(f"`{name}[{label!r}]` must be a list of History objects (one per seed), got {type(runs).__name__}: "
                            f"write {{{label!r}: [history]}} for a single run.")
        if not runs:
            raise ValueError(f"no runs for {label!r}: `{name}[{label!r}]` is an empty list.")
        for run in runs:
            if not isinstance(run, History):
                raise TypeError(f"`{name}[{label!r}]` must hold History objects from ppo_core.train, got {type(run).__name__}.")
            if not run.evals:
                raise ValueError(f"a run of {label!r} in `{name}` has no evaluations (History.evals is empty).")


def plot_clipped_surrogate(advantage: float, clip_eps: float = 0.2, ax=None, ratio_range=(0.0, 2.0)):
    """One term of L^CLIP against the ratio r, as in the PPO paper's Figure 1.

    The solid line is ``clipped_surrogate`` itself; the dashed line is the unclipped r * A;
    the red dot marks r = 1, where every update starts.

    Args:
        advantage: the advantage A of this term, nonzero.
        clip_eps: epsilon > 0.
        ax: the Axes to draw on (default: the current one).
        ratio_range: the (low, high) range of r to plot.

    Returns:
        the Axes.

    Notebook: 04_clipped_surrogate.
    """
    advantage = check.real("advantage", advantage)
    if advantage == 0:
        raise ValueError("`advantage` must be nonzero: with A = 0 the term is identically 0.")
    clip_eps = check.real("clip_eps", clip_eps, low=0.0, low_open=True)
    try:
        low, high = ratio_range
    except (TypeError, ValueError):
        raise TypeError(f"`ratio_range` must be a pair (low, high), e.g. (0.0, 2.0), got {ratio_range!r}.") from None
    if check.real("ratio_range[1]", high) <= check.real("ratio_range[0]", low):
        raise ValueError(f"`ratio_range` must be (low, high) with low < high, got {ratio_range!r}.")
    ax = _axes(ax)
    ratio = torch.linspace(ratio_range[0], ratio_range[1], 401, dtype=torch.float64)
    objective = clipped_surrogate(ratio, torch.full_like(ratio, advantage), clip_eps)
    ax.plot(ratio, ratio * advantage, ls="--", color="0.6", label=r"unclipped $rA$")
    ax.plot(ratio, objective, color="C0", lw=2, label=r"$L^{CLIP}=\min(rA,\ \mathrm{clip}(r)A)$")
    ax.plot([1.0], [advantage], "o", color="red", ms=8, label="start of the update, r = 1")
    for edge in (1 - clip_eps, 1 + clip_eps):
        ax.axvline(edge, color="0.8", lw=1)
    ax.axhline(0.0, color="k", lw=0.5)
    ax.set_xticks([0, 1 - clip_eps, 1, 1 + clip_eps, ratio_range[1]])
    ax.set_xticklabels(["0", r"$1-\epsilon$", "1", r"$1+\epsilon$", f"{ratio_range[1]:g}"])
    ax.set_xlabel(r"probability ratio $r=\pi_\theta(a|s)\,/\,\pi_{old}(a|s)$")
    ax.set_ylabel(r"$L^{CLIP}$ (one term)")
    ax.set_title(f"A {'>' if advantage > 0 else '<'} 0 (A = {advantage:g}, ε = {clip_eps:g})")
    ax.legend(fontsize="small", loc="best")
    return ax


def plot_bias_variance(lambdas, bias_squared, variance, ax=None, title="GAE(λ) against the exact advantage"):
    """Squared bias, variance and their sum (the mean squared error) of an estimator against lambda.

    Args:
        lambdas: [K] the lambda values.
        bias_squared: [K] squared bias of the estimator at each lambda.
        variance: [K] variance at each lambda.
        ax: the Axes to draw on.
        title: the plot title.

    Returns:
        the Axes.

    Notebook: 01_advantage.
    """
    lambdas, bias_squared, variance = (_numbers(name, x) for name, x in
                                       (("lambdas", lambdas), ("bias_squared", bias_squared), ("variance", variance)))
    if not (lambdas.ndim == 1 and lambdas.shape == bias_squared.shape == variance.shape):
        raise ValueError(f"lambdas, bias_squared and variance must be 1-D of equal length, got shapes "
                         f"{lambdas.shape}, {bias_squared.shape}, {variance.shape}.")
    ax = _axes(ax)
    ax.plot(lambdas, bias_squared, "o-", label="bias²")
    ax.plot(lambdas, variance, "s-", label="variance")
    ax.plot(lambdas, bias_squared + variance, "k--", label="mean squared error = bias² + variance")
    ax.set_xlabel("λ (0 = one-step TD residual, 1 = Monte Carlo return − V)")
    ax.set_ylabel("squared error (reward units²)")
    ax.set_title(title)
    ax.legend(fontsize="small")
    return ax


def plot_along_line(alphas, curves: dict, ax=None, xlabel="interpolation factor α (θ = θ_old + α Δθ)",
                    ylabel="objective", title=None, mark=None):
    """Several quantities along a line in parameter space, as in the PPO paper's Figure 2.

    Args:
        alphas: [K] positions on the line (0 is the old parameters).
        curves: {label: [K] values}, one line each.
        ax: the Axes to draw on.
        xlabel, ylabel, title: the labels.
        mark: an optional alpha to mark with a vertical line (e.g. the end of the update, 1).

    Returns:
        the Axes.

    Notebooks: 03_importance_sampling, 04_clipped_surrogate.
    """
    alphas = _numbers("alphas", alphas)
    if alphas.ndim != 1:
        raise ValueError(f"`alphas` must be 1-D, got shape {alphas.shape}.")
    if not isinstance(curves, dict):
        raise TypeError(f"`curves` must be a dict {{label: values}}, got {type(curves).__name__}.")
    if not curves:
        raise ValueError("`curves` is empty: pass {label: values}.")
    ax = _axes(ax)
    for label, values in curves.items():
        values = np.asarray(torch.as_tensor(values).detach(), dtype=float)
        if values.shape != alphas.shape:
            raise ValueError(f"curve {label!r} has shape {values.shape}, but `alphas` has shape {alphas.shape}.")
        ax.plot(alphas, values, label=label)
    if mark is not None:
        ax.axvline(mark, color="0.7", ls=":", lw=1)
    ax.axhline(0.0, color="k", lw=0.5)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    if title:
        ax.set_title(title)
    ax.legend(fontsize="small")
    return ax


def _bootstrap_band(curves: np.ndarray, level: float = 0.95, resamples: int = 2000, seed: int = 0):
    """Percentile-bootstrap confidence band of the mean over seeds (rows), per column."""
    rng = np.random.default_rng(seed)
    picks = rng.integers(0, curves.shape[0], size=(resamples, curves.shape[0]))
    means = curves[picks].mean(axis=1)  # [resamples, K]
    tail = (1 - level) / 2 * 100
    return np.percentile(means, tail, axis=0), np.percentile(means, 100 - tail, axis=0)


def plot_learning_curves(histories: dict, ax=None, threshold: float | None = None, level: float = 0.95):
    """Deterministic-evaluation return against environment steps: mean over seeds with a confidence band.

    Args:
        histories: {label: [History, ...]}, one History per seed (from :func:`ppo_core.train`),
            all evaluated at the same environment steps.
        ax: the Axes to draw on.
        threshold: an optional "solved" return to draw as a horizontal line.
        level: the confidence level of the bootstrap band of the mean (0.95).

    Returns:
        the Axes.

    Notebooks: 05_ppo_cartpole, 06_ppo_continuous.
    """
    if not isinstance(histories, dict) or not histories:
        raise ValueError("`histories` must be a non-empty dict {label: [History, ...]}.")
    _histories("histories", histories)
    if threshold is not None:
        check.real("threshold", threshold)
    check.real("level", level, low=0.0, high=1.0, low_open=True, high_open=True)
    ax = _axes(ax)
    for label, runs in histories.items():
        runs = list(runs)
        if not runs:
            raise ValueError(f"no runs for {label!r}.")
        steps = [tuple(row["env_steps"] for row in run.evals) for run in runs]
        if len(set(steps)) != 1:
            raise ValueError(f"the runs of {label!r} were evaluated at different env steps; use one config per label.")
        x = np.array(steps[0])
        curves = np.array([[row["eval_mean_return"] for row in run.evals] for run in runs])  # [seeds, K]
        line, = ax.plot(x, curves.mean(0), label=f"{label} (mean of {len(runs)} seeds)")
        if len(runs) > 1:
            low, high = _bootstrap_band(curves, level)
            ax.fill_between(x, low, high, color=line.get_color(), alpha=0.2, lw=0)
    if threshold is not None:
        ax.axhline(threshold, color="k", ls=":", lw=1, label=f"threshold {threshold:g}")
    ax.set_xlabel("environment steps")
    ax.set_ylabel("evaluation return (deterministic policy)")
    ax.set_title(f"Learning curves ({level:.0%} bootstrap band of the mean)")
    ax.legend(fontsize="small")
    return ax


_DIAGNOSTICS = [  # (history column, title, y label)
    ("policy_loss", "policy loss (−surrogate)", "loss (advantage units)"),
    ("value_loss", "value loss", "squared error (reward units²)"),
    ("entropy", "policy entropy", "entropy (nats)"),
    ("approx_kl", "KL[old ‖ new] after each update (k3)", "KL (nats)"),
    ("clip_fraction", "clip fraction", "share of samples with |r − 1| > ε"),
    ("explained_variance", "explained variance of V", "1 − Var[R − V] / Var[R]"),
]


def plot_diagnostics(history, axes=None, max_entropy: float | None = None, kl_reference: float | None = 0.02):
    """Six per-update diagnostics of one training run against environment steps, with reference lines.

    Args:
        history: a History from :func:`ppo_core.train`.
        axes: six Axes (e.g. ``plt.subplots(2, 3)[1]``); default: a new 2 x 3 figure.
        max_entropy: draw the largest possible entropy (ln n for n discrete actions) on the entropy panel.
        kl_reference: draw this KL on the KL panel (0.02: "approx_kl stays below 0.02" in a healthy run,
            Huang et al. 2022); None: no line.

    Returns:
        the array of Axes.

    Notebook: 05_ppo_cartpole.
    """
    from .trainer import History

    if not isinstance(history, History):
        raise TypeError(f"`history` must be a History from ppo_core.train, got {type(history).__name__}.")
    if not history.updates:
        raise ValueError("`history` has no updates (History.updates is empty): nothing to plot.")
    if axes is None:
        _, axes = plt.subplots(2, 3, figsize=(13, 6), constrained_layout=True)
    axes = np.asarray(axes).ravel()
    if axes.size != len(_DIAGNOSTICS):
        raise ValueError(f"`axes` must hold {len(_DIAGNOSTICS)} Axes for plot_diagnostics, got {axes.size}.")
    steps = history.column("env_steps")
    for ax, (key, title, ylabel) in zip(axes, _DIAGNOSTICS):
        ax.plot(steps, history.column(key))
        ax.set(title=title, xlabel="environment steps", ylabel=ylabel)
    if max_entropy is not None:
        axes[2].axhline(max_entropy, color="k", ls=":", lw=1, label=f"maximum {max_entropy:.3f} (uniform policy)")
        axes[2].legend(fontsize="small")
    if kl_reference is not None:
        axes[3].axhline(kl_reference, color="k", ls=":", lw=1, label=f"{kl_reference:g}")
        axes[3].legend(fontsize="small")
    axes[5].axhline(0.0, color="k", lw=0.5)
    return axes


def plot_ratio_histogram(ratios_by_epoch, clip_eps: float, ax=None, epochs=None, log: bool = True):
    """Histograms of the probability ratio after selected epochs of one update.

    Args:
        ratios_by_epoch: a list with one ``[B]`` tensor of ratios per epoch (from
            ``ppo_update(..., record_ratios=True).ratios_by_epoch``).
        clip_eps: epsilon, to mark [1 - eps, 1 + eps].
        ax: the Axes to draw on.
        epochs: which epochs to draw (0-based); default: first, middle and last.
        log: a logarithmic count axis, so that the first epoch's spike at r = 1 does not flatten the others.

    Returns:
        the Axes.

    Notebook: 05_ppo_cartpole.
    """
    if not isinstance(ratios_by_epoch, (list, tuple)):
        raise TypeError(f"`ratios_by_epoch` must be a list with one tensor of ratios per epoch, got {type(ratios_by_epoch).__name__}.")
    if not ratios_by_epoch:
        raise ValueError("`ratios_by_epoch` is empty: run ppo_update(..., record_ratios=True).")
    if not all(isinstance(r, (torch.Tensor, np.ndarray)) for r in ratios_by_epoch):
        raise TypeError("`ratios_by_epoch` must hold one tensor (or numpy array) of ratios per epoch, got "
                        f"{[type(r).__name__ for r in ratios_by_epoch]}.")
    clip_eps = check.real("clip_eps", clip_eps, low=0.0, low_open=True)
    last = len(ratios_by_epoch) - 1
    epochs = sorted({0, last // 2, last}) if epochs is None else list(epochs)
    if not epochs or not all(isinstance(e, (int, np.integer)) and not isinstance(e, bool) and 0 <= e <= last for e in epochs):
        raise ValueError(f"`epochs` must list 0-based epoch numbers in [0, {last}], got {epochs!r}.")
    ax = _axes(ax)
    low = min(float(ratios_by_epoch[e].min()) for e in epochs)
    high = max(float(ratios_by_epoch[e].max()) for e in epochs)
    bins = np.linspace(min(low, 1 - 2 * clip_eps), max(high, 1 + 2 * clip_eps), 60)  # never a zero-width range
    for epoch in epochs:
        ax.hist(np.asarray(ratios_by_epoch[epoch]), bins=bins, histtype="step", lw=1.5, label=f"epoch {epoch + 1}")
    ax.axvspan(1 - clip_eps, 1 + clip_eps, color="0.9", zorder=0, label=f"[1 − ε, 1 + ε], ε = {clip_eps:g}")
    ax.set_xlabel(r"probability ratio $r=\pi_\theta(a|s)/\pi_{old}(a|s)$")
    ax.set_ylabel("samples (log scale)" if log else "samples")
    if log:
        ax.set_yscale("log")
    ax.set_title("Ratios during one update")
    ax.legend(fontsize="small")
    return ax


def animate_episode(agent, env_id: str, seed: int = 0, max_steps: int = 200, every: int = 2, fps: int = 25,
                    size: float = 4.0) -> tuple:
    """Run one deterministic episode of ``agent`` on ``env_id`` and return it as an inline HTML animation.

    The frames come from the environment's ``rgb_array`` renderer, which needs no display server.
    Every ``every``-th frame is kept; the animation is ``size`` inches wide (about 90 pixels an inch).

    Args:
        agent: a :class:`ppo_core.ActorCritic` built for ``env_id``'s spaces.
        env_id: a gymnasium id with an ``rgb_array`` render mode, e.g. ``"CartPole-v1"``.
        seed: the episode's reset seed.
        max_steps: stop after this many steps (the episode may end earlier).
        every: keep one frame in ``every``.
        fps: frames per second of the animation.
        size: the width of the animation in inches.

    Returns:
        ``(html, episode_return, steps)``: the animation as an HTML string (show it with
        ``IPython.display.HTML(html)``), the return of the shown steps and their number.

    Notebooks: 05_ppo_cartpole, 06_ppo_continuous.
    """
    import gymnasium as gym
    from matplotlib import animation

    from .envs import to_env_actions

    for name, value in (("max_steps", max_steps), ("every", every), ("fps", fps)):
        check.positive_int(name, value)
    os.environ.setdefault("SDL_VIDEODRIVER", "dummy")  # pygame renders off-screen: no display, no XDG warning
    env = gym.make(env_id, render_mode="rgb_array")
    try:
        agent.check_compatible(env.observation_space, env.action_space, "the environment")
        observation, _ = env.reset(seed=seed)
        frames, episode_return, steps = [env.render()], 0.0, 0
        for steps in range(1, max_steps + 1):
            action, _, _ = agent.act(torch.as_tensor(observation, dtype=torch.float32)[None], deterministic=True)
            observation, reward, terminated, truncated, _ = env.step(to_env_actions(action, env.action_space)[0])
            episode_return += float(reward)
            if steps % every == 0:
                frames.append(env.render())
            if terminated or truncated:
                break
    finally:
        env.close()
    height, width = frames[0].shape[:2]
    fig = plt.figure(figsize=(size, size * height / width), dpi=90)
    ax = fig.add_axes([0, 0, 1, 1])
    ax.set_axis_off()
    image = ax.imshow(frames[0])
    anim = animation.FuncAnimation(fig, lambda i: [image.set_data(frames[i])], frames=len(frames), interval=1000 / fps)
    with plt.rc_context({"animation.frame_format": "jpeg", "animation.embed_limit": 40.0}):
        html = _offline(anim.to_jshtml(default_mode="loop"))
    plt.close(fig)
    return html, episode_return, steps


# matplotlib's player loads Font Awesome from a CDN for its button icons; readers offline or behind a firewall
# (many classrooms) would get blank buttons. Plain Unicode symbols need nothing from another host.
_ICONS = {"fa fa-minus": "−", "fa fa-fast-backward": "⏮", "fa fa-step-backward": "◀|", "fa fa-play fa-flip-horizontal": "◀",
          "fa fa-pause": "⏸", "fa fa-play": "▶", "fa fa-step-forward": "|▶", "fa fa-fast-forward": "⏭", "fa fa-plus": "+"}


def _offline(html: str) -> str:
    """The animation's HTML without its stylesheet link to another host, the icons as text."""
    html = re.sub(r"<link[^>]*font-awesome[^>]*>", "", html)
    for icon, text in _ICONS.items():
        html = html.replace(f'<i class="{icon}"></i>', text)
    return html

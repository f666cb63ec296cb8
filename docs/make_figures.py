"""Regenerate the figures shown in README.md:  python docs/make_figures.py

Both are drawn by ppo_core's own plotting helpers from ppo_core's own functions.
"""

from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import torch  # noqa: E402

from ppo_core import TabularMDP, plot_along_line, plot_clipped_surrogate  # noqa: E402

OUT = Path(__file__).resolve().parent / "figures"


def clipped_surrogate_figure(path):
    """The PPO paper's Figure 1, computed with ppo_core.clipped_surrogate (notebook 04)."""
    fig, axes = plt.subplots(1, 2, figsize=(10, 3.8), sharey=False)
    plot_clipped_surrogate(1.0, clip_eps=0.2, ax=axes[0])
    plot_clipped_surrogate(-1.0, clip_eps=0.2, ax=axes[1])
    fig.suptitle("One term of the clipped surrogate L^CLIP against the probability ratio")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def surrogate_vs_true_objective_figure(path):
    """J(theta) against the importance-sampled surrogate along a line, on the exact MDP (notebook 03)."""
    # A continuing MDP and an uphill direction (found by a search over seeds) where the
    # surrogate keeps promising improvement while the true objective gets worse.
    mdp = TabularMDP.random(num_states=6, num_actions=3, gamma=0.9, num_terminal=0, seed=38)
    gen = torch.Generator().manual_seed(138)
    theta_old = torch.randn(6, 3, generator=gen, dtype=torch.float64)
    for _ in range(4):
        direction = torch.randn(6, 3, generator=gen, dtype=torch.float64)
    direction = direction / direction.norm()
    if (mdp.policy_gradient(theta_old) * direction).sum() < 0:
        direction = -direction
    alphas = torch.linspace(0.0, 8.0, 81, dtype=torch.float64)
    true_j = [mdp.objective(theta_old + a * direction).item() for a in alphas]
    surrogate = [mdp.surrogate(theta_old + a * direction, theta_old).item() for a in alphas]
    fig, ax = plt.subplots(figsize=(6.5, 4))
    plot_along_line(alphas, {"true objective J(θ)": true_j, "surrogate L_θold(θ) (state distribution of θ_old)": surrogate},
                    ax=ax, xlabel="step size α along an uphill direction d (θ = θ_old + α d, |d| = 1)",
                    ylabel="expected discounted return", title="The surrogate is only trustworthy near θ_old")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


if __name__ == "__main__":
    OUT.mkdir(exist_ok=True)
    clipped_surrogate_figure(OUT / "clipped_surrogate.png")
    surrogate_vs_true_objective_figure(OUT / "surrogate_vs_true_objective.png")
    print(f"wrote {sorted(p.name for p in OUT.glob('*.png'))} to {OUT}")

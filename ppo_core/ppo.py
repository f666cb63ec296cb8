"""The PPO update, read like the PPO paper's Algorithm 1.

Compute advantages and value targets once, with the critic that collected the data; then K
epochs of shuffled minibatches of the chosen surrogate; then the diagnostics and, for the
adaptive KL penalty, the beta of the next update.

Notebooks: 05_ppo_cartpole, 07_table1.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import torch
from torch.distributions import kl_divergence

from .advantages import gae
from .agent import ActorCritic
from .config import PPOConfig
from .diagnostics import approx_kl, explained_variance
from .objectives import adapt_kl_coef, clipped_surrogate, importance_ratio, kl_penalty_surrogate, normalize_advantages, value_loss
from .rollout import Rollout
from . import _validate as check


@dataclass
class UpdateStats:
    """What one :func:`ppo_update` measured.

    Notebooks: 05_ppo_cartpole, 07_table1.
    """

    policy_loss: float          # mean over minibatches of -surrogate
    value_loss: float           # mean over minibatches of the (unweighted) value loss
    entropy: float              # mean entropy of pi_theta over the minibatches
    kl: float                   # exact mean KL[pi_old || pi_new] over the batch, after the update
    kl_max: float               # its largest per-state value
    approx_kl: float            # the k3 estimate of the same KL, after the update
    clip_fraction: float        # fraction of samples with |r - 1| > clip_eps, averaged over minibatches
    explained_variance: float   # of the value targets by the critic that collected the data
    ratio_min: float            # smallest and largest ratio seen in any minibatch
    ratio_max: float
    first_minibatch_ratio_max_deviation: float  # max |r - 1| on the first minibatch: 0 unless a bug
    epochs: int                 # epochs run (fewer than num_epochs after a KL early stop)
    kl_coef: float              # beta for the next update (changed only by kl_adaptive)
    clip_eps: float             # the epsilon used
    ratios_by_epoch: list | None = None  # with record_ratios: one [T * N] tensor of ratios per epoch

    def as_dict(self) -> dict:
        """The fields as a dict (``ratios_by_epoch`` only when recorded)."""
        out = asdict(self)
        if self.ratios_by_epoch is None:
            del out["ratios_by_epoch"]
        return out


def ppo_update(agent: ActorCritic, optimizer: torch.optim.Optimizer, rollout: Rollout, config: PPOConfig,
               clip_eps: float | None = None, kl_coef: float | None = None, generator: torch.Generator | None = None,
               record_ratios: bool = False) -> UpdateStats:
    """One PPO update on a rollout (PPO paper, Algorithm 1, the "optimize surrogate" line).

    Args:
        agent: the actor-critic that collected ``rollout``; updated in place.
        optimizer: an optimizer over ``agent.parameters()``.
        rollout: a :class:`Rollout` of ``config.num_steps`` x ``config.num_envs`` steps.
        config: the hyperparameters (objective, epochs, minibatches, coefficients, ...).
        clip_eps: the epsilon of this update (default ``config.clip_eps``; the trainer anneals it).
        kl_coef: the beta of this update (default ``config.kl_coef``; kl_adaptive carries it over).
        generator: the random generator of the minibatch shuffles.
        record_ratios: keep every sample's ratio of every epoch in ``ratios_by_epoch``.

    Returns:
        an :class:`UpdateStats`.

    Raises:
        FloatingPointError: the loss became NaN or inf (names the epoch and minibatch).

    Notebook: 05_ppo_cartpole.
    """
    _check_update_inputs(agent, optimizer, rollout, config)
    clip_eps = check.real("clip_eps", config.clip_eps if clip_eps is None else clip_eps, low=0.0, low_open=True)
    kl_coef = check.real("kl_coef", config.kl_coef if kl_coef is None else kl_coef, low=0.0)
    if generator is not None and not isinstance(generator, torch.Generator):
        raise TypeError(f"`generator` must be a torch.Generator or None, got {type(generator).__name__}: "
                        "use torch.Generator().manual_seed(seed).")
    if not isinstance(record_ratios, bool):
        raise TypeError(f"`record_ratios` must be True or False, got {record_ratios!r}.")
    exact_kl = config.objective in ("kl_fixed", "kl_adaptive") and config.kl_estimator == "exact"

    # 1. Advantages and value targets, once, with the critic that collected the data
    advantages = gae(rollout.rewards, rollout.values, rollout.next_values, rollout.terminated, rollout.truncated,
                     config.gamma, config.gae_lambda)
    batch = rollout.flat(advantages=advantages, returns=advantages + rollout.values)
    batch_size, params = batch["rewards"].shape[0], [p for p in agent.parameters() if p.requires_grad]
    sums = torch.zeros(5, dtype=torch.float64)  # policy loss, value loss, entropy, clip fraction, minibatches
    ratio_min, ratio_max, first_deviation, ratios_by_epoch = torch.tensor(float("inf")), torch.tensor(0.0), None, []

    # 2. K epochs of shuffled minibatches
    epoch = 0
    for epoch in range(config.num_epochs):
        order = torch.randperm(batch_size, generator=generator)
        if record_ratios:
            ratios_by_epoch.append(torch.empty(batch_size))
        for number, start in enumerate(range(0, batch_size, config.minibatch_size)):
            index = order[start:start + config.minibatch_size]
            dist = agent.distribution(batch["observations"][index])
            log_probs, entropy = dist.log_prob(batch["actions"][index]), dist.entropy()
            values = agent.value(batch["observations"][index])
            old_log_probs = batch["log_probs"][index]
            ratio = importance_ratio(log_probs, old_log_probs)
            adv = normalize_advantages(batch["advantages"][index]) if config.norm_adv else batch["advantages"][index]
            if config.objective == "clip":
                surrogate = clipped_surrogate(ratio, adv, clip_eps)
            elif config.objective == "none":
                surrogate = ratio * adv
            else:
                kl = (kl_divergence(agent.distribution_from_params(batch["policy_params"][index]), dist) if exact_kl
                      else approx_kl(log_probs, old_log_probs))
                surrogate = kl_penalty_surrogate(ratio, adv, kl, kl_coef)
            old_values = batch["values"][index] if config.clip_value_loss else None
            v_loss = value_loss(values, batch["returns"][index], old_values, clip_eps if config.clip_value_loss else None)
            loss = -surrogate.mean() + config.vf_coef * v_loss.mean() - config.ent_coef * entropy.mean()
            if not torch.isfinite(loss):
                raise FloatingPointError(f"ppo_update: the loss is {loss.item()} at epoch {epoch + 1}, minibatch {number + 1}. "
                                         "Training diverged: lower learning_rate, keep max_grad_norm on, or check the rewards.")

            optimizer.zero_grad(set_to_none=True)
            loss.backward()
            if config.max_grad_norm is not None:
                torch.nn.utils.clip_grad_norm_(params, config.max_grad_norm)
            optimizer.step()

            with torch.no_grad():
                ratio = ratio.detach()
                if first_deviation is None:
                    first_deviation = (ratio - 1).abs().max().item()
                if record_ratios:
                    ratios_by_epoch[-1][index] = ratio
                ratio_min, ratio_max = torch.minimum(ratio_min, ratio.min()), torch.maximum(ratio_max, ratio.max())
                sums += torch.stack([-surrogate.mean(), v_loss.mean(), entropy.mean(),
                                     ((ratio - 1).abs() > clip_eps).double().mean(), torch.tensor(1.0)]).double()
                minibatch_kl = approx_kl(log_probs, old_log_probs).mean() if config.early_stop_kl is not None else None
        if minibatch_kl is not None and minibatch_kl > 1.5 * config.early_stop_kl:
            break

    # 3. Diagnostics after the update, and the adaptive beta for the next update
    with torch.no_grad():
        new_dist = agent.distribution(batch["observations"])
        k3 = approx_kl(new_dist.log_prob(batch["actions"]), batch["log_probs"]).mean().item()
        per_state_kl = (kl_divergence(agent.distribution_from_params(batch["policy_params"]), new_dist)
                        if "policy_params" in batch else torch.tensor([float("nan")]))  # a hand-built rollout may lack them
    mean_kl = per_state_kl.mean().item()
    if config.objective == "kl_adaptive":
        kl_coef = adapt_kl_coef(kl_coef, max(mean_kl if config.kl_estimator == "exact" else k3, 0.0), config.kl_target)
    policy_loss, v_loss, entropy, clipped, count = (sums / sums[4]).tolist()
    return UpdateStats(policy_loss=policy_loss, value_loss=v_loss, entropy=entropy, kl=mean_kl, kl_max=per_state_kl.max().item(),
                       approx_kl=k3, clip_fraction=clipped, explained_variance=explained_variance(batch["values"], batch["returns"]),
                       ratio_min=ratio_min.item(), ratio_max=ratio_max.item(), first_minibatch_ratio_max_deviation=first_deviation,
                       epochs=epoch + 1, kl_coef=kl_coef, clip_eps=clip_eps, ratios_by_epoch=ratios_by_epoch if record_ratios else None)


def _check_update_inputs(agent, optimizer, rollout, config) -> None:
    if not isinstance(agent, ActorCritic):
        raise TypeError(f"`agent` must be a ppo_core.ActorCritic, got {type(agent).__name__}.")
    if not isinstance(optimizer, torch.optim.Optimizer):
        raise TypeError(f"`optimizer` must be a torch.optim.Optimizer over agent.parameters(), got {type(optimizer).__name__}.")
    if not isinstance(config, PPOConfig):
        raise TypeError(f"`config` must be a PPOConfig, got {type(config).__name__}.")
    if not isinstance(rollout, Rollout):
        raise TypeError(f"`rollout` must be a ppo_core.Rollout (from RolloutCollector.collect), got {type(rollout).__name__}.")
    rollout.check()
    if (rollout.num_steps, rollout.num_envs) != (config.num_steps, config.num_envs):
        raise ValueError(f"`rollout` has {rollout.num_steps} steps x {rollout.num_envs} envs but the config asks for "
                         f"num_steps={config.num_steps} x num_envs={config.num_envs}: the minibatches would not cover it as "
                         "configured. Collect with num_steps=config.num_steps from config.num_envs envs, or change the config.")
    if rollout.policy_params is None and config.objective in ("kl_fixed", "kl_adaptive") and config.kl_estimator == "exact":
        raise ValueError("The exact KL penalty needs the old policy's parameters (`rollout.policy_params`), which this rollout "
                         "lacks. Collect it with RolloutCollector, or use kl_estimator='k3'.")
    if rollout.observations.shape[-1] != agent.obs_size:
        raise ValueError(f"`rollout.observations` has {rollout.observations.shape[-1]} features but the agent expects "
                         f"{agent.obs_size}: the rollout comes from another environment.")
    owned = {id(p) for p in agent.parameters()}
    if not all(id(p) in owned for group in optimizer.param_groups for p in group["params"]):
        raise ValueError("`optimizer` holds parameters that are not the agent's: build it with torch.optim.Adam(agent.parameters(), ...).")

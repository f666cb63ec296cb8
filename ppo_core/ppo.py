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
from .gradients import autograd_gradients, manual_gradients, supported
from .objectives import adapt_kl_coef, normalize_advantages
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
               record_ratios: bool = False, gradients: str = "manual") -> UpdateStats:
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
        gradients: ``"manual"`` (the chain rule written out, :func:`ppo_core.gradients.manual_gradients`) or
            ``"autograd"`` (``loss.backward()``); the same gradient, the manual one in about half the time.

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
    if gradients not in ("manual", "autograd"):
        raise ValueError(f"`gradients` must be 'manual' or 'autograd', got {gradients!r}.")
    if gradients == "manual" and not supported(agent):
        gradients = "autograd"  # networks other than Linear-Tanh stacks: let autograd differentiate them
    if not isinstance(record_ratios, bool):
        raise TypeError(f"`record_ratios` must be True or False, got {record_ratios!r}.")
    exact_kl = config.objective in ("kl_fixed", "kl_adaptive") and config.kl_estimator == "exact"
    ratios_by_epoch = []

    # 1. Advantages and value targets, once, with the critic that collected the data
    batch = advantage_batch(rollout, config)
    batch_size, params = batch["rewards"].shape[0], [p for p in agent.parameters() if p.requires_grad]
    whole = config.num_minibatches == 1  # one minibatch per epoch: no shuffle, advantages normalized once
    if whole and config.norm_adv:
        batch["advantages"] = normalize_advantages(batch["advantages"])
    keys = ["observations", "actions", "log_probs", "advantages", "returns"] + (["values"] if config.clip_value_loss else [])
    keys += ["policy_params"] if exact_kl else []
    grads = _flat_gradients(agent, params)  # every p.grad is a view of this buffer: clipping is one norm and one multiply
    step = manual_gradients if gradients == "manual" else autograd_gradients
    measured, ratios = [], []  # per minibatch, reduced once after the epochs (no .item() in the loop)

    # 2. K epochs of shuffled minibatches
    epoch = 0
    for epoch in range(config.num_epochs):
        order = None if whole else torch.randperm(batch_size, generator=generator)
        for number, start in enumerate(range(0, batch_size, config.minibatch_size)):
            index = None if whole else order[start:start + config.minibatch_size]
            mb = batch if whole else {key: batch[key][index] for key in keys}
            adv = normalize_advantages(mb["advantages"]) if config.norm_adv and not whole else mb["advantages"]
            grads.zero_()
            loss, surrogate, v_loss, entropy, ratio, log_probs = step(agent, mb, adv, config, clip_eps, kl_coef)
            if not torch.isfinite(loss):
                raise FloatingPointError(f"ppo_update: the loss is {loss.item()} at epoch {epoch + 1}, minibatch {number + 1}. "
                                         "Training diverged: lower learning_rate, keep max_grad_norm on, or check the rewards.")
            if config.max_grad_norm is not None:  # global gradient-norm clipping, as clip_grad_norm_ computes it
                grads.mul_(torch.clamp(config.max_grad_norm / (torch.linalg.vector_norm(grads) + 1e-6), max=1.0))
            optimizer.step()

            with torch.no_grad():
                ratio = ratio.detach()
                measured.append(torch.stack([-surrogate, v_loss, entropy, ((ratio - 1).abs() > clip_eps).float().mean()]))
                ratios.append(ratio)
                if record_ratios:
                    ratios_by_epoch.append(torch.empty(batch_size)) if number == 0 else None
                    ratios_by_epoch[-1][slice(None) if whole else index] = ratio
        if config.early_stop_kl is not None and approx_kl(log_probs, mb["log_probs"]).mean() > 1.5 * config.early_stop_kl:
            break

    # 3. Diagnostics after the update, and the adaptive beta for the next update
    with torch.no_grad():
        policy_loss, v_loss, entropy, clipped = torch.stack(measured).double().mean(0).tolist()
        low, high = torch.aminmax(torch.cat(ratios))
    return UpdateStats(policy_loss=policy_loss, value_loss=v_loss, entropy=entropy, clip_fraction=clipped,
                       ratio_min=low.item(), ratio_max=high.item(), first_minibatch_ratio_max_deviation=(ratios[0] - 1).abs().max().item(),
                       epochs=epoch + 1, clip_eps=clip_eps, ratios_by_epoch=ratios_by_epoch if record_ratios else None,
                       **after_update(agent, batch, config, kl_coef))


def advantage_batch(rollout: Rollout, config: PPOConfig) -> dict:
    """Step 1 of an update: GAE advantages and value targets ``advantages + values``, the rollout flattened.

    Returns:
        a dict of ``[T * N, ...]`` tensors: the rollout's fields plus ``advantages`` and ``returns``.

    Notebook: 05_ppo_cartpole.
    """
    advantages = gae(rollout.rewards, rollout.values, rollout.next_values, rollout.terminated, rollout.truncated,
                     config.gamma, config.gae_lambda)
    return rollout.flat(advantages=advantages, returns=advantages + rollout.values)


@torch.no_grad()
def after_update(agent: ActorCritic, batch: dict, config: PPOConfig, kl_coef: float) -> dict:
    """Step 3: how far the policy moved (exact KL and its k3 estimate), the critic's fit, and the next beta.

    Runs only the actor on the batch from :func:`advantage_batch`. ``kl_coef`` in the result is the
    beta for the next update (the adaptive rule for ``kl_adaptive``, unchanged otherwise).

    Notebook: 05_ppo_cartpole.
    """
    new_params = agent.policy_params(batch["observations"])
    k3 = approx_kl(agent.log_prob(new_params, batch["actions"]), batch["log_probs"]).mean().item()
    per_state_kl = (_kl(agent, batch["policy_params"], new_params) if "policy_params" in batch
                    else torch.tensor([float("nan")]))  # a hand-built rollout may lack them
    mean_kl = per_state_kl.mean().item()
    if config.objective == "kl_adaptive":
        kl_coef = adapt_kl_coef(kl_coef, max(mean_kl if config.kl_estimator == "exact" else k3, 0.0), config.kl_target)
    return dict(kl=mean_kl, kl_max=per_state_kl.max().item(), approx_kl=k3, kl_coef=kl_coef,
                explained_variance=explained_variance(batch["values"], batch["returns"]))


def flat_parameters(agent: ActorCritic) -> torch.nn.Parameter:
    """Gather every parameter of ``agent`` into one tensor, and return it; ``p.data`` and ``p.grad`` become views of it.

    The values do not change. An optimizer built over ``[flat_parameters(agent)]`` updates every
    parameter with one fused kernel call instead of one per tensor (half the time of an Adam step on
    these small networks), and the global gradient norm is one op. ``train`` does this.

    Returns:
        a ``[P]`` Parameter (P = the number of scalars) whose ``.grad`` holds every gradient.

    Notebook: 05_ppo_cartpole.
    """
    params = [p for p in agent.parameters() if p.requires_grad]
    flat = torch.nn.Parameter(torch.cat([p.detach().reshape(-1) for p in params]))
    flat.grad = torch.zeros_like(flat)
    offset = 0
    for p in params:
        p.data = flat.data[offset:offset + p.numel()].view_as(p)
        p.grad = flat.grad[offset:offset + p.numel()].view_as(p)
        offset += p.numel()
    agent.__dict__["_flat"] = flat  # a plain attribute: not registered as one more parameter of the module
    return flat


def _flat_gradients(agent: ActorCritic, params: list) -> torch.Tensor:
    """One buffer holding every parameter's gradient, ``p.grad`` views of it (``flat_parameters``' own if it ran).

    Autograd adds into an existing ``.grad`` in place, so the views keep receiving the gradient; the
    links are renewed on every update, in case something set the gradients to None in between.
    """
    flat = agent.__dict__.get("_flat")
    if flat is not None and flat.grad is None:
        flat.grad = torch.zeros_like(flat)
    grads = flat.grad if flat is not None else torch.zeros(sum(p.numel() for p in params), dtype=params[0].dtype)
    offset = 0
    for p in params:
        p.grad = grads[offset:offset + p.numel()].view_as(p)
        offset += p.numel()
    return grads


def _kl(agent, old_params, new_params) -> torch.Tensor:
    """KL[pi_old(.|s) || pi_new(.|s)] per state ``[B]``, exactly, from the two policies' parameters ``[B, P]``."""
    return kl_divergence(agent.distribution_from_params(old_params), agent.distribution_from_params(new_params))


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
    owned = {id(p) for p in agent.parameters()} | {id(agent.__dict__.get("_flat"))}
    if not all(id(p) in owned for group in optimizer.param_groups for p in group["params"]):
        raise ValueError("`optimizer` holds parameters that are not the agent's: build it with torch.optim.Adam(agent.parameters(), ...).")

"""The gradient of PPO's minibatch loss, two ways: by autograd, and written out by the chain rule.

Both functions compute the loss of PPO paper Eq. 9 (negated: what is minimized) for one minibatch,

    loss = -mean(surrogate) + vf_coef * mean(value loss) - ent_coef * mean(entropy),

and leave its gradient in the parameters' ``.grad``. ``autograd_gradients`` builds the loss and calls
``loss.backward()``: the readable reference. ``manual_gradients`` writes the same chain rule out for
the actor-critic's tanh MLPs (micrograd-style): on networks this small, most of the time of a
minibatch is per-op overhead of building the autograd graph and walking it back, and the hand-written
backward needs about half the ops. ``tests/test_gradients.py`` checks that the two agree for every
objective, both policies and the options (entropy bonus, clipped value loss, observation
normalization), to float32 rounding.

Notebook: 05_ppo_cartpole.
"""

from __future__ import annotations

import math
import weakref

import torch

from .diagnostics import approx_kl
from .objectives import clipped_surrogate, importance_ratio, kl_penalty_surrogate, value_loss

_HALF_LOG_2PI = 0.5 * math.log(2 * math.pi)


def autograd_gradients(agent, mb: dict, advantages, config, clip_eps: float, kl_coef: float):
    """Minibatch loss by the library's functions, gradient by ``loss.backward()``.

    Args:
        agent: the :class:`~ppo_core.ActorCritic` (its ``.grad`` buffers receive the gradient).
        mb: the minibatch: ``observations [M, obs]``, ``actions [M]`` or ``[M, D]``, ``log_probs [M]``
            (old), ``returns [M]``, and ``values [M]`` (old) or ``policy_params [M, P]`` when needed.
        advantages: ``[M]`` (normalized if the config says so).
        config: the :class:`~ppo_core.PPOConfig` (objective, coefficients).
        clip_eps, kl_coef: epsilon and beta of this update.

    Returns:
        ``(loss, surrogate mean, value loss mean, entropy mean, ratio [M], log_probs [M])``, detached.

    Notebook: 05_ppo_cartpole.
    """
    log_probs, entropy, values = agent._evaluate(mb["observations"], mb["actions"])
    ratio = importance_ratio(log_probs, mb["log_probs"])
    if config.objective == "clip":
        surrogate = clipped_surrogate(ratio, advantages, clip_eps)
    elif config.objective == "none":
        surrogate = ratio * advantages
    else:
        kl = (_kl_exact(agent, mb["policy_params"], agent.policy_params(mb["observations"]))
              if config.kl_estimator == "exact" else approx_kl(log_probs, mb["log_probs"]))
        surrogate = kl_penalty_surrogate(ratio, advantages, kl, kl_coef)
    old_values = mb["values"] if config.clip_value_loss else None
    v_loss = value_loss(values, mb["returns"], old_values, clip_eps if config.clip_value_loss else None)
    loss = -surrogate.mean() + config.vf_coef * v_loss.mean() - config.ent_coef * entropy.mean()
    if torch.isfinite(loss):
        loss.backward()
    return (loss.detach(), surrogate.detach().mean(), v_loss.detach().mean(), entropy.detach().mean(), ratio.detach(),
            log_probs.detach())


def _kl_exact(agent, old_params, new_params):
    from torch.distributions import kl_divergence

    return kl_divergence(agent.distribution_from_params(old_params), agent.distribution_from_params(new_params))


@torch.no_grad()
def manual_gradients(agent, mb: dict, advantages, config, clip_eps: float, kl_coef: float):
    """The same loss as :func:`autograd_gradients`, its gradient written out; the same arguments and returns.

    Notebook: 05_ppo_cartpole.
    """
    size = advantages.shape[0]  # the gradients are written (not added) into the parameters' zeroed .grad
    x = agent._prepare(mb["observations"])
    out, actor_inputs = _forward(agent.actor, x)    # [M, n] logits or [M, D] means, and each layer's input
    values, critic_inputs = _forward(agent.critic, x)
    values = values.squeeze(-1)                      # [M]
    actions, old_log_probs, adv = mb["actions"], mb["log_probs"], advantages.detach()

    # log pi(a|s) and the entropy, in closed form (as ActorCritic._evaluate)
    if agent.discrete:
        log_p = out.log_softmax(-1)                                        # [M, n]
        probs = log_p.exp()
        log_probs = log_p.gather(-1, actions.unsqueeze(-1)).squeeze(-1)    # [M]
        entropy = -(probs * log_p).sum(-1)
    else:
        log_std = agent.log_std.expand_as(out)
        z = (actions - out) * torch.exp(-log_std)                          # [M, D] standardized actions
        log_probs = (-0.5 * z**2 - log_std - _HALF_LOG_2PI).sum(-1)
        entropy = (log_std + 0.5 + _HALF_LOG_2PI).sum(-1)
    log_ratio = log_probs - old_log_probs
    ratio = log_ratio.exp()

    # d loss / d log pi(a|s), per sample; the loss averages over the minibatch, hence / size
    if config.objective == "clip":
        unclipped, clipped = ratio * adv, torch.clamp(ratio, 1 - clip_eps, 1 + clip_eps) * adv
        surrogate = torch.min(unclipped, clipped)
        # the min passes d(rA)/dr = A where it picks the unclipped term (inside the clip range both terms
        # are rA and their derivatives agree), and 0 where it picks the clipped constant
        g_log_probs = -torch.where(unclipped <= clipped, adv, 0.0) * ratio / size
    elif config.objective == "none":
        surrogate = ratio * adv
        g_log_probs = -adv * ratio / size
    elif config.kl_estimator == "k3":  # -(r A - beta k3), k3 = (r - 1) - log r: d/dlog r = -r A + beta (r - 1)
        surrogate = ratio * adv - kl_coef * (torch.expm1(log_ratio) - log_ratio)
        g_log_probs = (-adv * ratio + kl_coef * torch.expm1(log_ratio)) / size
    else:  # exact KL: its gradient reaches the policy's parameters directly (below), not through log pi(a|s)
        surrogate = ratio * adv
        g_log_probs = -adv * ratio / size

    # d loss / d actor output: through log pi(a|s), the entropy bonus and an exact KL penalty
    if agent.discrete:
        g_out = g_log_probs.unsqueeze(-1) * (torch.nn.functional.one_hot(actions, out.shape[-1]).to(out.dtype) - probs)
        if config.ent_coef:  # dH/dlogits = -p (log p + H)
            g_out += (config.ent_coef / size) * probs * (log_p + entropy.unsqueeze(-1))
        if config.objective.startswith("kl_") and config.kl_estimator == "exact":
            old_log_p = mb["policy_params"].log_softmax(-1)                     # d KL[old || new] / d logits = p - p_old
            old_probs = old_log_p.exp()
            kl = (old_probs * (old_log_p - log_p)).sum(-1)
            surrogate = surrogate - kl_coef * kl
            g_out += (kl_coef / size) * (probs - old_probs)
    else:
        inv_std = torch.exp(-log_std)
        g_out = g_log_probs.unsqueeze(-1) * z * inv_std                        # d log pi / d mean = z / std
        g_log_std = (g_log_probs.unsqueeze(-1) * (z**2 - 1)).sum(0)            # d log pi / d log std = z^2 - 1
        g_log_std -= config.ent_coef                                           # dH / d log std = 1 per dimension
        if config.objective.startswith("kl_") and config.kl_estimator == "exact":
            old_mean, old_log_std = mb["policy_params"].chunk(2, dim=-1)
            var_ratio, gap = torch.exp(2 * (old_log_std - log_std)), (out - old_mean) * inv_std
            kl = (log_std - old_log_std + 0.5 * (var_ratio + gap**2) - 0.5).sum(-1)
            surrogate = surrogate - kl_coef * kl
            g_out += (kl_coef / size) * gap * inv_std                              # d KL / d mean
            g_log_std += (kl_coef / size) * (1 - var_ratio - gap**2).sum(0)       # d KL / d log std
        agent.log_std.grad += g_log_std

    # the value loss and d loss / dV
    returns = mb["returns"]
    if config.clip_value_loss:
        old_values = mb["values"]
        clipped_values = old_values + torch.clamp(values - old_values, -clip_eps, clip_eps)
        plain, clipped = (values - returns) ** 2, (clipped_values - returns) ** 2
        v_loss = torch.max(plain, clipped)
        inside = ((values - old_values).abs() < clip_eps).to(values.dtype)      # where the clip passes dV through
        g_values = torch.where(plain >= clipped, 2 * (values - returns), 2 * (clipped_values - returns) * inside)
    else:
        v_loss = (values - returns) ** 2
        g_values = 2 * (values - returns)
    g_values = (config.vf_coef / size) * g_values

    loss = -surrogate.mean() + config.vf_coef * v_loss.mean() - config.ent_coef * entropy.mean()
    if torch.isfinite(loss):
        _backward(agent.actor, actor_inputs, g_out)
        _backward(agent.critic, critic_inputs, g_values.unsqueeze(-1))
    return loss, surrogate.mean(), v_loss.mean(), entropy.mean(), ratio, log_probs


def _layers(mlp):
    """The (weight, bias) pairs of a Linear-Tanh-...-Linear stack, looked up once per network."""
    layers = _LAYERS.get(mlp)
    if layers is None:
        layers = _LAYERS[mlp] = tuple((m.weight, m.bias) for m in list(mlp)[0::2])
    return layers


_LAYERS = weakref.WeakKeyDictionary()


def _forward(mlp, x):
    """The output of a Linear-Tanh-...-Linear stack and the input of each Linear (for the backward pass)."""
    inputs, h = [], x
    layers = _layers(mlp)
    for i, (weight, bias) in enumerate(layers):
        inputs.append(h)
        h = torch.nn.functional.linear(h, weight, bias)
        if i < len(layers) - 1:
            h = (2 * h).sigmoid_().mul_(2).sub_(1)  # agent.Tanh's formula, op for op: the same bits as the module
    return h, inputs


def _backward(mlp, inputs, g):
    """Write d loss / d (weights, biases) of every Linear into their (zeroed) ``.grad``, from d loss / d output ``g``."""
    layers = _layers(mlp)
    for i in reversed(range(len(layers))):
        (weight, bias), h = layers[i], inputs[i]
        torch.mm(g.t(), h, out=weight.grad)      # [out, M] @ [M, in]
        torch.sum(g, 0, out=bias.grad)
        if i > 0:
            g = g.mm(weight).mul_(1 - h * h)     # back through the Linear and the tanh that produced h


def supported(agent) -> bool:
    """True if the agent's networks are the Linear-Tanh stacks :func:`manual_gradients` differentiates.

    Notebook: 05_ppo_cartpole.
    """
    from torch import nn

    from .agent import Tanh

    for mlp in (agent.actor, agent.critic):
        layers = list(mlp)
        if len(layers) % 2 == 0 or not all(isinstance(m, nn.Linear if i % 2 == 0 else Tanh) for i, m in enumerate(layers)):
            return False
    return True

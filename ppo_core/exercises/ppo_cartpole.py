"""Exercises of notebook 05_ppo_cartpole: advantage normalization, PPO's loss, the clipped value loss, the update loop
(the capstone, checked by what it does) and a prediction about the first minibatch's ratio."""

from __future__ import annotations

import contextlib
from types import SimpleNamespace

import torch

from ..objectives import clipped_surrogate, normalize_advantages, value_loss
from ..config import PPOConfig
from ..i18n import N_, gap, tr
from ._data import integer, normal, uniform
from ._engine import Case, Exercise


def _normalize_cases():
    gen = torch.Generator().manual_seed(5)
    return [
        Case("hand example [1, 2, 3, 4]", dict(advantages=torch.tensor([1.0, 2.0, 3.0, 4.0], dtype=torch.float64)),
             "subtract the mean (2.5) and divide by the standard deviation (torch's .std(), unbiased: 1.291), plus 1e-8."),
        Case("constant advantages give zeros, not NaN", dict(advantages=torch.full((5,), 3.0, dtype=torch.float64)),
             "add a small eps (1e-8) to the std so that a constant batch does not divide 0 by 0."),
        Case("two samples", dict(advantages=torch.tensor([-3.0, 5.0], dtype=torch.float64)),
             "with two samples the unbiased std is |a - b| / sqrt(2) = 5.657, so the result is [-0.7071, 0.7071]."),
        Case("random minibatch of 64", dict(advantages=5.0 + 3.0 * torch.randn(64, generator=gen, dtype=torch.float64)),
             "normalize with this minibatch's own mean and std."),
    ]


_NORMALIZE_MISTAKES = [
    ("only subtract the mean", lambda advantages: advantages - advantages.mean()),
    ("only divide by the std", lambda advantages: advantages / (advantages.std() + 1e-8)),
    ("divide by the variance instead of the standard deviation",
     lambda advantages: (advantages - advantages.mean()) / (advantages.var() + 1e-8)),
    ("forget the eps (0 / 0 = NaN for a constant batch)", lambda advantages: (advantages - advantages.mean()) / advantages.std()),
    ("use the biased standard deviation (.std(unbiased=False), numpy's default)",
     lambda advantages: (advantages - advantages.mean()) / (advantages.std(unbiased=False) + 1e-8)),
]






def _ppo_loss_reference(ratio, advantages, values, returns, entropy, clip_eps, vf_coef, ent_coef):
    """The scalar loss of one minibatch: -L^CLIP + c1 L^VF - c2 S (PPO paper Eq. 9, negated)."""
    return (-clipped_surrogate(ratio, advantages, clip_eps).mean() + vf_coef * value_loss(values, returns).mean()
            - ent_coef * entropy.mean())


def _ppo_loss_cases():
    gen = torch.Generator().manual_seed(6)

    def batch(size=8, **fixed):
        data = dict(ratio=torch.exp(0.3 * torch.randn(size, generator=gen, dtype=torch.float64)),
                    advantages=torch.randn(size, generator=gen, dtype=torch.float64),
                    values=torch.randn(size, generator=gen, dtype=torch.float64),
                    returns=torch.randn(size, generator=gen, dtype=torch.float64),
                    entropy=torch.rand(size, generator=gen, dtype=torch.float64) + 0.1,
                    clip_eps=0.2, vf_coef=0.5, ent_coef=0.01)
        data.update(fixed)
        return data

    one = lambda x: torch.tensor([x], dtype=torch.float64)  # noqa: E731
    return [
        Case("hand example: r = 1.5, A = 1, V = 3, R = 0, S = 0.5",
             dict(ratio=one(1.5), advantages=one(1.0), values=one(3.0), returns=one(0.0), entropy=one(0.5),
                  clip_eps=0.2, vf_coef=0.5, ent_coef=0.1),
             "-min(1.5, 1.2) + 0.5 * (3 - 0)^2 - 0.1 * 0.5 = -1.2 + 4.5 - 0.05 = 3.25."),
        Case("policy part only (vf_coef = ent_coef = 0)", batch(vf_coef=0.0, ent_coef=0.0),
             "the policy part is minus the MEAN of the clipped surrogate: a loss to minimize.", grad_wrt=("ratio",)),
        Case("value part: gradient with respect to the values", batch(), "the value loss is the mean of (V - R)^2, weighted by vf_coef.",
             grad_wrt=("values",)),
        Case("entropy bonus lowers the loss", batch(ent_coef=0.5), "the entropy is a bonus: subtract ent_coef * mean entropy.",
             grad_wrt=("entropy",)),
    ]


_PPO_LOSS_MISTAKES = [
    ("forget to negate the surrogate (maximize the loss)",
     lambda ratio, advantages, values, returns, entropy, clip_eps, vf_coef, ent_coef:
     clipped_surrogate(ratio, advantages, clip_eps).mean() + vf_coef * value_loss(values, returns).mean() - ent_coef * entropy.mean()),
    ("add the entropy instead of subtracting it",
     lambda ratio, advantages, values, returns, entropy, clip_eps, vf_coef, ent_coef:
     -clipped_surrogate(ratio, advantages, clip_eps).mean() + vf_coef * value_loss(values, returns).mean() + ent_coef * entropy.mean()),
    ("forget vf_coef on the value loss",
     lambda ratio, advantages, values, returns, entropy, clip_eps, vf_coef, ent_coef:
     -clipped_surrogate(ratio, advantages, clip_eps).mean() + value_loss(values, returns).mean() - ent_coef * entropy.mean()),
    ("use the absolute error instead of the squared error",
     lambda ratio, advantages, values, returns, entropy, clip_eps, vf_coef, ent_coef:
     -clipped_surrogate(ratio, advantages, clip_eps).mean() + vf_coef * (values - returns).abs().mean() - ent_coef * entropy.mean()),
    ("halve the squared error (CleanRL's 0.5 * MSE; here L^VF = (V - R)^2, weighted by vf_coef)",
     lambda ratio, advantages, values, returns, entropy, clip_eps, vf_coef, ent_coef:
     -clipped_surrogate(ratio, advantages, clip_eps).mean() + vf_coef * 0.5 * value_loss(values, returns).mean() - ent_coef * entropy.mean()),
    ("use the unclipped surrogate r A",
     lambda ratio, advantages, values, returns, entropy, clip_eps, vf_coef, ent_coef:
     -(ratio * advantages).mean() + vf_coef * value_loss(values, returns).mean() - ent_coef * entropy.mean()),
    ("sum over the minibatch instead of averaging",
     lambda ratio, advantages, values, returns, entropy, clip_eps, vf_coef, ent_coef:
     -clipped_surrogate(ratio, advantages, clip_eps).sum() + vf_coef * value_loss(values, returns).sum() - ent_coef * entropy.sum()),
]






def _value_loss_cases():
    gen = torch.Generator().manual_seed(8)
    vec = lambda *xs: torch.tensor(xs, dtype=torch.float64)  # noqa: E731
    # V_old = 1 and eps = 0.2: V moved up to 2 or down to 0, with the return R on either side.
    four = dict(values=vec(2.0, 2.0, 0.0, 0.0), returns=vec(3.0, 0.0, -1.0, 2.0), old_values=vec(1.0, 1.0, 1.0, 1.0), clip_eps=0.2)
    same = torch.randn(6, generator=gen, dtype=torch.float64)
    return [
        Case("hand example inside the band: V = 1.1, V_old = 1, R = 3",
             dict(values=vec(1.1), returns=vec(3.0), old_values=vec(1.0), clip_eps=0.2),
             "inside [V_old - eps, V_old + eps] the clip does nothing: both terms are (1.1 - 3)^2 = 3.61."),
        Case("V moved past V_old +- eps, R on either side (values)", four,
             "clip V - V_old (not V) to [-eps, eps], add back V_old, and take the max of the two squared errors: "
             "here 3.24, 4, 3.24, 4."),
        Case("V moved past V_old +- eps: gradient zero where the clipped term wins", four,
             "where the clipped term is the larger one it does not depend on V, so no gradient reaches V there.",
             grad_wrt=("values",)),
        Case("V = V_old (the first minibatch): the plain squared error",
             dict(values=same, returns=torch.randn(6, generator=gen, dtype=torch.float64), old_values=same.clone(), clip_eps=0.2),
             "with V = V_old both terms equal (V - R)^2.", grad_wrt=("values",)),
        Case("random batch, eps = 0.5",
             dict(values=torch.randn(8, generator=gen, dtype=torch.float64), returns=torch.randn(8, generator=gen, dtype=torch.float64),
                  old_values=torch.randn(8, generator=gen, dtype=torch.float64), clip_eps=0.5),
             "use the clip_eps argument; return one value per sample.", grad_wrt=("values",)),
    ]


def _clipped_values(values, old_values, clip_eps):
    return old_values + torch.clamp(values - old_values, -clip_eps, clip_eps)


_VALUE_LOSS_MISTAKES = [
    ("take the min of the two squared errors instead of the max",
     lambda values, returns, old_values, clip_eps: torch.min((values - returns) ** 2, (_clipped_values(values, old_values, clip_eps) - returns) ** 2)),
    ("clip V itself to [-eps, eps] instead of V - V_old",
     lambda values, returns, old_values, clip_eps: torch.max((values - returns) ** 2, (torch.clamp(values, -clip_eps, clip_eps) - returns) ** 2)),
    ("clip V to [V_old (1 - eps), V_old (1 + eps)], relative like the ratio",
     lambda values, returns, old_values, clip_eps: torch.max((values - returns) ** 2,
                                                            (torch.max(torch.min(values, old_values * (1 + clip_eps)), old_values * (1 - clip_eps)) - returns) ** 2)),
    ("return only the clipped squared error (no max)",
     lambda values, returns, old_values, clip_eps: (_clipped_values(values, old_values, clip_eps) - returns) ** 2),
    ("return only the unclipped squared error (V - R)^2", lambda values, returns, old_values, clip_eps: (values - returns) ** 2),
    ("clip V - V_old but forget to add V_old back",
     lambda values, returns, old_values, clip_eps: torch.max((values - returns) ** 2,
                                                            (torch.clamp(values - old_values, -clip_eps, clip_eps) - returns) ** 2)),
    ("halve the loss (0.5 * max(...); here the 0.5 belongs to vf_coef)",
     lambda values, returns, old_values, clip_eps: 0.5 * value_loss(values, returns, old_values, clip_eps)),
    ("average over the batch instead of returning one value per sample",
     lambda values, returns, old_values, clip_eps: value_loss(values, returns, old_values, clip_eps).mean()),
]


def _normalize_random(gen):
    return Case("", dict(advantages=uniform(gen, -5.0, 5.0) + uniform(gen, 0.5, 4.0) * normal(gen, integer(gen, 8, 64))),
                "(A - mean) / (std + 1e-8), with the sample std (unbiased, as torch.std).")


def _ppo_loss_random(gen):
    size = integer(gen, 4, 16)
    ratio, advantages = torch.exp(normal(gen, size, scale=0.3)), normal(gen, size)
    ratio[0], advantages[0] = 1.6, abs(advantages[0]) + 0.1  # a clipped sample
    return Case("", dict(ratio=ratio, advantages=advantages, values=normal(gen, size),
                         returns=normal(gen, size), entropy=torch.rand(size, generator=gen, dtype=torch.float64) + 0.1,
                         clip_eps=uniform(gen, 0.1, 0.3), vf_coef=uniform(gen, 0.25, 1.0), ent_coef=uniform(gen, 0.0, 0.1, digits=3)),
                "-mean(L^CLIP) + vf_coef * mean((V - R)^2) - ent_coef * mean(entropy).", grad_wrt=("ratio", "values", "entropy"))


def _value_loss_random(gen):
    size = integer(gen, 4, 10)
    old, clip_eps = normal(gen, size), uniform(gen, 0.1, 0.5)
    values = old + normal(gen, size, scale=0.5)
    values[0], values[1] = old[0] + clip_eps + 0.3, old[1] - clip_eps - 0.3  # moved past the band both ways
    return Case("", dict(values=values, returns=normal(gen, size, scale=2.0), old_values=old, clip_eps=clip_eps),
                "max((V - R)^2, (V_old + clip(V - V_old, -eps, eps) - R)^2) per sample.", grad_wrt=("values",))


NORMALIZE_ADVANTAGES = Exercise(
    notebook="05_ppo_cartpole", function="my_normalize_advantages", checker="check_normalize_advantages",
    title="normalize_advantages (per-minibatch advantage normalization)", signature="fn(advantages) -> [B] (eps = 1e-8)",
    goal="per-minibatch advantage normalization that stays finite on a constant batch",
    difficulty=1, minutes=5, points=2, reference=normalize_advantages, cases=_normalize_cases,
    mistakes=tuple(_NORMALIZE_MISTAKES), atol=1e-5, shortcuts=("normalize_advantages",),
    random_case=_normalize_random)

PPO_LOSS = Exercise(
    notebook="05_ppo_cartpole", function="my_ppo_loss", checker="check_ppo_loss",
    title="ppo_loss (-L^CLIP + c1 L^VF - c2 S, PPO paper Eq. 9)",
    signature="fn(ratio, advantages, values, returns, entropy, clip_eps, vf_coef, ent_coef) -> 0-d minibatch loss",
    goal="PPO's minibatch loss −L^CLIP + c1 L^VF − c2 S (PPO paper Eq. 9), values and gradients",
    difficulty=2, minutes=10, points=3, reference=_ppo_loss_reference, cases=_ppo_loss_cases,
    mistakes=tuple(_PPO_LOSS_MISTAKES), shortcuts=("_ppo_loss_reference", "ppo_update"),
    random_case=_ppo_loss_random)

VALUE_LOSS = Exercise(
    notebook="05_ppo_cartpole", function="my_value_loss", checker="check_value_loss",
    title="value_loss (the clipped value loss, Huang et al. 2022, detail 9)",
    signature="fn(values, returns, old_values, clip_eps) -> [B], values and gradients",
    goal="PPO2's clipped value loss, and where it stops the critic's gradient",
    difficulty=2, minutes=10, points=3, reference=value_loss, cases=_value_loss_cases, mistakes=tuple(_VALUE_LOSS_MISTAKES),
    shortcuts=("value_loss",),
    random_case=_value_loss_random)



# ----- the predict-then-run question: the first minibatch's ratio ----------------------------------

def _first_minibatch_deviation() -> float:
    """max |r - 1| on the first minibatch of a real ppo_update (CartPole-v1, untrained agent, 8 x 32 steps)."""
    from ..agent import ActorCritic
    from ..config import PPOConfig
    from ..envs import make_vec_env
    from ..ppo import ppo_update
    from ..rollout import RolloutCollector

    config = PPOConfig.for_env("CartPole-v1", seed=0)
    torch.manual_seed(config.seed)
    envs = make_vec_env(config.env_id, config.num_envs)
    try:
        agent = ActorCritic(envs.single_observation_space, envs.single_action_space, config.hidden_sizes)
        optimizer = torch.optim.Adam(agent.parameters(), lr=config.learning_rate, eps=config.adam_eps)
        rollout, _ = RolloutCollector(envs, seed=config.seed, gamma=config.gamma).collect(agent, config.num_steps)
        stats = ppo_update(agent, optimizer, rollout, config, generator=torch.Generator().manual_seed(config.seed))
    finally:
        envs.close()
    return stats.first_minibatch_ratio_max_deviation


PREDICTION_FIRST_RATIO = Exercise(
    notebook="05_ppo_cartpole", function="my_prediction_first_ratio", checker="check_prediction_first_ratio",
    title="max |r - 1| on the first minibatch of a PPO update", signature="",
    goal="predict that the ratio is exactly 1 before the first optimizer step of an update, and why that is a bug check",
    difficulty=1, minutes=3, points=1, reference=_first_minibatch_deviation, kind="prediction", atol=1e-12,
    mistakes=(
        ("epsilon = 0.2 bounds where the clip starts to act, not where the ratio starts: before the first step "
         "theta = theta_old.", 0.2),
        ("Rounding would need two different computations. Here the same network computes the same log-probability "
         "of the same stored observation and action twice: the same bits.", 1e-7),
        ("Rounding would need two different computations. Here the same network computes the same log-probability "
         "of the same stored observation and action twice: the same bits.", 1e-6),
        ("The ratio is pi_theta / pi_old, not pi_theta itself: with theta = theta_old it is 1, so r - 1 is 0.", 1.0),
    ),
    explanation="No optimizer step has been taken since the rollout, so theta = theta_old, and the same network on the "
                "same stored numbers gives the same log-probabilities bit for bit: r = exp(0) = 1 exactly.")


# ----- the capstone: the minibatch update loop ---------------------------------------------------

def reference_update(agent, optimizer, batch, config, clip_eps, generator):
    """PPO's update on one batch, written with autograd: the teacher's answer to the capstone.

    The same algorithm as :func:`ppo_core.ppo_update` for ``objective="clip"`` (K epochs of shuffled
    minibatches, advantages normalized per minibatch, -L^CLIP + c1 L^VF - c2 S, global gradient-norm
    clipping, one Adam step per minibatch), with the hook signature of ``train(update=...)``.

    Args:
        agent: the :class:`~ppo_core.ActorCritic` that collected the batch; updated in place.
        optimizer: an optimizer over ``agent.parameters()``.
        batch: :func:`ppo_core.ppo.advantage_batch`'s dict of ``[T * N, ...]`` tensors.
        config: the :class:`~ppo_core.PPOConfig`.
        clip_eps: epsilon of this update (the trainer anneals it).
        generator: the ``torch.Generator`` of the shuffles.
    """
    batch_size = batch["advantages"].shape[0]
    for _ in range(config.num_epochs):
        order = torch.randperm(batch_size, generator=generator)
        for start in range(0, batch_size, config.minibatch_size):
            index = order[start:start + config.minibatch_size]
            log_probs, entropy, values = agent.evaluate_actions(batch["observations"][index], batch["actions"][index])
            ratio = torch.exp(log_probs - batch["log_probs"][index])  # exactly 1 on the first minibatch
            advantages = batch["advantages"][index]
            if config.norm_adv:
                advantages = normalize_advantages(advantages)
            loss = (-clipped_surrogate(ratio, advantages, clip_eps).mean()
                    + config.vf_coef * value_loss(values, batch["returns"][index]).mean()
                    - config.ent_coef * entropy.mean())
            optimizer.zero_grad()
            loss.backward()
            if config.max_grad_norm is not None:
                torch.nn.utils.clip_grad_norm_(agent.parameters(), config.max_grad_norm)
            optimizer.step()


# The probe: one fixed batch, a step size large and an epsilon small enough that ratios leave the clip
# interval within the first steps, and every optimizer step's gradient compared with what PPO's loss
# gives at the parameters and on the minibatch of that step (whatever shuffle the student used).
_PROBE = dict(num_envs=4, num_steps=32, num_epochs=3, num_minibatches=4, learning_rate=0.02, total_steps=128, eval_every=0,
              ent_coef=0.01)
_PROBE_CLIP_EPS = 0.05
_CAPSTONE_SEEDS = (0, 1, 3)  # fast seeds first: two solved runs settle the case
# Env steps per seed. With PPOConfig()'s schedule (50,000 steps) reference_update first evaluates >= 475 at 4,096 steps
# (seeds 0 and 1) and 6,144 (seed 3); seeds 2, 4, 5, 6 and 7 need 14,336, 6,144, 4,096, 8,192 and 6,144. The budget,
# 10 evaluations, leaves a correct loop that shuffles differently more than 3x the reference's steps.
CAPSTONE_BUDGET = 20_480
_CAPSTONE_NEEDED = 2  # seeds that must reach 475 within the budget
_CAPSTONE_EVAL_EVERY = 2_048  # every 8 updates of 256 steps


def _probe_batch(config):
    from ..agent import ActorCritic
    from ..envs import make_vec_env
    from ..ppo import advantage_batch
    from ..rollout import RolloutCollector

    torch.manual_seed(0)
    envs = make_vec_env(config.env_id, config.num_envs)
    try:  # one thread: the same agent and batch in the grader's sandbox (1 thread) and in its own process
        with _one_thread():
            agent = ActorCritic(envs.single_observation_space, envs.single_action_space, config.hidden_sizes)
            collector = RolloutCollector(envs, seed=0, gamma=config.gamma)
            for _ in range(3):  # a few rollouts in: episodes have ended, so the batch has both flags and varied returns
                rollout, _ = collector.collect(agent, config.num_steps)
            return agent, advantage_batch(rollout, config)
    finally:
        envs.close()


def _loss_variants(agent, batch, index, config, clip_eps):
    """{mistake or None: loss} on minibatch ``index`` at the agent's current parameters: PPO's loss (None) and known mistakes."""
    log_probs, entropy, values = agent.evaluate_actions(batch["observations"][index], batch["actions"][index])
    raw = batch["advantages"][index]
    normalized, whole = normalize_advantages(raw), normalize_advantages(batch["advantages"])[index]
    ratio = torch.exp(log_probs - batch["log_probs"][index])
    unaligned = torch.exp(log_probs - batch["log_probs"][:index.numel()])  # the first rows' old log-probs
    critic = config.vf_coef * value_loss(values, batch["returns"][index]).mean()
    bonus = config.ent_coef * entropy.mean()

    def policy(r=ratio, a=normalized, eps=clip_eps):
        return -clipped_surrogate(r, a, eps).mean()

    return {
        None: policy() + critic - bonus,
        tr("the loss increases the surrogate (a sign error): the loss is MINUS the mean clipped surrogate"):
            -policy() + critic - bonus,
        tr("the advantages are not normalized: normalize each minibatch's advantages (mean 0, std 1) before the surrogate"):
            policy(a=raw) + critic - bonus,
        tr("the advantages are normalized over the whole batch: normalize over each minibatch's own samples"):
            policy(a=whole) + critic - bonus,
        tr("the ratio is not clipped: use min(r A, clip(r, 1 - eps, 1 + eps) A)"): -(ratio * normalized).mean() + critic - bonus,
        tr("epsilon comes from config.clip_eps: use the clip_eps argument (the trainer anneals it)"):
            policy(eps=config.clip_eps) + critic - bonus,
        tr("the old log-probabilities are recomputed with the current network, so the ratio is always 1 and the clip never "
        "acts: use batch['log_probs'], stored when the actions were sampled"):
            policy(r=torch.exp(log_probs - log_probs.detach())) + critic - bonus,
        tr("the old log-probabilities are not those of the minibatch's samples: index batch['log_probs'] with the same "
        "indices as the observations"): policy(r=unaligned) + critic - bonus,
        tr("the value loss has the wrong sign: ADD vf_coef * mean((V - R)^2)"): policy() - critic - bonus,
        tr("the entropy term has the wrong sign: SUBTRACT ent_coef * mean entropy (a bonus)"): policy() + critic + bonus,
    }


def _gradients(agent, loss) -> torch.Tensor:
    grads = torch.autograd.grad(loss, list(agent.parameters()), allow_unused=True, retain_graph=True)
    return torch.cat([(torch.zeros_like(p) if g is None else g).reshape(-1) for p, g in zip(agent.parameters(), grads)])


def _close(got, want) -> bool:
    return bool(torch.linalg.vector_norm(got - want) <= 1e-3 * torch.linalg.vector_norm(want) + 1e-6)


class _Recorder:
    """Records, at every optimizer step, the parameters, the gradients and the minibatch the actor saw."""

    def __init__(self, agent, optimizer, batch):
        self.agent, self.steps, self.seen = agent, [], []
        self.rows = {tuple(row.tolist()): i for i, row in enumerate(batch["observations"])}
        self.handles = [agent.actor.register_forward_hook(self._forward), optimizer.register_step_pre_hook(self._step)]

    def _forward(self, module, inputs, output):
        if torch.is_grad_enabled():
            self.seen.append(inputs[0].detach().clone())

    def _step(self, optimizer, args, kwargs):
        params = [p.detach().clone() for p in self.agent.parameters()]
        grads = torch.cat([(torch.zeros_like(p) if p.grad is None else p.grad.detach()).reshape(-1) for p in self.agent.parameters()])
        index = None
        if self.seen:
            found = [self.rows.get(tuple(row.tolist())) for row in self.seen[-1]]
            index = None if None in found else torch.tensor(found)
        self.steps.append(dict(params=params, grads=grads.clone(), index=index))
        self.seen = []

    def remove(self):
        for handle in self.handles:
            handle.remove()


def _run_probe(fn, config, clip_eps):
    """Run ``fn`` on the probe batch; return (recorder, error message or None, parameters before, agent, batch)."""
    import traceback

    agent, batch = _probe_batch(config)
    before = [p.detach().clone() for p in agent.parameters()]
    optimizer = torch.optim.Adam(agent.parameters(), lr=config.learning_rate, eps=config.adam_eps)
    recorder = _Recorder(agent, optimizer, batch)
    given = {key: value.clone() for key, value in batch.items()}
    try:
        fn(agent, optimizer, given, config, clip_eps, torch.Generator().manual_seed(0))
    except NotImplementedError:
        raise
    except Exception as err:  # a student's function may raise anything; report it, never crash
        frame = traceback.extract_tb(err.__traceback__)[-1]
        return recorder, tr("your function raised {error}: {message} (line {line}: `{code}`)").format(
            error=type(err).__name__, message=err, line=frame.lineno, code=frame.line), before, agent, batch
    finally:
        recorder.remove()
    if any(not torch.equal(given[key], batch[key]) for key in batch):
        return recorder, tr("your function changed the batch's tensors in place: leave them as they are."), before, agent, batch
    return recorder, None, before, agent, batch


def _diagnose_steps(recorder, batch, config, clip_eps, first_only):
    """The first optimizer step whose gradient is not PPO's, and the mistake it matches."""
    from ..agent import ActorCritic

    def clipped(g):  # what clip_grad_norm_ at config.max_grad_norm makes of the gradient g
        if config.max_grad_norm is None:
            return g
        return g * min(1.0, config.max_grad_norm / (float(torch.linalg.vector_norm(g)) + 1e-6))

    agent0 = recorder.agent
    probe = ActorCritic(agent0.observation_space, agent0.action_space, config.hidden_sizes)
    steps = recorder.steps[:1] if first_only else recorder.steps
    previous = None  # the gradient recorded at the step before: without zero_grad() the next one adds to it
    for number, step in enumerate(steps, 1):
        with torch.no_grad():
            for p, value in zip(probe.parameters(), step["params"]):
                p.copy_(value)
        index = step["index"]
        if index is None:
            return tr("the observations your actor saw before this step are not rows of batch['observations'].")
        variants = _loss_variants(probe, batch, index, config, clip_eps)
        got = step["grads"]
        where = tr("optimizer step {number} (epoch {epoch}, minibatch {minibatch})").format(
            number=number, epoch=(number - 1) // config.num_minibatches + 1, minibatch=(number - 1) % config.num_minibatches + 1)
        if config.max_grad_norm is not None and torch.linalg.vector_norm(got) > config.max_grad_norm * (1 + 1e-3):
            return tr("at {where} the gradient norm is {norm}, above max_grad_norm = {max_norm}: clip it with "
                      "torch.nn.utils.clip_grad_norm_ before optimizer.step().").format(
                where=where, norm=f"{float(torch.linalg.vector_norm(got)):.4g}", max_norm=f"{config.max_grad_norm:g}")
        wanted = {name: _gradients(probe, loss) for name, loss in variants.items()}
        if _close(got, clipped(wanted[None])):
            previous = got
            continue
        if previous is not None and _close(got, clipped(previous + wanted[None])):
            return tr("at {where} the gradient is that step's plus the one before: the gradients add up across "
                      "minibatches. Call optimizer.zero_grad() before loss.backward().").format(where=where)
        match = next((name for name, g in wanted.items() if name is not None and _close(got, clipped(g))), None)
        if match:
            return tr("at {where} the gradient is what you get when {mistake}.").format(where=where, mistake=tr(match))
        right = clipped(wanted[None])
        cosine = float(got @ right / (torch.linalg.vector_norm(got) * torch.linalg.vector_norm(right) + 1e-12))
        if cosine > 0.9999:
            return tr("at {where} the gradient points the right way but has the wrong size ({got} instead of {want}): "
                      "average over the minibatch (not sum), and clip at config.max_grad_norm (not a fixed number).").format(
                where=where, got=f"{float(torch.linalg.vector_norm(got)):.4g}", want=f"{float(torch.linalg.vector_norm(right)):.4g}")
        return (tr("at {where} the gradient is not that of -L^CLIP + vf_coef L^VF - ent_coef S on that minibatch.").format(where=where)
                + (gap() + tr("Before the first step theta = theta_old: the ratio uses the current network's log-probs minus "
                            "batch['log_probs'] of the same samples.") if number == 1 else ""))
    return "ok"


# The capstone is checked in two stages, each split in two: ``observe_*`` runs the student's function and records
# what it did (tensors, numbers and strings only); ``judge_*`` turns the record into verdicts. In a notebook both run
# in the kernel; the grader runs the observers in its sandbox, next to the student's code, and the judges in its own
# process, which the student's code cannot reach. A judge given None says its cases were not run.

_NOT_RUN = N_("not run: fix the cases above first.")
_TRAINING_CASE = N_("CartPole-v1 reaches 475 within {budget} steps on >= {needed} of {seeds} seeds")


def observe_probes(fn) -> dict:
    """Run ``fn`` on the probe batch twice (no gradient clipping, then max_grad_norm = 0.05) and record every step.

    Returns ``{"raw": record, "clipped": record}``, each record a dict with ``error`` (str or None),
    ``after`` (the parameters after ``fn``), ``steps`` (per optimizer step: the parameters, the flat
    gradient and the minibatch's row indices, or None) and ``batch_sum`` (which batch was used).
    """
    observed = {}
    for name, max_norm in (("raw", 1e6), ("clipped", 0.05)):
        config = PPOConfig.for_env("CartPole-v1", **_PROBE, max_grad_norm=max_norm)
        recorder, error, _, agent, batch = _run_probe(fn, config, _PROBE_CLIP_EPS)
        observed[name] = dict(error=error, after=[p.detach().clone() for p in agent.parameters()], steps=recorder.steps,
                              batch_sum=float(batch["observations"].double().sum()))
    return observed


def judge_probes(observed) -> tuple[list, bool]:
    """The five probe cases from :func:`observe_probes`' record: ``([(case, problem or None, details)], all passed)``."""
    names = (N_("one optimizer step per minibatch, num_epochs x num_minibatches steps"),
             N_("shuffled minibatches that cover the batch in every epoch"),
             N_("first minibatch: the gradient of -L^CLIP + c1 L^VF - c2 S at theta_old"),
             N_("every step: clipped ratio, advantages normalized per minibatch, the clip_eps argument"),
             N_("gradient-norm clipping at config.max_grad_norm"))
    if observed is None:
        return [(name, tr(_NOT_RUN), "") for name in names], False
    config = PPOConfig.for_env("CartPole-v1", **_PROBE, max_grad_norm=1e6)  # 1e6: no clipping, the raw gradients
    agent, batch = _probe_batch(config)
    raw = observed["raw"]
    if abs(float(raw["batch_sum"]) - float(batch["observations"].double().sum())) > 1e-9:
        raise RuntimeError("the probe batch differs between the student's process and the checker's (a grader bug)")
    recorder = SimpleNamespace(agent=agent, steps=raw["steps"])
    expected, steps = config.num_epochs * config.num_minibatches, len(recorder.steps)
    moved = any(not torch.equal(after, before.detach()) for after, before in zip(raw["after"], agent.parameters()))
    if raw["error"]:
        problem = raw["error"]
    elif steps == 0 or not moved:
        problem = (tr("the parameters did not change: call optimizer.step() after loss.backward() for every minibatch")
                   if steps == 0 else tr("optimizer.step() was called but the parameters did not change: call loss.backward() "
                                         "before optimizer.step(), with a loss built from the agent's outputs (not detached)."))
    elif steps != expected:
        problem = tr("{steps} optimizer steps on a batch of {size} with num_epochs = {epochs} and num_minibatches = "
                     "{minibatches}: expected one step per minibatch, {expected} in all.").format(
            steps=steps, size=batch['advantages'].shape[0], epochs=config.num_epochs, minibatches=config.num_minibatches,
            expected=expected)
    else:
        problem = None
    outcomes = [(names[0], problem, "" if problem is None else "    " + tr("(probe: {epochs} epochs x {minibatches} minibatches, "
                                                                             "CartPole-v1 batch of 128)").format(
        epochs=config.num_epochs, minibatches=config.num_minibatches))]
    cover = None
    if problem is None:
        per_epoch = [recorder.steps[e * config.num_minibatches:(e + 1) * config.num_minibatches] for e in range(config.num_epochs)]
        for epoch, group in enumerate(per_epoch, 1):
            if any(s["index"] is None for s in group):
                cover = tr("the observations your actor saw are not rows of batch['observations'].")
                break
            seen = torch.cat([s["index"] for s in group])
            if any(s["index"].numel() != config.minibatch_size for s in group):
                cover = tr("epoch {epoch}: minibatches of {sizes} samples; expected {size} = batch size / num_minibatches "
                           "each (config.minibatch_size).").format(epoch=epoch, sizes=[s['index'].numel() for s in group],
                                                                  size=config.minibatch_size)
                break
            if sorted(seen.tolist()) != list(range(batch["advantages"].shape[0])):
                cover = tr("epoch {epoch}: the minibatches do not cover every sample exactly once: shuffle with torch.randperm.").format(epoch=epoch)
                break
        if cover is None and len(per_epoch) > 1 and all(torch.equal(per_epoch[0][i]["index"], per_epoch[1][i]["index"])
                                                         for i in range(config.num_minibatches)):
            cover = tr("epochs 1 and 2 used the same minibatches: draw a new permutation every epoch (with `generator`).")
    outcomes.append((names[1], tr("not run: fix the case above first.") if problem else cover, ""))
    ok = problem is None and cover is None
    first = _diagnose_steps(recorder, batch, config, _PROBE_CLIP_EPS, first_only=True) if ok else tr(_NOT_RUN)
    outcomes.append((names[2], None if first == "ok" else first, ""))
    later = _diagnose_steps(recorder, batch, config, _PROBE_CLIP_EPS, first_only=False) if first == "ok" else tr(_NOT_RUN)
    outcomes.append((names[3], None if later == "ok" else later, ""))
    # gradient-norm clipping: with a small max_grad_norm, every step's gradient norm must respect it
    clipping = tr(_NOT_RUN)
    if later == "ok":
        config = config.replace(max_grad_norm=0.05)
        clipped = observed["clipped"]
        norms = [float(torch.linalg.vector_norm(s["grads"])) for s in clipped["steps"]]
        if clipped["error"]:
            clipping = clipped["error"]
        elif not norms:
            clipping = tr("the parameters did not change: call optimizer.step() after loss.backward() for every minibatch")
        elif max(norms) > 0.05 * (1 + 1e-3):
            clipping = tr("with max_grad_norm = 0.05 the gradient norm at optimizer.step() reached {norm}: clip the "
                          "global norm with torch.nn.utils.clip_grad_norm_(agent.parameters(), config.max_grad_norm) between "
                          "loss.backward() and optimizer.step().").format(norm=f"{max(norms):.3g}")
        else:
            clipping = _diagnose_steps(SimpleNamespace(agent=agent, steps=clipped["steps"]), batch, config, _PROBE_CLIP_EPS,
                                       first_only=False)
            clipping = None if clipping == "ok" else clipping
    outcomes.append((names[4], clipping, ""))
    return outcomes, clipping is None


def _stages():
    """The capstone's (observer, judge) pairs, looked up when called (so that a test can replace one)."""
    return ((observe_probes, judge_probes), (observe_training, judge_training))


def _capstone_checks(fn, observe=None):
    """The capstone's checker: probes on a fixed batch that name a mistake, then training on CartPole-v1.

    ``observe(stage)``: how to run the observer of stage 0 (probes) or 1 (training); default: here, on ``fn``.
    """
    outcomes, go_on = [], True
    for number, (observer, judge) in enumerate(_stages()):
        observed = (observer(fn) if observe is None else observe(number)) if go_on else None
        found, go_on = judge(observed)
        outcomes += found
    return outcomes


class _Solved(Exception):
    pass


class _OutOfBudget(Exception):
    pass


def _capstone_eval_envs():
    from ..envs import make_vec_env

    return make_vec_env("CartPole-v1", 10)


def observe_training(fn, seeds=_CAPSTONE_SEEDS, budget=CAPSTONE_BUDGET, needed=_CAPSTONE_NEEDED) -> dict:
    """Train with ``fn`` as the update on a few seeds, each run stopped once the deterministic evaluation reaches 475.

    Stops as soon as ``needed`` seeds reached it, or when the remaining seeds can no longer make ``needed``.
    Returns ``{"runs": [[seed, env steps or None, the agent's parameters or None]], "error": str or None}``.
    """
    from ..trainer import evaluate, train

    runs, error = [], None
    eval_envs = _capstone_eval_envs()
    try:
        with _one_thread():  # the agent's initial weights (a QR decomposition) depend on the thread count: fix it
            for seed in seeds:
                done = sum(steps is not None for _, steps, _ in runs)
                if done >= needed or done + len(seeds) - len(runs) < needed:
                    break  # decided

                def callback(agent, row):
                    if row["env_steps"] % _CAPSTONE_EVAL_EVERY < 256 and evaluate(agent, eval_envs).mean() >= 475:
                        raise _Solved(row["env_steps"], {k: v.detach().clone() for k, v in agent.state_dict().items()})
                    if row["env_steps"] >= budget:
                        raise _OutOfBudget()

                try:  # PPOConfig()'s schedule (lr and epsilon annealed over 50,000 steps), stopped at the budget
                    train(PPOConfig.for_env("CartPole-v1", seed=seed, eval_every=0), progress=False, callback=callback, update=fn)
                    runs.append([seed, None, None])
                except _OutOfBudget:
                    runs.append([seed, None, None])
                except _Solved as stop:
                    runs.append([seed, stop.args[0], stop.args[1]])
                except Exception as err:  # a student's loop may raise anything during training
                    error = tr("training raised {error}: {message}").format(error=type(err).__name__, message=err)
                    break
    finally:
        eval_envs.close()
    return dict(runs=runs, error=error)


def judge_training(observed) -> tuple[list, bool]:
    """The training case from :func:`observe_training`'s record: each run said to reach 475 is evaluated again here."""
    from ..trainer import evaluate, make_agent

    # The grader's own terms, not the record's: a forged record could claim a larger budget or needed = 0.
    # What it cannot check is the steps a run reports, only that the agent sent back plays 475.
    budget, needed, seeds = CAPSTONE_BUDGET, _CAPSTONE_NEEDED, _CAPSTONE_SEEDS
    name = tr(_TRAINING_CASE).format(budget=f"{budget:,}", needed=needed, seeds=len(seeds))
    if not isinstance(observed, dict):
        return [(name, tr(_NOT_RUN), "")], False
    if observed.get("error"):
        return [(name, str(observed["error"]), "")], False
    eval_envs = _capstone_eval_envs()
    reached = {}
    try:
        with _one_thread():
            for run in observed.get("runs") or ():
                try:
                    seed, steps, parameters = run
                    seed, steps = int(seed), None if steps is None else int(steps)
                except Exception:  # noqa: BLE001 (not a record observe_training wrote: no credit)
                    continue
                if seed not in seeds or seed in reached:
                    continue  # only the capstone's seeds count, each once
                if steps is not None and not 0 < steps <= budget:
                    steps = None  # claimed outside the budget
                if steps is not None:  # the agent sent back must score 475 here too
                    agent = make_agent(PPOConfig.for_env("CartPole-v1"), eval_envs)  # as train() built it
                    try:
                        agent.load_state_dict(parameters)
                        steps = steps if evaluate(agent, eval_envs).mean() >= 475 else None
                    except Exception:  # not the parameters of a CartPole agent: not verified
                        steps = None
                reached[seed] = steps
    finally:
        eval_envs.close()
    details = ", ".join(tr("seed {seed}: ").format(seed=s) + (tr("475 at {steps} steps").format(steps=f"{n:,}") if n
                        else tr("not reached in {budget}").format(budget=f"{budget:,}")) for s, n in reached.items())
    solved = sum(n is not None for n in reached.values())
    problem = None if solved >= needed else tr("reached on {solved} seed(s).").format(solved=solved)
    return [(name + f" ({details})", problem, "")], problem is None


@contextlib.contextmanager
def _one_thread():
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        yield
    finally:
        torch.set_num_threads(threads)


CAPSTONE = Exercise(
    notebook="05_ppo_cartpole", function="my_update", checker="check_update",
    title="PPO's minibatch update loop (the capstone)",
    signature="fn(agent, optimizer, batch, config, clip_eps, generator) -> None, updates agent in place",
    goal="assemble PPO's update: epochs of shuffled minibatches, per-minibatch normalization, Eq. 9's loss, gradient clipping",
    difficulty=3, minutes=30, points=5, reference=_capstone_checks, kind="behaviour", behaviour_cases=6, stages=_stages,
    shortcuts=("ppo_update", "reference_update", "manual_gradients", "autograd_gradients"))


EXERCISES = (NORMALIZE_ADVANTAGES, PPO_LOSS, VALUE_LOSS, CAPSTONE, PREDICTION_FIRST_RATIO)
check_normalize_advantages = NORMALIZE_ADVANTAGES.make_checker()
check_ppo_loss = PPO_LOSS.make_checker()
check_value_loss = VALUE_LOSS.make_checker()
check_update = CAPSTONE.make_checker()
check_prediction_first_ratio = PREDICTION_FIRST_RATIO.make_checker()

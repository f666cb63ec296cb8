"""Exercises of notebook 02_policy_gradient: the softmax score, returns-to-go, and two predictions."""

from __future__ import annotations

import math

import torch

from ..advantages import discounted_cumsum
from ..tabular import TabularMDP
from ._data import column, integer, normal, random_rollout, uniform
from ._engine import Case, Exercise


def _discounted_cumsum_cases():
    x = column(1.0, 2.0, 3.0, 4.0)
    no_end = column(False, False, False, False, dtype=torch.bool)
    end_at_1 = column(False, True, False, False, dtype=torch.bool)
    end_last = column(False, False, False, True, dtype=torch.bool)
    cases = [
        Case("hand example, no episode end", dict(x=x, discount=0.5, episode_ends=no_end),
             "y_t = x_t + discount * y_{t+1}, computed backwards from the last row with y_T = 0."),
        Case("an episode ends at t = 1", dict(x=x, discount=0.5, episode_ends=end_at_1),
             "nothing after an episode end is added: y_1 = x_1, and y_0 = x_0 + discount * y_1."),
        Case("an episode ends on the last row", dict(x=x, discount=0.5, episode_ends=end_last),
             "the last row is y_{T-1} = x_{T-1} in every case."),
        Case("discount = 1: plain sums", dict(x=x, discount=1.0, episode_ends=end_at_1),
             "with discount 1 the sums are undiscounted but still restart at episode ends."),
        Case("discount = 0: y = x", dict(x=x, discount=0.0, episode_ends=no_end), "with discount 0, y_t = x_t."),
    ]
    for s in (1, 2):
        rollout = random_rollout(s)
        cases.append(Case(f"random [7, 3] data, seed {s}",
                          dict(x=rollout["rewards"], discount=0.9, episode_ends=rollout["terminated"] | rollout["truncated"]),
                          "the recursion runs over dim 0 (time) for all columns at once."))
    return cases


_CUMSUM_MISTAKES = [
    ("do not restart the sum at an episode end", lambda x, discount, episode_ends: discounted_cumsum(x, discount)),
    ("sum forwards in time (past instead of future)",
     lambda x, discount, episode_ends: discounted_cumsum(x.flip(0), discount, episode_ends.flip(0)).flip(0)),
    ("restart the sum one step late (the flag of t + 1 instead of t)",
     lambda x, discount, episode_ends: discounted_cumsum(x, discount, torch.cat([episode_ends[1:], torch.zeros_like(episode_ends[:1])]))),
    ("forget the discount", lambda x, discount, episode_ends: discounted_cumsum(x, 1.0, episode_ends)),
    ("discount the current term too (y_t = discount * (x_t + y_{t+1}))",
     lambda x, discount, episode_ends: discount * discounted_cumsum(x, discount, episode_ends)),
    ("leave out the current term (y_t = discount * y_{t+1}, the sum from t + 1 on)",
     lambda x, discount, episode_ends: discounted_cumsum(x, discount, episode_ends) - x),
]


def _softmax_score_reference(logits, actions):
    """d log softmax(logits)[a] / d logits = onehot(a) - softmax(logits), row by row."""
    return torch.nn.functional.one_hot(actions, logits.shape[-1]).to(logits.dtype) - torch.softmax(logits, -1)


def _softmax_score_cases():
    gen = torch.Generator().manual_seed(0)
    cases = [
        Case("uniform policy over 2 actions", dict(logits=torch.zeros(1, 2, dtype=torch.float64), actions=torch.tensor([0])),
             "for a softmax policy, d log pi(a) / d logit_b = 1[a = b] - pi(b)."),
        Case("hand example, 3 actions", dict(logits=torch.tensor([[1.0, 0.0, -1.0]], dtype=torch.float64), actions=torch.tensor([2])),
             "the entry of the taken action is 1 - pi(a); every other entry is -pi(b)."),
        Case("extreme logits (log of softmax would underflow)",
             dict(logits=torch.tensor([[0.0, -1000.0]], dtype=torch.float64), actions=torch.tensor([1])),
             "use torch.softmax / log_softmax, never division by a probability that underflowed to 0."),
        Case("random batch of 5 states, 4 actions", dict(logits=torch.randn(5, 4, generator=gen, dtype=torch.float64),
                                                         actions=torch.randint(0, 4, (5,), generator=gen)),
             "one row per state: the result has the shape of logits, [B, A]."),
    ]
    return cases


_SCORE_MISTAKES = [
    ("return the sign-flipped score pi - onehot(a)", lambda logits, actions: -_softmax_score_reference(logits, actions)),
    ("forget to subtract pi (return only the one-hot)", lambda logits, actions: torch.nn.functional.one_hot(actions, logits.shape[-1]).to(logits.dtype)),
    ("return the gradient of pi(a) instead of log pi(a)",
     lambda logits, actions: torch.softmax(logits, -1).gather(-1, actions[:, None]) * _softmax_score_reference(logits, actions)),
    ("take the softmax over the batch (dim 0) instead of over the actions",
     lambda logits, actions: torch.nn.functional.one_hot(actions, logits.shape[-1]).to(logits.dtype) - torch.softmax(logits, 0)),
    ("subtract log pi instead of pi",
     lambda logits, actions: torch.nn.functional.one_hot(actions, logits.shape[-1]).to(logits.dtype) - torch.log_softmax(logits, -1)),
    ("divide the gradient of pi(a) by pi(a) (0 / 0 once pi(a) underflows)",
     lambda logits, actions: (torch.softmax(logits, -1).gather(-1, actions[:, None]) * _softmax_score_reference(logits, actions))
     / torch.softmax(logits, -1).gather(-1, actions[:, None])),
]


def _score_random(gen):
    size, actions = integer(gen, 2, 6), integer(gen, 2, 5)
    return Case("", dict(logits=normal(gen, size, actions, scale=2.0), actions=torch.randint(0, actions, (size,), generator=gen)),
                "one row per state: 1[a = b] - pi(b) for every action b.")


def _cumsum_random(gen):
    x = normal(gen, integer(gen, 4, 9), integer(gen, 1, 4))
    return Case("", dict(x=x, discount=uniform(gen, 0.5, 0.99), episode_ends=torch.rand(x.shape, generator=gen) < 0.25),
                "y_t = x_t + discount * y_{t+1}, restarted after every episode end, per column.")


SOFTMAX_SCORE = Exercise(
    notebook="02_policy_gradient", function="my_softmax_score", checker="check_softmax_score",
    title="softmax_score (grad of log pi for a softmax policy)", signature="fn(logits, actions) -> [B, A], d log pi(a|s) / d logits",
    goal="the score ∇ log π(a|s) of a softmax policy, without dividing by a probability that can underflow",
    difficulty=1, minutes=5, points=2, reference=_softmax_score_reference, cases=_softmax_score_cases,
    mistakes=tuple(_SCORE_MISTAKES), shortcuts=("_softmax_score_reference", "backward", "grad"),
    random_case=_score_random)

DISCOUNTED_CUMSUM = Exercise(
    notebook="02_policy_gradient", function="my_discounted_cumsum", checker="check_discounted_cumsum",
    title="discounted_cumsum (returns-to-go)", signature="fn(x, discount, episode_ends) -> [T, ...]",
    goal="returns-to-go: a discounted sum of the future that restarts at every episode end",
    difficulty=2, minutes=10, points=3, reference=discounted_cumsum, cases=_discounted_cumsum_cases,
    mistakes=tuple(_CUMSUM_MISTAKES), shortcuts=("discounted_cumsum", "gae"),
    random_case=_cumsum_random)


# ----- predictions -------------------------------------------------------------------------------

def _notebook_mdp():
    """The MDP and the policy logits of notebook 02 (section 2), drawn with the notebook's seeds."""
    base = TabularMDP.random(num_states=6, num_actions=3, gamma=0.9, num_terminal=1, seed=0)
    rewards = base.rewards + 1.0 * (~base.terminal)[:, None]  # +1 per step alive, as in the notebook
    mdp = TabularMDP(base.transitions, rewards, base.initial, base.gamma, base.terminal)
    gen = torch.Generator().manual_seed(1)
    torch.randn(4, generator=gen, dtype=torch.float64)  # the notebook's first draw: section 1's logits
    theta = torch.randn(mdp.num_states, mdp.num_actions, generator=gen, dtype=torch.float64)
    return mdp, theta


VARIANCE_RATIO_OPTIONS = ("1", "2", "10", "100")


def _variance_ratio_answer() -> str:
    """The option nearest, on a log scale, to tr Cov(g_i) with Psi_t = G_t over tr Cov(g_i) with Psi_t = A(s_t, a_t).

    g_i = sum_t gamma^t grad log pi(a_t|s_t) Psi_t over the first episode of each of 2000 columns
    of a [40, 2000] rollout of the notebook's MDP (0.2 s on one thread).
    """
    mdp, theta = _notebook_mdp()
    num_episodes, num_steps = 2000, 40
    rollout = mdp.sample(theta, num_envs=num_episodes, num_steps=num_steps, generator=torch.Generator().manual_seed(0))
    episode_ends = rollout.terminated | rollout.truncated
    if not episode_ends.any(0).all():
        raise RuntimeError("an episode outlasted the sampling window; increase num_steps")
    rows = torch.arange(num_steps)[:, None]                                        # [T, 1]
    in_first = (rows <= episode_ends.int().argmax(0)[None, :]).double()            # [T, N] first episode of each column
    scores = torch.nn.functional.one_hot(rollout.actions, mdp.num_actions).double() - mdp.policy(theta)[rollout.states]
    columns = torch.arange(num_episodes).expand(num_steps, num_episodes)

    def trace_of_covariance(psi):  # psi: [T, N]
        weights = mdp.gamma ** rows.double() * psi * in_first
        g = torch.zeros(num_episodes, mdp.num_states, mdp.num_actions, dtype=torch.float64)
        g.index_put_((columns, rollout.states), weights[..., None] * scores, accumulate=True)
        return g.flatten(1).var(0).sum().item()

    returns_to_go = discounted_cumsum(rollout.rewards, mdp.gamma, episode_ends)
    advantages = mdp.advantages(theta)[rollout.states, rollout.actions]
    ratio = trace_of_covariance(returns_to_go) / trace_of_covariance(advantages)
    return min(VARIANCE_RATIO_OPTIONS, key=lambda option: abs(math.log(ratio / float(option))))


VARIANCE_RATIO = Exercise(
    notebook="02_policy_gradient", function="my_prediction_variance_ratio", checker="check_prediction_variance_ratio",
    title="how many times smaller the variance is with the advantage than with the return-to-go", signature="",
    goal="unbiased is not the same as equally noisy: predict how much variance the advantage removes",
    difficulty=1, minutes=3, points=1, reference=_variance_ratio_answer, kind="prediction",
    choices=VARIANCE_RATIO_OPTIONS,
    mistakes=(
        ("Both estimators have the same mean, but the same mean does not mean the same spread.", "1"),
        ("Subtracting V(s_t) alone already removes more than half of it here; the advantage also removes the noise "
         "of the future, G_t - Q(s_t, a_t).", "2"),
        ("Some noise is left: which action was sampled in each state is still random, and so is its score.", "100"),
    ),
    explanation="With G_t every action taken is pushed up by a large, mostly positive return; the advantage keeps only "
                "how much better or worse than average the action was, so one episode's estimate spreads an order of "
                "magnitude less.")


DROPPED_DISCOUNT_OPTIONS = ("shorter", "the same", "longer")


def _dropped_discount_answer() -> str:
    """How the mean of the estimator without gamma^t compares in length with grad J, computed exactly.

    Its mean is sum_s eta(s) sum_a pi A grad log pi with the undiscounted visitation eta (tabular
    softmax: eta(s) pi(b|s) A(s, b)); grad J has rho(s) in place of eta(s).
    """
    mdp, theta = _notebook_mdp()
    dropped = mdp.visitation(theta, discount=1.0)[:, None] * mdp.policy(theta) * mdp.advantages(theta)
    ratio = (dropped.norm() / mdp.policy_gradient(theta).norm()).item()
    return "longer" if ratio > 1 + 1e-9 else "shorter" if ratio < 1 - 1e-9 else "the same"


DROPPED_DISCOUNT = Exercise(
    notebook="02_policy_gradient", function="my_prediction_dropped_discount", checker="check_prediction_dropped_discount",
    title="the length of the average gradient estimate without gamma^t, compared with grad J", signature="",
    goal="dropping gamma^t (as PPO's Eq. (1) does) changes the vector being estimated",
    difficulty=1, minutes=3, points=1, reference=_dropped_discount_answer, kind="prediction",
    choices=DROPPED_DISCOUNT_OPTIONS,
    mistakes=(
        ("Dropping gamma^t replaces the weight gamma^t <= 1 of step t by 1: no weight gets smaller.", "shorter"),
        ("The expectation does change: each state is weighted by its expected number of visits eta(s) instead of "
         "its discounted visitation rho(s) <= eta(s).", "the same"),
    ),
    explanation="For the tabular softmax each component rho(s) pi(b|s) A(s, b) of grad J becomes eta(s) pi(b|s) A(s, b): "
                "the same sign, and at least as large because eta(s) >= rho(s).")


EXERCISES = (SOFTMAX_SCORE, DISCOUNTED_CUMSUM, VARIANCE_RATIO, DROPPED_DISCOUNT)
check_softmax_score = SOFTMAX_SCORE.make_checker()
check_discounted_cumsum = DISCOUNTED_CUMSUM.make_checker()
check_prediction_variance_ratio = VARIANCE_RATIO.make_checker()
check_prediction_dropped_discount = DROPPED_DISCOUNT.make_checker()

"""Exercises of notebook 01_advantage: the TD residual, GAE, and two predictions."""

from __future__ import annotations

import torch

from ..advantages import discounted_cumsum, gae, td_residuals
from ..tabular import TabularMDP
from ._data import drawn_rollout, hand_rollout, random_rollout, uniform, without
from ._engine import Case, Exercise


_TD_HINT_TERM = "a terminated step has no future: use (1 - terminated) * next_values, i.e. drop the bootstrap there."


def _td_cases():
    hand = hand_rollout()
    cases = [
        Case("hand example, no episode end (notebook 01)", {**without(hand, "truncated"), "gamma": 0.9},
             "delta_t = r_t + gamma * V(s_{t+1}) - V(s_t), with V(s_{t+1}) = next_values[t] (not values[t + 1])."),
        Case("terminated at t = 1", {**without(hand_rollout(terminated=(False, True, False)), "truncated"), "gamma": 0.9},
             _TD_HINT_TERM),
        Case("terminated on the last row", {**without(hand_rollout(terminated=(False, False, True)), "truncated"), "gamma": 0.9},
             _TD_HINT_TERM),
        Case("gamma = 0: only the reward counts", {**without(hand, "truncated"), "gamma": 0.0},
             "with gamma = 0, delta_t = r_t - V(s_t)."),
    ]
    cases += [Case(f"random [7, 3] rollout, seed {s}", {**without(random_rollout(s), "truncated"), "gamma": 0.95},
                   "compare with the formula elementwise; every tensor is [T, N], time first.") for s in (1, 2)]
    return cases


def _gae_cases():
    hand = hand_rollout()
    both = hand_rollout(terminated=(False, True, False), truncated=(False, True, False))
    cases = [
        Case("hand example, lambda = 0.5 (notebook 01)", {**hand, "gamma": 0.9, "gae_lambda": 0.5},
             "A_t = delta_t + gamma * lambda * A_{t+1}, computed backwards from the last row, starting from 0."),
        Case("lambda = 0 gives the TD residuals", {**hand, "gamma": 0.9, "gae_lambda": 0.0},
             "with lambda = 0 nothing of the future is summed: A_t = delta_t."),
        Case("lambda = 1 gives return minus V", {**hand, "gamma": 0.9, "gae_lambda": 1.0},
             "with lambda = 1 the sum is the discounted return (bootstrapped at the end) minus V(s_t)."),
        Case("terminated mid-rollout (t = 1)", {**hand_rollout(terminated=(False, True, False)), "gamma": 0.9, "gae_lambda": 0.8},
             "termination stops the bootstrap (no gamma * V(s_{t+1})) and the sum (A_t must not include A_{t+1})."),
        Case("truncated mid-rollout (t = 1)", {**hand_rollout(truncated=(False, True, False)), "gamma": 0.9, "gae_lambda": 0.8},
             "truncation keeps the bootstrap gamma * next_values[t] but stops the sum: row t + 1 is a new episode."),
        Case("terminated on the last row", {**hand_rollout(terminated=(False, False, True)), "gamma": 0.9, "gae_lambda": 0.8},
             "on the last row the sum starts at 0; a terminated last row has no bootstrap either."),
        Case("truncated and terminated on the same step", {**both, "gamma": 0.9, "gae_lambda": 0.8},
             "gymnasium can set both flags; termination wins for the bootstrap (no future value)."),
    ]
    cases += [Case(f"random [7, 3] rollout with both flags, seed {s}", {**random_rollout(s), "gamma": 0.95, "gae_lambda": 0.9},
                   "the recursion runs over dim 0 (time) for all environments at once; flags are per [t, n].")
              for s in (1, 2, 3)]
    return cases


def _gae_truncation_as_termination(rewards, values, next_values, terminated, truncated, gamma, gae_lambda):
    return gae(rewards, values, next_values, terminated | truncated, truncated, gamma, gae_lambda)


def _gae_no_reset(rewards, values, next_values, terminated, truncated, gamma, gae_lambda):
    deltas = td_residuals(rewards, values, next_values, terminated, gamma)
    return discounted_cumsum(deltas, gamma * gae_lambda)


def _gae_bootstrap_through_termination(rewards, values, next_values, terminated, truncated, gamma, gae_lambda):
    deltas = rewards + gamma * next_values - values
    return discounted_cumsum(deltas, gamma * gae_lambda, terminated | truncated)


def _gae_values_shifted(rewards, values, next_values, terminated, truncated, gamma, gae_lambda):
    shifted = torch.cat([values[1:], next_values[-1:]])  # V(s_{t+1}) taken from the next row
    return gae(rewards, values, shifted, terminated, truncated, gamma, gae_lambda)


def _gae_lambda_only(rewards, values, next_values, terminated, truncated, gamma, gae_lambda):
    deltas = td_residuals(rewards, values, next_values, terminated, gamma)
    return discounted_cumsum(deltas, gae_lambda, terminated | truncated)


def _gae_next_row_done(rewards, values, next_values, terminated, truncated, gamma, gae_lambda):
    # CleanRL stores done shifted (dones[t] = "obs t starts a new episode") and masks with dones[t + 1];
    # with flags that describe step t itself, that reads the next row's episode end (the last row keeps its own)
    shift = lambda flags: torch.cat([flags[1:], flags[-1:]])
    return gae(rewards, values, next_values, shift(terminated), shift(truncated), gamma, gae_lambda)


_GAE_MISTAKES = [
    ("treat truncation as termination (no bootstrap at a time-limit cut)", _gae_truncation_as_termination),
    ("do not restart the sum at an episode end", _gae_no_reset),
    ("bootstrap through a terminated step", _gae_bootstrap_through_termination),
    ("take V(s_{t+1}) from values[t + 1] instead of next_values[t]", _gae_values_shifted),
    ("discount the sum by lambda instead of gamma * lambda", _gae_lambda_only),
    ("read the episode-end flags of the next row (t + 1), as CleanRL's shifted `dones` are read; here terminated[t] "
     "and truncated[t] describe step t itself", _gae_next_row_done),
]

_TD_MISTAKES = [
    ("bootstrap through a terminated step", lambda rewards, values, next_values, terminated, gamma: rewards + gamma * next_values - values),
    ("take V(s_{t+1}) from values[t + 1] instead of next_values[t]",
     lambda rewards, values, next_values, terminated, gamma: td_residuals(rewards, values, torch.cat([values[1:], next_values[-1:]]), terminated, gamma)),
    ("forget the discount gamma", lambda rewards, values, next_values, terminated, gamma: td_residuals(rewards, values, next_values, terminated, 1.0)),
    ("forget to subtract V(s_t)", lambda rewards, values, next_values, terminated, gamma: td_residuals(rewards, values, next_values, terminated, gamma) + values),
    ("mask V(s_t) with (1 - terminated) as well as V(s_{t+1})",
     lambda rewards, values, next_values, terminated, gamma: td_residuals(rewards, values * (~terminated), next_values, terminated, gamma)),
    ("use the terminated flag of step t - 1 (off by one)",
     lambda rewards, values, next_values, terminated, gamma:
     td_residuals(rewards, values, next_values, torch.cat([torch.zeros_like(terminated[:1]), terminated[:-1]]), gamma)),
]


def _generator(seed):
    return torch.Generator().manual_seed(seed)


def _notebook_mdp():
    """Notebook 01's MDP, policy parameters (section 1) and critic error e (section 6): ``(mdp, theta, error)``."""
    mdp = TabularMDP.random(num_states=6, num_actions=3, gamma=0.95, num_terminal=1, reward_noise=0.5, seed=1)
    theta = torch.randn(mdp.num_states, mdp.num_actions, generator=_generator(1), dtype=torch.float64)
    error = torch.randn(mdp.num_states, generator=_generator(62), dtype=torch.float64)
    error[mdp.terminal] = 0.0
    return mdp, theta, error


def _notebook_alive_task():
    """Notebook 01's continuing task of section 4 (+1 per step, no terminal state): ``(alive, theta_alive)``."""
    base = TabularMDP.random(num_states=5, num_actions=3, gamma=0.95, num_terminal=0, seed=2)
    alive = TabularMDP(base.transitions, base.rewards + 1.0, base.initial, gamma=0.95, reward_noise=0.5)
    return alive, torch.randn(5, 3, generator=_generator(50), dtype=torch.float64)


def _truncation_as_termination_error() -> float:
    """The mean of delta_t - A(s_t, a_t) at a time-limit cut when truncation is treated as termination.

    Dropping gamma * V(s_{t+1}) from the TD target shifts its mean by -gamma * E[V(s_{t+1}) | s_t, a_t];
    under the notebook's 10-step time limit the cut meets s_t ~ mu_0 P_pi^9 (the tenth state), a_t ~ pi.
    """
    alive, theta = _notebook_alive_task()
    pi, values = alive.policy(theta), alive.state_values(theta)
    p_pi = torch.einsum("sa,sat->st", pi, alive.transitions)
    state_at_cut = alive.initial @ torch.linalg.matrix_power(p_pi, 9)
    return -(alive.gamma * state_at_cut[:, None] * pi * (alive.transitions @ values)).sum().item()


def _gae_variance_at_0_4_against_0() -> str:
    """With the wrong critic V + e, is Var[GAE(0.4)] "larger", "smaller" or "the same" as Var[GAE(0)]?

    Measured with ``gae`` on a rollout of the notebook's MDP: the variance of A_hat_t + V_hat(s_t)
    within each start pair (s, a), averaged with the weights mu_0(s) pi(a|s), as in section 6.
    """
    mdp, theta, error = _notebook_mdp()
    critic = mdp.state_values(theta) + error
    rollout = mdp.sample(theta, num_envs=2000, num_steps=40, generator=_generator(7))
    ended = rollout.terminated | rollout.truncated
    starts = torch.cat([torch.ones_like(ended[:1]), ended[:-1]])  # first rows of episodes
    starts[-20:] = False  # episodes last 3.4 steps on average: these end inside the rollout
    pair = (rollout.states * mdp.num_actions + rollout.actions)[starts]
    size = mdp.num_states * mdp.num_actions
    weights = (mdp.initial[:, None] * mdp.policy(theta)).flatten()
    count = torch.bincount(pair, minlength=size).double()

    def variance(gae_lambda):
        x = (gae(rollout.rewards, critic[rollout.states], critic[rollout.next_states], rollout.terminated,
                 rollout.truncated, mdp.gamma, gae_lambda) + critic[rollout.states])[starts]
        mean = torch.bincount(pair, weights=x, minlength=size) / count.clamp(min=1)
        within = torch.bincount(pair, weights=(x - mean[pair]) ** 2, minlength=size) / (count - 1).clamp(min=1)
        return (weights * within).sum().item()

    at_0, at_0_4 = variance(0.0), variance(0.4)
    if abs(at_0_4 - at_0) < 0.02 * at_0:
        return "the same"
    return "smaller" if at_0_4 < at_0 else "larger"


def _td_random(gen):
    return Case("", {**without(drawn_rollout(gen, truncation=False), "truncated"), "gamma": uniform(gen, 0.8, 0.99)},
                "delta_t = r_t + gamma * (1 - terminated_t) * next_values[t] - values[t], elementwise over [T, N].")


def _gae_random(gen):
    return Case("", {**drawn_rollout(gen), "gamma": uniform(gen, 0.8, 0.99), "gae_lambda": uniform(gen, 0.5, 0.97)},
                "termination stops the bootstrap; any episode end (terminated or truncated) stops the sum.")


TD_RESIDUALS = Exercise(
    notebook="01_advantage", function="my_td_residuals", checker="check_td_residuals",
    title="td_residuals (the note's td_delta)", signature="fn(rewards, values, next_values, terminated, gamma) -> [T, N]",
    goal="the one-step advantage estimate (the note's td_delta), with no bootstrap after termination",
    difficulty=1, minutes=5, points=2, reference=td_residuals, cases=_td_cases, mistakes=tuple(_TD_MISTAKES),
    shortcuts=("td_residuals", "gae", "n_step_advantages"),
    random_case=_td_random)

PREDICTION_TRUNCATION_ERROR = Exercise(
    notebook="01_advantage", function="my_prediction_truncation_error", checker="check_prediction_truncation_error",
    title="the TD residual's error at a time limit treated as termination", signature="",
    goal="predict how far off the TD residual is at a truncated step when truncation is treated as termination",
    difficulty=1, minutes=3, points=1, reference=_truncation_as_termination_error, kind="prediction", atol=1.0,
    mistakes=(
        ("Treating truncation as termination is not a small error: it drops a whole value gamma * V(s_{t+1}) from the "
         "TD target, not an amount of the size of an advantage.", 0.0),
        ("Mind the sign: the dropped term gamma * V(s_{t+1}) is positive here (V is about 10), so the residual gets smaller.", 9.3),
    ),
    explanation="The shortcut drops gamma * V(s_{t+1}) (about 0.95 * 9.8) from the TD target: an error of about -9.3, "
                "against advantages below 1.1.")

GAE = Exercise(
    notebook="01_advantage", function="my_gae", checker="check_gae",
    title="gae (generalized advantage estimation)",
    signature="fn(rewards, values, next_values, terminated, truncated, gamma, gae_lambda) -> [T, N]",
    goal="GAE(λ) by a backward recursion over [T, N] rollouts: termination stops the bootstrap, any episode end stops the sum",
    difficulty=2, minutes=15, points=4, reference=gae, cases=_gae_cases, mistakes=tuple(_GAE_MISTAKES),
    shortcuts=("gae", "discounted_cumsum", "n_step_advantages"),
    random_case=_gae_random)

PREDICTION_GAE_VARIANCE = Exercise(
    notebook="01_advantage", function="my_prediction_gae_variance", checker="check_prediction_gae_variance",
    title="the variance of GAE(0.4) against GAE(0) with a wrong critic", signature="",
    goal="predict whether the variance of GAE grows or falls with lambda when the critic is wrong",
    difficulty=1, minutes=3, points=1, reference=_gae_variance_at_0_4_against_0, kind="prediction",
    choices=("larger", "smaller", "the same"),
    mistakes=(
        ("Variance grows with lambda when the critic is exact; a wrong critic adds variance of its own at small lambda.",
         "larger"),
        ("The critic's error does not only shift the mean: gamma * e(s_{t+1}) changes with the random next state.",
         "the same"),
    ),
    explanation="At lambda = 0 the estimate carries the whole critic error gamma * e(s_{t+1}) of a random next state; "
                "raising lambda shrinks the weight of the critic's errors faster than it adds reward noise, up to lambda ≈ 0.37.")

EXERCISES = (TD_RESIDUALS, PREDICTION_TRUNCATION_ERROR, GAE, PREDICTION_GAE_VARIANCE)
check_td_residuals = TD_RESIDUALS.make_checker()
check_prediction_truncation_error = PREDICTION_TRUNCATION_ERROR.make_checker()
check_gae = GAE.make_checker()
check_prediction_gae_variance = PREDICTION_GAE_VARIANCE.make_checker()

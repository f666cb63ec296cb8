"""A small MDP whose every quantity is computed exactly: the ground truth of notebooks 01-03.

With a tabular softmax policy pi_theta(a|s) = softmax(theta[s])_a, the value function,
the action values, the advantages, the discounted state visitation and the objective J(theta)
are linear-algebra expressions (Bellman equations solved with one linear solve, no sampling).
Everything is float64 and differentiable with autograd, so a notebook can compare a sampled
estimator with the exact number it estimates, and a derived gradient with autograd's.

Notation: S states, A actions, rho(s) = sum_t gamma^t P(s_t = s) the (unnormalized) discounted
visitation, d(s) = rho(s) / sum(rho) the discounted state distribution (the note's p_theta(s)).

Notebooks: 01_advantage, 02_policy_gradient, 03_importance_sampling.
"""

from __future__ import annotations

from typing import NamedTuple

import torch

from . import _validate as check


class TabularRollout(NamedTuple):
    """A rollout of N parallel episodes for T steps, every field ``[T, N]``.

    Laid out exactly like a gymnasium vector-env rollout with same-step autoreset:
    row t describes the transition (s_t, a_t) -> s_{t+1}; when it ended an episode,
    ``next_states[t]`` is the real final state and ``states[t + 1]`` the new start state.

    Notebook: 01_advantage.
    """

    states: torch.Tensor        # int64, s_t
    actions: torch.Tensor       # int64, a_t
    rewards: torch.Tensor       # float64, r_t
    next_states: torch.Tensor   # int64, the real s_{t+1}
    terminated: torch.Tensor    # bool, s_{t+1} is terminal
    truncated: torch.Tensor     # bool, the time limit cut the episode at t
    log_probs: torch.Tensor     # float64, log pi(a_t | s_t) of the sampling policy


class TabularMDP:
    """A finite MDP with a softmax policy, solved exactly.

    Args:
        transitions: [S, A, S] P(s' | s, a); every row sums to 1.
        rewards: [S, A] expected reward r(s, a).
        initial: [S] distribution of s_0; zero on terminal states.
        gamma: discount in [0, 1).
        terminal: [S] bool, terminal states (the episode ends on entering one; V = 0 there).
            None means a continuing task.
        reward_noise: std of Gaussian noise added to sampled rewards (the exact quantities
            use the expected reward, so the noise only adds variance to estimators).

    Notebooks: 01_advantage, 02_policy_gradient, 03_importance_sampling.
    """

    def __init__(self, transitions: torch.Tensor, rewards: torch.Tensor, initial: torch.Tensor,
                 gamma: float, terminal: torch.Tensor | None = None, reward_noise: float = 0.0):
        check.tensor("transitions", transitions, ndim=3)
        check.tensor("rewards", rewards, ndim=2)
        check.tensor("initial", initial, ndim=1)
        num_states, num_actions, num_next = transitions.shape
        if num_next != num_states:
            raise ValueError(f"`transitions` must have shape [S, A, S], got {tuple(transitions.shape)}.")
        if rewards.shape != (num_states, num_actions):
            raise ValueError(f"`rewards` must have shape [S, A] = {(num_states, num_actions)}, got {tuple(rewards.shape)}.")
        if initial.shape != (num_states,):
            raise ValueError(f"`initial` must have shape [S] = ({num_states},), got {tuple(initial.shape)}.")
        transitions, rewards, initial = transitions.double(), rewards.double(), initial.double()
        if (transitions < 0).any() or not torch.allclose(transitions.sum(-1), torch.ones(num_states, num_actions, dtype=torch.float64)):
            raise ValueError("Each `transitions[s, a]` must be a probability distribution over next states (>= 0, summing to 1).")
        if (initial < 0).any() or not torch.isclose(initial.sum(), torch.tensor(1.0, dtype=torch.float64)):
            raise ValueError("`initial` must be a probability distribution over states (>= 0, summing to 1).")
        if terminal is None:
            terminal = torch.zeros(num_states, dtype=torch.bool)
        check.flags("terminal", terminal)
        if terminal.shape != (num_states,):
            raise ValueError(f"`terminal` must have shape [S] = ({num_states},), got {tuple(terminal.shape)}.")
        if (initial[terminal] > 0).any():
            raise ValueError("`initial` puts probability on a terminal state; episodes must start in a non-terminal state.")
        self.gamma = check.real("gamma", gamma, low=0.0, high=1.0, high_open=True)
        self.reward_noise = check.real("reward_noise", reward_noise, low=0.0)
        self.transitions, self.rewards, self.initial, self.terminal = transitions, rewards, initial, terminal
        self.num_states, self.num_actions = num_states, num_actions

    @classmethod
    def random(cls, num_states: int = 6, num_actions: int = 3, gamma: float = 0.9, num_terminal: int = 0,
               reward_noise: float = 0.0, seed: int = 0) -> "TabularMDP":
        """A random MDP: Dirichlet transitions, standard-normal rewards, uniform start states.

        With ``num_terminal > 0`` the last states are terminal and every transition enters
        one of them with probability at least 0.1, so episodes end.
        """
        num_states = check.positive_int("num_states", num_states)
        num_actions = check.positive_int("num_actions", num_actions)
        if isinstance(num_terminal, bool) or not isinstance(num_terminal, int) or not 0 <= num_terminal < num_states:
            raise ValueError(f"`num_terminal` must be an int in [0, num_states), got {num_terminal!r}.")
        gen = torch.Generator().manual_seed(seed)
        transitions = _dirichlet(gen, (num_states, num_actions), num_states)
        rewards = torch.randn(num_states, num_actions, generator=gen, dtype=torch.float64)
        terminal = torch.zeros(num_states, dtype=torch.bool)
        if num_terminal:
            terminal[-num_terminal:] = True
            to_end = torch.zeros(num_states, dtype=torch.float64)
            to_end[terminal] = 1.0 / num_terminal
            transitions = 0.9 * transitions + 0.1 * to_end
            rewards[terminal] = 0.0
        initial = (~terminal).double() / (~terminal).sum()
        return cls(transitions, rewards, initial, gamma, terminal, reward_noise)

    # ----- the policy -------------------------------------------------------------------------

    def _theta(self, theta: torch.Tensor) -> torch.Tensor:
        check.tensor("theta", theta, ndim=2)
        if theta.shape != (self.num_states, self.num_actions):
            raise ValueError(f"`theta` must have shape [S, A] = {(self.num_states, self.num_actions)}, got {tuple(theta.shape)}.")
        return theta.double()

    def log_policy(self, theta: torch.Tensor) -> torch.Tensor:
        """[S, A] log pi_theta(a|s) = log_softmax(theta[s]) (never log(softmax(.)), which underflows)."""
        return torch.log_softmax(self._theta(theta), dim=-1)

    def policy(self, theta: torch.Tensor) -> torch.Tensor:
        """[S, A] pi_theta(a|s)."""
        return self.log_policy(theta).exp()

    # ----- exact solutions --------------------------------------------------------------------

    def _markov_chain(self, theta):
        """P_pi [S, S] and r_pi [S] under pi_theta, with terminal states made absorbing at 0 value."""
        pi = self.policy(theta)
        live = (~self.terminal).double()
        p_pi = torch.einsum("sa,sat->st", pi, self.transitions) * live[:, None] * live[None, :]
        r_pi = (pi * self.rewards).sum(-1) * live
        return p_pi, r_pi

    def state_values(self, theta: torch.Tensor) -> torch.Tensor:
        """[S] V(s), the solution of V = r_pi + gamma * P_pi V (0 at terminal states)."""
        p_pi, r_pi = self._markov_chain(theta)
        eye = torch.eye(self.num_states, dtype=torch.float64)
        return torch.linalg.solve(eye - self.gamma * p_pi, r_pi)

    def action_values(self, theta: torch.Tensor) -> torch.Tensor:
        """[S, A] Q(s, a) = r(s, a) + gamma * sum_s' P(s'|s, a) V(s') (0 at terminal states)."""
        values = self.state_values(theta)
        live = (~self.terminal).double()[:, None]
        return (self.rewards + self.gamma * self.transitions @ values) * live

    def advantages(self, theta: torch.Tensor) -> torch.Tensor:
        """[S, A] A(s, a) = Q(s, a) - V(s); sum_a pi(a|s) A(s, a) = 0 at every state."""
        return self.action_values(theta) - self.state_values(theta)[:, None]

    def visitation(self, theta: torch.Tensor, discount: float | None = None) -> torch.Tensor:
        """[S] rho(s) = sum_t discount^t P(s_t = s): rho^T = mu_0^T (I - discount P_pi)^{-1}.

        ``discount`` defaults to gamma. ``discount=1`` gives the expected number of visits per
        episode, finite only when every policy reaches a terminal state.
        """
        discount = self.gamma if discount is None else check.discount("discount", discount)
        p_pi, _ = self._markov_chain(theta)
        eye = torch.eye(self.num_states, dtype=torch.float64)
        system = eye - discount * p_pi
        if discount == 1.0 and torch.linalg.matrix_rank(system) < self.num_states:
            raise ValueError("With discount = 1 the visitation is infinite: this policy never reaches a terminal state.")
        return torch.linalg.solve(system.T, self.initial)

    def state_distribution(self, theta: torch.Tensor) -> torch.Tensor:
        """[S] d(s) = rho(s) / sum(rho): the discounted state distribution (the note's p_theta(s))."""
        rho = self.visitation(theta)
        return rho / rho.sum()

    def objective(self, theta: torch.Tensor) -> torch.Tensor:
        """J(theta) = E[sum_t gamma^t r_t] = mu_0 . V, a 0-d tensor differentiable in ``theta``."""
        return self.initial @ self.state_values(theta)

    def policy_gradient(self, theta: torch.Tensor) -> torch.Tensor:
        """[S, A] the exact gradient of J by the policy-gradient theorem.

        grad J = sum_s rho(s) sum_a pi(a|s) A(s, a) grad log pi(a|s); for a tabular softmax,
        d log pi(a|s) / d theta[s, b] = 1[a = b] - pi(b|s), which leaves rho(s) pi(b|s) A(s, b).
        """
        with torch.no_grad():
            return self.visitation(theta)[:, None] * self.policy(theta) * self.advantages(theta)

    def surrogate(self, theta: torch.Tensor, theta_old: torch.Tensor) -> torch.Tensor:
        """TRPO's local approximation L_old(theta), a 0-d tensor differentiable in ``theta``.

        L_old(theta) = J(theta_old) + sum_s rho_old(s) sum_a pi_theta(a|s) A_old(s, a)
                     = J(theta_old) + sum(rho_old) * E_{s~d_old, a~pi_old}[r(theta) A_old(s, a)],

        the importance-sampled objective with the state distribution of theta_old kept fixed
        (the note's p_theta(s) ~ p_theta'(s)). It equals J and has J's gradient at theta_old.
        """
        theta_old = self._theta(theta_old).detach()
        with torch.no_grad():
            rho_old, adv_old, j_old = self.visitation(theta_old), self.advantages(theta_old), self.objective(theta_old)
        return j_old + (rho_old[:, None] * self.policy(theta) * adv_old).sum()

    # ----- sampling ---------------------------------------------------------------------------

    def sample(self, theta: torch.Tensor, num_envs: int, num_steps: int, max_episode_steps: int | None = None,
               generator: torch.Generator | None = None) -> TabularRollout:
        """Run N copies of the MDP under pi_theta for T steps, resetting each when its episode ends.

        Args:
            theta: [S, A] policy parameters.
            num_envs: N.
            num_steps: T.
            max_episode_steps: time limit; an episode that reaches it is truncated (as gymnasium's
                TimeLimit does, ``truncated`` is set even if the same step also terminated).
            generator: a seeded ``torch.Generator`` for reproducible samples.

        Returns:
            a :class:`TabularRollout` of ``[T, N]`` tensors.
        """
        num_envs = check.positive_int("num_envs", num_envs)
        num_steps = check.positive_int("num_steps", num_steps)
        if max_episode_steps is not None:
            max_episode_steps = check.positive_int("max_episode_steps", max_episode_steps)
        with torch.no_grad():
            log_pi = self.log_policy(theta)
        pi = log_pi.exp()
        shape = (num_steps, num_envs)
        out = {k: torch.zeros(shape, dtype=torch.int64) for k in ("states", "actions", "next_states")}
        out.update(rewards=torch.zeros(shape, dtype=torch.float64), log_probs=torch.zeros(shape, dtype=torch.float64),
                   terminated=torch.zeros(shape, dtype=torch.bool), truncated=torch.zeros(shape, dtype=torch.bool))
        state = _categorical(self.initial.expand(num_envs, -1), generator)
        elapsed = torch.zeros(num_envs, dtype=torch.int64)
        for t in range(num_steps):
            action = _categorical(pi[state], generator)
            next_state = _categorical(self.transitions[state, action], generator)
            reward = self.rewards[state, action]
            if self.reward_noise > 0:
                reward = reward + self.reward_noise * torch.randn(num_envs, generator=generator, dtype=torch.float64)
            elapsed += 1
            terminated = self.terminal[next_state]
            truncated = (elapsed >= max_episode_steps) if max_episode_steps else torch.zeros_like(terminated)
            for key, value in (("states", state), ("actions", action), ("next_states", next_state), ("rewards", reward),
                               ("log_probs", log_pi[state, action]), ("terminated", terminated), ("truncated", truncated)):
                out[key][t] = value
            ended = terminated | truncated
            state = torch.where(ended, _categorical(self.initial.expand(num_envs, -1), generator), next_state)
            elapsed = torch.where(ended, torch.zeros_like(elapsed), elapsed)
        return TabularRollout(**out)


def _categorical(probs: torch.Tensor, generator: torch.Generator | None) -> torch.Tensor:
    """One sample per row of ``probs`` [B, K] by inverting the CDF (much faster than torch.multinomial)."""
    cdf = probs.cumsum(-1)
    uniform = torch.rand(probs.shape[0], 1, generator=generator, dtype=cdf.dtype) * cdf[:, -1:]
    return (uniform >= cdf).sum(-1).clamp_(max=probs.shape[-1] - 1)


def _dirichlet(gen: torch.Generator, batch: tuple, size: int) -> torch.Tensor:
    """Dirichlet(0.5) samples drawn with an explicit generator (torch.distributions has none)."""
    # Gamma(0.5) = chi^2(1) / 2 = (standard normal)^2 / 2: only needs randn, which takes a generator.
    gamma_samples = torch.randn((*batch, size), generator=gen, dtype=torch.float64) ** 2 / 2 + 1e-12
    return gamma_samples / gamma_samples.sum(-1, keepdim=True)
